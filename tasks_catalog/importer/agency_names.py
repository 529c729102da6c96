"""Map the agency names printed in an annex cell to agency codes (``<province>/<abbr>``).

A cell may hold several agencies ("Sở TN&MT, Sở KH&CN, Sở KH&ĐT, Sở Tài
Chính"), joined by commas, "và", ";", "-" or "+", while names themselves
contain "và" and commas ("Sở Kế hoạch và Đầu tư", "Các Sở, ngành có liên
quan"). So known names are matched first, longest first, on accent-folded
words; only what is left between them is split on separators. Whatever is
not recognised comes back in ``unknown`` for the report: never dropped.

Names come from the shipped agency directory (its ``name_vi`` and
``aliases``) and from a built-in table of the spellings seen in the seeds,
so a province without a directory yet still imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from engine.plan_spec import AgencySpec
from tasks_catalog.importer.agency_table import BUILTIN as _BUILTIN
from tasks_catalog.importer.agency_table import NATIONAL as _NATIONAL
from tasks_catalog.importer.text import fold

_TOKEN = re.compile(r"[a-z0-9&]+|[,;:+/().\-–]")
_PUNCT_IN_NAME = {",", "-", "–"}
_SEPARATORS = {",", ";", ":", "+", "/", ".", "-", "–", "va", ")"}
# Inside a name not recognised, these join words of one name ("Sở Nông nghiệp và
# Môi trường", "UBND các xã, phường") unless the next words start another body.
_SOFT_SEPARATORS = {",", "-", "–", "va"}
_HEADS: tuple[tuple[str, ...], ...] = (
    ("so",),
    ("ubnd",),
    ("uy", "ban"),
    ("ban",),
    ("bo",),
    ("trung", "tam"),
    ("cong", "an"),
    ("dai",),
    ("bao",),
    ("cac",),
    ("hoi",),
    ("lien", "minh"),
    ("lien", "doan"),
    ("to",),
    ("van", "phong"),
    ("cuc",),
    ("chi", "cuc"),
    ("bql",),
    ("vien",),
    ("truong",),
    ("co", "quan"),
    ("don", "vi"),
    ("phong",),
    ("mat", "tran"),
    ("doanh", "nghiep"),
)
# A name that is only a kind of body ("UBND" from "UBND tỉnh Nghệ An" cut short)
# would catch any committee: never a key of its own.
_TOO_BARE = {("ubnd",), ("uy", "ban", "nhan", "dan"), ("so",), ("ban",)}
_HUYEN_XA = re.compile(
    r"(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+cấp\s+huyện\s*/\s*(cấp\s+)?xã", re.I
)
_TRAILERS = {"tinh"}


@dataclass
class ParsedAgencies:
    """What a cell names: codes in order, qualifiers "(với các dự án ...)", and unknown text."""

    codes: list[str] = field(default_factory=list)
    qualifiers: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(fold(text))]


def _key(name: str) -> tuple[str, ...]:
    return tuple(t.word for t in _tokens(name) if t.word not in _PUNCT_IN_NAME)


class AgencyMatcher:
    """Turns a cell's text into agency codes of one province."""

    def __init__(self, province: str, directory: dict[str, AgencySpec] | None = None) -> None:
        self.province = province
        self.known_codes = {c for c in (directory or {}) if c.startswith(f"{province}/")}
        self._province_words = tuple(province.split("-"))
        self._names: dict[tuple[str, ...], str] = {}
        for abbr, names in _BUILTIN.items():
            for name in names:
                self._names[_key(name)] = f"{province}/{abbr}"
        for code, names in _NATIONAL.items():
            for name in names:
                self._names[_key(name)] = code
        # The directory wins over the built-in table when both know a spelling.
        for agency in (directory or {}).values():
            if agency.province not in (province, "vn"):
                continue
            for name in (agency.name_vi, *agency.aliases):
                self._names[_key(name)] = agency.code
                # "Sở Công Thương tỉnh Kon Tum" is also printed "Sở Công Thương".
                bare = re.sub(r"\s+tỉnh\s+\S.*$", "", name, flags=re.I)
                if _key(bare) not in _TOO_BARE:
                    self._names.setdefault(_key(bare), agency.code)
        self._names.pop((), None)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in sorted(self._names, key=len, reverse=True):
            self._by_first.setdefault(key[0], []).append(key)

    def parse(self, text: str) -> ParsedAgencies:
        """The agencies a cell names, in printed order, with what could not be read."""
        text = unicodedata.normalize("NFC", text)
        text = _HUYEN_XA.sub(lambda m: f"{m.group(1)} cấp huyện, {m.group(1)} cấp xã", text)
        tokens = _expand_cac_so(_tokens(text))
        result = ParsedAgencies()
        unknown_start: int | None = None
        unknown_end = 0
        after_match = False
        i = 0

        def flush(qualify: bool) -> None:
            nonlocal unknown_start
            if unknown_start is None:
                return
            chunk = text[unknown_start:unknown_end].strip(" -–+.,;:")
            if chunk and qualify and result.codes:
                result.qualifiers.append((result.codes[-1], chunk))
            elif chunk:
                result.unknown.append(chunk)
            unknown_start = None

        while i < len(tokens):
            word = tokens[i].word
            if word == "(":
                flush(after_match)
                i = _parenthesis(text, tokens, i, result)
                continue
            matched = self._match(tokens, i)
            if matched is not None:
                code, i = matched
                flush(after_match)
                if code not in result.codes:
                    result.codes.append(code)
                after_match = True
                continue
            if (
                word in _SOFT_SEPARATORS
                and unknown_start is not None
                and not self._starts_name(tokens, i + 1)
            ):
                unknown_end = tokens[i].end
                i += 1
                continue
            if word in _SEPARATORS:
                flush(after_match)
                after_match = False
                i += 1
                continue
            if unknown_start is None:
                unknown_start = tokens[i].start
            unknown_end = tokens[i].end
            i += 1
        flush(after_match)
        return result

    def _starts_name(self, tokens: list[_Token], i: int) -> bool:
        """Whether another body's name starts at token i (a known name or a word like "Sở")."""
        if i >= len(tokens):
            return True
        words = tuple(t.word for t in tokens[i : i + 2])
        if any(words[: len(head)] == head for head in _HEADS):
            return True
        return self._match(tokens, i) is not None

    def _match(self, tokens: list[_Token], i: int) -> tuple[str, int] | None:
        """The longest known name starting at token i: (code, index after it and its trailers)."""
        for key in self._by_first.get(tokens[i].word, ()):
            end = _match_key(tokens, i, key)
            if end is None:
                continue
            code = self._names[key]
            if code.endswith("/ubnd-huyen"):
                end = _skip_district_kinds(tokens, end)
            return code, self._skip_province(tokens, end)
        return None

    def _skip_province(self, tokens: list[_Token], i: int) -> int:
        """Skip "tỉnh Kon Tum" / "Kon Tum" after a name: it names the province, not another body."""
        words = [t.word for t in tokens]
        j = i
        if j < len(words) and words[j] in _TRAILERS:
            j += 1
        n = len(self._province_words)
        if tuple(words[j : j + n]) == self._province_words:
            return j + n
        return j if j > i and (j == len(words) or words[j] in _SEPARATORS) else i


