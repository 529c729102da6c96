"""Advancing occurrences through their workflows, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import workflows
from engine.db import transaction
from engine.errors import (
    Conflict,
    InvalidInput,
    MissingFields,
    NotAllowed,
    NotFound,
    TransitionNotAllowed,
)
from engine.history import verify
from engine.lookup import load_occurrence
from engine.models import Event
from engine.transition import advance
from tests.engine.helpers import fields_for, path_to_completion, snapshot, user
from tests.words import english, refused

# One Kon Tum occurrence per workflow kind.
REF_BY_WORKFLOW = {
    "directive": "kon-tum-2013:2.1",
    "support_team": "kon-tum-2013:3.1",
    "demo_model": "kon-tum-2013:4.3@2014",
    "survey": "kon-tum-2013:4.2",
    "system_build": "kon-tum-2013:5",
    "recurring_activity": "kon-tum-2013:1.3@2013",
    "generic": "kon-tum-2013:1.1",
}


def test_every_workflow_kind_has_a_kon_tum_task_to_walk() -> None:
    assert sorted(REF_BY_WORKFLOW) == sorted(workflows.names())


@pytest.mark.parametrize("kind", sorted(REF_BY_WORKFLOW))
def test_each_workflow_walks_to_a_completed_state(
    kon_tum: sessionmaker[Session], kind: str
) -> None:
    ref = REF_BY_WORKFLOW[kind]
    wf = workflows.get(kind)
    steps = path_to_completion(wf)
    with transaction(kon_tum) as s:
        for t in steps:
            advance(
                s, user(s, "lan"), ref, t.trigger, note=f"step {t.trigger}", fields=fields_for(t)
            )
    with transaction(kon_tum) as s:
        occ = load_occurrence(s, ref)
        assert wf.is_completed(occ.state)
        assert occ.phase == "completed"
        assert occ.completed_at is not None
        assert occ.version == 1 + len(steps)
        triggers = [e.trigger for e in occ.events]
        assert triggers == ["create", *[t.trigger for t in steps]]
        assert verify(s).ok


def test_issuing_a_directive_records_its_document_number_and_date(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        lan = user(s, "lan")
        for month, trigger in ((3, "consult"), (4, "appraise"), (5, "submit")):
            advance(
                s, lan, "kon-tum-2013:2.1", trigger, at=dt.datetime(2014, month, 2, tzinfo=dt.UTC)
            )
        done = advance(
            s,
            lan,
            "kon-tum-2013:2.1",
            "issue",
            fields={"document_number": "05/CT-UBND", "document_date": "2014-06-10"},
            at=dt.datetime(2014, 6, 10, 9, 0, tzinfo=dt.UTC),
        )
    assert (done.from_state, done.to_state) == ("submitted", "issued")
    with transaction(kon_tum) as s:
        last = s.scalars(select(Event).order_by(Event.id.desc()).limit(1)).one()
        assert last.fields == {"document_number": "05/CT-UBND", "document_date": "2014-06-10"}
        assert last.actor == "lan"
        assert last.at == dt.datetime(2014, 6, 10, 9, 0, tzinfo=dt.UTC)


REFUSALS = [
    # (who, ref, trigger, fields, error, words in the message)
    ("lan", "kon-tum-2013:2.1", "issue", {}, TransitionNotAllowed, "Can't issue when in drafting"),
    ("minh", "kon-tum-2013:2.1", "consult", {}, NotAllowed, "not a lead agency"),
    ("thu", "kon-tum-2013:2.1", "consult", {}, NotAllowed, "may only comment"),
    ("an", "kon-tum-2013:2.1", "consult", {}, NotAllowed, "viewers can only read"),
    (
        "lan",
        "kon-tum-2013:2.1",
        "suspend",
        {},
        MissingFields,
        "To suspend kon-tum-2013:2.1 give reason.",
    ),
    ("lan", "kon-tum-2013:9.9", "consult", {}, NotFound, "has no task '9.9'"),
    ("lan", "kon-tum-2013:1.2", "start", {}, InvalidInput, "recurs every year"),
    ("lan", "kon-tum-2013:1.2@2031", "start", {}, NotFound, "no occurrence in 2031"),
    ("lan", "nowhere-2000:1.1", "start", {}, NotFound, "No plan 'nowhere-2000'"),
    ("lan", "not a ref", "start", {}, InvalidInput, "is not a task reference"),
    ("lan", "kon-tum-2013:2.1", "consult", {"x": "a\x00b"}, InvalidInput, "control characters"),
]


@pytest.mark.parametrize(("who", "ref", "trigger", "fields", "error", "words"), REFUSALS)
def test_a_refusal_leaves_the_row_and_history_untouched(
    kon_tum: sessionmaker[Session],
    who: str,
    ref: str,
    trigger: str,
    fields: dict[str, str],
    error: type,
    words: str,
) -> None:
    before = snapshot(kon_tum, "kon-tum-2013:2.1")
    with pytest.raises(error) as caught, transaction(kon_tum) as s:
        advance(s, user(s, who), ref, trigger, fields=fields)
    assert words in english(caught.value)
    assert snapshot(kon_tum, "kon-tum-2013:2.1") == before


def test_issue_requires_document_number_and_date(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        for trigger in ("consult", "appraise", "submit"):
            advance(s, user(s, "lan"), "kon-tum-2013:2.1", trigger)
    before = snapshot(kon_tum, "kon-tum-2013:2.1")
    with pytest.raises(MissingFields) as caught, transaction(kon_tum) as s:
        advance(
            s, user(s, "lan"), "kon-tum-2013:2.1", "issue", fields={"document_number": "05/CT-UBND"}
        )
    assert caught.value.missing == ["document_date"]
    assert snapshot(kon_tum, "kon-tum-2013:2.1") == before


def test_establishing_a_support_team_requires_the_decision_number(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        for trigger in ("submit_proposal", "request_decision"):
            advance(s, user(s, "lan"), "kon-tum-2013:3.1", trigger)
    with pytest.raises(MissingFields) as caught, transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:3.1", "establish")
    assert caught.value.missing == ["decision_number"]


def test_a_stale_version_is_a_conflict_and_changes_nothing(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:2.1", "consult")
    before = snapshot(kon_tum, "kon-tum-2013:2.1")
    with pytest.raises(Conflict) as caught, transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:2.1", "appraise", expected_version=1)
    assert "version 1, now 2" in english(caught.value)
    assert snapshot(kon_tum, "kon-tum-2013:2.1") == before


def test_an_officer_of_a_lead_agency_may_advance_its_own_task(
    kon_tum: sessionmaker[Session],
) -> None:
    # Kon Tum 4.3 is led by three departments; STNMT is the second of them.
    with transaction(kon_tum) as s:
        result = advance(s, user(s, "minh"), "kon-tum-2013:4.3@2014", "select", fields={})
    assert result.to_state == "funding"


def test_a_co_operating_agency_may_comment_without_changing_state(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        result = advance(s, user(s, "thu"), "kon-tum-2013:2.1", "comment", note="Góp ý dự thảo")
    assert (result.from_state, result.to_state) == ("drafting", "drafting")
    assert result.version == 2


def test_suspension_stops_the_clock_and_resume_returns_to_the_prior_state(
    kon_tum: sessionmaker[Session],
) -> None:
    ref = "kon-tum-2013:2.1"
    with transaction(kon_tum) as s:
        lan = user(s, "lan")
        advance(s, lan, ref, "consult", at=dt.datetime(2014, 3, 3, 2, 0, tzinfo=dt.UTC))
        advance(
            s,
            lan,
            ref,
            "suspend",
            fields={"reason": "chờ hướng dẫn của Bộ"},
            at=dt.datetime(2014, 3, 10, 2, 0, tzinfo=dt.UTC),
        )
        back = advance(s, lan, ref, "resume", at=dt.datetime(2014, 3, 24, 2, 0, tzinfo=dt.UTC))
    assert back.to_state == "consulting"
    with transaction(kon_tum) as s:
        occ = load_occurrence(s, ref)
        # Ten working days (10-21 March 2014) were lost, so the due date moves
        # ten working days past 31 December 2014: 1 January is New Year and
        # 2 January 2015 was a swapped day off, so they are 5-9 and 12-16 January.
        assert occ.planned_due == dt.date(2014, 12, 31)
        assert occ.due == dt.date(2015, 1, 16)
        resume_event = occ.events[-1]
        assert resume_event.fields["due"] == "2014-12-31 -> 2015-01-16"


def test_two_sessions_racing_on_one_occurrence_let_exactly_one_win(
    kon_tum: sessionmaker[Session],
) -> None:
    import threading

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=10)
            with transaction(kon_tum) as s:
                advance(s, user(s, "lan"), "kon-tum-2013:2.1", "consult", expected_version=1)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "won"]
    with transaction(kon_tum) as s:
        occ = load_occurrence(s, "kon-tum-2013:2.1")
        assert (occ.state, occ.version) == ("consulting", 2)
        assert (
            s.scalar(select(func.count()).select_from(Event).where(Event.occurrence_id == occ.id))
            == 2
        )


def test_state_and_history_are_identical_after_reopening_the_database(
    db_url: str, kon_tum: sessionmaker[Session]
) -> None:
    from engine import db

    with transaction(kon_tum) as s:
        for trigger in ("consult", "appraise"):
            advance(s, user(s, "lan"), "kon-tum-2013:2.1", trigger, note="ghi chú tiếng Việt")
    before = snapshot(kon_tum, "kon-tum-2013:2.1")
    reopened = db.make_engine(db_url)
    try:
        assert snapshot(db.session_factory(reopened), "kon-tum-2013:2.1") == before
    finally:
        reopened.dispose()


def test_a_step_cannot_be_dated_before_the_step_recorded_before_it(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        advance(
            s,
            user(s, "lan"),
            "kon-tum-2013:2.1",
            "consult",
            at=dt.datetime(2014, 5, 1, tzinfo=dt.UTC),
        )
    before = snapshot(kon_tum, "kon-tum-2013:2.1")
    with (
        refused(InvalidInput, "before the last recorded change"),
        transaction(kon_tum) as s,
    ):
        advance(
            s,
            user(s, "lan"),
            "kon-tum-2013:2.1",
            "appraise",
            at=dt.datetime(2014, 4, 1, tzinfo=dt.UTC),
        )
    assert snapshot(kon_tum, "kon-tum-2013:2.1") == before


def test_a_time_in_the_future_is_refused(kon_tum: sessionmaker[Session]) -> None:
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    with refused(InvalidInput, "in the future"), transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:2.1", "consult", at=future)
