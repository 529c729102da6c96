"""Succession in the engine: applied once, chains followed, the past and finished work untouched."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import Conflict, NotAllowed
from engine.escalation import sweep
from engine.history import verify
from engine.lookup import load_occurrence
from engine.models import Event, SuccessionApplied
from engine.succession import SuccessionBook, apply_due
from engine.succession_admin import check_succession, succeed
from engine.transition import advance
from engine.users import add_user
from engine.views import occurrence_record, task_rows
from tests.engine.helpers import user

BEFORE = dt.date(2025, 2, 1)
BETWEEN = dt.date(2025, 4, 1)
AFTER = dt.date(2025, 8, 1)


def test_a_chain_resolves_by_day(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        book = SuccessionBook(s)
        assert book.holder("kon-tum/stnmt", BEFORE) == "kon-tum/stnmt"
        assert book.holder("kon-tum/stnmt", BETWEEN) == "kon-tum/snnmt"
        assert book.holder("kon-tum/stnmt", AFTER) == "quang-ngai/snnmt"
        assert book.holder("kon-tum/ttkc", AFTER) == "quang-ngai/sct"
        assert book.holder("kon-tum/ubnd-huyen", AFTER) == "quang-ngai/ubnd-xa"
        assert {"kon-tum/stnmt", "kon-tum/snnmt", "kon-tum/snnptnt"} <= book.predecessors(
            "quang-ngai/snnmt"
        )


def test_applying_follows_the_chain_once_and_keeps_the_audit(
    kon_tum: sessionmaker[Session],
) -> None:
    ref = "kon-tum-2013:4.3@2020"
    with transaction(kon_tum) as s:
        first = apply_due(s, AFTER)
    assert first
    with transaction(kon_tum) as s:
        assert apply_due(s, AFTER) == []
        occ = load_occurrence(s, ref)
        assert occ.leads_on(BEFORE) == ["kon-tum/sct", "kon-tum/stnmt", "kon-tum/skhcn"]
        assert occ.leads_on(BETWEEN) == ["kon-tum/sct", "kon-tum/snnmt", "kon-tum/skhcn"]
        assert occ.leads_on(AFTER) == ["quang-ngai/sct", "quang-ngai/snnmt", "quang-ngai/skhcn"]
        events = s.scalars(
            select(Event).where(Event.occurrence_id == occ.id, Event.trigger == "succeed")
        ).all()
        bases = [e.fields["basis"] for e in events]
        # The departments' merger of 1/3/2025 first, then the province's of 1/7/2025.
        assert bases == sorted(bases, key=lambda b: b != "45/2025/NĐ-CP")
        assert {e.actor for e in events} == {"system"}
        moved = {(e.fields["from_agencies"], e.fields["to_agencies"]) for e in events}
        assert ("kon-tum/stnmt", "kon-tum/snnmt") in moved
        assert ("kon-tum/snnmt", "quang-ngai/snnmt") in moved
        assert task_rows(s, plan_id="kon-tum-2013", as_of=BEFORE)[0]["owner"] == "kon-tum/sct"
        assert task_rows(s, plan_id="kon-tum-2013", as_of=AFTER)[0]["owner"] == "quang-ngai/sct"
        assert occurrence_record(s, ref, AFTER)["responsible"] == "quang-ngai/sct"
        assert occurrence_record(s, ref, BEFORE)["responsible"] == "kon-tum/sct"
        assert verify(s).ok


def test_completed_work_keeps_its_agencies(kon_tum: sessionmaker[Session]) -> None:
    ref = "kon-tum-2013:1.1"
    with transaction(kon_tum) as s:
        advance(s, user(s, "lan"), ref, "cancel", note="", fields={"reason": "Không còn phù hợp"})
    with transaction(kon_tum) as s:
        apply_due(s, AFTER)
        occ = load_occurrence(s, ref)
        assert occ.leads_on(AFTER) == ["kon-tum/sct"]
        assert (
            s.scalar(
                select(func.count())
                .select_from(SuccessionApplied)
                .where(SuccessionApplied.occurrence_id == occ.id)
            )
            == 0
        )


def test_a_dissolved_agency_acts_no_more_and_its_successor_does(
    kon_tum: sessionmaker[Session],
) -> None:
    ref = "kon-tum-2013:4.3@2020"
    with transaction(kon_tum) as s:
        apply_due(s, AFTER)
        add_user(s, "nga", "quang-ngai/snnmt", "officer")
    with transaction(kon_tum) as s, pytest.raises(NotAllowed) as refused:
        advance(s, user(s, "minh"), ref, "select", fields={"facility": "X"})
    assert refused.value.code == "not_allowed.agency_ended"
    with transaction(kon_tum) as s:
        done = advance(s, user(s, "nga"), ref, "select", fields={"facility": "X"})
    assert done.to_state == "funding"


def test_a_sweep_after_the_merger_presses_quang_ngai(kon_tum: sessionmaker[Session]) -> None:
    result = sweep(kon_tum, as_of=AFTER)
    targets = {r.target for r in result.records}
    assert "quang-ngai/ubnd" in targets
    assert not any(t.startswith("kon-tum/") for t in targets)


def test_a_succession_that_closes_a_cycle_is_refused(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s, pytest.raises(Conflict) as refused:
        check_succession(
            s,
            ended=["quang-ngai/snnmt"],
            successors=["kon-tum/stnmt"],
            on=dt.date(2024, 1, 1),
            basis="X",
        )
    assert refused.value.code in ("succession_cycle", "succession_outside_life")


def test_a_split_gives_each_open_task_to_the_owner_its_rule_names(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        spec = check_succession(
            s,
            ended=["kon-tum/skhcn"],
            successors=["kon-tum/stp", "kon-tum/sct"],
            on=dt.date(2024, 1, 1),
            basis="1/2024/TEST",
            split_default="kon-tum/stp",
        )
        plan = succeed(s, spec, today=dt.date(2024, 2, 1))
        moved = {m.ref: m.new for m in plan.moves}
        assert moved["kon-tum-2013:4.3@2020"][:3] == ["kon-tum/sct", "kon-tum/stnmt", "kon-tum/stp"]
        assert verify(s).ok


def test_the_worklist_of_quang_ngai_holds_kon_tums_plan_after_the_merger(
    kon_tum: sessionmaker[Session],
) -> None:
    from engine.worklist import Filters, worklist

    with transaction(kon_tum) as s:
        apply_due(s, AFTER)
    with transaction(kon_tum) as s:
        before = worklist(s, Filters(province="quang-ngai"), as_of=BEFORE)
        after = worklist(s, Filters(province="quang-ngai"), as_of=AFTER)
        still = worklist(s, Filters(province="kon-tum"), as_of=AFTER)
    assert before["rows"] == []
    assert {r["plan"] for r in after["rows"]} == {"kon-tum-2013"}
    assert len(still["rows"]) == len(after["rows"])
    # A succession is bookkeeping, not the last step somebody took.
    assert all((r.get("last_change") or {}).get("trigger") != "succeed" for r in after["rows"])