def _parenthesis(text: str, tokens: list[_Token], i: int, result: ParsedAgencies) -> int:
    """Keep "(...)" after a name as its qualifier; return the index after the ")"."""
    close = next((j for j in range(i, len(tokens)) if tokens[j].word == ")"), len(tokens))
    end = tokens[close].start if close < len(tokens) else len(text)
    inner = text[tokens[i].end : end].strip()
    if result.codes and inner:
        result.qualifiers.append((result.codes[-1], inner))
    elif inner:
        result.unknown.append(inner)
    return close + 1


def _match_key(tokens: list[_Token], i: int, key: tuple[str, ...]) -> int | None:
    """Index after ``key`` matched at i, allowing commas and dashes inside the printed name."""
    j = i
    for k, word in enumerate(key):
        while k and j < len(tokens) and tokens[j].word in _PUNCT_IN_NAME:
            j += 1
        if j >= len(tokens) or tokens[j].word != word:
            return None
        j += 1
    return j


def _skip_district_kinds(tokens: list[_Token], i: int) -> int:
    """After "UBND các huyện", also take ", thành phố, thị xã" (all one group)."""
    words = [t.word for t in tokens]
    while True:
        j = i
        while j < len(words) and words[j] in {",", "va"}:
            j += 1
        if tuple(words[j : j + 2]) in {("thanh", "pho"), ("thi", "xa")}:
            i = j + 2
            continue
        return i


def _expand_cac_so(tokens: list[_Token]) -> list[_Token]:
    """ "Các Sở: Công thương, TN&MT, KH&CN" -> "Sở Công thương, Sở TN&MT, Sở KH&CN"."""
    words = [t.word for t in tokens]
    for i in range(len(words) - 2):
        if words[i : i + 3] == ["cac", "so", ":"]:
            head, so = tokens[:i], tokens[i + 1]
            out = list(head)
            expect_item = True
            for token in tokens[i + 3 :]:
                if token.word == ";":
                    expect_item = False
                if expect_item and token.word not in {",", "va"}:
                    out.append(_Token("so", so.start, so.end))
                    expect_item = False
                elif token.word in {",", "va"} and out and out[-1].word != "so":
                    expect_item = True
                out.append(token)
            return out
    return tokens


_ROLE = re.compile(
    r"(?P<co>(?:don vi |co quan )?phoi hop(?: voi)?\s*:|\bphoi hop voi\b)|(?P<lead>chu tri)\s*:?"
)


def split_roles(text: str) -> tuple[str, str] | None:
    """Split "- Chủ trì: X - Đơn vị phối hợp: Y" into (X, Y); None when the cell has no such labels."""
    folded = fold(text)
    marks = [
        (m.start(), m.end(), "co" if m.group("co") else "lead") for m in _ROLE.finditer(folded)
    ]
    if (
        not marks
        or not any(kind == "lead" for _, _, kind in marks)
        and not any(kind == "co" for _, _, kind in marks)
    ):
        return None
    leads: list[str] = []
    cos: list[str] = []
    before = text[: marks[0][0]].strip(" -+\n")
    if before:
        leads.append(before)
    for index, (_, end, kind) in enumerate(marks):
        stop = marks[index + 1][0] if index + 1 < len(marks) else len(text)
        part = text[end:stop].strip(" -+.,;\n")
        (leads if kind == "lead" else cos).append(part)
    return "; ".join(p for p in leads if p), "; ".join(p for p in cos if p)
