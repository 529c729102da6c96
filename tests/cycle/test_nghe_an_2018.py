"""A year of follow-up on Nghệ An's Plan 314/KH-UBND, 2018, hand-counted.

15 occurrences are expected to report in each period of 2018 (window begun by
the cut-off's end, not finished before 15/12/2017): 1.1, 1.2, 1.3 and 3.1 of
2017 (still open) and of 2018, 1.4, 1.5, 2.1, 2.2, 2.3, 3.2 and 4 of 2018.
Task 5 starts in 2020. Sở Công Thương leads all of them but 1.5, led by Sở
Khoa học và Công nghệ, which never reports: it is reminded before each
deadline and escalated after it, once each. Sở Công Thương's reports come on
paper and the coordinator types them in (dated when they came). 1.4 asks for
more time and gets a shorter extension than asked.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import extensions, progress
from engine.cycle_notices import follow_up
from engine.db import transaction
from engine.escalation import sweep
from engine.history import verify
from engine.lookup import load_occurrence
from engine.models import Escalation, OutboxMessage
from tests.cycle.conftest import PLAN, at
from tests.cycle.test_engine import user

EXPECTED = sorted(
    [f"{PLAN}:{c}@{y}" for c in ("1.1", "1.2", "1.3", "3.1") for y in (2017, 2018)]
    + [f"{PLAN}:{c}" for c in ("1.4", "1.5")]
    + [f"{PLAN}:{c}@2018" for c in ("2.1", "2.2", "2.3", "3.2", "4")]
)
SILENT_AGENCY_REF = f"{PLAN}:1.5"


def report_all_but_1_5(factory: sessionmaker[Session], period: str, day: dt.date) -> None:
    with transaction(factory) as s:
        ha = user(s, "ha")
        for ref in EXPECTED:
            if ref != SILENT_AGENCY_REF:
                progress.submit(
                    s,
                    ha,
                    ref,
                    period,
                    progress.ReportInput(f"Báo cáo {period}", percent=50),
                    at=at(day),
                )


def cycle(factory: sessionmaker[Session], day: dt.date) -> list[tuple[str, str, str]]:
    with transaction(factory) as s:
        return [(r.ref, r.kind, r.scope) for r in follow_up(s, as_of=day) if r.kind != "silence"]


def test_a_year_of_reports_an_extension_and_an_agency_that_never_reports(
    nghe_an: sessionmaker[Session],
) -> None:
    with transaction(nghe_an) as s:
        _, states = progress.period_status(s, PLAN, "2018-H1", dt.date(2018, 6, 1))
        assert sorted(x.ref for x in states) == EXPECTED
    # Thursday 7/6/2018, 5 working days before the 6-month deadline (14/6): every lead is reminded.
    reminded = cycle(nghe_an, dt.date(2018, 6, 7))
    assert sorted(r for r, k, p in reminded if (k, p) == ("report_due", "2018-H1")) == EXPECTED
    # Nobody filed the 2017 annual report either: until the next deadline it is pressed too.
    assert sorted(r for r, k, p in reminded if (k, p) == ("report_late", "2017")) == [
        f"{PLAN}:{c}@2017" for c in ("1.1", "1.2", "1.3", "3.1")
    ]
    report_all_but_1_5(nghe_an, "2018-H1", dt.date(2018, 6, 11))
    assert cycle(nghe_an, dt.date(2018, 6, 12)) == []
    # After the deadline only the agency that did not report is escalated, once.
    assert cycle(nghe_an, dt.date(2018, 6, 15)) == [(SILENT_AGENCY_REF, "report_late", "2018-H1")]
    assert cycle(nghe_an, dt.date(2018, 7, 2)) == []

    # 1.4 asks to be due 30/6/2019; the coordinator grants 31/3/2019.
    with transaction(nghe_an) as s:
        extensions.request(s, user(s, "binh"), f"{PLAN}:1.4", dt.date(2019, 6, 30), "Chờ kinh phí")
        extensions.decide(
            s, user(s, "ha"), f"{PLAN}:1.4", "approve", due=dt.date(2019, 3, 31), reason="Rút ngắn"
        )

    # The annual report (Plan 314: before 15/12): 5 working days before is 10/12/2018.
    late_h1 = cycle(nghe_an, dt.date(2018, 12, 10))
    assert sorted(r for r, k, p in late_h1 if (k, p) == ("report_due", "2018")) == EXPECTED
    report_all_but_1_5(nghe_an, "2018", dt.date(2018, 12, 12))
    assert cycle(nghe_an, dt.date(2018, 12, 17)) == [(SILENT_AGENCY_REF, "report_late", "2018")]
    assert cycle(nghe_an, dt.date(2019, 1, 2)) == []

    with transaction(nghe_an) as s:
        occ = load_occurrence(s, SILENT_AGENCY_REF)
        ledger = s.execute(
            select(Escalation.kind, Escalation.scope, Escalation.target_code)
            .where(Escalation.occurrence_id == occ.id)
            .order_by(Escalation.id)
        ).all()
        assert [tuple(row) for row in ledger] == [
            ("report_due", "2018-H1", "nghe-an/skhcn"),
            ("report_late", "2018-H1", "nghe-an/skhcn"),
            ("report_due", "2018", "nghe-an/skhcn"),
            ("report_late", "2018", "nghe-an/skhcn"),
        ]
        queued = s.scalars(
            select(OutboxMessage.key).where(OutboxMessage.occurrence_id == occ.id)
        ).all()
        assert len(queued) == 4
        # Update rate of 2018: 14 of the 15 expected occurrences reported, none silent.
        assert len(progress.reported_refs(s, PLAN, "2018")) == 14
        updated = progress.updated_refs(s, PLAN, "2018", dt.date(2018, 12, 14))
        assert sorted(updated) == [r for r in EXPECTED if r != SILENT_AGENCY_REF]
        # The sweep of 3/1/2019 presses the 2018 tasks, but not 1.4: it is due 31/3/2019 now.
        overdue = {r.ref for r in sweep(s, as_of=dt.date(2019, 1, 3))}
        assert f"{PLAN}:1.1@2018" in overdue and f"{PLAN}:1.4" not in overdue
        record = extensions.due_records(s, [load_occurrence(s, f"{PLAN}:1.4")])
        assert [(r.original, r.due) for r in record.values()] == [
            (dt.date(2018, 12, 31), dt.date(2019, 3, 31))
        ]
        assert verify(s, PLAN).ok
