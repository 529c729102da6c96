"""The national data set (``bench.national``): histories and seals that verify, counts in step."""

from __future__ import annotations

from sqlalchemy import select

from bench.national import PROVINCES, generate
from engine import counts, db, history
from engine.models import Agency, Event, Occurrence


def test_a_small_national_set_has_every_province_and_histories_that_verify(db_url: str) -> None:
    engine = db.make_engine(db_url)
    written = generate(engine, 600, users=50)
    assert written["provinces"] == 34 and written["occurrences"] >= 600
    assert 2.5 <= written["events"] / written["occurrences"] <= 3.5
    factory = db.session_factory(engine)
    with db.transaction(factory) as s:
        provinces = set(s.scalars(select(Agency.province)))
        assert provinces == {p[0] for p in PROVINCES}
        assert counts.stored(s) == counts.recount(s)
        # Chains, seals and files as ``dondoc audit verify`` checks them.
        assert history.verify(s).problems == []
        phases = {p for (p,) in s.execute(select(Occurrence.phase).group_by(Occurrence.phase))}
        assert phases == {"not_started", "active", "completed", "cancelled", "suspended"}
        # The ids the generator chose are behind the databases' own: a new event gets a new id.
        last = max(s.scalars(select(Event.id)))
        occ = s.scalars(select(Occurrence).limit(1)).one()
        added = Event(
            occurrence_id=occ.id,
            seq=occ.head_seq + 1,
            at=occ.state_entered_at,
            recorded_at=occ.state_entered_at,
            actor="catalog",
            trigger="comment",
            from_state=occ.state,
            to_state=occ.state,
            note="",
            fields={},
            prev_hash=occ.head_hash,
            hash="0" * 64,
        )
        s.add(added)
        s.flush()
        assert added.id > last
    engine.dispose()
