"""An occurrence's history as people read it: who did what, to which state, on which day.

``"Nguyễn Thị Lan (Sở Công Thương) trình UBND tỉnh → Đã trình UBND tỉnh"``
instead of ``lan submit: appraisal → submitted``. The history rows are the
engine's (``engine.views.occurrence_record``); people and agencies are named
by ``People`` and ``engine.names.AgencyNames``; every word is the catalog's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from engine.names import AgencyNames
from notifiers.i18n import Words
from workflows.fields import field

# Who acts when no person does: catalog loading, the scheduler, successions.
SYSTEM_ACTORS = ("catalog", "scheduler", "system")
# Facts the engine adds to an event of its own (engine.catalog, engine.transition).
_WINDOW = ("window_start", "due")


@dataclass(frozen=True)
class Person:
    name: str
    full_name: str | None
    agency: str | None


class People:
    """The people a page names: ``{user name: Person}``, each looked up when first named.

    ``lookup`` finds one person by name (None: no such account). A national
    deployment has tens of thousands of accounts and a page names a handful:
    reading them all for every page was most of a page's time (bench/NOTES.md).
    """

    def __init__(
        self,
        people: dict[str, Person] | None = None,
        lookup: Callable[[str], Person | None] | None = None,
    ) -> None:
        self._people = dict(people or {})
        self._lookup = lookup

    def missing(self, names: Iterable[str]) -> list[str]:
        """Of ``names``, the people not yet known (system actors are never people)."""
        return sorted({n for n in names if n and n not in SYSTEM_ACTORS} - set(self._people))

    def know(self, person: Person) -> None:
        self._people[person.name] = person

    def get(self, name: str) -> Person:
        if name not in self._people and self._lookup is not None:
            found = self._lookup(name)
            if found is not None:
                self._people[name] = found
            else:
                self._people[name] = Person(name, None, None)
        return self._people.get(name) or Person(name, None, None)


def _lower_first(label: str) -> str:
    """``Trình UBND tỉnh`` → ``trình UBND tỉnh``; ``UBND …`` keeps its capitals."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def who(w: Words, actor: str, people: People, names: AgencyNames) -> str:
    """``Nguyễn Thị Lan (Sở Công Thương)``, or the system's name for an automatic step."""
    if actor in SYSTEM_ACTORS:
        return w(f"history.actor.{actor}")
    person = people.get(actor)
    shown = person.full_name or person.name
    if person.agency:
        return w("history.person", person=shown, agency=names.short(person.agency, w.lang))
    return shown


def event_sentence(
    w: Words, event: dict[str, Any], workflow: str, people: People, names: AgencyNames
) -> str:
    """One history row as a sentence (without its day and its details)."""
    actor = who(w, event["actor"], people, names)
    trigger = event["trigger"]
    if trigger == "create":
        return w("history.created", actor=actor, state=w.state(workflow, event["to"]))
    if trigger == "replan":
        return w("history.replanned", actor=actor)
    if trigger in ("comment", "contribute"):
        return w(f"history.{trigger}", actor=actor)
    action = _lower_first(w.trigger(workflow, trigger))
    if event["from"] == event["to"]:
        return w("history.step_same_state", actor=actor, action=action)
    return w("history.step", actor=actor, action=action, state=w.state(workflow, event["to"]))


def event_details(w: Words, event: dict[str, Any], names: AgencyNames | None = None) -> list[str]:
    """The facts an event recorded, each as ``label: value`` (days written as people write them,
    agencies by their names when ``names`` is given)."""
    facts = dict(event.get("fields") or {})
    lines = []
    if all(isinstance(facts.get(k), list) and len(facts[k]) == 2 for k in _WINDOW):
        # A replanned window: [old, new] of each end (engine.catalog).
        (old_start, new_start), (old_due, new_due) = facts.pop("window_start"), facts.pop("due")
        lines.append(
            w(
                "history.window_moved",
                old_start=_day(w, old_start),
                old_due=_day(w, old_due),
                start=_day(w, new_start),
                due=_day(w, new_due),
            )
        )
    elif all(k in facts for k in _WINDOW):
        start, due = facts.pop("window_start"), facts.pop("due")
        lines.append(w("history.window", start=_day(w, start), due=_day(w, due)))
    if isinstance(facts.get("due"), str) and "->" in facts["due"]:
        old, new = (part.strip() for part in facts.pop("due").split("->", 1))
        lines.append(w("history.due_moved", old=_day(w, old), new=_day(w, new)))
    for name, value in sorted(facts.items()):
        shown = _day(w, value) if field(name).kind == "date" else str(value)
        if name == "period" and isinstance(value, str):  # a progress report's (engine.progress)
            shown = w.period(value)
        elif name == "requested_due":  # an extension request's (engine.extensions)
            shown = _day(w, value)
        elif name == "agency" and names is not None and isinstance(value, str):
            shown = names.full(value, w.lang)
        if names is not None and name.endswith("agencies") and isinstance(value, str):
            shown = ", ".join(names.full(code.strip(), w.lang) for code in value.split(","))
        lines.append(w("history.field", field=w.field(name), value=shown))
    return lines


def _day(w: Words, value: object) -> str:
    """A stored day as people write it; anything else (older history) exactly as it was stored."""
    try:
        return w.date(str(value))
    except ValueError:
        return str(value)
