"""Successions in agency directory files: reading them, expanding province merges, checking them.

A directory file may carry ``successions:`` (rename, merge, split of named
agencies) and ``province_merges:`` (one statement per merged province: each
agency passes to its counterpart by role, with explicit exceptions). See
FORMAT.md. ``expand`` turns every province merge into plain successions
and gives each agency that ends its last day; ``succession_problems`` finds
what the engine could not follow (unknown agencies, dates outside an
agency's life, a split without an owner rule, cycles).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from engine.errors import Problem
from engine.plan_spec import (
    SUCCESSION_KINDS,
    AgencySpec,
    DirectorySpec,
    ProvinceMergeSpec,
    SuccessionSpec,
)
from engine.succession_admin import find_cycle
from tasks_catalog.files import Reader

_DAY = dt.timedelta(days=1)


def _basis(reader: Reader, raw: dict[str, Any], where: tuple[str, str]) -> dict[str, Any]:
    basis = reader.get(raw, "basis", where, dict, {}, required=True)
    number = basis.get("number")
    if not isinstance(number, str) or not number.strip():
        reader.problem(where, "basis", "basis_number_missing")
        number = ""
    date = basis.get("date")
    if date is not None and not isinstance(date, dt.date):
        reader.problem(where, "basis", "wrong_kind", kind="date", value=repr(date)[:80])
        date = None
    title = basis.get("title", "")
    return {"basis_number": number, "basis_date": date, "basis_title": str(title or "")}


def read_successions(reader: Reader, data: dict[str, Any]) -> tuple[SuccessionSpec, ...]:
    """The ``successions:`` entries of a directory file."""
    found = []
    for index, raw in enumerate(reader.mappings(data, "successions", None), start=1):
        where = ("succession", f"#{index}")
        kind = reader.text(raw, "kind", where)
        if kind and kind not in SUCCESSION_KINDS:
            reader.problem(
                where, "kind", "unknown_succession_kind", kind=kind, known=list(SUCCESSION_KINDS)
            )
        owner = reader.get(raw, "owner", where, dict, {}, required=False)
        tasks = owner.get("tasks") or {}
        found.append(
            SuccessionSpec(
                kind=kind,
                effective=reader.get(raw, "effective", where, dt.date, dt.date.min),
                from_codes=reader.texts(raw, "from", where),
                to_codes=reader.texts(raw, "to", where),
                note=reader.text(raw, "note", where, required=False),
                owner_default=owner.get("default"),
                owner_tasks=tuple(sorted((str(k), str(v)) for k, v in dict(tasks).items())),
                source=reader.source,
                **_basis(reader, raw, where),
            )
        )
    return tuple(found)


def read_province_merges(reader: Reader, data: dict[str, Any]) -> tuple[ProvinceMergeSpec, ...]:
    """The ``province_merges:`` entries of a directory file."""
    found = []
    for index, raw in enumerate(reader.mappings(data, "province_merges", None), start=1):
        where = ("province_merge", f"#{index}")
        exceptions = reader.get(raw, "except", where, dict, {}, required=False)
        found.append(
            ProvinceMergeSpec(
                from_province=reader.text(raw, "from_province", where),
                to_province=reader.text(raw, "to_province", where),
                effective=reader.get(raw, "effective", where, dt.date, dt.date.min),
                note=reader.text(raw, "note", where, required=False),
                exceptions=tuple(sorted((str(k), str(v)) for k, v in exceptions.items())),
                **_basis(reader, raw, where),
            )
        )
    return tuple(found)


def _merge_successions(
    merge: ProvinceMergeSpec, agencies: dict[str, AgencySpec], source: str
) -> list[SuccessionSpec]:
    """One succession per successor: the old province's agencies alive on the eve, by role."""
    eve = merge.effective - _DAY
    exceptions = dict(merge.exceptions)
    old = [
        a
        for a in agencies.values()
        if a.province == merge.from_province
        and (a.valid_from is None or a.valid_from <= eve)
        and (a.valid_until is None or a.valid_until >= eve)
    ]

    def counterpart(agency: AgencySpec, seen: frozenset[str] = frozenset()) -> str:
        if agency.code in exceptions:
            return exceptions[agency.code]
        same_role = f"{merge.to_province}/{agency.abbr}"
        if same_role in agencies:
            return same_role
        if agency.parent in agencies and agency.parent not in seen:
            return counterpart(agencies[agency.parent], seen | {agency.code})
        return same_role  # unknown: succession_problems names it

    by_successor: dict[str, list[str]] = {}
    for agency in sorted(old, key=lambda a: a.code):
        by_successor.setdefault(counterpart(agency), []).append(agency.code)
    return [
        SuccessionSpec(
            kind="merge",
            effective=merge.effective,
            from_codes=tuple(codes),
            to_codes=(successor,),
            basis_number=merge.basis_number,
            basis_date=merge.basis_date,
            basis_title=merge.basis_title,
            note=merge.note,
            province_merge=True,
            source=source,
        )
        for successor, codes in sorted(by_successor.items())
    ]


