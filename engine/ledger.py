"""The escalation ledger's write path: insert a row once under its unique key, read what is recorded.

Shared by the overdue sweep, the reminders and the outbox, so that "happens
once" is decided in one place: ``INSERT ... ON CONFLICT DO NOTHING RETURNING``
against the table's unique constraint.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import CursorResult, Insert, TextClause, select, text
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.id_sets import id_pages
from engine.models import Escalation

SessionSource = Session | sessionmaker[Session]

# Built once per (dialect, table): constructing ``insert(table).values(**row)``
# per row made SQLAlchemy coerce every value and compute a fresh cache key,
# about 1.8 ms a row in bench/README.md; the row now travels as parameters.
_STATEMENTS: dict[tuple[str, str, bool], Insert] = {}


def _insert_statement(dialect: str, model: type[Any], returning: bool = True) -> Insert:
    key = (dialect, model.__tablename__, returning)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        else:  # pragma: no cover - dondoc supports the two engines above
            raise NotImplementedError(f"insert_once does not know the {dialect} dialect")
        table = model.__table__
        stmt = insert(table).on_conflict_do_nothing()
        if returning:
            stmt = stmt.returning(table.c.id)
        _STATEMENTS[key] = stmt
    return stmt


def insert_once(session: Session, model: type[Any], values: dict[str, Any]) -> int | None:
    """Insert a row unless a unique constraint already holds it; the new id, or None.

    ``ON CONFLICT DO NOTHING`` rather than a savepoint: on PostgreSQL the
    losing writer waits for the winner's commit and then skips quietly, on
    SQLite writers already queue (``BEGIN IMMEDIATE``). Neither aborts the
    surrounding transaction.
    """
    stmt = _insert_statement(session.get_bind().dialect.name, model)
    row = session.execute(stmt, values).first()
    return None if row is None else int(row[0])


def insert_many_once(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]], key: Sequence[str]
) -> set[tuple[Any, ...]]:
    """Insert rows unless a unique constraint already holds them; the ``key`` columns of those inserted.

    One ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` per page of rows
    (SQLAlchemy's insertmanyvalues) instead of one statement a row: the
    unique constraint still decides, row by row, who wins, so a concurrent
    sweep that inserted a level first makes it absent from the answer here.
    ``key`` should name the unique constraint's columns: returned rows come
    back in no particular order and are matched by them.
    """
    if not rows:
        return set()
    if _recordset_fits(session, model, rows):
        result = _recordset_insert(session, model, rows, tuple(key))
        return {tuple(r) for r in result}
    # The cached statement returns the id first; the key columns follow it.
    stmt = _insert_statement(session.get_bind().dialect.name, model)
    stmt = stmt.returning(*(model.__table__.c[name] for name in key))
    result = session.connection().execute(stmt, list(rows))
    return {tuple(r)[1:] for r in result}


def insert_many_quietly(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """``insert_many_once`` for callers that need no answer: no ``RETURNING``.

    The driver's own ``executemany`` then runs the loop instead of SQLAlchemy
    building multi-row statements and matching the rows they return. The
    sweep's outbox rows go in this way: its ledger rows already decided which
    notices are new, and a key queued before is still skipped.
    """
    if not rows:
        return
    if _recordset_fits(session, model, rows):
        _recordset_insert(session, model, rows, ())
        return
    stmt = _insert_statement(session.get_bind().dialect.name, model, returning=False)
    session.connection().execute(stmt, list(rows))


def _recordset_fits(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> bool:
    """Rows naming every column that has a Python-side default, on a dialect below.

    The text statement applies no defaults: a row that leaves one out goes
    the ordinary way, where SQLAlchemy fills it in.
    """
    if session.get_bind().dialect.name not in _ROW_SOURCES:
        return False
    given = rows[0].keys()
    return all(
        c.name in given for c in model.__table__.c if c.default is not None and not c.primary_key
    )


# Each row of the JSON array is the list of its values, in the statement's column order.
# jsonb on PostgreSQL: parsed once; ``->>`` on a ``json`` value parses the element's text
# again for every column (outbox rows of 16 columns and 1 KB of facts: 1.0 s of the
# server's time for a first sweep's 10,000 notices, 0.35 s as jsonb).
_ROW_SOURCES = {
    "postgresql": ("CAST(v->>{i} AS {type})", "jsonb_array_elements(CAST(:rows AS jsonb)) AS r(v)"),
    # WHERE true: SQLite's parser needs it between INSERT ... SELECT and ON CONFLICT.
    "sqlite": ("value->>{i}", "json_each(:rows) WHERE true"),
}
# (dialect, table, columns, returning) -> the statement's text: built once.
_RECORDSET: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], TextClause] = {}


def _last_value_kept(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``process``, reusing its last answer for the same object (a round's one timestamp)."""
    last: list[Any] = [_NOTHING, None]

    def run(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]

    return run


_NOTHING = object()


def _plain_insert(table: Any, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING'


def _cast_type(name: str) -> str:
    # A CAST to VARCHAR(n) would cut a longer value silently; the INSERT itself refuses it.
    return "TEXT" if name.startswith("VARCHAR") else name


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):  # dates and (naive UTC, after binding) timestamps
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value the recordset carries")


def _recordset_insert(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]], returning: tuple[str, ...]
) -> CursorResult[Any]:
    """All ``rows`` in one ``INSERT ... SELECT`` from a JSON array parameter.

    One parameter whatever the number of rows, written by the C encoder: a
    multi-row ``VALUES`` of 1,000 rows has 10,000 placeholders, which
    psycopg rewrites with a Python regex on every page (it caches only
    statements of at most 50 parameters), and SQLAlchemy builds and
    processes a parameter dictionary per row on both databases (about 1 s of
    a first sweep's CPU at national scale, bench/NOTES.md). Each value goes
    through its column type's own bind processing first, and the database
    reads exactly those values back out of the JSON (in array order), so
    what is stored is the same; ``ON CONFLICT DO NOTHING`` decides row by row.
    """
    table = model.__table__
    dialect = session.get_bind().dialect
    columns = tuple(rows[0])
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in columns]
    pairs = [
        (c, None if p is None else _last_value_kept(p))
        for c, p in zip(columns, processors, strict=True)
    ]
    values = [[row[c] if p is None else p(row[c]) for c, p in pairs] for row in rows]
    if dialect.name == "sqlite" and not returning:
        # In-process SQLite would parse each row's JSON once per column: the
        # driver's own executemany of the processed values costs less.
        plain = [tuple(v) for v in values]
        return session.connection().exec_driver_sql(_plain_insert(table, columns), plain)
    key = (dialect.name, table.name, columns, returning)
    stmt = _RECORDSET.get(key)
    if stmt is None:
        quote = dialect.identifier_preparer.quote
        pick, source = _ROW_SOURCES[dialect.name]
        picked = ", ".join(
            pick.format(i=i, type=_cast_type(table.c[c].type.compile(dialect=dialect)))
            for i, c in enumerate(columns)
        )
        names = ", ".join(quote(c) for c in columns)
        sql = (
            f"INSERT INTO {quote(table.name)} ({names}) SELECT {picked} FROM {source} "
            "ON CONFLICT DO NOTHING"
        )
        if returning:
            sql += f" RETURNING {', '.join(quote(c) for c in returning)}"
        stmt = _RECORDSET[key] = text(sql)
    body = json.dumps(values, ensure_ascii=False, default=_iso)
    return session.connection().execute(stmt, {"rows": body})


def recorded_levels(
    session: Session, occurrence_ids: Sequence[int], kind: str
) -> dict[tuple[int, str], set[int]]:
    """Levels already in the ledger for these occurrences, by (occurrence, scope)."""
    found: dict[tuple[int, str], set[int]] = {}
    # Pages keep an IN list well under every driver's parameter limit (engine.id_sets).
    for cond in id_pages(session, Escalation.occurrence_id, occurrence_ids):
        rows = session.execute(
            select(Escalation.occurrence_id, Escalation.scope, Escalation.level).where(
                Escalation.kind == kind, cond
            )
        )
        for occ_id, scope, level in rows:
            found.setdefault((occ_id, scope), set()).add(level)
    return found


@contextlib.contextmanager
def unit_of_work(source: SessionSource, dry_run: bool) -> Iterator[Session]:
    """The caller's session as is, or one transaction from a factory (never committed on a dry run)."""
    if isinstance(source, Session):
        yield source
    elif dry_run:
        with source() as session:
            yield session
            session.rollback()
    else:
        with transaction(source) as session:
            yield session
