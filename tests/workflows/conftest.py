"""Fixtures for the workflow tests: a small valid definition to break on purpose."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml


@pytest.fixture
def small_definition() -> dict[str, Any]:
    """A valid three-state workflow: start --go--> middle --finish--> end."""
    return {
        "name": "small",
        "states": {
            "start": {"initial": True},
            "middle": {},
            "end": {"final": True, "completed": True},
        },
        "transitions": [
            {"trigger": "go", "sources": "start", "dest": "middle"},
            {"trigger": "finish", "sources": ["middle"], "dest": "end", "evidence": True},
        ],
    }


@pytest.fixture
def write_definition(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    """Write a definition dict as YAML under tmp_path and return the file."""

    def write(data: dict[str, Any]) -> Path:
        path = tmp_path / f"{data.get('name', 'unnamed')}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write
