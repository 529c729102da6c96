"""How the board's forms ask for a transition's fields (their labels are the catalog's)."""

from __future__ import annotations

# HTML input types other than text; a date input posts YYYY-MM-DD as the CLI writes it.
_FIELD_INPUTS = {"document_date": "date"}


def field_input(name: str) -> str:
    """The HTML input type for a transition field."""
    return _FIELD_INPUTS.get(name, "text")
