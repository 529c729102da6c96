"""The measured operations. Each runs in a fresh child process (see ``worker``)
so that peak memory and import state of one measurement never leak into the next.
"""

from __future__ import annotations

import datetime as dt
import importlib
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bench import data
from engine import db
from engine.models import OPEN_PHASES, Event, Occurrence, User, utcnow


def _sweep_fn() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("engine.escalation")
    except ImportError:
        return None
    return getattr(module, "sweep", None)


def sweep_kind() -> str:
    return "engine.escalation.sweep" if _sweep_fn() is not None else "indexed overdue query"


# ------------------------------------------------------------------ sweep


def overdue_query(session: Session, as_of: dt.date) -> int:
    """What the sweep must find: open occurrences past due, through ix_occurrences_phase_due."""
    ids = session.scalars(
        select(Occurrence.id).where(Occurrence.phase.in_(OPEN_PHASES), Occurrence.due < as_of)
    ).all()
    return len(ids)


def real_sweep(session: Session, as_of: dt.date) -> int:
    """The sweep as it runs, writing ledger rows and outbox messages (rolled back after)."""
    sweep = _sweep_fn()
    assert sweep is not None
    return len(sweep(session, as_of=as_of))


def dry_sweep(session: Session, as_of: dt.date) -> int:
    """The sweep's dry run: finds and plans every escalation, writes nothing."""
    sweep = _sweep_fn()
    assert sweep is not None
    return len(sweep(session, as_of=as_of, dry_run=True))


def naive_sweep(session: Session, as_of: dt.date) -> int:
    """The obvious implementation: every row as an ORM object with its own Machine."""
    from transitions import Machine

    import workflows
    from engine.models import Task

    found = 0
    defs: dict[int, Any] = {}
    for occ in session.scalars(select(Occurrence)):
        wf = defs.get(occ.task_id)
        if wf is None:
            wf = defs[occ.task_id] = workflows.get(session.get(Task, occ.task_id).workflow)
        machine = Machine(
            model=occ,
            states=list(wf.states),
            initial=occ.state,
            auto_transitions=False,
        )
        for t in wf.transitions:
            if t.dest != workflows.PRIOR_STATE:
                machine.add_transition(t.trigger, list(t.sources), t.dest)
        state = occ.state
        if (
            not wf.is_completed(state)
            and state not in (workflows.SUSPENDED, workflows.CANCELLED)
            and occ.due < as_of
        ):
            found += 1
    return found


SWEEPS: dict[str, Callable[[Session, dt.date], int]] = {
    "query": overdue_query,
    "real": real_sweep,
    "dry": dry_sweep,
    "rerun": real_sweep,
    "naive": naive_sweep,
}


def sweep_case(
    url: str, which: str, as_of: str, repeats: int, memory: bool, proposal: bool = False
) -> dict[str, Any]:
    if proposal:
        from bench.proposals import patch_sweep

        patch_sweep()
    engine = db.make_engine(url)
    factory = db.session_factory(engine)
    day = dt.date.fromisoformat(as_of)
    fn = SWEEPS[which]
    if memory:
        # One cold-process run, traced: the peak of Python allocations during the sweep.
        tracemalloc.start()
        with factory() as s:
            found = fn(s, day)
            s.rollback()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        engine.dispose()
        return {"found": found, "peak_bytes": peak}
    times: list[float] = []
    cpu: list[float] = []
    found = -1
    if which == "rerun":
        # The hourly steady state: the ledger already holds every level reached,
        # so the sweep finds its candidates and records nothing. The first
        # (writing) sweep runs untimed in the same transaction, rolled back after.
        with factory() as s:
            first = real_sweep(s, day)
            s.flush()
            for _ in range(repeats):
                start, cpu0 = time.perf_counter(), time.process_time()
                found = real_sweep(s, day)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - cpu0)
            s.rollback()
        engine.dispose()
        return {
            "found": found,
            "first": first,
            "times": times,
            "median": statistics.median(times),
            "cpu": statistics.median(cpu),
        }
    for _ in range(repeats):
        with factory() as s:
            start, cpu0 = time.perf_counter(), time.process_time()
            found = fn(s, day)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu0)
            s.rollback()
    engine.dispose()
    return {
        "found": found,
        "times": times,
        "cpu_times": cpu,
        "median": statistics.median(times),
        "cpu": statistics.median(cpu),
    }


# ------------------------------------------------------------------ advances


