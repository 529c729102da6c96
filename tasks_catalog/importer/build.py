"""Turn the annex's draft rows into a plan dict in the FORMAT.md shape, reporting every guess.

Interpretation happens here: splitting "Chủ trì: X - Phối hợp: Y" cells,
mapping agency names to codes, reading time cells, guessing each task's
workflow kind from its title, and linking tasks led by the support team to
the task that founds it. Anything uncertain is written to the report with the
task's code and the column, so the person importing knows what to check.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from engine.errors import Problem
from engine.plan_spec import Window
from tasks_catalog.importer.agency_names import AgencyMatcher, ParsedAgencies, split_roles
from tasks_catalog.importer.annex import Annex, DraftTask
from tasks_catalog.importer.columns import (
    ACTIONS,
    BUDGET,
    CO,
    END,
    LEADS,
    NOTE,
    REF,
    RESULT,
    SOURCE,
    START,
    TITLE,
    WINDOW,
    unused_headings,
)
from tasks_catalog.importer.plan_fields import guess_legal_ref, guess_period
from tasks_catalog.importer.text import fold, list_items, one_line
from tasks_catalog.importer.times import CatalogTime, catalog_time
from tasks_catalog.windows import ParsedWindow, read_window

_COLUMN_NAMES = {
    TITLE: "Nhiệm vụ",
    ACTIONS: "Nội dung hành động",
    RESULT: "Kết quả dự kiến",
    LEADS: "Cơ quan thực hiện",
    CO: "Cơ quan phối hợp",
    WINDOW: "Thời gian thực hiện",
    START: "Thời gian thực hiện",
    END: "Thời gian thực hiện",
    NOTE: "Ghi chú",
    BUDGET: "Kinh phí",
    SOURCE: "Nguồn kinh phí",
}
# (keywords in the folded title, workflow kind); the first match wins.
_WORKFLOW_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "thanh lap to",
            "thanh lap van phong",
            "van phong ho tro",
            "van phong sxsh",
            "van phong san xuat sach hon",
        ),
        "support_team",
    ),
    (("chi thi", "van ban", "ban hanh", "quy pham phap luat", "chinh sach"), "directive"),
    (("mo hinh trinh dien",), "demo_model"),
    (("khao sat", "dieu tra", "danh gia"), "survey"),
    (("co so du lieu", "website", "trang thong tin", "trang web"), "system_build"),
)
_FOUNDS_TEAM = re.compile(r"thanh lap (to|van phong)|(to|van phong) (ho tro|sxsh|san xuat sach)")
_YEARLY_TITLE = re.compile(r"\b(hang nam|moi nam)\b")
_SOURCES = (
    ("trung uong", "ngan-sach-trung-uong"),
    ("moi truong", "su-nghiep-moi-truong"),
    ("khcn", "su-nghiep-khcn"),
    ("khoa hoc", "su-nghiep-khcn"),
    ("khuyen cong", "khuyen-cong"),
    ("dia phuong", "ngan-sach-tinh"),
    ("ngan sach tinh", "ngan-sach-tinh"),
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:40] or "x"


class PlanBuilder:
    """Builds the plan dict for one import and collects the report."""

    def __init__(
        self, *, plan_id: str, province: str, matcher: AgencyMatcher, has_time_column: bool = True
    ) -> None:
        self.plan_id = plan_id
        self.has_time_column = has_time_column
        self.province = province
        self.matcher = matcher
        self.report: list[Problem] = []
        # Placeholder code -> the name as printed, for a draft directory.
        self.printed: dict[str, str] = {}

    def say(self, code: str, column: str, what: str, /, **facts: Any) -> None:
        """A point for the report about task ``code`` and its ``column`` (named as printed)."""
        self.report.append(
            Problem(what, facts, where=("task", code), field=_COLUMN_NAMES.get(column, column))
        )

    def budget_lines(self, plan: dict[str, Any], annex: Annex) -> None:
        """The budget annex as budget lines; what it could not split by year is said per task."""
        lines = [line for table in annex.budgets for line in table.lines]
        if lines:
            plan["budget"] = {"unit": "million VND", "lines": lines}
            tasks = len({line["task"] for line in lines})
            self.say_plan("import.budget_read", lines=len(lines), tasks=tasks)
        for table in annex.budgets:
            for code, years in table.unsplit:
                self.say(code, BUDGET, "import.budget_not_split", years=years)

    def say_ignored_columns(self, annex: Annex) -> None:
        """A column of the task table that no task field holds is named, never dropped unsaid."""
        for heading in unused_headings(annex.headers):
            self.say_plan("import.column_ignored", heading=one_line(heading)[:60])

    def say_plan(self, what: str, /, **facts: Any) -> None:
        """A point for the report about the plan as a whole."""
        self.report.append(Problem(what, facts, where=("plan", self.plan_id)))

    # ------------------------------------------------------------------ tasks

    def task(self, draft: DraftTask) -> dict[str, Any]:
        texts = draft.texts
        code = draft.code
        if not draft.numbered:
            self.say(code, "TT", "import.unnumbered_row", line=draft.line, code=code)
        for name in dict.fromkeys(END if n == START else n for n in draft.filled):
            self.say(code, name, "import.merged_cell")
        raw_title = texts.get(TITLE, "")
        # A line break inside a title is layout; only bullets make it a list.
        bulleted = raw_title.lstrip().startswith(("-", "+", "•"))
        title = "; ".join(list_items(raw_title)) if bulleted else one_line(raw_title)
        if not title:
            title = one_line(texts.get(ACTIONS, "")) or f"TODO: title of {code}"
            self.say(code, TITLE, "import.no_title")
        task: dict[str, Any] = {"code": code, "section": draft.section, "title": title}
        task["actions"] = list_items(texts.get(ACTIONS, ""))
        result = "; ".join(list_items(texts.get(RESULT, "")))
        if result:
            task["result"] = result
        leads, co, by_source, notes = self.agencies(draft)
        parsed = self.window(draft)
        time = self.printed_time(draft, parsed)
        notes.extend([time.unkept] if time.unkept else [])
        recurrence = time.recurrence
        if recurrence == "once" and _YEARLY_TITLE.search(fold(title)):
            recurrence = "yearly"
            self.say(code, WINDOW, "import.yearly_from_title")
        task["workflow"] = self.workflow(code, title, recurrence)
        task["leads"] = leads
        task["co"] = co
        if parsed.window is not None:
            task["window"] = {"start": parsed.window.start, "end": parsed.window.end}
        task["recurrence"] = recurrence
        if time.due:
            task["due"] = time.due
        task["depends_on"] = []
        notes.extend(self.budget(code, texts))
        if texts.get(REF):
            notes.append(f"Tham chiếu: {one_line(texts[REF])}.")
        note = " ".join([*notes, one_line(texts.get(NOTE, ""))]).strip()
        if note:
            task["note"] = note
        if by_source:
            task["lead_by_source"] = by_source
        return task

    def agencies(
        self, draft: DraftTask
    ) -> tuple[list[str], list[str], list[dict[str, str]], list[str]]:
        code = draft.code
        lead_text, co_text = draft.texts.get(LEADS, ""), draft.texts.get(CO, "")
        roles = split_roles(lead_text)
        if roles is not None:
            lead_text, extra_co = roles
            co_text = "; ".join(t for t in (extra_co, co_text) if t)
        leads_parsed = self.matcher.parse(lead_text)
        co_parsed = self.matcher.parse(co_text)
        leads = self.codes(code, LEADS, leads_parsed)
        co = self.codes(code, CO, co_parsed)
        notes: list[str] = []
        by_source: list[dict[str, str]] = []
        for agency, qualifier in leads_parsed.qualifiers:
            source = _source(qualifier)
            if source:
                by_source.append({"source": source, "lead": agency})
            else:
                notes.append(f"{agency}: {qualifier}.")
                self.say(code, LEADS, "import.qualifier_ignored", agency=agency, text=qualifier)
        if by_source:
            self.say(code, LEADS, "import.lead_by_source", sources=[s["source"] for s in by_source])
        for agency, qualifier in co_parsed.qualifiers:
            notes.append(f"{agency}: {qualifier}.")
            self.say(code, CO, "import.qualifier_ignored", agency=agency, text=qualifier)
        if not leads:
            leads = [f"{self.province}/sct"]
            self.say(code, LEADS, "import.no_lead", agency=leads[0])
        elif len(leads) > 1:
            self.say(code, LEADS, "import.several_leads", count=len(leads), agencies=leads)
        return leads, co, by_source, notes

    def codes(self, code: str, column: str, parsed: ParsedAgencies) -> list[str]:
        out = list(parsed.codes)
        for chunk in parsed.unknown:
            placeholder = f"{self.province}/unmapped-{_slug(chunk)}"
            self.printed.setdefault(placeholder, chunk)
            out.append(placeholder)
            self.say(code, column, "import.unknown_agency", text=chunk, placeholder=placeholder)
        if self.matcher.known_codes:
            for agency in parsed.codes:
                if (
                    agency.startswith(f"{self.province}/")
                    and agency not in self.matcher.known_codes
                ):
                    self.say(code, column, "import.not_in_directory", agency=agency)
        return out

    def window(self, draft: DraftTask) -> ParsedWindow:
        texts = draft.texts
        if texts.get(WINDOW):
            text, column = texts[WINDOW], WINDOW
        else:
            text = " / ".join(t for t in (texts.get(START, ""), texts.get(END, "")) if t)
            column = START
        parsed = read_window(text)
        if parsed.problem is None or (
            parsed.problem.code == "window.empty" and not self.has_time_column
        ):
            return parsed  # an annex without a time column is said once for the whole annex
        self.say(draft.code, column, parsed.problem.key, **parsed.problem.facts)
        return parsed

    def printed_time(self, draft: DraftTask, parsed: ParsedWindow) -> CatalogTime:
        """The recurrence and due day as printed; what cannot be kept exactly goes to the note, said."""
        text = one_line(draft.texts.get(WINDOW) or draft.texts.get(END, ""))
        time = catalog_time(parsed, text)
        if parsed.problem is not None and parsed.problem.code == "window.year_list":
            return CatalogTime(time.recurrence, time.due, f"Thời gian in trong phụ lục: {text}.")
        if time.unkept:
            self.say(draft.code, WINDOW, "import.time_not_kept", text=text)
            return CatalogTime(time.recurrence, None, f"Thời gian in trong phụ lục: {text}.")
        if time.due or time.recurrence not in ("once", "yearly"):
            self.say(
                draft.code,
                WINDOW,
                "import.time_read",
                text=text,
                recurrence=time.recurrence,
                due=time.due or "-",
            )
        return time

    def budget(self, code: str, texts: dict[str, str]) -> list[str]:
        """A budget or funding-source column of the task table, kept in the note and said."""
        amount, source = one_line(texts.get(BUDGET, "")), one_line(texts.get(SOURCE, ""))
        if not amount and not source:
            return []
        self.say(code, BUDGET, "import.budget_in_note", amount=amount or "-", source=source or "-")
        shown = "; ".join(p for p in (amount, source) if p)
        return [f"Kinh phí: {shown}."]

    def workflow(self, code: str, title: str, recurrence: str) -> str:
        folded = fold(title)
        kind = "generic"
        for keywords, name in _WORKFLOW_KEYWORDS:
            if any(k in folded for k in keywords):
                kind = name
                break
        else:
            if recurrence != "once":
                kind = "recurring_activity"
        self.say(code, TITLE, "import.workflow_guessed", workflow=kind)
        return kind

    def link_support_team(self, tasks: list[dict[str, Any]]) -> None:
        """Tasks led by the support team depend on the task that founds it ("Thành lập Tổ hỗ trợ")."""
        founders = [
            t
            for t in tasks
            if _FOUNDS_TEAM.search(fold(t["title"] + " " + " ".join(t["actions"])))
            and "thanh lap" in fold(t["title"] + " " + " ".join(t["actions"]))
        ]
        team = f"{self.province}/to-ho-tro"
        led = [t for t in tasks if team in t["leads"]]
        if not led:
            return
        if not founders:
            for task in led:
                self.say(task["code"], LEADS, "import.team_not_founded")
            return
        founder = founders[0]
        for task in led:
            if task is founder or founder["code"] in task["depends_on"]:
                continue
            task["depends_on"].append(founder["code"])
            self.say(task["code"], LEADS, "import.team_dependency", founder=founder["code"])

    # ------------------------------------------------------------------ plan

    def plan(self, annex: Annex, document: str, defaults: dict[str, Any] | None) -> dict[str, Any]:
        defaults = dict(defaults or {})
        tasks = [self.task(draft) for draft in annex.tasks]
        self.link_support_team(tasks)
        windows = [Window(t["window"]["start"], t["window"]["end"]) for t in tasks if "window" in t]
        plan: dict[str, Any] = {
            "format": "dondoc-plan/1",
            "id": self.plan_id,
            "province": self.province,
        }
        plan["title_vi"] = defaults.pop("title_vi", "TODO: tên kế hoạch (plan title)")
        plan["title_en"] = defaults.pop("title_en", "TODO: plan title in English")
        legal = guess_legal_ref(document)
        if "legal_ref" in defaults:
            plan["legal_ref"] = defaults.pop("legal_ref")
        elif legal is not None:
            plan["legal_ref"] = legal[0]
            self.say_plan("import.legal_ref_guessed", legal_ref=legal[0])
        else:
            plan["legal_ref"] = "TODO: số văn bản (legal reference)"
        period = defaults.pop("period", None)
        if period is None:
            guessed, source = guess_period(document, self.plan_id, windows)
            period = {"start": guessed.start, "end": guessed.end}
            self.say_plan(
                "import.period_guessed", start=guessed.start, end=guessed.end, source=source
            )
        if "issued" in defaults:
            plan["issued"] = defaults.pop("issued")
        elif legal is not None:
            plan["issued"] = legal[1]
            self.say_plan("import.issued_guessed", issued=legal[1].isoformat())
        else:
            plan["issued"] = dt.date(int(period["start"]), 1, 1)
            self.say_plan("import.issued_placeholder", issued=plan["issued"].isoformat())
        plan["period"] = period
        issued = plan["issued"]
        if isinstance(issued, dt.date) and not (
            int(period["start"]) - 1 <= issued.year <= int(period["end"])
        ):
            self.say_plan(
                "import.issued_outside_period",
                issued=issued.isoformat(),
                start=period["start"],
                end=period["end"],
            )
        if not self.has_time_column:
            self.say_plan("import.no_time_column")
        plan["responsible"] = defaults.pop("responsible", f"{self.province}/sct")
        plan.update(defaults)
        plan["sections"] = [{"code": c, "title": t} for c, t in annex.sections]
        plan["tasks"] = tasks
        self.say_ignored_columns(annex)
        self.budget_lines(plan, annex)
        counts = annex.counts
        self.say_plan(
            "import.summary",
            rows=sum(v for k, v in counts.items() if k not in ("outside", "empty")),
            tasks=len(tasks),
            sections=counts.get("section", 0),
            headers=counts.get("header", 0),
            continued=counts.get("continued", 0),
            set_aside=counts.get("set_aside", 0) + counts.get("budget", 0),
            outside=counts.get("outside_rows", 0),
        )
        for task in tasks:
            window = task.get("window")
            if window and not (
                period["start"] <= window["start"] <= window["end"] <= period["end"]
            ):
                self.say(
                    task["code"],
                    WINDOW,
                    "import.window_outside_period",
                    start=window["start"],
                    end=window["end"],
                )
        return plan


def _source(qualifier: str) -> str:
    """The funding source a lead's qualifier names ("... có nguồn từ NS Trung ương"), or ""."""
    folded = fold(qualifier)
    if "nguon" not in folded and "kinh phi" not in folded:
        return ""
    for needle, slug in _SOURCES:
        if needle in folded.replace("ns ", "ngan sach "):
            return slug
    return _slug(folded.split("tu", 1)[-1])
