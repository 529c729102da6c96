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


def _with_closed_stdout(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run dondoc with a stdout pipe whose reader has already gone."""
    proc = subprocess.Popen(
        [*DONDOC, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before dondoc has started: its first write meets a closed pipe
    _, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "", err)


def test_a_closed_pipe_does_not_undo_a_write(kon_tum_file: Path, tmp_path: Path) -> None:
    db = str(kon_tum_file)
    done = _with_closed_stdout(
        ["--db", db, "users", "add", "pipe1", "--agency", "kon-tum/sct", "--role", "officer"]
    )
    assert (done.returncode, done.stderr) == (0, "")
    listed = subprocess.run(
        [*DONDOC, "--db", db, "users", "list", "--json"], capture_output=True, text=True, check=True
    )
    assert '"pipe1"' in listed.stdout


def test_a_closed_pipe_keeps_a_failed_check_failing(tmp_path: Path) -> None:
    db = str(tmp_path / "budget.sqlite3")
    for args in (["init"], ["catalog", "load", "nghe-an-2017"]):
        subprocess.run([*DONDOC, "--db", db, *args], check=True, capture_output=True)
    done = _with_closed_stdout(["--db", db, "catalog", "check-budget", "nghe-an-2017"])
    assert done.returncode == 3
