"""Finding tasks by their words (engine.search): the same cases on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.search import fold, search, terms
from engine.transition import advance
from tests.engine.helpers import user

# (search, the Kon Tum refs it must find, refs it must not find)
CASES = [
    ("chi thi", {"kon-tum-2013:2.1"}, {"kon-tum-2013:2.2"}),
    ("Chỉ thị", {"kon-tum-2013:2.1"}, {"kon-tum-2013:2.2"}),
    ("CHI THI SXSH", {"kon-tum-2013:2.1"}, set()),
    ("dao tao can bo", {"kon-tum-2013:1.4@2013"}, {"kon-tum-2013:2.1"}),
    ("đào tạo", {"kon-tum-2013:1.4@2013"}, set()),
    ("ban hanh chi thi nonexistentword", set(), {"kon-tum-2013:2.1"}),
]


def _found(factory: sessionmaker[Session], query: str) -> set[str]:
    with transaction(factory, reads=True) as s:
        return {occ.ref for occ in search(s, query)}


def test_words_are_folded_without_accents_and_d_with_stroke_is_d() -> None:
    assert fold("Chỉ thị Đôn đốc") == "chi thi don doc"
    assert terms("12/CT-UBND  chỉ") == [["12", "ct", "ubnd"], ["chỉ"]]
    assert terms("  ") == [] and terms("--") == []


@pytest.mark.parametrize(("query", "wanted", "unwanted"), CASES)
def test_a_search_finds_the_tasks_by_their_words_whatever_the_accents(
    kon_tum: sessionmaker[Session], query: str, wanted: set[str], unwanted: set[str]
) -> None:
    found = _found(kon_tum, query)
    assert wanted <= found
    assert not unwanted & found
    if not wanted:
        assert found == set()


def test_a_document_number_and_a_note_are_found_as_soon_as_the_step_is_written(
    kon_tum: sessionmaker[Session],
) -> None:
    ref = "kon-tum-2013:2.1"
    assert _found(kon_tum, "12/CT-UBND") == set()
    with transaction(kon_tum) as s:
        lan = user(s, "lan")
        for trigger in ("consult", "appraise", "submit"):
            advance(s, lan, ref, trigger)
        advance(
            s,
            lan,
            ref,
            "issue",
            note="Đã gửi các Sở để triển khai",
            fields={"document_number": "12/CT-UBND", "document_date": "2014-03-10"},
        )
        # Inside the same transaction, before it commits.
        assert {o.ref for o in search(s, "12/CT-UBND")} == {ref}
    assert _found(kon_tum, "12/CT-UBND") == {ref}
    assert _found(kon_tum, "ct-ubnd 12") == {ref}
    assert _found(kon_tum, "gui cac so de trien khai") == {ref}
    # The words in another order are not the document number.
    assert _found(kon_tum, "UBND/CT-12") == set()


def test_a_step_rolled_back_leaves_nothing_to_find(kon_tum: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:1.1", "comment", note="ghi chú bí mật xyzzy")
        raise RuntimeError("rolled back")
    assert _found(kon_tum, "xyzzy") == set()
