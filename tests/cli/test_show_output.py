"""What ``dondoc show`` prints, line for line, for an occurrence whose agencies were succeeded.

Pinned whole because its read path is kept light for start-up (bench/NOTES.md,
"Start-up"): what it imports may change, what it prints may not.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from tests.conftest import Run

# Kon Tum's plan, loaded today: task 1.3 of 2015 was passed to Quảng Ngãi's
# agencies on 1/7/2025 (Resolution 202/2025/QH15), which the history shows.
SUCCEEDED = [
    "kon-tum-2013:1.3@2015  Đưa vào chương trình đào tạo tại các trường dạy nghề địa phương và "
    "đào tạo từ nguồn vốn khuyến công",
    "  workflow Recurring activity   state Planned   status Overdue   version 2",
    "  window     2015-01-01 .. 2015-12-31",
    "  leads      Department of Industry and Trade",
    "  co-op      Local vocational schools",
    "  allowed:",
    "    start              -> In progress              Start",
    "    cancel             -> Cancelled                Cancel  (needs Reason)",
    "    suspend            -> Suspended                Suspend  (needs Reason)",
    "  history:",
    "    LOADED  The system (plan loading) created the task from the plan; state “Planned”",
    "        Time window: 2015-01-01 – 2015-12-31",
    "    2025-07-01 00:00  The system: passed to the successor agency",
    "        Legal basis: 202/2025/QH15",
    "        Date of the basis: 2025-06-12",
    "        Previous agencies: Kon Tum Department of Industry and Trade",
    "        Successor agencies: Quang Ngai Department of Industry and Trade",
    "    2025-07-01 00:00  The system: passed to the successor agency",
    "        Legal basis: 202/2025/QH15",
    "        Date of the basis: 2025-06-12",
    "        Previous agencies: Local vocational schools",
    "        Successor agencies: Local vocational schools",
]


def test_show_prints_a_succeeded_occurrence_line_for_line(run: Run) -> None:
    assert run("catalog", "load", "kon-tum-2013").exit_code == 0
    result = run("show", "kon-tum-2013:1.3@2015")
    assert result.exit_code == 0, result.output
    # The creation is stamped with the moment of loading: the one line that varies.
    lines = [
        re.sub(
            r"^    \d{4}-\d\d-\d\d \d\d:\d\d  The system \(plan", "    LOADED  The system (plan", x
        )
        for x in result.output.splitlines()
    ]
    assert lines == SUCCEEDED


def test_show_json_of_an_occurrence_without_requests_or_reports(run: Run) -> None:
    assert run("catalog", "load", "kon-tum-2013").exit_code == 0
    rec = json.loads(run("show", "kon-tum-2013:1.3@2015", "--json").output)
    assert (rec["extensions"], rec["reports"], rec["original_due"]) == ([], [], "2015-12-31")
    assert [h["trigger"] for h in rec["history"]] == ["create", "succeed", "succeed"]


def test_the_console_script_prints_and_exits_as_the_command_does(tmp_path: Path) -> None:
    """``python -m cli`` (``cli.main``, which freezes the collector before exiting)
    writes every byte, keeps the exit codes, and prints what CliRunner sees."""
    db = str(tmp_path / "dondoc.sqlite3")
    dondoc = [sys.executable, "-m", "cli", "--lang", "en", "--db", db]
    for args in (["init"], ["catalog", "load", "kon-tum-2013"]):
        subprocess.run([*dondoc, *args], check=True, capture_output=True)
    shown = subprocess.run([*dondoc, "show", "kon-tum-2013:1.3@2015"], capture_output=True)
    same = CliRunner().invoke(cli, ["--lang", "en", "--db", db, "show", "kon-tum-2013:1.3@2015"])
    assert (shown.returncode, shown.stderr, shown.stdout.decode()) == (0, b"", same.output)
    rows = subprocess.run([*dondoc, "tasks", "--json"], capture_output=True, check=True)
    assert len(json.loads(rows.stdout)) == 48
    missing = subprocess.run([*dondoc, "show", "kon-tum-2013:9.9"], capture_output=True, text=True)
    assert missing.returncode == 1
    assert missing.stdout == "" and missing.stderr.startswith("Error: ")
    assert len(missing.stderr.splitlines()) == 1
