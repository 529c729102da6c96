"""Finding tasks by their words: title, actions, expected result, notes and document numbers.

One index row per occurrence (``search_index``, revision 0010) holds the
words of its task (title, actions, expected result, the annex's note) and of
its history (every event's note, every text field such as the document
number "12/CT-UBND"). The index is rewritten after every flush that adds an
event or changes an occurrence or a task, inside the same transaction as the
advance, comment or load that caused it: a search never finds a task by
words it no longer has, nor misses a comment just written.

Accents do not matter ("chi thi" finds "Chỉ thị", "đ" reads as "d"):
SQLite keeps the words folded by ``fold`` in an FTS5 table; PostgreSQL keeps
a ``tsvector`` of the words through ``unaccent`` (its ``simple``
configuration: no stemming, no stop words, as FTS5). On both, the text is
cut into words the same way first (``words``: letters and digits, anything
else separates), so "12/CT-UBND" is the words 12, ct, ubnd on both and a
search for it asks for those words in that order. Every word of a search
must be found; the same searches find the same tasks on both databases.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, false, or_, select, text
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.id_sets import id_pages
from engine.models import Event, Occurrence, Task
from engine.reference import plan_columns
from engine.text import excerpt

# Longest search honoured: a few document numbers and words, not a paragraph.
MAX_QUERY = 200
MAX_TERMS = 12
_WORD = re.compile(r"\w+")
# Letters NFD does not decompose: Vietnamese "đ" and a few neighbours.
_STROKES = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O"})


def fold(value: str) -> str:
    """``value`` lower-cased without accents ("Chỉ thị Đôn đốc" → "chi thi don doc")."""
    decomposed = unicodedata.normalize("NFD", value.translate(_STROKES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).lower()


def words(value: str) -> list[str]:
    """The words of ``value`` as both databases index them, accents kept, lower case."""
    return _WORD.findall(unicodedata.normalize("NFC", value).replace("_", " ").lower())


def terms(query: str) -> list[list[str]]:
    """A search as phrases: each space-separated part ("12/CT-UBND") is its words in order."""
    found = [words(part) for part in query[:MAX_QUERY].split()]
    return [phrase for phrase in found if phrase][:MAX_TERMS]


def document_text(task_parts: list[str], events: Iterable[tuple[str | None, Any]]) -> str:
    """The words an occurrence is found by: its task's text and its history's notes and fields."""
    parts = list(task_parts)
    for note, fields in events:
        parts.append(note or "")
        if isinstance(fields, dict):
            parts.extend(v for v in fields.values() if isinstance(v, str))
    return " ".join(" ".join(words(p)) for p in parts if p)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def reindex(session: Session, occurrence_ids: Iterable[int]) -> None:
    """Rewrite the index rows of these occurrences from their task and events.

    Column reads, never entities: it runs inside a flush (``after_flush``),
    where loading objects would replace the ones being flushed.
    """
    ids = sorted(set(occurrence_ids))
    if not ids:
        return
    postgres = _is_postgres(session)
    with session.no_autoflush:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            task_of = dict(
                session.execute(
                    select(Occurrence.id, Occurrence.task_id).where(Occurrence.id.in_(chunk))
                ).all()
            )
            texts = {
                row.id: [row.title, *(row.actions or []), row.result or "", row.note or ""]
                for row in session.execute(
                    select(Task.id, Task.title, Task.actions, Task.result, Task.note).where(
                        Task.id.in_(set(task_of.values()))
                    )
                )
            }
            events: dict[int, list[tuple[str | None, Any]]] = {}
            for occ_id, note, fields in session.execute(
                select(Event.occurrence_id, Event.note, Event.fields)
                .where(Event.occurrence_id.in_(chunk))
                .order_by(Event.occurrence_id, Event.seq)
            ):
                events.setdefault(occ_id, []).append((note, fields))
            rows = [
                {"id": occ_id, "body": document_text(texts[task_id], events.get(occ_id, []))}
                for occ_id, task_id in task_of.items()
            ]
            write_rows(session, chunk, rows, postgres)


def write_rows(session: Any, ids: list[int], rows: list[dict[str, Any]], postgres: bool) -> None:
    """Replace the index rows of ``ids`` by ``rows`` (``id``, ``body``: the words, unfolded)."""
    marks = ", ".join(str(int(i)) for i in ids)
    if postgres:
        session.execute(text(f"DELETE FROM search_index WHERE occurrence_id IN ({marks})"))  # noqa: S608 - integers
        if rows:
            session.execute(
                text(
                    "INSERT INTO search_index (occurrence_id, doc) "
                    "VALUES (:id, to_tsvector('simple', unaccent(:body)))"
                ),
                rows,
            )
        return
    session.execute(text(f"DELETE FROM search_index WHERE rowid IN ({marks})"))  # noqa: S608 - integers
    if rows:
        session.execute(
            text("INSERT INTO search_index (rowid, body) VALUES (:id, :body)"),
            [{"id": r["id"], "body": fold(r["body"])} for r in rows],
        )


def matching_ids(session: Session, query: str, limit: int = 200) -> list[int]:
    """The occurrences whose words hold every part of ``query``, in no particular order."""
    phrases = terms(query)
    if not phrases:
        return []
    if _is_postgres(session):
        # Each word is bound, never spliced: unaccent and lexize happen in the database.
        params: dict[str, Any] = {"limit": limit}
        parts = []
        for i, phrase in enumerate(phrases):
            params[f"p{i}"] = " ".join(phrase)
            parts.append(f"phraseto_tsquery('simple', unaccent(:p{i}))")
        where = " && ".join(parts)
        sql = f"SELECT occurrence_id FROM search_index WHERE doc @@ ({where}) LIMIT :limit"  # noqa: S608 - placeholders only
        return list(session.scalars(text(sql), params))
    # FTS5: each phrase quoted (words hold only letters and digits), all required.
    match = " AND ".join('"' + " ".join(fold(w) for w in phrase) + '"' for phrase in phrases)
    sql = "SELECT rowid FROM search_index WHERE search_index MATCH :match LIMIT :limit"
    return list(session.scalars(text(sql), {"match": match, "limit": limit}))


def search(session: Session, query: str, *, limit: int = 200) -> list[Occurrence]:
    """The occurrences found by ``query`` that the board lists (archived ones left out),
    in plan and annex order."""
    from engine.views import occurrence_query

    ids = matching_ids(session, query, limit=limit)
    if not ids:
        return []
    return list(session.scalars(occurrence_query().where(Occurrence.id.in_(ids))))


@event.listens_for(Session, "after_flush")
def _reindex_after_flush(session: Session, _context: Any) -> None:
    """Every flush that wrote an event or changed an occurrence or a task keeps the index in step."""
    touched: set[int] = set()
    tasks: set[int] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Event) and obj.occurrence_id is not None:
            touched.add(obj.occurrence_id)
        elif isinstance(obj, Occurrence) and obj.id is not None:
            touched.add(obj.id)
        elif isinstance(obj, Task) and obj.id is not None:
            tasks.add(obj.id)
    if tasks:
        with session.no_autoflush:
            touched.update(
                session.scalars(select(Occurrence.id).where(Occurrence.task_id.in_(sorted(tasks))))
            )
    if touched:
        reindex(session, touched)


def search_rows(session: Session, query: str, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """The board's rows (``views.occurrence_row``) of what ``query`` finds, each with its plan's
    legal reference and province, as the worklist names them."""
    from engine.views import occurrence_row, today

    if not terms(query):
        raise InvalidInput("empty_search", query=excerpt(query, 40))
    day = as_of or today()
    found = search(session, query)
    plans = {p.id: p for p in plan_columns(session)} if found else {}
    rows = []
    for occ in found:
        row = occurrence_row(occ, day)
        plan = plans[row["plan"]]
        rows.append({**row, "legal_ref": plan.legal_ref, "province": plan.province})
    return rows


#: The most matches a search pages through; past it the board asks for more words.
SEARCH_CAP = 1000


def search_page(
    session: Session, query: str, *, limit: int, offset: int = 0, as_of: dt.date | None = None
) -> tuple[list[dict[str, Any]], int, bool]:
    """One page of ``search_rows`` (plan and annex order), how many rows in all, and whether
    more than ``SEARCH_CAP`` occurrences matched (then the total counts the first ones found).

    Only the matching ids are read whole; the page's rows are built alone.
    """
    from engine.views import occurrence_query, occurrence_row, today

    if not terms(query):
        raise InvalidInput("empty_search", query=excerpt(query, 40))
    day = as_of or today()
    found = matching_ids(session, query, limit=SEARCH_CAP + 1)
    capped = len(found) > SEARCH_CAP
    # The found ids as one parameter (engine.id_sets), not a thousand bound one by one:
    # 23 ms of the page at national scale.
    among = or_(*id_pages(session, Occurrence.id, found[:SEARCH_CAP])) if found else false()
    ordered = list(
        session.scalars(
            select(Occurrence.id)
            .join(Task, Task.id == Occurrence.task_id)
            .where(among, or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None)))
            .order_by(Task.plan_id, Task.position, Occurrence.due)
        )
    )
    ids = ordered[offset : offset + limit]
    loaded = {o.id: o for o in session.scalars(occurrence_query().where(Occurrence.id.in_(ids)))}
    plans = {p.id: p for p in plan_columns(session)} if ids else {}
    rows = []
    for i in ids:
        row = occurrence_row(loaded[i], day)
        plan = plans[row["plan"]]
        rows.append({**row, "legal_ref": plan.legal_ref, "province": plan.province})
    return rows, len(ordered), capped
