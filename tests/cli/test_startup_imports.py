"""What short commands import: heavy modules stay off the paths that do not need them.

The CPU those imports cost is measured in bench/ (bench/startup.py); these
tests pin which modules are imported, so that a module-level import added
somewhere deep does not quietly bring them back.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def imported(code: str, tmp_path: Path, *modules: str) -> dict[str, bool]:
    """Which of ``modules`` a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport sys\nprint(','.join(str(m in sys.modules) for m in {modules!r}))"
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return dict(zip(modules, (v == "True" for v in out.stdout.strip().split(",")), strict=True))


def test_help_imports_neither_sqlalchemy_nor_yaml(tmp_path: Path) -> None:
    found = imported("import cli", tmp_path, "sqlalchemy", "yaml", "engine.models")
    assert found == {"sqlalchemy": False, "yaml": False, "engine.models": False}


def test_show_imports_the_cycle_modules_only_for_an_occurrence_that_has_rows(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from cli import cli

    url = f"sqlite:///{tmp_path / 'dondoc.sqlite3'}"
    for args in (["init"], ["catalog", "load", "kon-tum-2013"]):
        assert CliRunner().invoke(cli, ["--db", url, *args]).exit_code == 0
    show = (
        "import io, sys, cli\n"
        "sys.stdout = io.StringIO()\n"
        f"cli.cli.main(args=['--db', {url!r}, 'show', 'kon-tum-2013:1.3@2015'],"
        " standalone_mode=False)\n"
        "sys.stdout = sys.__stdout__"
    )
    found = imported(show, tmp_path, "engine.views", "engine.extensions", "engine.progress")
    assert found == {"engine.views": True, "engine.extensions": False, "engine.progress": False}


def test_the_models_load_no_postgresql_dialect(tmp_path: Path) -> None:
    found = imported("import engine.models", tmp_path, "sqlalchemy.dialects.postgresql")
    assert found == {"sqlalchemy.dialects.postgresql": False}


def test_cached_workflow_definitions_are_read_without_yaml(tmp_path: Path) -> None:
    first = imported("import workflows; workflows.names()", tmp_path, "yaml")
    again = imported("import workflows; workflows.get('directive')", tmp_path, "yaml")
    assert first == {"yaml": True}
    assert again == {"yaml": False}
    assert list((tmp_path / "cache" / "dondoc" / "workflows").glob("definitions-*.json"))


@pytest.mark.parametrize("url", ["sqlite://", "postgresql+psycopg://"])
def test_the_pending_extension_index_is_partial_when_made_from_the_models(url: str) -> None:
    from engine.models import Base

    statements: list[Any] = []
    mock = sa.create_mock_engine(url, lambda sql, *_a, **_k: statements.append(sql))
    Base.metadata.create_all(mock, checkfirst=False)
    pending = [
        str(s.compile(dialect=mock.dialect))
        for s in statements
        if "uq_extension_requests_pending" in str(s.compile(dialect=mock.dialect))
    ]
    assert pending == [
        "CREATE UNIQUE INDEX uq_extension_requests_pending ON extension_requests "
        "(occurrence_id) WHERE status = 'pending'"
    ]
