"""``column IN ids`` for long lists of ids: one condition for the whole list where it can.

The sweep reads and writes by lists of thousands of ids. An ``IN`` list of
500 is 500 bound parameters: SQLAlchemy coerces and renders each at
execution, and psycopg rewrites every statement of more than 50 parameters
with a Python regex (bench/NOTES.md, the sweep at national scale). Integer
ids therefore go as one text parameter the database parses: an array on
PostgreSQL (``column IN (SELECT unnest(CAST(:ids AS INTEGER[])))``), a JSON
array on SQLite (``column IN (SELECT value FROM json_each(:ids))``, which
still searches the column's index). Other lists keep pages of 500.

On PostgreSQL a semi-join over ``unnest``, not ``column = ANY(array)``: when
the planner believes a table small (the escalation ledger is empty, and
analysed so, when a deployment's first sweep starts) it scans it and tests
each row against the whole array, one comparison per id: reading back the
ledger of a first sweep over 10,000 overdue occurrences cost 2.5 s of the
server's time (30,000 rows against 1,000 ids, ten times). The semi-join
hashes the ids, or looks each one up in the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    String,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

PAGE = 500


def id_pages(session: Session, column: Any, ids: Iterable[Any]) -> Iterator[ColumnElement[bool]]:
    """Conditions that together select ``column IN ids``: one statement to run for each."""
    wanted = list(ids)
    if not wanted:
        return
    if session.get_bind().dialect.name == "postgresql":
        if all(type(i) is int for i in wanted):
            # The array's text, written at C speed: psycopg dumps a list element by element.
            literal = "{" + ",".join(map(str, wanted)) + "}"
            param = bindparam(None, literal, type_=String, unique=True)
            ids_array = cast(param, ARRAY(column.type))
            yield column.in_(select(func.unnest(ids_array)).scalar_subquery())
        else:
            yield column == any_(bindparam(None, wanted, type_=ARRAY(column.type), unique=True))
        return
    if session.get_bind().dialect.name == "sqlite" and all(type(i) is int for i in wanted):
        # SQLite reads the ids from one JSON array (json_each): no page of 500
        # parameters for SQLAlchemy to build and expand.
        param = bindparam(None, "[" + ",".join(map(str, wanted)) + "]", type_=String, unique=True)
        yield column.in_(select(literal_column("value")).select_from(func.json_each(param)))
        return
    for start in range(0, len(wanted), PAGE):
        yield column.in_(wanted[start : start + PAGE])
