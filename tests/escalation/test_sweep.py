"""The overdue sweep on Kon Tum with nothing advanced: levels, days, idempotency and catch-up."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import ladder
from engine.db import transaction
from engine.escalation import sweep
from engine.lookup import load_occurrence
from engine.models import Escalation, Occurrence, OutboxMessage
from engine.transition import advance
from engine.views import occurrence_record, task_rows
from engine.workdays import default_calendar
from tests.engine.helpers import user
from tests.escalation.helpers import (
    DUE_END_2014,
    OVERDUE_ON_2015_03_16,
    PLAN,
    at,
    counts,
    worded,
)

DAY = dt.date(2015, 3, 16)


def test_kon_tum_has_thirteen_overdue_occurrences_on_16_march_2015(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        rows = task_rows(s, plan_id=PLAN, status_filter="overdue", as_of=DAY)
    assert sorted(r["ref"] for r in rows) == OVERDUE_ON_2015_03_16


def test_escalate_takes_each_overdue_occurrence_to_level_three_once(
    kon_tum: sessionmaker[Session],
) -> None:
    created = sweep(kon_tum, as_of=DAY)
    assert sorted((r.ref, r.level) for r in created) == sorted(
        (ref, level) for ref in OVERDUE_ON_2015_03_16 for level in (1, 2, 3)
    )
    assert {r.kind for r in created} == {"overdue"}
    assert all(r.caught_up for r in created)
    # One message per occurrence naming level 3, not three stale ones each.
    assert counts(kon_tum) == (39, 13)
    assert list(sweep(kon_tum, as_of=DAY)) == []
    assert list(sweep(kon_tum, as_of=DAY + dt.timedelta(days=7))) == []
    assert counts(kon_tum) == (39, 13)


def test_targets_follow_the_ladder_owner_then_responsible_then_ubnd(
    kon_tum: sessionmaker[Session],
) -> None:
    by_key = {(r.ref, r.level): r for r in sweep(kon_tum, as_of=DAY)}
    # 1.2 is led by the support team: SCT (responsible) is pressed at level 2.
    assert by_key[(f"{PLAN}:1.2@2014", 1)].target == "kon-tum/to-ho-tro"
    assert by_key[(f"{PLAN}:1.2@2014", 1)].cc == ("kon-tum/to-chuc-khcn",)
    assert by_key[(f"{PLAN}:1.2@2014", 2)].target == "kon-tum/sct"
    assert by_key[(f"{PLAN}:1.2@2014", 3)].target == "kon-tum/ubnd"
    # 2.1 is led by SCT itself, so level 2 goes to its parent, the UBND.
    assert by_key[(f"{PLAN}:2.1", 1)].target == "kon-tum/sct"
    assert by_key[(f"{PLAN}:2.1", 1)].cc == ("kon-tum/cac-so-nganh",)
    assert by_key[(f"{PLAN}:2.1", 2)].target == "kon-tum/ubnd"


def test_a_caught_up_sweep_sends_one_message_naming_the_highest_level(
    kon_tum: sessionmaker[Session],
) -> None:
    sweep(kon_tum, as_of=DAY)
    with transaction(kon_tum) as s:
        msgs = s.scalars(select(OutboxMessage).order_by(OutboxMessage.key)).all()
        rows = s.scalars(select(Escalation).where(Escalation.level == 1)).all()
    message = next(m for m in msgs if m.key == f"esc:{PLAN}:2.1:overdue:3")
    assert message.kind == "escalation"
    assert message.channel == "file"
    assert message.agency_code == "kon-tum/ubnd"
    body = worded(message).text
    assert "các cấp 1, 2 cũng đã được ghi nhận" in body
    assert "Nhiệm vụ: 2.1 — " in body
    assert "31/12/2014" in body
    # The ledger row keeps why, as facts: recorded late because no sweep ran that day.
    assert all(json.loads(r.reason)["caught_up"] for r in rows)
    assert {m.key.rsplit(":", 1)[1] for m in msgs} == {"3"}


def test_sweeping_day_by_day_raises_each_level_on_its_working_day(
    kon_tum: sessionmaker[Session],
) -> None:
    cal = default_calendar()
    expected = ladder.level_dates(cal, dt.date(2014, 12, 31))
    # 1 January is New Year, Friday 2 January 2015 a swapped day off.
    assert expected == {1: dt.date(2015, 1, 5), 2: dt.date(2015, 1, 16), 3: dt.date(2015, 1, 30)}
    sweep(kon_tum, as_of=dt.date(2014, 12, 31))  # the 2013 occurrences catch up first
    seen: dict[tuple[str, int], dt.date] = {}
    day = dt.date(2015, 1, 1)
    while day <= dt.date(2015, 2, 10):
        for r in sweep(kon_tum, as_of=day):
            assert (r.ref, r.level) not in seen
            seen[(r.ref, r.level)] = day
            assert not r.caught_up
        day += dt.timedelta(days=1)
    assert seen == {(ref, level): expected[level] for ref in DUE_END_2014 for level in (1, 2, 3)}
    with transaction(kon_tum) as s:
        keys = set(s.scalars(select(OutboxMessage.key)))
    for ref in DUE_END_2014:
        assert {f"esc:{ref}:overdue:{level}" for level in (1, 2, 3)} <= keys
    assert counts(kon_tum) == (39, 5 + 3 * len(DUE_END_2014))


def test_a_dry_run_reports_the_escalations_and_writes_nothing(
    kon_tum: sessionmaker[Session],
) -> None:
    planned = sweep(kon_tum, as_of=DAY, dry_run=True)
    assert len(planned) == 39
    assert counts(kon_tum) == (0, 0)
    assert sweep(kon_tum, as_of=DAY) == planned


def test_a_suspended_occurrence_is_not_escalated(kon_tum: sessionmaker[Session]) -> None:
    ref = f"{PLAN}:2.1"
    with transaction(kon_tum) as s:
        advance(
            s,
            user(s, "lan"),
            ref,
            "suspend",
            fields={"reason": "chờ hướng dẫn của Bộ"},
            at=at(dt.date(2014, 12, 15)),
        )
    refs = {r.ref for r in sweep(kon_tum, as_of=DAY)}
    assert ref not in refs
    assert len(refs) == 12


def test_after_resuming_the_ladder_counts_from_the_new_due_day_across_tet(
    kon_tum: sessionmaker[Session],
) -> None:
    ref = f"{PLAN}:2.1"
    with transaction(kon_tum) as s:
        lan = user(s, "lan")
        advance(s, lan, ref, "suspend", fields={"reason": "chờ"}, at=at(dt.date(2014, 12, 15)))
        advance(s, lan, ref, "resume", at=at(dt.date(2015, 1, 15)))
    cal = default_calendar()
    with transaction(kon_tum) as s:
        new_due = load_occurrence(s, ref).due
    # 22 working days lost (15 December to 14 January, Saturday 27 December
    # being worked in exchange for 2 January) push the due day to 3 February.
    assert new_due == ladder.shift_due(
        cal, dt.date(2014, 12, 31), dt.date(2014, 12, 15), dt.date(2015, 1, 15)
    )
    assert new_due == dt.date(2015, 2, 3)
    expected = ladder.level_dates(cal, new_due)
    # Tết 2015 (15-23 February off, Saturday 14 February worked) holds level 2
    # back to 24 February and level 3 to 10 March.
    assert expected == {1: dt.date(2015, 2, 4), 2: dt.date(2015, 2, 24), 3: dt.date(2015, 3, 10)}
    seen: dict[int, dt.date] = {}
    day = dt.date(2015, 1, 15)
    while day <= dt.date(2015, 3, 12):
        for r in sweep(kon_tum, as_of=day):
            if r.ref == ref:
                seen[r.level] = day
        day += dt.timedelta(days=1)
    assert seen == expected


def test_a_state_time_limit_escalates_to_the_owner_once_per_visit(
    kon_tum: sessionmaker[Session],
) -> None:
    ref = f"{PLAN}:2.2"
    with transaction(kon_tum) as s:
        advance(s, user(s, "lan"), ref, "consult", at=at(dt.date(2014, 3, 3)))
    # 30 days of consultation end on 2 April 2014; the first working day after is 3 April.
    assert [r for r in sweep(kon_tum, as_of=dt.date(2014, 4, 2)) if r.ref == ref] == []
    hits = [r for r in sweep(kon_tum, as_of=dt.date(2014, 4, 3)) if r.ref == ref]
    assert [(r.kind, r.level, r.target, r.scope) for r in hits] == [
        ("state_limit", 1, "kon-tum/sct", "consulting@2014-03-03")
    ]
    assert list(sweep(kon_tum, as_of=dt.date(2014, 4, 10))) == []
    with transaction(kon_tum) as s:
        rec = occurrence_record(s, ref, as_of=dt.date(2014, 4, 10))
        occ_id = s.scalar(select(Occurrence.id).where(Occurrence.ref == ref))
        keys = set(
            s.scalars(select(OutboxMessage.key).where(OutboxMessage.occurrence_id == occ_id))
        )
    assert [(e["kind"], e["level"], e["target"]) for e in rec["escalations"]] == [
        ("state_limit", 1, "kon-tum/sct")
    ]
    assert keys == {f"esc:{ref}:state_limit:consulting@2014-03-03:1"}


def test_show_lists_the_escalations_of_an_occurrence(kon_tum: sessionmaker[Session]) -> None:
    sweep(kon_tum, as_of=DAY)
    with transaction(kon_tum) as s:
        rec = occurrence_record(s, f"{PLAN}:3.1", as_of=DAY)
    assert [(e["kind"], e["level"], e["at"]) for e in rec["escalations"]] == [
        ("overdue", 1, "2015-03-16"),
        ("overdue", 2, "2015-03-16"),
        ("overdue", 3, "2015-03-16"),
    ]
    assert rec["escalations"][2]["target"] == "kon-tum/ubnd"


def test_english_messages_say_the_same_facts(kon_tum: sessionmaker[Session]) -> None:
    sweep(kon_tum, as_of=DAY, lang="en")
    with transaction(kon_tum) as s:
        msg = s.scalar(
            select(OutboxMessage).where(OutboxMessage.key == f"esc:{PLAN}:3.1:overdue:3")
        )
    assert msg is not None and msg.lang == "en"
    body = worded(msg).text
    assert "level(s) 1, 2 also recorded" in body
    assert "while dondoc was not running" in body
