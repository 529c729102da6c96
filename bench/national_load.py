"""Writing the national data set's rows: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

PostgreSQL takes a million occurrences and their three million events far
faster through ``COPY ... FROM STDIN`` (psycopg's ``cursor.copy`` on the raw
DBAPI connection, inside the same transaction) than through ``INSERT``
statements; SQLite keeps SQLAlchemy Core ``executemany`` in chunks. Values go
through the columns' own type decorators (``JSONText``, ``UTCDateTime``) so
both paths store exactly what the ORM would.

Also here: the occurrence seal (``engine.seal``) of a generated row, computed
by ``seal.facts_of`` itself so ``dondoc audit verify`` finds it sealed, and
moving PostgreSQL's id sequences past the ids the generator chose.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.types import TypeDecorator

from bench.data import CHUNK, _chunks
from engine import seal


class Loader:
    """Writes lists of row dicts into tables, in the order asked (foreign keys hold)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.copy = conn.dialect.name == "postgresql"
        self.written: dict[str, int] = {}

    def write(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        self.written[table.name] = self.written.get(table.name, 0) + len(rows)
        if not self.copy:
            for batch in _chunks(iter(rows), CHUNK):
                self.conn.execute(insert(table), batch)
            return
        names = list(rows[0])
        convert = [self._converter(table, name) for name in names]
        quote = self.conn.dialect.identifier_preparer.quote
        sql = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
        raw: Any = self.conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(
                    [
                        row[n] if f is None else f(row[n])
                        for n, f in zip(names, convert, strict=True)
                    ]
                )

    def _converter(self, table: Table, name: str) -> Callable[[Any], Any] | None:
        kind = table.c[name].type
        if not isinstance(kind, TypeDecorator):
            return None
        dialect = self.conn.dialect
        return lambda value: kind.process_bind_param(value, dialect)

    def reset_sequences(self, tables: list[Table]) -> None:
        """Move each table's id sequence past the ids written (PostgreSQL only)."""
        if not self.copy:
            return
        for table in tables:
            self.conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                )
            )


def seal_row(occurrence: dict[str, Any], agencies: list[tuple[str, int, str]]) -> dict[str, Any]:
    """The ``occurrence_seals`` row dondoc would write for this new occurrence (no ledger yet)."""
    task = SimpleNamespace(
        archived=False,
        agencies=[SimpleNamespace(role=r, position=p, agency_code=c) for r, p, c in agencies],
    )
    facts = seal.facts_of(cast(Any, SimpleNamespace(**occurrence)), [], cast(Any, task))
    body = seal.canonical(facts)
    return {"occurrence_id": occurrence["id"], "body": body, "hash": seal.digest(body)}


def analyse(engine: Any) -> None:
    """Statistics for the planner; on PostgreSQL a VACUUM too, so index-only scans work at once."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
