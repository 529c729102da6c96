"""How people read an agency: its full name, and a short one where space is short.

Codes (``kon-tum/sct``) are for scripts and addresses; people read names.
The full name is the directory's (``Sở Công Thương tỉnh Kon Tum``); the short
one drops the province where the page already says it and writes the usual
abbreviation of the committees (``UBND tỉnh Kon Tum``), as provincial
documents do. A code the directory does not know is shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Agency
from engine.reference import kept
from workflows.errors import Named

# The committees' usual abbreviations, longest first (Vietnamese; English keeps its names).
_ABBREVIATIONS = (
    ("Ủy ban nhân dân", "UBND"),
    ("Uỷ ban nhân dân", "UBND"),
)


@dataclass(frozen=True)
class AgencyName:
    code: str
    full_vi: str
    full_en: str
    short_vi: str
    short_en: str

    def full(self, lang: str) -> str:
        return self.full_en if lang == "en" else self.full_vi

    def short(self, lang: str) -> str:
        return self.short_en if lang == "en" else self.short_vi


def _short_vi(name: str, province_name: str | None) -> str:
    for long, abbreviation in _ABBREVIATIONS:
        if name.startswith(long):
            # "UBND tỉnh Kon Tum": the committee keeps its province, it names the level.
            return abbreviation + name[len(long) :]
    if province_name:
        for suffix in (f" tỉnh {province_name}", f" thành phố {province_name}"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
    return name


def _short_en(name: str, province_name: str | None) -> str:
    if province_name and name.startswith(province_name + " ") and "Committee" not in name:
        return name[len(province_name) + 1 :]
    return name


class AgencyNames:
    """Every agency's names, read once per request or command."""

    def __init__(self, agencies: dict[str, AgencyName]) -> None:
        self._agencies = agencies

    @classmethod
    def read(cls, session: Session, province_names: dict[str, str] | None = None) -> AgencyNames:
        """The names of every agency; ``province_names`` maps a province slug to its name."""
        if province_names is None:
            # Read once per process while no agency changes (engine.reference).
            return kept(session, "agency_names", lambda s: cls._read(s, {}))
        return cls._read(session, province_names)

    @classmethod
    def _read(cls, session: Session, provinces: dict[str, str]) -> AgencyNames:
        rows = session.execute(
            select(Agency.code, Agency.province, Agency.name_vi, Agency.name_en)
        ).all()
        names = {}
        for code, province, name_vi, name_en in rows:
            place = provinces.get(province) or _province_name(name_vi)
            names[code] = AgencyName(
                code=code,
                full_vi=name_vi,
                full_en=name_en or name_vi,
                short_vi=_short_vi(name_vi, place),
                short_en=_short_en(name_en or name_vi, _english_place(name_en)),
            )
        return cls(names)

    def province(self, slug: str) -> str:
        """``Kon Tum`` for ``kon-tum``: read from the name of its People's Committee."""
        committee = self._agencies.get(f"{slug}/ubnd")
        found = _province_name(committee.full_vi) if committee else None
        return found or slug

    def get(self, code: str) -> AgencyName:
        return self._agencies.get(code) or AgencyName(code, code, code, code, code)

    def full(self, code: str, lang: str) -> str:
        return self.get(code).full(lang)

    def short(self, code: str, lang: str) -> str:
        return self.get(code).short(lang)

    def as_dict(self, codes: list[str] | set[str] | None = None) -> dict[str, dict[str, str]]:
        """``{code: {"vi", "en", "short_vi", "short_en"}}`` for templates and JSON."""
        wanted = sorted(codes) if codes is not None else sorted(self._agencies)
        return {
            code: {
                "vi": (n := self.get(code)).full_vi,
                "en": n.full_en,
                "short_vi": n.short_vi,
                "short_en": n.short_en,
            }
            for code in wanted
        }


def _province_name(name_vi: str) -> str | None:
    """``Kon Tum`` from ``… tỉnh Kon Tum``: the directory names its agencies after the province."""
    for marker in (" tỉnh ", " thành phố "):
        if marker in name_vi:
            return name_vi.rsplit(marker, 1)[1]
    return None


def _english_place(name_en: str | None) -> str | None:
    """``Kon Tum`` from ``Kon Tum Department of …`` (the English names lead with the province)."""
    if not name_en:
        return None
    for word in (" Department", " Provincial", " Centre", " Center", " Industrial", " Office"):
        if word in name_en:
            head = name_en.split(word, 1)[0]
            return head if head and len(head.split()) <= 3 else None
    return None


def named_agencies(session: Session, *codes: str) -> list[Named]:
    """Agencies as facts of an error: the code for scripts, the full names for sentences
    (a refusal may name agencies of two provinces, or one that has ended)."""
    names = AgencyNames.read(session)
    return [Named(c, {lang: names.full(c, lang) for lang in ("vi", "en")}) for c in codes]
