"""Agency directory files (``format: dondoc-agencies/1``): one province's agencies each.

``load_directory`` checks the shape of one file; ``validate_directories``
checks them together (codes defined once, parents and ``also_reports_to``
that exist and do not loop); ``load_all_directories`` gives every agency of a
folder by code, or refuses with every problem found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from engine.errors import InvalidDefinition, Problem
from engine.plan_spec import AgencySpec, DirectorySpec, SuccessionSpec
from tasks_catalog.files import AGENCIES_FORMAT, catalog_dir, catalog_roots, read_top
from tasks_catalog.successions import (
    expand,
    read_province_merges,
    read_successions,
    succession_problems,
)


def load_directory(path: str | Path) -> DirectorySpec:
    """Parse one agency directory file (``format: dondoc-agencies/1``)."""
    path = Path(path)
    reader, data = read_top(path, AGENCIES_FORMAT)
    agencies = []
    for index, raw in enumerate(reader.mappings(data, "agencies", None, required=True), start=1):
        where = ("agency", str(raw.get("code", f"#{index}")))
        agencies.append(
            AgencySpec(
                code=reader.text(raw, "code", where),
                name_vi=reader.text(raw, "name_vi", where),
                name_en=reader.text(raw, "name_en", where),
                parent=reader.get(raw, "parent", where, str, None, required=False),
                also_reports_to=reader.texts(raw, "also_reports_to", where),
                aliases=reader.texts(raw, "aliases", where),
                group=reader.get(raw, "group", where, bool, False, required=False),
                valid_from=reader.get(raw, "valid_from", where, dt.date, None, required=False),
                valid_until=reader.get(raw, "valid_until", where, dt.date, None, required=False),
            )
        )
    directory = DirectorySpec(
        province=reader.text(data, "province", None),
        name_vi=reader.text(data, "name_vi", None),
        agencies=tuple(agencies),
        source=str(path),
        successions=read_successions(reader, data),
        province_merges=read_province_merges(reader, data),
    )
    for agency in directory.agencies:
        if agency.code and agency.province != directory.province:
            reader.problem(
                ("agency", agency.code),
                "code",
                "code_outside_province",
                province=directory.province,
            )
    reader.finish("agency_directory")
    return directory


def validate_directories(directories: Iterable[DirectorySpec]) -> list[Problem]:
    """Problems across directories: duplicate codes, unknown or cyclic parents."""
    directories = list(directories)
    problems: list[Problem] = []

    def found(what: str, source: str, code: str, key: str, **facts: object) -> None:
        problems.append(Problem(what, facts, source=source, where=("agency", code), field=key))

    seen: dict[str, str] = {}
    for directory in directories:
        for agency in directory.agencies:
            if agency.code in seen:
                found(
                    "defined_twice", directory.source, agency.code, "code", other=seen[agency.code]
                )
            seen[agency.code] = directory.source
    agencies = {a.code: (a, d.source) for d in directories for a in d.agencies}
    for code, (agency, source) in agencies.items():
        for key, targets in (
            ("parent", [agency.parent] if agency.parent else []),
            ("also_reports_to", list(agency.also_reports_to)),
        ):
            for target in targets:
                if target not in agencies:
                    found("unknown_agency", source, code, key, agency=target)
        chain = [code]
        parent = agency.parent
        while parent in agencies and parent not in chain:
            chain.append(parent)
            parent = agencies[parent][0].parent
        if parent == code:
            found("parent_cycle", source, code, "parent", cycle=" → ".join([*chain, code]))
    return problems


def directory_folders(dir: str | Path | None = None) -> list[Path]:
    """Folders of directory files: ``dir``, else each catalog folder's ``agencies/``
    (``tasks_catalog.files.catalog_roots``), the shipped one last."""
    if dir is not None:
        return [Path(dir)]
    return [root / "agencies" for root in catalog_roots() if (root / "agencies").is_dir()]


def directory_files(folders: list[Path]) -> list[Path]:
    """The directory files of ``folders``; a file named like one in a later folder replaces it."""
    found: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            found.setdefault(path.name, path)
    return sorted(found.values(), key=lambda p: p.name)


def load_directories(
    dir: str | Path | None = None,
) -> tuple[dict[str, AgencySpec], list[SuccessionSpec]]:
    """Every agency (with its life) and every succession of the directory files, checked together."""
    folders = directory_folders(dir)
    directories = [load_directory(path) for path in directory_files(folders)]
    problems = validate_directories(directories)
    agencies, successions = expand(directories)
    if not problems:
        problems = succession_problems(agencies, successions)
    if problems:
        raise InvalidDefinition(
            "directories_inconsistent",
            problems=problems,
            folder=str(folders[-1] if dir is None else folders[0]),
        )
    return agencies, successions


def directory_file_problems(path: Path) -> tuple[list[Problem], str]:
    """``catalog validate`` of a directory file: checked with every other known one.

    Returns the problems and the file's province. A shipped file of the same
    province is replaced by this one, so a revised copy is checked as it would load.
    """
    try:
        directory = load_directory(path)
    except InvalidDefinition as exc:
        return list(exc.problems or [Problem(f"error.{exc.code}", exc.facts)]), ""
    others = [
        load_directory(p)
        for p in directory_files(directory_folders())
        if p.resolve() != path.resolve()
    ]
    others = [d for d in others if d.province != directory.province]
    directories = [*others, directory]
    problems = validate_directories(directories)
    if not problems:
        problems = succession_problems(*expand(directories))
    return problems, directory.province


def load_all_directories(dir: str | Path | None = None) -> dict[str, AgencySpec]:
    """Every agency of every directory file in ``dir`` (default: the shipped ones), by code."""
    return load_directories(dir)[0]


# A directory file written beside a plan (``dondoc catalog import`` drafts one
# for a province the catalog has no directory for yet).
BESIDE_SUFFIX = ".agencies.yaml"


def directories_for_plan(plan_path: str | Path) -> dict[str, AgencySpec]:
    """The shipped directories, plus any ``*.agencies.yaml`` beside a plan file (a completed draft)."""
    folder = Path(plan_path).resolve().parent
    shipped = catalog_dir() / "agencies"
    beside = sorted(folder.glob(f"*{BESIDE_SUFFIX}"))
    if not beside or folder == shipped.resolve():
        return load_all_directories()
    return _agencies([*sorted(shipped.glob("*.yaml")), *beside], folder)


def _agencies(paths: list[Path], folder: Path) -> dict[str, AgencySpec]:
    directories = [load_directory(path) for path in paths]
    problems = validate_directories(directories)
    if problems:
        raise InvalidDefinition("directories_inconsistent", problems=problems, folder=str(folder))
    return {agency.code: agency for d in directories for agency in d.agencies}
