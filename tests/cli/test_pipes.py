"""A reader that stops early (``| head -1``) ends the command quietly, with exit code 0."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DONDOC = [sys.executable, "-m", "cli"]


@pytest.fixture(scope="module")
def kon_tum_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pipes") / "dondoc.sqlite3"
    for args in (["init"], ["catalog", "load", "kon-tum-2013"]):
        subprocess.run([*DONDOC, "--db", str(path), *args], check=True, capture_output=True)
    return path


@pytest.mark.parametrize(
    "reader",
    [
        "head -1",
        # ``true`` leaves before dondoc has started, so the very first write meets a closed pipe.
        "true",
    ],
)
@pytest.mark.parametrize("listing", [["tasks", "--plan", "kon-tum-2013"], ["tasks", "--json"]])
def test_a_closed_pipe_ends_the_listing_quietly(
    kon_tum_file: Path, reader: str, listing: list[str]
) -> None:
    if shutil.which("bash") is None:
        pytest.skip("needs bash for PIPESTATUS")
    command = " ".join([*DONDOC, "--db", str(kon_tum_file), *listing])
    done = subprocess.run(
        ["bash", "-c", f"{command} | {reader}; echo status=${{PIPESTATUS[0]}} >&2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stderr.strip() == "status=0"
