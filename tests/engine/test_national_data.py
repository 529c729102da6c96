"""The national data set (``bench.national``): reproducible, histories that verify, counts in step."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bench.national import PROVINCES, generate
from engine import counts, db
from engine.history import _check_chain
from engine.models import Agency, Occurrence


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
        occs = s.scalars(select(Occurrence).options(selectinload(Occurrence.events))).all()
        assert [o.ref for o in occs if _check_chain(o, list(o.events))] == []
        phases = {p for (p,) in s.execute(select(Occurrence.phase).group_by(Occurrence.phase))}
        assert phases == {"not_started", "active", "completed", "cancelled", "suspended"}
    engine.dispose()
