"""Advancing many occurrences in one transaction: the same checks as ``advance``, all or nothing."""

from __future__ import annotations

import pytest
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
from engine.transition import AdvanceItem, advance, advance_many
from tests.engine.helpers import fields_for, path_to_completion, snapshot, user
from tests.words import english

DIRECTIVE = "kon-tum-2013:2.1"
GENERIC = "kon-tum-2013:1.1"
YEARLY = ("kon-tum-2013:1.3@2013", "kon-tum-2013:1.3@2014")
DEMO = "kon-tum-2013:4.3@2014"  # led by several agencies, kon-tum/stnmt among them
TOUCHED = (DIRECTIVE, GENERIC, DEMO, *YEARLY)
# Valid steps each actor may take, put in front of the refused item.
VALID: dict[str, list[AdvanceItem | tuple[str, str]]] = {
    "lan": [(DIRECTIVE, "consult"), *[(ref, "start") for ref in YEARLY]],
    "minh": [(DEMO, "select")],
}


def _walk(ref: str, kind: str) -> list[AdvanceItem]:
    return [
        AdvanceItem(ref, t.trigger, note=f"step {t.trigger}", fields=fields_for(t))
        for t in path_to_completion(workflows.get(kind))
    ]


def test_a_batch_walks_several_occurrences_and_their_history_verifies(
    kon_tum: sessionmaker[Session],
) -> None:
    items: list[AdvanceItem | tuple[str, str]] = [
        *_walk(DIRECTIVE, "directive"),
        *_walk(GENERIC, "generic"),
        *[(ref, "start") for ref in YEARLY],
    ]
    with transaction(kon_tum) as s:
        done = advance_many(s, user(s, "lan"), items)
    assert [(d.ref, d.trigger) for d in done] == [
        (i.ref, i.trigger) if isinstance(i, AdvanceItem) else i for i in items
    ]
    with transaction(kon_tum) as s:
        for ref, kind in ((DIRECTIVE, "directive"), (GENERIC, "generic")):
            occ = load_occurrence(s, ref)
            assert workflows.get(kind).is_completed(occ.state)
            assert occ.phase == "completed"
            assert occ.version == 1 + len(path_to_completion(workflows.get(kind)))
        for ref in YEARLY:
            occ = load_occurrence(s, ref)
            assert (occ.state, occ.phase, occ.version) == ("in_progress", "active", 2)
        assert verify(s).ok
    # The result of the last step of an occurrence names its version after the flush.
    assert done[-1].version == 2
    assert done[-1].event.to_state == "in_progress"


def test_a_batch_may_step_the_same_occurrence_several_times(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        done = advance_many(
            s,
            user(s, "lan"),
            [
                (DIRECTIVE, "consult"),
                AdvanceItem(DIRECTIVE, "appraise", expected_version=2),
                (DIRECTIVE, "submit"),
            ],
        )
    assert [(d.from_state, d.to_state, d.version) for d in done] == [
        ("drafting", "consulting", 2),
        ("consulting", "appraisal", 3),
        ("appraisal", "submitted", 4),
    ]
    with transaction(kon_tum) as s:
        assert verify(s).ok


# (actor, refused item, error, words): each is the last of a batch whose earlier items are valid.
REFUSED = [
    ("lan", (GENERIC, "finish"), TransitionNotAllowed, "finish"),
    ("lan", ("kon-tum-2013:9.9", "start"), NotFound, "has no task '9.9'"),
    ("lan", ("kon-tum-2013:1.3", "start"), InvalidInput, "recurs every year"),
    ("lan", ("kon-tum-2013:1.3@2031", "start"), NotFound, "no occurrence in 2031"),
    ("lan", ("not a ref", "start"), InvalidInput, "is not a task reference"),
    ("lan", AdvanceItem(DIRECTIVE, "issue"), TransitionNotAllowed, "issue"),
    ("lan", AdvanceItem(GENERIC, "start", expected_version=7), Conflict, "version 7"),
    ("lan", AdvanceItem(GENERIC, "start", note="a\x00b"), InvalidInput, "control characters"),
    ("minh", (DIRECTIVE, "consult"), NotAllowed, "not a lead agency"),
]


@pytest.mark.parametrize(("who", "refused", "error", "words"), REFUSED)
def test_a_refused_item_leaves_every_occurrence_of_the_batch_untouched(
    kon_tum: sessionmaker[Session],
    who: str,
    refused: AdvanceItem | tuple[str, str],
    error: type,
    words: str,
) -> None:
    before = {ref: snapshot(kon_tum, ref) for ref in TOUCHED}
    with pytest.raises(error) as caught, transaction(kon_tum) as s:
        advance_many(s, user(s, who), [*VALID[who], refused])
    assert words in english(caught.value)
    assert {ref: snapshot(kon_tum, ref) for ref in TOUCHED} == before


def test_a_missing_field_in_a_batch_is_refused_as_advance_refuses_it(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        for trigger in ("consult", "appraise", "submit"):
            advance(s, user(s, "lan"), DIRECTIVE, trigger)
    before = snapshot(kon_tum, DIRECTIVE)
    issue = AdvanceItem(DIRECTIVE, "issue", fields={"document_number": "05/CT-UBND"})
    with pytest.raises(MissingFields) as alone, transaction(kon_tum) as s:
        advance(s, user(s, "lan"), issue.ref, issue.trigger, fields=issue.fields)
    with pytest.raises(MissingFields) as batched, transaction(kon_tum) as s:
        advance_many(s, user(s, "lan"), [(GENERIC, "start"), issue])
    assert english(batched.value) == english(alone.value)
    assert batched.value.missing == ["document_date"]
    assert snapshot(kon_tum, DIRECTIVE) == before


@pytest.mark.parametrize(
    "ref", ["kon-tum-2013:9.9", "kon-tum-2013:1.3", "kon-tum-2013:1.3@2031", "nowhere-2000:1.1"]
)
def test_a_reference_is_refused_in_a_batch_with_the_words_advance_uses(
    kon_tum: sessionmaker[Session], ref: str
) -> None:
    with pytest.raises((NotFound, InvalidInput)) as alone, transaction(kon_tum) as s:
        advance(s, user(s, "lan"), ref, "start")
    with pytest.raises(type(alone.value)) as batched, transaction(kon_tum) as s:
        advance_many(s, user(s, "lan"), [(GENERIC, "start"), (ref, "start")])
    assert english(batched.value) == english(alone.value)


def test_an_empty_batch_does_nothing(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        assert advance_many(s, user(s, "lan"), []) == []