def expand(
    directories: Iterable[DirectorySpec],
) -> tuple[dict[str, AgencySpec], list[SuccessionSpec]]:
    """Every agency (each that ends given its last day) and every succession, merges expanded.

    Named successions come first: an agency they end before a province
    merge (Kon Tum's Sở TN&MT, 1/3/2025) is no longer there on the merge's eve.
    """
    directories = list(directories)
    successions = [s for d in directories for s in d.successions]
    agencies = {a.code: a for d in directories for a in d.agencies}
    agencies = _with_ends(agencies, successions)
    for directory in directories:
        for merge in directory.province_merges:
            successions += _merge_successions(merge, agencies, directory.source)
    agencies = _with_ends(agencies, successions)
    successions.sort(key=lambda s: (s.effective, s.key))
    return agencies, successions


def _with_ends(
    agencies: dict[str, AgencySpec], successions: list[SuccessionSpec]
) -> dict[str, AgencySpec]:
    """Agencies a succession ends, given ``valid_until`` = the eve of its effective day."""
    ends = {code: s.effective - _DAY for s in successions for code in s.from_codes}
    out = dict(agencies)
    for code, last in ends.items():
        agency = out.get(code)
        if (
            agency is not None
            and agency.valid_until is None
            and code not in _continuing(successions, code)
        ):
            out[code] = dataclasses.replace(agency, valid_until=last)
    return out


def _continuing(successions: list[SuccessionSpec], code: str) -> set[str]:
    """``{code}`` when an agency takes over from itself (it absorbs others and goes on)."""
    return (
        {code} if any(code in s.from_codes and code in s.to_codes for s in successions) else set()
    )


def succession_problems(
    agencies: dict[str, AgencySpec], successions: list[SuccessionSpec]
) -> list[Problem]:
    """What the engine could not follow: unknown codes, lives, split rules, cycles."""
    problems: list[Problem] = []

    def found(s: SuccessionSpec, key: str, what: str, **facts: object) -> None:
        where = ("succession", s.key)
        problems.append(Problem(what, facts, source=s.source, where=where, field=key))

    for s in successions:
        _check_one(s, agencies, found)
    cycle = find_cycle([(s.from_codes, s.to_codes) for s in successions])
    if cycle:
        s = next(x for x in successions if cycle[0] in x.from_codes)
        found(s, "to", "succession_cycle", cycle=" → ".join(cycle))
    return problems


def _check_one(s: SuccessionSpec, agencies: dict[str, AgencySpec], found: Any) -> None:
    if not s.from_codes or not s.to_codes:
        found(s, "to" if s.from_codes else "from", "succession_empty_side")
        return
    sizes = {"rename": (1, 1), "merge": (None, 1), "split": (1, None)}.get(s.kind)
    if sizes and any(
        n is not None and len(side) != n
        for n, side in zip(sizes, (s.from_codes, s.to_codes), strict=True)
    ):
        found(
            s,
            "kind",
            "succession_shape",
            kind=s.kind,
            ended=len(s.from_codes),
            successors=len(s.to_codes),
        )
    if s.kind == "split" and s.owner_default not in s.to_codes:
        found(s, "owner", "split_without_owner", successors=list(s.to_codes))
    for ref, owner in s.owner_tasks:
        if owner not in s.to_codes:
            found(s, "owner", "split_owner_unknown", task=ref, agency=owner)
    for side, codes in (("from", s.from_codes), ("to", s.to_codes)):
        for code in codes:
            agency = agencies.get(code)
            if agency is None:
                found(s, side, "unknown_agency", agency=code)
                continue
            alive = (
                agency.valid_from is None
                or agency.valid_from <= s.effective - (_DAY if side == "from" else dt.timedelta(0))
            ) and (
                side == "from" or agency.valid_until is None or agency.valid_until >= s.effective
            )
            ended_there = (
                side != "from"
                or code in s.to_codes
                or agency.valid_until in (None, s.effective - _DAY)
            )
            if not (alive and ended_there):
                found(
                    s,
                    side,
                    "succession_outside_life",
                    agency=code,
                    effective=s.effective.isoformat(),
                    valid_from=agency.valid_from.isoformat() if agency.valid_from else "-",
                    valid_until=agency.valid_until.isoformat() if agency.valid_until else "-",
                )
