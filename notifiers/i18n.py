"""The one message catalog: every word a person reads, in Vietnamese and in English.

Keys are symbolic (``status.overdue``, ``error.no_plan``, ``cli.user.added``);
Vietnamese is the source of truth for the domain's words and English
translates every key. The catalog is gettext, one ``.po`` file per language
under ``locale/<lang>/LC_MESSAGES/dondoc.po``, read with Babel the first time
a language is needed and compiled in memory, so an edited ``.po`` needs no
build step. Placeholders are Python's ``%(name)s``, as Jinja2's i18n
extension fills them; a literal per cent sign is ``%%``.

``Words(lang)`` is what every face uses: the command line, the board, the
API (its ``detail`` follows ``Accept-Language``) and the templates (through
``jinja_globals``). Errors carry a code and facts (``workflows.errors``);
``Words.error`` finds their sentence and fills it, adding the labels of the
states, triggers, fields and roles the facts name.

Completeness is a test: ``tests/i18n`` fails when a key used in the code,
the templates or the registries (workflows, status categories, roles) is
missing in either language, or when the two languages disagree on a
message's placeholders.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from workflows.cache import cache_file, keep
from workflows.definition import CANCELLED, SUSPENDED
from workflows.errors import (
    DondocError,
    InvalidDefinition,
    InvalidInput,
    MissingFields,
    Named,
    Phrase,
    Problem,
)

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
DOMAIN = "dondoc"
LOCALE_DIR = Path(__file__).parent / "locale"
#: How many names a sentence lists before it says how many more there are.
MAX_LISTED = 12
# Tests set this so that a sentence naming a fact the error lacks fails loudly;
# in service such a sentence shows "…" in the gap instead.
STRICT_ENV = "DONDOC_STRICT_WORDS"
_COMMON_STATES = (SUSPENDED, CANCELLED)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMMON_TRIGGERS = (
    "suspend",
    "resume",
    "cancel",
    "comment",
    "contribute",
    "create",
    "replan",
    "succeed",
    # The follow-up cycle (engine.progress, engine.extensions): history entries, no state change.
    *("report", "report_contribution", "extension_request", "extend", "extension_refused"),
)


def po_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.GNUTranslations:
    """The compiled catalog of ``lang``, read once per process.

    Compiling the ``.po`` file with Babel costs tens of milliseconds on every
    command, so the compiled ``.mo`` is kept in the user's cache folder under
    the hash of the ``.po`` it came from; a changed ``.po`` is compiled anew.
    """
    source = po_path(lang).read_bytes()
    cached = cache_file("catalogs", f"{DOMAIN}-{lang}", [source], ".mo")
    if cached is not None:
        try:
            with cached.open("rb") as handle:
                return gettext.GNUTranslations(handle)
        except OSError:  # unreadable or damaged (gettext says so with an OSError): compile anew
            pass
    compiled = _compile(lang, source)
    if cached is not None:
        keep(cached, compiled)
    return gettext.GNUTranslations(io.BytesIO(compiled))


def _compile(lang: str, source: bytes) -> bytes:
    # Imported here: Babel costs ~20 ms, and only a catalog not yet cached needs it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(source), locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    return compiled.getvalue()


def check_lang(lang: str) -> str:
    """``lang`` if dondoc speaks it; ``InvalidInput`` otherwise."""
    if lang not in LANGS:
        raise InvalidInput("unknown_language", lang=str(lang)[:10], langs=list(LANGS))
    return lang


def best_lang(accept_language: str | None) -> str:
    """The language of an ``Accept-Language`` header dondoc speaks best (Vietnamese when none)."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if primary in LANGS and quality > 0:
            choices.append((-quality, index, primary))
    return min(choices)[2] if choices else DEFAULT_LANG


class _Facts(dict[str, Any]):
    """The facts a sentence is filled with; a gap shows "…" unless the tests ask for strictness."""

    def __missing__(self, key: str) -> str:
        if os.environ.get(STRICT_ENV):
            raise KeyError(f"the sentence needs the fact {key!r}")
        return "…"


