"""The fields a transition may ask for, and what kind of value each holds.

A workflow definition names its fields (``requires``, ``requires_any``,
``evidence``); this registry says what a value of each must look like, so the
engine checks it the same way whichever face sent it (``engine.fields``). The
labels people read are in the message catalog (``field.<name>``).

Kinds:

- ``text``: free text, not blank;
- ``document_number``: a document's number and symbol as printed, e.g.
  ``05/CT-UBND`` (holds at least one digit);
- ``date``: a calendar day, ``2014-06-10`` or ``10/06/2014``, stored as the
  former; never in the future, never before the plan was issued;
- ``figure``: a measured result such as ``120 cơ sở`` (holds a number);
- ``link``: an ``http`` or ``https`` address.

A field whose ``completion_day`` is true names the day the work was done
(the issue date of a directive): a completing step that gives it counts as
done on that day, not on the day somebody recorded it.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("text", "document_number", "date", "figure", "link")


@dataclass(frozen=True)
class FieldDef:
    name: str
    kind: str = "text"
    completion_day: bool = False


FIELDS: dict[str, FieldDef] = {
    f.name: f
    for f in (
        FieldDef("document_number", "document_number"),
        FieldDef("document_date", "date", completion_day=True),
        FieldDef("decision_number", "document_number"),
        FieldDef("evidence_document", "text"),
        FieldDef("evidence_figure", "figure"),
        FieldDef("evidence_link", "link"),
        FieldDef("reason", "text"),
    )
}


def field(name: str) -> FieldDef:
    """The definition of ``name``; a field no workflow declares is free text."""
    return FIELDS.get(name) or FieldDef(name)


def completion_day_field(names: tuple[str, ...] | list[str]) -> str | None:
    """The first of ``names`` that gives the day work was done, if any."""
    return next((n for n in names if field(n).completion_day), None)
