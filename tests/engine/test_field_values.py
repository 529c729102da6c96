"""The engine checks what a step's fields say, and counts work done on the document's day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import InvalidInput, MissingFields
from engine.lookup import load_occurrence
from engine.transition import advance
from engine.views import occurrence_record
from engine.workdays import VIETNAM_TZ
from tests.engine.helpers import user
from tests.words import vietnamese

REF = "kon-tum-2013:2.2"  # a directive due 31/12/2015, led by kon-tum/sct


def _to_submitted(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        lan = user(s, "lan")
        for trigger in ("consult", "appraise", "submit"):
            advance(s, lan, REF, trigger)


def _issue(factory: sessionmaker[Session], **fields: str) -> None:
    with transaction(factory) as s:
        advance(s, user(s, "lan"), REF, "issue", fields=fields)


def test_a_directive_issued_on_time_counts_on_time_though_recorded_years_later(
    kon_tum: sessionmaker[Session],
) -> None:
    _to_submitted(kon_tum)
    _issue(kon_tum, document_number="12/CT-UBND", document_date="10/06/2015")
    with transaction(kon_tum) as s:
        occ = load_occurrence(s, REF)
        assert occ.completed_on == dt.date(2015, 6, 10)
        # The moment it was recorded is kept too.
        assert occ.completed_at is not None and occ.completed_at.year >= 2026
        record = occurrence_record(s, REF)
    assert record["status_category"] == "completed-on-time"
    assert record["completed_on"] == "2015-06-10"
    # Stored as the day it is, whichever way it was written.
    assert record["history"][-1]["fields"]["document_date"] == "2015-06-10"


def test_without_a_document_date_the_day_recorded_counts(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        lan = user(s, "lan")
        # 1.2 (a yearly activity) completes with evidence and no date of its own.
        ref = "kon-tum-2013:1.2@2014"
        advance(s, lan, ref, "start", at=dt.datetime(2014, 3, 1, 9, tzinfo=VIETNAM_TZ))
        at = dt.datetime(2015, 1, 5, 9, tzinfo=VIETNAM_TZ)
        advance(s, lan, ref, "complete", fields={"evidence_figure": "35 học viên"}, at=at)
        assert load_occurrence(s, ref).completed_on == dt.date(2015, 1, 5)
        assert occurrence_record(s, ref)["status_category"] == "completed-late"


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        (
            {"document_number": "12/CT-UBND", "document_date": "31/02/2014"},
            "field_not_a_day",
            "'31/02/2014' không phải là một ngày có thật",
        ),
        (
            {"document_number": "12/CT-UBND", "document_date": "hôm-qua"},
            "field_not_a_day",
            "«Ngày ban hành»",
        ),
        (
            {"document_number": "12/CT-UBND", "document_date": "2999-01-01"},
            "field_day_in_future",
            "01/01/2999, sau hôm nay",
        ),
        (
            {"document_number": "12/CT-UBND", "document_date": "01/01/2013"},
            "field_day_before_plan",
            "trước ngày kế hoạch được ban hành (24/10/2013)",
        ),
        (
            {"document_number": "chưa có số", "document_date": "10/06/2015"},
            "field_not_a_document_number",
            "«Số văn bản»",
        ),
    ],
)
def test_a_value_that_is_not_of_its_kind_is_refused_and_nothing_changes(
    kon_tum: sessionmaker[Session], fields: dict[str, str], code: str, words: str
) -> None:
    _to_submitted(kon_tum)
    with pytest.raises(InvalidInput) as refused:
        _issue(kon_tum, **fields)
    assert refused.value.code == code
    assert words in vietnamese(refused.value)
    with transaction(kon_tum) as s:
        assert load_occurrence(s, REF).state == "submitted"


def test_blank_answers_are_no_answers(kon_tum: sessionmaker[Session]) -> None:
    _to_submitted(kon_tum)
    with pytest.raises(MissingFields) as refused:
        _issue(kon_tum, document_number="   ", document_date="10/06/2015")
    assert refused.value.fields == ["document_number"]
    with transaction(kon_tum) as s, pytest.raises(InvalidInput) as empty:
        advance(s, user(s, "lan"), REF, "comment", note="   \n  ")
    assert empty.value.code == "comment_empty"


def test_a_link_must_be_a_web_address_and_a_figure_a_number(
    kon_tum: sessionmaker[Session],
) -> None:
    ref = "kon-tum-2013:1.2@2014"
    with transaction(kon_tum) as s:
        advance(s, user(s, "lan"), ref, "start")
    for fields, code in (
        ({"evidence_link": "javascript:alert(1)"}, "field_not_a_link"),
        ({"evidence_figure": "nhiều"}, "field_not_a_figure"),
    ):
        with transaction(kon_tum) as s, pytest.raises(InvalidInput) as refused:
            advance(s, user(s, "lan"), ref, "complete", fields=fields)
        assert refused.value.code == code


def test_a_step_cannot_be_dated_before_the_plan(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s, pytest.raises(InvalidInput) as refused:
        at = dt.datetime(2013, 1, 2, tzinfo=VIETNAM_TZ)
        advance(s, user(s, "lan"), REF, "consult", at=at)
    assert refused.value.code == "step_before_plan"
    assert "trước ngày kế hoạch được ban hành (24/10/2013)" in vietnamese(refused.value)


def test_a_document_cannot_be_dated_after_the_day_its_step_is_recorded(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        for day, trigger in ((3, "consult"), (4, "appraise"), (5, "submit")):
            at = dt.datetime(2015, 5, day, tzinfo=VIETNAM_TZ)
            advance(s, user(s, "lan"), REF, trigger, at=at)
    with transaction(kon_tum) as s, pytest.raises(InvalidInput) as refused:
        advance(
            s,
            user(s, "lan"),
            REF,
            "issue",
            fields={"document_number": "12/CT-UBND", "document_date": "2015-06-10"},
            at=dt.datetime(2015, 6, 1, tzinfo=VIETNAM_TZ),
        )
    assert refused.value.code == "field_day_after_step"


def test_the_migration_fills_the_completion_day_from_history(
    kon_tum: sessionmaker[Session],
) -> None:
    """Rows completed before revision 0005 get the day their document names."""
    from alembic import command

    from engine import db

    _to_submitted(kon_tum)
    _issue(kon_tum, document_number="12/CT-UBND", document_date="2015-06-10")
    engine = kon_tum.kw["bind"]
    config = db._alembic_config(engine)
    command.downgrade(config, "0002")
    command.upgrade(config, "head")
    with transaction(kon_tum) as s:
        assert load_occurrence(s, REF).completed_on == dt.date(2015, 6, 10)
        assert occurrence_record(s, REF)["status_category"] == "completed-on-time"
