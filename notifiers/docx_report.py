"""The periodic report as a Word draft in the Decree 30/2020/NĐ-CP layout.

``write_docx(report, path)`` takes ``engine.periodic.periodic_report`` and
writes a .docx the department edits, numbers and signs: the national name
and motto, the issuing agency under its parent, the number, place and date,
"BÁO CÁO" with its subject, the body in sections (results by task group;
the four buckets with the completion and update rates; targets against
measured values; overdue tasks; extensions; difficulties and proposals), the
recipients and the signature block, then the annex table, one row per
occurrence. Letterhead, number and signer come from a template file the
province can replace (``notifiers/periodic_report.yaml``). Layout helpers
are in ``notifiers.docx_layout``; every sentence is in the message catalog.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import yaml

from engine.errors import InvalidInput
from engine.files import write_atomically
from notifiers import docx_layout as lay
from notifiers.i18n import Words, words

TEMPLATE = Path(__file__).parent / "periodic_report.yaml"
BUCKETS = ("completed_on_time", "completed_late", "within_deadline", "overdue")
_TEMPLATE_KEYS = (
    "parent", "issuer", "number", "symbol", "place", "signer_for", "signer_title", "signer_name",
)  # fmt: skip


def read_template(path: Path | None = None) -> dict[str, Any]:
    """The letterhead template: dondoc's own, with a province's file over it."""
    base = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    if path is None:
        return base
    try:
        own = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput("bad_report_template", file=str(path)[:200]) from exc
    if not isinstance(own, dict) or not all(
        isinstance(own.get(k, ""), str) for k in _TEMPLATE_KEYS
    ):
        raise InvalidInput("bad_report_template", file=str(path)[:200])
    recipients = own.get("recipients") or []
    if not isinstance(recipients, list):
        raise InvalidInput("bad_report_template", file=str(path)[:200])
    return {**base, **{k: v for k, v in own.items() if v}}


def document_bytes(
    report: dict[str, Any], *, lang: str = "vi", template: dict[str, Any] | None = None
) -> bytes:
    """The .docx of ``report`` as bytes (the board sends them, the CLI writes them)."""
    from docx import Document

    w = words(lang)
    t = {**read_template(), **(template or {})}
    doc = Document()
    lay.set_styles(doc)
    lay.set_page(doc)
    number = _number(report, t)
    _letterhead(doc, report, t, number, w)
    _body(doc, report, w)
    _signature(doc, report, t, w)
    _annex(doc, report, t, number, w)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_docx(
    report: dict[str, Any], path: Path, *, lang: str = "vi", template: dict[str, Any] | None = None
) -> None:
    write_atomically(path, document_bytes(report, lang=lang, template=template))


def _number(report: dict[str, Any], t: dict[str, Any]) -> str:
    # Blank for the clerk: the registry gives the number when the report is issued.
    return f"{t.get('number') or '      '}/{t.get('symbol') or report['issuer']['symbol']}"


def _names(report: dict[str, Any], t: dict[str, Any], lang: str) -> tuple[str, str]:
    issuer = report["issuer"]
    suffix = "en" if lang == "en" else "vi"
    parent = t.get("parent") or issuer[f"parent_{suffix}"]
    name = t.get("issuer") or issuer[f"name_{suffix}"]
    return parent.upper(), name.upper()


def _long_date(day: str, place: str, w: Words) -> str:
    d = dt.date.fromisoformat(day)
    return w(
        "docx.place_date", place=place, day=f"{d.day:02d}", month=f"{d.month:02d}", year=d.year
    )


def _letterhead(doc: Any, report: dict[str, Any], t: dict[str, Any], number: str, w: Words) -> None:
    parent, issuer = _names(report, t, w.lang)
    head = lay.frame(doc, 2, [62, 103])
    left, right = head.rows[0].cells
    lay.line(left, parent, size=lay.HEAD_PT)
    lay.line(left, issuer, size=lay.HEAD_PT, bold=True, rule=True)
    lay.line(right, w("docx.nation").upper(), size=lay.HEAD_PT, bold=True)
    lay.line(right, w("docx.motto"), size=lay.BODY_PT, bold=True, rule=True)
    left, right = head.rows[1].cells
    lay.line(left, w("docx.number", number=number), size=lay.HEAD_PT)
    place = t.get("place") or report["place"]
    lay.line(right, _long_date(report["made_on"], place, w), size=lay.BODY_PT, italic=True)
    lay.line(doc, "", size=lay.BODY_PT)
    lay.line(doc, w("docx.type").upper(), size=lay.BODY_PT, bold=True)
    lay.line(doc, _subject(report, w), size=lay.BODY_PT, bold=True, rule=True)


def _subject(report: dict[str, Any], w: Words) -> str:
    period = report["period"]
    facts = {"legal_ref": report["plan"]["legal_ref"], "year": period["year"]}
    if period["half"]:
        return w("docx.subject_half", **facts)
    return w("docx.subject_year", **facts)


def _figure_text(f: dict[str, Any], w: Words) -> str:
    return w(
        "docx.figures",
        total=f["total"],
        on_time=f["completed_on_time"],
        late=f["completed_late"],
        within=f["within_deadline"],
        overdue=f["overdue"],
        suspended=f["suspended"],
        cancelled=f["cancelled"],
    )


def _body(doc: Any, report: dict[str, Any], w: Words) -> None:
    plan, period = report["plan"], report["period"]
    title = plan["title_en"] if w.lang == "en" and plan["title_en"] else plan["title_vi"]
    lay.body(
        doc,
        w(
            "docx.opening",
            legal_ref=plan["legal_ref"],
            issued=w.date(plan["issued"]),
            title=title,
            start=w.date(period["start"]),
            end=w.date(period["end"]),
        ),
    )
    lay.heading(doc, w("docx.h.results"))
    for number, section in enumerate(report["sections"], start=1):
        label = section["title"] or w("docx.no_section")
        lay.heading(doc, f"{number}. {label}", level=2)
        lay.body(doc, _figure_text(section["figures"], w))
        for row in report["annex"]:
            progress = row["progress"]
            if row["code"] in section["tasks"] and progress and progress.get("note"):
                lay.body(doc, f"- {row['ref'].split(':', 1)[1]}: {progress['note']}")
    _summary(doc, report, w)
    _targets(doc, report, w)
    _overdue(doc, report, w)
    _extensions(doc, report, w)
    lay.heading(doc, w("docx.h.difficulties"))
    _quoted(doc, report["difficulties"], w)
    lay.heading(doc, w("docx.h.proposals"))
    _quoted(doc, report["proposals"], w)


def _summary(doc: Any, report: dict[str, Any], w: Words) -> None:
    f = report["figures"]
    lay.heading(doc, w("docx.h.summary"))
    lay.body(doc, w("docx.cut_off", day=w.date(report["as_of"])))
    rows = [[w(f"docx.bucket.{b}"), str(f[b])] for b in BUCKETS]
    rows += [[w("docx.bucket.suspended"), str(f["suspended"])]]
    rows += [[w("docx.bucket.cancelled"), str(f["cancelled"])]]
    rows += [[w("docx.bucket.total"), str(f["total"])]]
    lay.grid(doc, [w("docx.col.bucket"), w("docx.col.count")], rows, [120, 40])
    lay.body(
        doc,
        w(
            "docx.completion_rate",
            rate=w.percent(f["completion_rate"]),
            completed=f["completed"],
            due=f["completed"] + f["overdue"],
        ),
    )
    lay.body(
        doc,
        w(
            "docx.update_rate",
            rate=w.percent(f["update_rate"]),
            reported=f["reported"],
            expected=f["expected_reports"],
        ),
    )


def _value(found: dict[str, Any] | None, unit: str) -> str:
    if found is None:
        return "—"
    value = found["value"]
    return f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}".strip()


def _targets(doc: Any, report: dict[str, Any], w: Words) -> None:
    lay.heading(doc, w("docx.h.targets"))
    if not report["targets"]:
        lay.body(doc, w("docx.no_targets"))
        return
    rows = []
    for t in report["targets"]:
        text = t["text_en"] if w.lang == "en" and t["text_en"] else t["text_vi"]
        unit = t["unit"] or ""
        goal = "" if t["figure"] is None else f"{t['figure']:g}{unit}"
        trend = "; ".join(f"{p['period']}: {_value(p, unit)}" for p in t["trend"])
        source = _figure_source(t["actual"], w) if t["actual"] else ""
        rows.append(
            [text, f"{goal} ({t['year']})" if t["year"] else goal, _value(t["actual"], unit),
             trend or "—", source]
        )  # fmt: skip
    header = [w(f"docx.col.{k}") for k in ("target", "goal", "actual", "trend", "source")]
    lay.grid(doc, header, rows, [60, 22, 20, 38, 25])


def _figure_source(actual: dict[str, Any], w: Words) -> str:
    agency = actual["agency_name_en" if w.lang == "en" else "agency_name"]
    code = actual["ref"].split(":", 1)[1]
    return w("docx.figure_source", agency=agency, day=w.date(actual["at"]), code=code)


def _overdue(doc: Any, report: dict[str, Any], w: Words) -> None:
    lay.heading(doc, w("docx.h.overdue"))
    if not report["overdue"]:
        lay.body(doc, w("docx.no_overdue"))
        return
    names = "lead_names_en" if w.lang == "en" else "lead_names"
    rows = [
        [
            e["ref"].split(":", 1)[1],
            e["title"],
            "; ".join(e[names]),
            w.date(e["due"]),
            w.plural("docx.days_late", e["days"], working=e["working_days"]),
        ]
        for e in report["overdue"]
    ]
    header = [w(f"docx.col.{k}") for k in ("code", "task", "lead", "due", "late")]
    lay.grid(doc, header, rows, [18, 62, 35, 22, 28])


def _extensions(doc: Any, report: dict[str, Any], w: Words) -> None:
    lay.heading(doc, w("docx.h.extensions"))
    if not report["extensions"]:
        lay.body(doc, w("docx.no_extensions"))
        return
    for e in report["extensions"]:
        lay.body(
            doc,
            "- "
            + w(
                "docx.extension",
                code=e["ref"].split(":", 1)[1],
                was=w.date(e["original_due"]),
                due=w.date(e["new_due"]),
                reason=e.get("reason") or "—",
            ),
        )


def _quoted(doc: Any, items: list[dict[str, Any]], w: Words) -> None:
    if not items:
        lay.body(doc, w("docx.none_reported"))
        return
    for item in items:
        agency = item["agency_name_en" if w.lang == "en" else "agency_name"]
        code = item["ref"].split(":", 1)[1]
        lay.body(doc, w("docx.quoted", agency=agency, code=code, text=item["text"]))


def _signature(doc: Any, report: dict[str, Any], t: dict[str, Any], w: Words) -> None:
    lay.line(doc, "", size=lay.BODY_PT)
    table = lay.frame(doc, 1, [85, 80])
    left, right = table.rows[0].cells
    left_align = lay.WD_ALIGN_PARAGRAPH.LEFT
    lay.line(left, w("docx.recipients"), size=12, bold=True, italic=True, align=left_align)
    names = report.get("recipients_names_en" if w.lang == "en" else "recipients_names") or []
    recipients = list(t.get("recipients") or []) or [w("docx.recipient", name=n) for n in names]
    for name in [*recipients, w("docx.archive")]:
        lay.line(left, f"- {name}", size=11, align=left_align)
    lay.line(right, t.get("signer_for") or "", size=lay.BODY_PT, bold=True)
    lay.line(right, t.get("signer_title") or "", size=lay.BODY_PT, bold=True)
    for _ in range(4):
        lay.line(right, "", size=lay.BODY_PT)
    lay.line(right, t.get("signer_name") or "", size=lay.BODY_PT, bold=True)


def _annex(doc: Any, report: dict[str, Any], t: dict[str, Any], number: str, w: Words) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _parent, issuer = _names(report, t, w.lang)
    lay.line(doc, w("docx.annex"), size=lay.BODY_PT, bold=True)
    lay.line(doc, w("docx.annex_title", legal_ref=report["plan"]["legal_ref"]).upper(),
             size=lay.BODY_PT, bold=True)  # fmt: skip
    day = dt.date.fromisoformat(report["made_on"])
    lay.line(
        doc,
        w(
            "docx.annex_attached",
            number=number,
            day=f"{day.day:02d}",
            month=f"{day.month:02d}",
            year=day.year,
            issuer=t.get("issuer") or report["issuer"]["name_en" if w.lang == "en" else "name_vi"],
        ),
        size=lay.BODY_PT,
        italic=True,
        rule=True,
    )
    names = "lead_names_en" if w.lang == "en" else "lead_names"
    rows = [
        [
            str(i),
            r["ref"].split(":", 1)[1],
            r["title"],
            "; ".join(r[names]),
            w.date(r["due"]),
            w.status(r["status_category"]),
            _progress_text(r, w),
        ]
        for i, r in enumerate(report["annex"], start=1)
    ]
    header = [w(f"docx.col.{k}") for k in ("no", "code", "task", "lead", "due", "status", "report")]
    lay.grid(doc, header, rows, [9, 18, 50, 30, 20, 22, 26])
    lay.line(doc, "", size=lay.BODY_PT)
    f = report["figures"]
    counts = [[w(f"docx.bucket.{b}"), str(f[b])] for b in BUCKETS]
    counts += [[w("docx.bucket.total"), str(f["total"])]]
    lay.grid(doc, [w("docx.col.bucket"), w("docx.col.count")], counts, [120, 40])


def _progress_text(row: dict[str, Any], w: Words) -> str:
    progress = row["progress"]
    extended = [w("docx.extended_to", day=w.date(row["extended_to"]))] * bool(row["extended_to"])
    if not row["reported"] or not progress:
        return "; ".join([w("docx.not_reported"), *extended])
    parts = [w.date(progress["at"]), *extended]
    if progress.get("percent") is not None:
        parts.append(f"{progress['percent']}%")
    return ", ".join(parts)
