"""The periodic report in a terminal: the figures a coordinator checks before opening Word."""

from __future__ import annotations

from typing import Any

from notifiers.i18n import Words

BUCKETS = ("completed_on_time", "completed_late", "within_deadline", "overdue")


def periodic_text(report: dict[str, Any], w: Words) -> str:
    """A few lines: the period, the buckets, the rates, the overdue tasks and the targets."""
    period, f = report["period"], report["figures"]
    lines = [
        w(
            "cli.periodic.head",
            legal_ref=report["plan"]["legal_ref"],
            period=period["key"],
            start=w.date(period["start"]),
            end=w.date(period["end"]),
        )
    ]
    lines += [f"  {w(f'docx.bucket.{b}')}: {f[b]}" for b in BUCKETS]
    lines.append(f"  {w('docx.bucket.total')}: {f['total']}")
    lines.append(
        "  "
        + w(
            "cli.periodic.rates",
            completion=w.percent(f["completion_rate"]),
            update=w.percent(f["update_rate"]),
            reported=f["reported"],
            expected=f["expected_reports"],
        )
    )
    names = "lead_names_en" if w.lang == "en" else "lead_names"
    for e in report["overdue"]:
        late = w.plural("docx.days_late", e["days"], working=e["working_days"])
        lines.append(f"  {e['ref']}  {', '.join(e[names])}  {late}")
    for t in report["targets"]:
        actual = t["actual"]["value"] if t["actual"] else None
        goal = "" if t["figure"] is None else f"{t['figure']:g}{t['unit'] or ''}"
        got = "—" if actual is None else f"{actual:g}{t['unit'] or ''}"
        text = t["text_en"] if w.lang == "en" and t["text_en"] else t["text_vi"]
        short = text if len(text) <= 60 else text[:59] + "…"
        lines.append("  " + w("cli.periodic.target", target=short, goal=goal, actual=got))
    return "\n".join(lines) + "\n"
