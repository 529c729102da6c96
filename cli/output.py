"""Printing for people and scripts: aligned tables, JSON, and the parsers of typed values."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import click


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, int]]) -> str:
    """Aligned columns; ``columns`` are (key, heading, max width)."""
    cells = [[_clip("" if r.get(k) is None else r[k], w) for k, _, w in columns] for r in rows]
    heads = [h for _, h, _ in columns]
    widths = [max([_width(h)] + [_width(c[i]) for c in cells]) for i, h in enumerate(heads)]
    lines = ["  ".join(h + " " * (w - _width(h)) for h, w in zip(heads, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def print_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str, int]],
    as_json: bool,
    *,
    footer: str | None = None,
) -> None:
    """A listing: JSON for scripts, or an aligned table (and a count line) for people."""
    if as_json:
        emit_json(rows)
        return
    click.echo(render_table(rows, columns))
    if footer:
        click.echo(footer)


def parse_day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; write YYYY-MM-DD.", param_hint=option
        ) from None


def parse_moment(value: str | None) -> dt.datetime | None:
    """``--at``: a day or a time; without a zone it is Vietnam time."""
    if value is None:
        return None
    from engine.workdays import VIETNAM_TZ

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date or time; write YYYY-MM-DD or YYYY-MM-DDTHH:MM.",
            param_hint="--at",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TZ)
    return moment


def parse_fields(pairs: Sequence[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE.", param_hint="--field")
        fields[key.strip()] = value
    return fields
