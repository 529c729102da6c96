"""Task references as people type them: ``PLAN:CODE`` and ``PLAN:CODE@YEAR``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import InvalidInput

_REF = re.compile(
    r"^(?P<plan>[a-z0-9][a-z0-9-]{0,78}):(?P<code>[0-9A-Za-z][0-9A-Za-z.\-]{0,38})(?:@(?P<year>\d{4}))?$"
)


@dataclass(frozen=True)
class Ref:
    plan: str
    code: str
    year: int | None = None

    def __str__(self) -> str:
        return format_ref(self.plan, self.code, self.year)


def format_ref(plan: str, code: str, year: int | None = None) -> str:
    return f"{plan}:{code}" + (f"@{year}" if year is not None else "")


def parse_ref(text: str) -> Ref:
    """Parse a reference, or say in one sentence what a reference looks like."""
    match = _REF.match(text.strip()) if isinstance(text, str) and len(text) < 200 else None
    if not match:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InvalidInput("bad_reference", text=shown)
    year = int(match["year"]) if match["year"] else None
    return Ref(match["plan"], match["code"], year)