class Words:
    """The catalog in one language, with the helpers every face needs."""

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.lang = check_lang(lang)
        self._catalog = translations(lang)

    def __repr__(self) -> str:
        return f"Words({self.lang!r})"

    # -- plain messages --------------------------------------------------

    def __call__(self, key: str, /, **facts: Any) -> str:
        """The message ``key`` filled with ``facts``."""
        return self._catalog.gettext(key) % _Facts(self._plain(facts))

    def plural(self, key: str, n: int, /, **facts: Any) -> str:
        """The message ``key`` in the form for ``n`` (given to it as ``%(n)s``)."""
        return self._catalog.ngettext(key, key, n) % _Facts(self._plain({"n": n, **facts}))

    def has(self, key: str) -> bool:
        """Whether the catalog of this language holds ``key``."""
        return key in self._catalog._catalog  # type: ignore[attr-defined]

    # -- the domain's labels ----------------------------------------------

    def workflow(self, name: str) -> str:
        return self(f"workflow.{name}")

    def state(self, workflow: str, state: str | None) -> str:
        if not state:
            return "—"
        if state in _COMMON_STATES:
            return self(f"state.{state}")
        return self(f"state.{workflow}.{state}")

    def trigger(self, workflow: str, trigger: str) -> str:
        if trigger in _COMMON_TRIGGERS:
            return self(f"trigger.{trigger}")
        return self(f"trigger.{workflow}.{trigger}")

    def status(self, category: str) -> str:
        """A status category (``overdue``, ``completed-on-time``, ``due-soon``...)."""
        return self(f"status.{category.replace('_', '-')}")

    def field(self, name: str) -> str:
        """The label of a transition field; a field no workflow declares shows its name."""
        key = f"field.{name}"
        return self(key) if self.has(key) else name

    def role(self, role: str) -> str:
        return self(f"role.{role}")

    def needs(self, fields: Iterable[str], *, labels: bool = True) -> str:
        """Missing fields as people read them: "A; B" or "one of A or B" (by label, or by name)."""
        parts = []
        for item in fields:
            names = [self.field(n) if labels else n for n in item.split("|")]
            if len(names) > 1:
                parts.append(self("words.one_of", names=self("words.or").join(names)))
            else:
                parts.append(names[0])
        return "; ".join(parts)

    def date(self, value: dt.date | str | None) -> str:
        """A day as people write it: dd/mm/yyyy in Vietnamese, yyyy-mm-dd in English."""
        if value is None or value == "":
            return "—"
        day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
        return day.strftime("%d/%m/%Y") if self.lang == "vi" else day.isoformat()

    def period(self, period_id: str) -> str:
        """A reporting period as people say it: "6 tháng đầu năm 2018", "năm 2018"."""
        year, _, half = period_id.partition("-")
        return self("period.half", year=year) if half else self("period.year", year=year)

    def percent(self, share: float | None) -> str:
        """``66,7%`` in Vietnamese, ``66.7%`` in English; a dash when there is nothing to count."""
        if share is None:
            return "—"
        text = f"{share * 100:.1f}%"
        return text.replace(".", ",") if self.lang == "vi" else text

    def listing(self, items: Iterable[Any]) -> str:
        """Items joined with commas, at most ``MAX_LISTED`` of them and then how many more."""
        shown = [str(i) for i in items]
        if len(shown) <= MAX_LISTED:
            return ", ".join(shown) if shown else self("words.nothing")
        rest = len(shown) - MAX_LISTED
        return ", ".join(shown[:MAX_LISTED]) + " " + self.plural("words.and_more", rest)

    # -- errors and problems -----------------------------------------------

    def error(self, error: DondocError, *, face: str | None = None) -> str:
        """The sentence of ``error`` in this language, filled with its facts.

        A face may word an error its own way: ``face="board"`` uses
        ``error.<code>.board`` where the catalog has one (the board names
        fields by their labels; the command line by the names it takes).
        """
        facts = dict(error.facts)
        if isinstance(error, MissingFields):
            facts["needs"] = self.needs(error.missing)
            facts["needs_codes"] = self.needs(error.missing, labels=False)
            facts["example"] = error.missing[0].split("|")[-1] if error.missing else ""
        if isinstance(error, InvalidDefinition):
            facts["count"] = len(error.problems)
        key = error.key
        if face and self.has(f"{key}.{face}"):
            key = f"{key}.{face}"
        return self(key, **self._labels(facts))

    def phrase(self, phrase: Phrase) -> str:
        """A worded part of a sentence (``phrase.<code>``), filled with its facts."""
        return self(f"phrase.{phrase.code}", **dict(phrase.facts))

    def problem(self, problem: Problem) -> str:
        """One line for a problem of a file: where it is, and what is wrong."""
        what = self(problem.key, **self._labels(dict(problem.facts)))
        place = []
        if problem.where:
            kind, name = problem.where
            place.append(self(f"where.{kind}", name=name))
        if problem.field:
            place.append(self("where.field", field=problem.field))
        located = ", ".join(place)
        head = ": ".join(p for p in (problem.source, located) if p)
        if what and what[-1] not in ".!?:":
            what += "."
        return f"{head}: {what}" if head else what

    def _workflow_labels(self, workflow: str, facts: dict[str, Any]) -> None:
        """Labels of the workflow, its states (``state``, ``last_state``…) and its triggers."""
        facts.setdefault("workflow_label", self.workflow(workflow))
        for name in [n for n in facts if n == "state" or n.endswith("_state")]:
            if isinstance(facts[name], str):
                facts[f"{name}_label"] = self.state(workflow, facts[name])
        if isinstance(facts.get("trigger"), str):
            facts["trigger_label"] = self.trigger(workflow, facts["trigger"])
        if isinstance(facts.get("allowed"), list):
            facts["allowed_labels"] = [self.trigger(workflow, t) for t in facts["allowed"]]

    def _labels(self, facts: dict[str, Any]) -> dict[str, Any]:
        """The facts plus the labels of the codes they name, for sentences that want words."""
        workflow = facts.get("workflow")
        if isinstance(workflow, str):
            self._workflow_labels(workflow, facts)
        if isinstance(facts.get("role"), str) and self.has(f"role.{facts['role']}"):
            facts["role_label"] = self.role(facts["role"])
        if isinstance(facts.get("field"), str):
            facts["field_label"] = self.field(facts["field"])
        if isinstance(facts.get("weekday"), int):
            facts["weekday_label"] = self(f"weekday.{facts['weekday']}")
        for name, value in list(facts.items()):
            # Days travel as YYYY-MM-DD; sentences show them as people write them.
            if isinstance(value, str) and _ISO_DAY.match(value) and f"{name}_label" not in facts:
                try:
                    facts[f"{name}_label"] = self.date(value)
                except ValueError:  # not a real day (the very thing being refused): as written
                    facts[f"{name}_label"] = value
        for name, prefix in (("kind", "kind"), ("what", "file_kind")):
            value = facts.get(name)
            if isinstance(value, str) and self.has(f"{prefix}.{value}"):
                facts[f"{name}_label"] = self(f"{prefix}.{value}")
        return facts

    def _plain(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """Facts as text: lists joined (and cut short), nothing as a dash."""
        out: dict[str, Any] = {}
        for name, value in facts.items():
            if isinstance(value, Phrase):
                out[name] = self.phrase(value)
            elif isinstance(value, Named):
                out[name] = value.names.get(self.lang) or value.code
            elif isinstance(value, list | tuple | set | frozenset) and any(
                isinstance(v, Phrase) for v in value
            ):
                out[name] = " ".join(
                    self.phrase(v) if isinstance(v, Phrase) else str(v) for v in value
                )
            elif isinstance(value, list | tuple) and any(isinstance(v, Named) for v in value):
                # Named things in a list: the name people know and the code they can type.
                out[name] = self.listing(
                    f"{v.names.get(self.lang) or v.code} ({v.code})" if isinstance(v, Named) else v
                    for v in value
                )
            elif isinstance(value, list | tuple | set | frozenset):
                out[name] = self.listing(sorted(value) if isinstance(value, set) else value)
                # A list cut short where it was read says how many it left out.
                total = facts.get(f"{name}_total")
                if isinstance(total, int) and total > len(value) and len(value) <= MAX_LISTED:
                    out[name] += " " + self.plural("words.and_more", total - len(value))
            elif value is None:
                out[name] = "—"
            else:
                out[name] = value
        return out


@cache
def words(lang: str = DEFAULT_LANG) -> Words:
    """The shared ``Words`` of ``lang``."""
    return Words(lang)


def jinja_globals(lang: str) -> dict[str, Callable[..., Any]]:
    """``_``, ``gettext`` and ``ngettext`` for templates, as Jinja2's "newstyle" i18n calls them.

    Variables are filled in by the call (``_("digest.overdue", n=3)``) and, in
    an HTML template, escaped before they go in, as the i18n extension does.
    """
    from jinja2 import pass_context
    from jinja2.runtime import Context

    w = words(lang)

    @pass_context
    def gettext_(context: Context, key: str, **facts: Any) -> str:
        text = w._catalog.gettext(key)
        if context.eval_ctx.autoescape:
            return Markup(text) % _Facts(w._plain(facts))
        return text % _Facts(w._plain(facts))

    @pass_context
    def ngettext_(context: Context, key: str, plural: str, n: int, **facts: Any) -> str:
        text = w._catalog.ngettext(key, plural, n)
        values = _Facts(w._plain({"n": n, **facts}))
        if context.eval_ctx.autoescape:
            return Markup(text) % values
        return text % values

    return {"_": gettext_, "gettext": gettext_, "ngettext": ngettext_, "W": w}
