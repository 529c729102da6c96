"""Jinja2 rendering of digests, reports and messages, worded from the message catalog.

HTML templates (``*.html.j2``) are autoescaped, so a task title full of markup
arrives as text; in Markdown templates every value has its angle brackets
replaced (``markdown_text``); text templates are not escaped, but every value
passes through ``oneline`` where a line break would change the layout. Templates
take their words with ``_("key", name=value)`` (Jinja2's i18n extension,
"newstyle": values are escaped in HTML) from ``notifiers.i18n``, and label
codes with ``W`` (``W.status(cat)``, ``W.state(workflow, state)``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from notifiers.i18n import check_lang, jinja_globals
from workflows.errors import InvalidInput

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = {"text": "txt", "html": "html", "md": "md"}

# The one table of status colours: the board, the digests and the reports
# draw each status category in the same colour. Inline in e-mail, because
# mail clients drop <style>. Each keeps white text at WCAG AA contrast.
COLOURS = {
    "completed-on-time": "#2e7d32",
    "completed-late": "#827717",
    "in-progress": "#1565c0",
    "overdue": "#c62828",
    "not-started": "#616161",
    "suspended": "#b44d00",
    "cancelled": "#424242",
    "due-soon": "#8a5300",
}
# A mark per status drawn on the colour, so that a picture is never read by colour alone.
MARKS = {
    "completed-on-time": "✓",
    "completed-late": "✓!",
    "in-progress": "…",
    "overdue": "!",
    "not-started": "○",
    "suspended": "‖",
    "cancelled": "✕",
    "due-soon": "⏰",
}


def oneline(value: Any) -> str:
    """Collapse every run of whitespace, line breaks included, into one space."""
    return " ".join(str("" if value is None else value).split())


def _autoescape(name: str | None) -> bool:
    return name is not None and ".html" in name


def format_amount(value: float | int | None) -> str:
    """A budget amount: 2,000 rather than 2000.0, the same in both languages."""
    if value is None:
        return ""
    # Vietnamese documents group thousands with dots; plain digits with commas
    # read the same in both languages.
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=_autoescape,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)
_ENV.filters["oneline"] = oneline
_ENV.filters["amount"] = format_amount
# Every render passes the words of its own language; these only keep
# {% trans %} usable should a template ever need it.
_ENV.install_null_translations(newstyle=True)  # type: ignore[attr-defined]


def markdown_text(value: Any) -> Any:
    """A value as Markdown shows it: ``<`` and ``>`` as entities, so no title opens a tag.

    Markdown passes raw HTML through to the page it becomes; a title holding
    ``<script>`` ran there. Only the angle brackets are replaced, which keeps
    the escaping idempotent (a macro's output may pass here twice).
    """
    if isinstance(value, str):
        return value.replace("<", "&lt;").replace(">", "&gt;")
    return value


# Markdown templates: every {{ value }} through markdown_text; the template's
# own markup (``<br>`` in table cells) is literal text and stays.
_MD_ENV = _ENV.overlay(finalize=markdown_text)


def render(
    name: str, fmt: str, data: dict[str, Any], *, lang: str = "vi", base_url: str | None = None
) -> str:
    """Render ``<name>.<ext>.j2`` for ``fmt`` (text, html or md) over ``data`` in ``lang``.

    With ``base_url`` (the board's public address) every task named links to
    its page on the board.
    """
    if fmt not in FORMATS:
        raise InvalidInput("unknown_format", format=fmt, formats=list(FORMATS))
    template = (_MD_ENV if fmt == "md" else _ENV).get_template(f"{name}.{FORMATS[fmt]}.j2")
    base = (base_url or "").rstrip("/")

    def task_url(ref: str) -> str:
        """The board's page of the occurrence ``ref``."""
        return f"{base}/tasks/{quote(ref, safe=':@')}"

    return template.render(
        d=data,
        lang=check_lang(lang),
        colours=COLOURS,
        base_url=base,
        task_url=task_url,
        **jinja_globals(lang),
    )
