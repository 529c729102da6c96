"""Writing out a queued notice: its facts become a subject, a text and an HTML body.

The engine queues escalations, reminders and digests as facts (``engine.outbox``);
the dispatcher calls ``compose`` when it sends, in the language stored with the
row, and keeps what it wrote on the row. The words come from the message
catalog (``notifiers.i18n``) and the Jinja templates in ``templates/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from notifiers.i18n import Words, words
from notifiers.render import COLOURS, oneline, render
from workflows.errors import InvalidInput

KINDS = ("escalation", "reminder", "digest")


@dataclass(frozen=True)
class Composed:
    """A message ready to send: one-line subject, text body and HTML body."""

    subject: str
    text: str
    html: str


def compose(kind: str, facts: dict[str, Any], lang: str, base_url: str | None = None) -> Composed:
    """The message a notice of ``kind`` makes of ``facts`` in ``lang``.

    With ``base_url`` (the board's public address, ``DONDOC_BASE_URL``) every
    task it names links to its page on the board.
    """
    w = words(lang)
    if kind == "digest":
        subject = digest_subject(facts, w)
        return Composed(
            subject,
            render("digest", "text", facts, lang=lang, base_url=base_url),
            render("digest", "html", facts, lang=lang, base_url=base_url),
        )
    if kind == "escalation":
        view = escalation_view(facts, w)
    elif kind == "reminder":
        view = reminder_view(facts, w)
    else:
        raise InvalidInput("unknown_notice_kind", kind=kind, kinds=list(KINDS))
    return Composed(
        view["subject"],
        render(kind, "text", view, lang=lang, base_url=base_url),
        render(kind, "html", view, lang=lang, base_url=base_url),
    )


def digest_subject(data: dict[str, Any], w: Words) -> str:
    """One line, whatever the catalog's names hold, so it cannot add a mail header."""
    code = data.get("agency") or ""
    name = (data.get("agencies") or {}).get(code, {}).get(w.lang) or code
    legal_refs = ", ".join(p["legal_ref"] for p in data.get("plans", []))
    return oneline(w("digest.subject", week=data["week"], legal_ref=legal_refs, agency=name))


def escalation_view(facts: dict[str, Any], w: Words) -> dict[str, Any]:
    """What an escalation's templates show, worded in ``w``'s language."""
    view = _notice_view(facts, w)
    level, state = facts["level"], view["state"]
    overdue = facts["kind"] == "overdue"
    limit = facts.get("limit")
    view.update(
        subject=oneline(
            w(
                "msg.subject.overdue" if overdue else "msg.subject.state_limit",
                ref=facts["ref"],
                level=level,
                state=state,
            )
        ),
        heading=w(
            "msg.heading.overdue" if overdue else "msg.heading.state_limit",
            level=level,
            state=state,
        ),
        colour=COLOURS["overdue"],
        due=w("msg.due_overdue", due=w.date(facts["due"]), days=facts["days_overdue"]),
        level_line=w("msg.level", level=level, target=view["target"]),
        limit_line=(
            w("msg.state_limit", days=limit["days"], state=state, due=w.date(limit["due"]))
            if limit
            else ""
        ),
        caught_up_line=(
            w("msg.caught_up", level=level, levels=facts["caught_up"])
            if facts.get("caught_up")
            else ""
        ),
    )
    return view


def reminder_view(facts: dict[str, Any], w: Words) -> dict[str, Any]:
    """What a reminder's templates show, worded in ``w``'s language."""
    view = _notice_view(facts, w)
    if facts.get("cycle"):
        return _cycle_view(view, facts, w)
    days = facts["days_left"]
    view.update(
        subject=oneline(
            w.plural("msg.subject.reminder", days, ref=facts["ref"], due=w.date(facts["due"]))
        ),
        heading=w.plural("msg.heading.reminder", days),
        colour=COLOURS["in-progress"],
        due=w.plural("msg.due_left", days, due=w.date(facts["due"])),
    )
    return view


def _cycle_view(view: dict[str, Any], facts: dict[str, Any], w: Words) -> dict[str, Any]:
    """A progress-report reminder or escalation, or a nudge for a silent task (engine.cycle_notices)."""
    kind = facts["cycle"]
    words = {
        "ref": facts["ref"],
        "period": w.period(facts["period"]) if facts.get("period") else "",
        "deadline": w.date(facts.get("deadline")),
        "since": w.date(facts.get("quiet_since")),
        "days": facts.get("working_days", 0),
    }
    view.update(
        subject=oneline(w(f"msg.subject.{kind}", **words)),
        heading=w(f"msg.heading.{kind}", **words),
        colour=COLOURS["overdue" if kind == "report_late" else "in-progress"],
        due=w(f"msg.line.{kind}", **words),
    )
    return view


def _notice_view(facts: dict[str, Any], w: Words) -> dict[str, Any]:
    """What every escalation and reminder names: plan, task, owner, who else is told, what to do."""
    names = facts.get("agencies") or {}

    def agency(code: str) -> str:
        return (names.get(code) or {}).get(w.lang) or code

    plan = facts["plan"]
    workflow = facts["workflow"]
    state = w.state(workflow, facts["state"])
    return {
        "plan": {
            "id": plan["id"],
            "legal_ref": plan["legal_ref"],
            "title": plan["title_en"]
            if w.lang == "en" and plan.get("title_en")
            else plan["title_vi"],
        },
        "ref": facts["ref"],
        "code": facts.get("code"),
        "year": facts.get("year"),
        "title": facts["title"],
        "state": state,
        "owner": agency(facts["owner"]),
        "target": agency(facts.get("target") or facts["owner"]),
        "told": [agency(code) for code in facts.get("told", [])],
        "call": w("msg.call", name=agency(facts["responsible"])),
        "steps": [_step(workflow, t, w) for t in facts.get("allowed", [])],
        "steps_intro": w("msg.steps", state=state),
        "no_step": w("msg.no_step", state=state),
    }


def _step(workflow: str, t: dict[str, Any], w: Words) -> dict[str, str]:
    """One step the task may take next, in words, with what it asks for."""
    needs = [w.field(f) for f in t["requires"]]
    if t["requires_any"]:
        needs.append(w("msg.one_of", fields=" / ".join(w.field(f) for f in t["requires_any"])))
    return {
        "label": w.trigger(workflow, t["trigger"]),
        "needs": w("msg.needs", fields="; ".join(needs)) if needs else "",
    }
