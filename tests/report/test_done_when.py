"""Issue 16's "Done when": a full follow-up cycle on Nghệ An 2018, ending in the Word report.

By hand, for Plan 314/KH-UBND (34 occurrences):
- Sở Công Thương reports (recorded by its coordinator on the days the
  reports came) for 2018-H1 (in June) and for 2018 (in December) on
  every occurrence it leads that owes a report; Sở KH&CN never reports on
  1.5 and is reminded before the plan's deadline (15/12) and escalated after
  it, once each however often the sweep runs.
- 3.1@2017 (overdue since 31/12/2017) is extended to 31/12/2018 at the
  department's request: from then on it is within its deadline.
- 1.1@2017 is completed late (4/3/2018), 2.1@2018 on time (1/10/2018).
On the 2018 cut-off (14/12/2018): completed on time 1, late 1, overdue
2 (1.2@2017, 1.3@2017), within the deadline 30. Completion rate 2 / (2 + 2)
= 50%. 15 occurrences owe a 2018 report (the four of 2017 still open on
15/12/2017, the eleven begun in 2018, task 5 not begun until 2020); 14 were
reported: update rate 14/15.
On the 6-month cut-off (14/6/2018): completed late 1; overdue 2; rate 1/3;
the same 15 owe a report, 14 reported.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import extensions, progress
from engine.db import transaction
from engine.models import Escalation, Occurrence
from engine.stats import Question, stats
from tests.conftest import Run
from tests.engine.helpers import user
from tests.report.docx_checks import annex_statuses, bucket_counts, check_layout
from tests.report.steps import at, complete

D = dt.date
PLAN = "nghe-an-2017"
SILENT = f"{PLAN}:1.5"  # led by Sở Khoa học và Công nghệ, which never reports


def _report_all_but_the_silent(s: Session, period: str, day: D, awareness: float) -> int:
    _, states = progress.period_status(s, PLAN, period, day)
    sent = 0
    for state in states:
        if state.ref == SILENT:
            continue
        # Recorded by the coordinator on the lead's behalf: a report dated in 2018 is a
        # back-dated entry, which only the coordinator may make (engine.authz).
        progress.submit(
            s,
            user(s, "lan"),
            state.ref,
            period,
            progress.ReportInput(
                "Đã triển khai theo kế hoạch",
                percent=50,
                figures={"awareness-2020": awareness},
                difficulties="Kinh phí bố trí chậm" if state.ref.endswith("1.1@2018") else "",
                proposals="Đề nghị UBND tỉnh bổ sung kinh phí"
                if state.ref.endswith("1.1@2018")
                else "",
            ),
            at=at(day),
        )
        sent += 1
    return sent


@pytest.fixture
def cycle(nghe_an: sessionmaker[Session]) -> sessionmaker[Session]:
    from engine.cycle_notices import follow_up

    with transaction(nghe_an) as s:
        complete(s, f"{PLAN}:1.1@2017", D(2018, 3, 4))
        extensions.request(
            s, user(s, "hoa"), f"{PLAN}:3.1@2017", D(2018, 12, 31), "Chờ Sở Nội vụ thẩm định"
        )
        extensions.decide(s, user(s, "lan"), f"{PLAN}:3.1@2017", "approve")
        assert _report_all_but_the_silent(s, "2018-H1", D(2018, 6, 5), 40) == 14
        complete(s, f"{PLAN}:2.1@2018", D(2018, 10, 1))
        assert _report_all_but_the_silent(s, "2018", D(2018, 12, 3), 55) == 14
    # The daily sweep, run on several days and twice on some: once per level.
    for day in (
        D(2018, 12, 10),
        D(2018, 12, 11),
        D(2018, 12, 11),
        D(2018, 12, 17),
        D(2018, 12, 18),
    ):
        follow_up(nghe_an, as_of=day)
    return nghe_an


def test_the_silent_agency_is_reminded_and_escalated_once(cycle: sessionmaker[Session]) -> None:
    with transaction(cycle) as s:
        rows = s.execute(
            select(Occurrence.ref, Escalation.kind, Escalation.target_code)
            .join(Occurrence, Escalation.occurrence_id == Occurrence.id)
            .where(Escalation.kind.in_(("report_due", "report_late")), Escalation.scope == "2018")
        ).all()
    assert sorted(rows) == [
        (SILENT, "report_due", "nghe-an/skhcn"),
        (SILENT, "report_late", "nghe-an/skhcn"),
    ]


@pytest.mark.parametrize(
    ("period", "hand"),
    [
        (
            "2018",
            {"completed_on_time": 1, "completed_late": 1, "overdue": 2, "within_deadline": 30},
        ),
        (
            "2018-H1",
            {"completed_on_time": 0, "completed_late": 1, "overdue": 2, "within_deadline": 31},
        ),
    ],
)
def test_rates_equal_the_hand_count(
    cycle: sessionmaker[Session], period: str, hand: dict[str, int]
) -> None:
    with transaction(cycle) as s:
        got = stats(s, Question(plan=PLAN, period=period))["total"]
    assert {k: got[k] for k in hand} == hand
    done = hand["completed_on_time"] + hand["completed_late"]
    assert got["completion_rate"] == pytest.approx(done / (done + hand["overdue"]))
    assert (got["reported"], got["expected_reports"]) == (14, 15)
    assert got["update_rate"] == pytest.approx(14 / 15)


def test_the_2018_docx_is_the_official_report_with_the_listing_counts(
    cycle: sessionmaker[Session], run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "bao-cao-2018.docx"
    made = run("--lang", "vi", "report", "periodic", "--plan", PLAN, "--period", "2018",
               "--docx", str(out))  # fmt: skip
    assert made.exit_code == 0, made.output
    doc = check_layout(out)  # motto, Times New Roman, A4, margins, "BÁO CÁO", annex…
    listed = run("tasks", "--plan", PLAN, "--as-of", "2018-12-14", "--json")
    cats = [r["status_category"] for r in json.loads(listed.stdout)]
    counts = bucket_counts(doc)
    assert counts == {
        "Hoàn thành đúng hạn": cats.count("completed-on-time"),
        "Hoàn thành quá hạn": cats.count("completed-late"),
        "Chưa hoàn thành, trong hạn": cats.count("in-progress") + cats.count("not-started"),
        "Quá hạn chưa hoàn thành": cats.count("overdue"),
        "Tổng số": len(cats),
    }
    assert len(annex_statuses(doc)) == len(cats) == 34
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Tỷ lệ hoàn thành: 50,0%" in text
    assert "Tỷ lệ cập nhật: 93,3% (14/15" in text
    assert "gia hạn đến 31/12/2018" in text and "gia hạn đến 31/12/2018" in cells
    assert "Kinh phí bố trí chậm" in text and "Đề nghị UBND tỉnh bổ sung kinh phí" in text
    # The target against what the agencies measured, and its trend.
    assert "55%" in cells and "2018-H1: 40%" in cells
    assert "Chưa báo cáo" in cells  # 1.5, in the annex
