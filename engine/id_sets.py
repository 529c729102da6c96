"""``column IN ids`` for long lists of ids: one condition per page, or one array on PostgreSQL.

The sweep reads and writes by lists of thousands of ids. An ``IN`` list of
500 is 500 bound parameters: SQLAlchemy renders each at execution, and
psycopg rewrites every statement of more than 50 parameters with a Python
regex (bench/NOTES.md, the sweep at national scale). On PostgreSQL the
whole list goes as one array parameter (``column = ANY(:ids)``), one
statement for all; SQLite has no arrays and keeps pages of 500, well under
its parameter limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, String, any_, bindparam, cast
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
            yield column == any_(cast(param, ARRAY(column.type)))
        else:
            yield column == any_(bindparam(None, wanted, type_=ARRAY(column.type), unique=True))
        return
    for start in range(0, len(wanted), PAGE):
        yield column.in_(wanted[start : start + PAGE])
