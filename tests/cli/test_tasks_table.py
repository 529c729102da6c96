"""``dondoc tasks`` as a table: a long listing is printed a part at a time, the same rows
in the same order as ``--json``, every column lined up across the parts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session, sessionmaker

import cli.tasks
from cli.output import TASK_COLUMNS
from tests.conftest import Run


def _refs(table: str) -> list[str]:
    return [line.split()[0] for line in table.splitlines()[2:-1]]


def test_a_long_table_prints_a_part_at_a_time_with_every_row_in_order(
    kon_tum: sessionmaker[Session], run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = [
        r["ref"] for r in json.loads(run("tasks", "--plan", "kon-tum-2013", "--json").output)
    ]
    assert len(expected) > 30
    whole = run("tasks", "--plan", "kon-tum-2013")
    assert whole.exit_code == 0, whole.output
    assert _refs(whole.output) == expected

    monkeypatch.setattr(cli.tasks, "TABLE_PART", 7)  # parts of 7 rows, as of 1,000 at scale
    parted = run("tasks", "--plan", "kon-tum-2013")
    assert parted.exit_code == 0, parted.output
    lines = parted.output.splitlines()
    assert _refs(parted.output) == expected
    # One heading and its rule, then every row, then the count.
    assert lines[0].startswith("REF") and set(lines[1].replace(" ", "")) == {"-"}
    assert sum(1 for line in lines if line.startswith("REF")) == 1
    assert lines[-1] == f"{len(expected)} occurrences."
    # Columns line up across the parts: at their full widths, each row's state starts
    # where the heading's does, after the reference's and the title's whole columns.
    state_at = lines[0].index("STATE")
    ref_width, title_width = (n for _, _, n in TASK_COLUMNS[:2])
    assert state_at == ref_width + 2 + title_width + 2
    for line in lines[2:-1]:
        assert line[state_at - 1] == " " and line[state_at] != " ", line


def test_an_unknown_plan_is_one_sentence_whichever_way_the_table_is_printed(
    kon_tum: sessionmaker[Session], run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli.tasks, "TABLE_PART", 7)
    refused = run("tasks", "--plan", "kon-tum-2031")
    assert refused.exit_code != 0
    assert "kon-tum-2013" in refused.output and "Traceback" not in refused.output


@pytest.mark.parametrize("how", [(), ("--json",), ("--limit", "5"), ("--status", "overdue")])
def test_an_unknown_agency_is_one_sentence_not_an_empty_table(
    kon_tum: sessionmaker[Session], run: Run, how: tuple[str, ...]
) -> None:
    refused = run("tasks", "--agency", "kon-tum/nowhere", *how)
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "'kon-tum/nowhere'" in refused.stderr
    # The same agency spelt right lists its tasks.
    held = run("tasks", "--agency", "kon-tum/stnmt", *how)
    assert held.exit_code == 0 and "kon-tum-2013:" in held.stdout


def test_an_agency_that_ended_lists_nothing_and_says_who_holds_its_work(
    kon_tum: sessionmaker[Session], run: Run
) -> None:
    """Kon Tum's Department of Industry and Trade passed its work to Quảng Ngãi's in 2025."""
    swept = run("escalate", "--as-of", "2026-03-02")  # the sweep applies the succession
    assert swept.exit_code == 0, swept.output
    ended = run("tasks", "--agency", "kon-tum/sct", "--as-of", "2026-03-02")
    assert ended.exit_code == 0, ended.output
    lines = ended.stdout.splitlines()
    assert lines[-2] == "0 occurrences."
    assert lines[-1] == (
        "On 2026-03-02 the work of Kon Tum Department of Industry and Trade is held by "
        "Quang Ngai Department of Industry and Trade; see: dondoc tasks --agency quang-ngai/sct"
    )
    held = run("tasks", "--agency", "quang-ngai/sct", "--as-of", "2026-03-02")
    assert held.exit_code == 0 and "kon-tum-2013:" in held.stdout
    # Before the merger it held its own work; scripts read --json, an empty array.
    before = run("tasks", "--agency", "kon-tum/sct", "--as-of", "2015-03-16")
    assert "kon-tum-2013:" in before.stdout and "quang-ngai" not in before.stdout
    assert (
        run("tasks", "--agency", "kon-tum/sct", "--json", "--as-of", "2026-03-02").stdout == "[]\n"
    )
