"""A draft agency directory for a province the catalog has no directory for yet.

Written beside the imported plan as ``<province>.agencies.yaml``: every agency
code the plan uses, with the name as printed in the annex (or the common
name of a known abbreviation), ready for a person to complete (English
names, full legal names, parents) and then load with the plan:
``catalog load`` and ``catalog validate`` read a ``*.agencies.yaml`` beside a
plan file.
"""

from __future__ import annotations

from typing import Any

from tasks_catalog.importer.agency_table import BUILTIN

# Abbreviations that name a group of bodies rather than one body (DESIGN.md: kept, never dropped).
_GROUPS = {
    "ubnd-huyen",
    "ubnd-xa",
    "cac-so-nganh",
    "cac-so-nganh-don-vi",
    "co-quan-truyen-thong",
    "truong-day-nghe",
    "to-chuc-khcn",
    "don-vi-lien-quan",
    "co-so-sxcn",
    "doi-tuong-thuc-day",
    "don-vi-tu-van",
}
TODO = "TODO"


def _codes(plan: dict[str, Any]) -> list[str]:
    codes = [plan["responsible"], f"{plan['province']}/ubnd"]
    for task in plan["tasks"]:
        codes += task["leads"] + task["co"]
        codes += [line["lead"] for line in task.get("lead_by_source", [])]
    return list(dict.fromkeys(codes))


def draft_directory(plan: dict[str, Any], printed: dict[str, str]) -> dict[str, Any]:
    """The directory of ``plan``'s province as far as the annex tells; ``printed`` maps a code to its name as printed."""
    province = plan["province"]
    agencies: list[dict[str, Any]] = []
    for code in _codes(plan):
        if not code.startswith(f"{province}/"):
            continue  # national bodies live in national.yaml
        abbr = code.split("/", 1)[1]
        known = BUILTIN.get(abbr, ())
        name = printed.get(code) or (known[0] if known else abbr)
        entry: dict[str, Any] = {
            "code": code,
            "name_vi": name,
            "name_en": f"{TODO}: English name of {name}",
            "parent": None if abbr == "ubnd" else f"{province}/ubnd",
        }
        if abbr == "sct":
            entry["also_reports_to"] = ["vn/bct"]
        spellings = [s for s in (printed.get(code), *known) if s and s != name]
        if spellings:
            entry["aliases"] = list(dict.fromkeys(spellings))
        if abbr in _GROUPS:
            entry["group"] = True
        agencies.append(entry)
    return {
        "format": "dondoc-agencies/1",
        "province": province,
        "name_vi": f"{TODO}: tên tỉnh ({province})",
        "agencies": agencies,
    }
