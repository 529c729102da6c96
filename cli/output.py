"""Printing for people and scripts: aligned tables, JSON, and the parsers of typed values.

Headings and sentences come from the message catalog (``Context.w``); JSON
keeps the codes scripts rely on.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from engine.attachments import Upload
    from notifiers.i18n import Words

#: A table column: (row key, message key of the heading, maximum width).
Column = tuple[str, str, int]


# The largest row id or version a command takes: PostgreSQL's INTEGER, so a
# 20-digit number is a usage error instead of an overflow in the database.
MAX_ID = 2**31 - 1


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def stream_json(rows: Iterable[Any]) -> None:
    """A JSON array written a row at a time, byte for byte as ``emit_json`` writes a list:
    a listing of a million rows never sits in memory whole."""
    first = True
    for row in rows:
        text = json.dumps(row, ensure_ascii=False, indent=2, default=str)
        click.echo(("[\n" if first else ",\n") + textwrap.indent(text, "  "), nl=False)
        first = False
    click.echo("[]" if first else "\n]")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    w: Words | None = None,
    *,
    full_width: bool = False,
    heading: bool = True,
) -> str:
    """Aligned columns; each column is (key, heading, max width), the heading a message key
    when ``w`` is given (and then printed in capitals, as table headings are).

    Each column is as wide as its widest cell, or with ``full_width`` as its maximum
    width: a table printed a part at a time (``stream_task_table``) lines up across
    the parts. ``heading=False`` leaves out the heading and its rule."""
    cells = [[_clip("" if r.get(k) is None else r[k], n) for k, _, n in columns] for r in rows]
    heads = [w(h).upper() if w is not None else h for _, h, _ in columns]
    widths = [
        max([_width(h), n if full_width else 0] + [_width(c[i]) for c in cells])
        for i, (h, (_, _, n)) in enumerate(zip(heads, columns, strict=True))
    ]
    lines = []
    if heading:
        lines.append(
            "  ".join(h + " " * (w - _width(h)) for h, w in zip(heads, widths, strict=True))
        )
        lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


TASK_COLUMNS: list[Column] = [
    ("ref", "cli.col.ref", 28),
    ("title", "cli.col.title", 48),
    ("state", "cli.col.state", 22),
    ("status_category", "cli.col.status", 24),
    ("due", "cli.col.due", 10),
    ("owner", "cli.col.owner", 30),
]


def _task_cells(
    rows: Iterable[dict[str, Any]], owner_name: Callable[[str, str], str], w: Words
) -> list[dict[str, Any]]:
    return [
        {
            **r,
            "state": w.state(r["workflow"], r["state"]),
            "status_category": w.status(r["status_category"]),
            "due": w.date(r["due"]),
            "owner": owner_name(r["owner"], w.lang) if r["owner"] else "",
        }
        for r in rows
    ]


def task_table(
    rows: Sequence[dict[str, Any]], owner_name: Callable[[str, str], str], w: Words
) -> str:
    """The table of task occurrences (``tasks``, ``search``): states, statuses and days in
    words, the owner by ``owner_name(code, lang)``; the reference stays, it is what
    ``show`` and ``advance`` take."""
    return render_table(_task_cells(rows, owner_name, w), TASK_COLUMNS, w)


def stream_task_table(
    parts: Iterable[Sequence[dict[str, Any]]], owner_name: Callable[[str, str], str], w: Words
) -> int:
    """``task_table`` printed a part at a time, every column at its full width; how many
    rows it printed. A listing of a national database never sits in memory whole."""
    shown = 0
    for part in parts:
        text = render_table(
            _task_cells(part, owner_name, w), TASK_COLUMNS, w, full_width=True, heading=not shown
        )
        if text:
            click.echo(text)
        shown += len(part)
    return shown


def print_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    as_json: bool,
    w: Words,
    *,
    footer: str | None = None,
) -> None:
    """A listing: JSON for scripts, or an aligned table (and a count line) for people."""
    if as_json:
        emit_json(rows)
        return
    click.echo(render_table(rows, columns, w))
    if footer:
        click.echo(footer)


def parse_day(value: str | None, option: str, w: Words) -> dt.date | None:
    if value is None:
        return None
    from engine.days import supported

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(w("cli.not_a_day", value=value), param_hint=option) from None
    return supported(day)


def parse_moment(value: str | None, w: Words) -> dt.datetime | None:
    """``--at``: a day or a time; without a zone it is Vietnam time."""
    if value is None:
        return None
    from engine.days import supported
    from engine.workdays import VIETNAM_TZ

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(w("cli.not_a_moment", value=value), param_hint="--at") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TZ)
    supported(moment.date())
    return moment


def parse_fields(pairs: Sequence[str], w: Words) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(w("cli.not_key_value", value=pair), param_hint="--field")
        fields[key.strip()] = value
    return fields


def read_uploads(paths: Sequence[str]) -> list[Upload]:
    """The files named by ``--attach``, read whole (the engine checks their kind and size)."""
    # Imported here: engine.attachments pulls the ORM, which ``--help`` must not pay for.
    from engine.attachments import Upload
    from engine.errors import InvalidInput

    uploads = []
    for name in paths:
        path = Path(name).expanduser()
        try:
            uploads.append(Upload(path.name, path.read_bytes()))
        except OSError as exc:
            raise InvalidInput(
                "attachment_unreadable", path=name[:200], reason=exc.strerror or str(exc)
            ) from None
    return uploads