def advance_case(
    url: str, mode: str, first_id: int, n: int, proposal: bool = False
) -> dict[str, Any]:
    """``n`` starts of occurrences ``first_id``..: one transaction each, one batch of
    ``advance`` calls, or one ``advance_many`` call ("many")."""
    if proposal:
        from bench.proposals import patch_lookup

        patch_lookup()
    from engine.transition import advance

    engine = db.make_engine(url)
    factory = db.session_factory(engine)
    refs = [data.ref_of(i) for i in range(first_id, first_id + n)]
    with factory() as s:
        user = s.scalar(select(User).where(User.name == data.COORDINATOR))
        s.expunge_all()
    assert user is not None
    # Warm caches (workflow definitions, machines, compiled statements) outside the clock.
    with db.transaction(factory) as s:
        s.add(user)
        advance(s, user, data.ref_of(first_id + n), "start")
    start, cpu0 = time.perf_counter(), time.process_time()
    if mode == "each":
        for ref in refs:
            with db.transaction(factory) as s:
                s.add(user)
                advance(s, user, ref, "start")
    elif mode == "many":
        from engine.transition import advance_many

        with db.transaction(factory) as s:
            s.add(user)
            advance_many(s, user, [(ref, "start") for ref in refs])
    else:
        with db.transaction(factory) as s:
            s.add(user)
            for ref in refs:
                advance(s, user, ref, "start")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    engine.dispose()
    return {"n": n, "seconds": elapsed, "per_second": n / elapsed, "cpu_per_second": n / cpu}


def floor_case(url: str, mode: str, first_id: int, n: int) -> dict[str, Any]:
    """The same event rows and version-checked updates as plain Core statements."""
    from engine.history import GENESIS, event_hash

    engine = db.make_engine(url)
    events = Event.__table__
    occs = Occurrence.__table__
    upd = (
        update(occs)
        .where(occs.c.id == bindparam("oid"), occs.c.version == bindparam("old_version"))
        .values(
            state="in_progress",
            phase="active",
            version=bindparam("new_version"),
            head_hash=bindparam("new_hash"),
            head_seq=1,
            state_entered_at=bindparam("at"),
        )
    )
    ids = list(range(first_id, first_id + n))
    # Warm the connection pool and statement cache outside the clock.
    with engine.begin() as conn:
        conn.execute(select(occs.c.id).where(occs.c.id == first_id + n))

    def rows(oid: int) -> tuple[dict[str, Any], dict[str, Any]]:
        now = utcnow()
        digest = event_hash(
            ref=data.ref_of(oid),
            seq=1,
            at=now,
            actor=data.COORDINATOR,
            trigger="start",
            from_state="not_started",
            to_state="in_progress",
            note="",
            fields={},
            prev_hash=GENESIS,
        )
        ev = {
            "occurrence_id": oid,
            "seq": 1,
            "at": now,
            "recorded_at": now,
            "actor": data.COORDINATOR,
            "trigger": "start",
            "from_state": "not_started",
            "to_state": "in_progress",
            "note": "",
            "fields": {},
            "prev_hash": GENESIS,
            "hash": digest,
        }
        up = {"oid": oid, "old_version": 1, "new_version": 2, "new_hash": digest, "at": now}
        return ev, up

    start, cpu0 = time.perf_counter(), time.process_time()
    if mode == "each":
        for oid in ids:
            ev, up = rows(oid)
            with engine.begin() as conn:
                conn.execute(events.insert(), [ev])
                conn.execute(upd, [up])
    else:
        built = [rows(oid) for oid in ids]
        with engine.begin() as conn:
            conn.execute(events.insert(), [e for e, _ in built])
            conn.execute(upd, [u for _, u in built])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    engine.dispose()
    return {"n": n, "seconds": elapsed, "per_second": n / elapsed, "cpu_per_second": n / cpu}


# ------------------------------------------------------------------ digest


def digest_case(url: str, as_of: str, mode: str = "book") -> dict[str, Any]:
    """Render every plan's and every agency's digest, if ``engine.digest`` exists."""
    try:
        digest = importlib.import_module("engine.digest")
    except ImportError:
        return {"missing": "engine.digest does not exist yet"}
    from bench.digest_adapter import render_all

    engine = db.make_engine(url)
    factory = db.session_factory(engine)
    start, cpu0 = time.perf_counter(), time.process_time()
    with factory() as s:
        if mode == "book" and not hasattr(digest, "DigestBook"):
            return {"missing": "engine.digest has no DigestBook"}
        count = render_all(digest, s, dt.date.fromisoformat(as_of), mode=mode)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    engine.dispose()
    return {"digests": count, "seconds": elapsed, "cpu": cpu}


CASES: dict[str, Callable[..., dict[str, Any]]] = {
    "sweep": sweep_case,
    "advance": advance_case,
    "floor": floor_case,
    "digest": digest_case,
}
