"""Every message key the code, the templates and the registries use.

Found statically: string keys passed to the catalog (``w("cli.loaded")``,
``w.plural(...)``, ``_("digest.title")`` in templates), the codes errors,
problems and phrases are raised with (``InvalidInput("bad_day")`` needs
``error.bad_day``), and the labels of everything the registries hold
(workflows, status categories, roles, fields, where-kinds). Keys built at run
time from a fixed set are listed in ``DYNAMIC`` next to the code that builds them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import workflows
from engine import status
from engine.authz import ROLES
from notifiers.dispatch import STATUSES as OUTBOX_STATUSES
from workflows.definition import EVIDENCE_FIELDS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cli", "engine", "notifiers", "tasks_catalog", "web", "workflows")
KEY = re.compile(r"^[a-z][a-z_]*(\.[a-z0-9_\-]+)+$")

# The catalog's namespaces, for keys written out in tables of (key, heading, width).
NAMESPACES = {"cli", "board", "report", "words", "digest", "msg", "docx"}
# Calls whose first string argument is an error code: ``error.<code>``.
ERRORS = {
    "DondocError",
    "NotFound",
    "Conflict",
    "InvalidInput",
    "InvalidDefinition",
    "StorageError",
    "CheckFailed",
    "AuthenticationFailed",
    "Throttled",
    "DeliveryFailed",
}
# Calls whose first string argument (after a status) is a problem or report code.
PROBLEMS = {"Problem": 0, "problem": 2, "found": 0, "report": 0, "say_plan": 0, "say_task": 2}
# The importer's ``say`` takes (line, what) or (task, column, what): its codes are dotted keys.
SAY = {"say"}
# Calls whose string arguments are message keys.
KEYED = {"w", "plural", "_", "gettext", "ngettext", "self"}

TEMPLATE_KEYS = re.compile(r"""\b(?:_|gettext|ngettext)\(\s*["']([a-z][\w.\-]+)["']""")
TEMPLATE_PREFIX = re.compile(r"""\b_\(\s*["']([a-z][\w.\-]+\.)["']\s*~""")


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _strings(args: list[ast.expr]) -> list[str | None]:
    return [
        a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in args
    ]


def _nodes() -> Iterator[tuple[ast.AST, str]]:
    """(node, module path) for every node of the project's modules, migrations aside."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            where = str(path.relative_to(ROOT))
            for node in ast.walk(tree):
                yield node, where


def python_keys() -> Iterator[tuple[str, str]]:
    """(key, where) for every key a Python module names."""
    for node, where in _nodes():
        if isinstance(node, ast.Tuple):
            yield from _table_keys(node, where)
        if isinstance(node, ast.ClassDef):
            yield from _default_codes(node, where)
        if isinstance(node, ast.Call):
            yield from _call_keys(node, where)


def _default_codes(node: ast.ClassDef, where: str) -> Iterator[tuple[str, str]]:
    """``default_code = "..."`` of an error class: the sentence when no code is given."""
    for item in node.body:
        target = item.target if isinstance(item, ast.AnnAssign) else None
        if isinstance(item, ast.Assign) and len(item.targets) == 1:
            target = item.targets[0]
        value = getattr(item, "value", None)
        if (
            isinstance(target, ast.Name)
            and target.id == "default_code"
            and isinstance(value, ast.Constant)
        ):
            yield f"error.{value.value}", where


def _call_keys(node: ast.Call, where: str) -> Iterator[tuple[str, str]]:
    name = _name(node.func)
    texts = _strings(node.args)
    # ``words(lang)("key")``: a call on a call.
    if isinstance(node.func, ast.Call) and _name(node.func.func) == "words":
        name = "w"
    code = texts[0] if texts else None
    if name in ERRORS and code:
        yield f"error.{code}", where
    elif name == "NotAllowed" and code:
        yield f"error.not_allowed.{code}", where
    elif name == "Phrase" and node.args:
        # The code may be chosen by a condition: Phrase("a" if x else "b", ...).
        first = node.args[0]
        for part in (first.body, first.orelse) if isinstance(first, ast.IfExp) else (first,):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                yield f"phrase.{part.value}", where
    elif name == "ApiError" and len(texts) > 1 and texts[1]:
        yield f"api.{texts[1]}", where
    elif name in PROBLEMS and len(texts) > PROBLEMS[name] and texts[PROBLEMS[name]]:
        code = texts[PROBLEMS[name]]
        assert code is not None
        yield (code if "." in code else f"problem.{code}"), where
    elif name in SAY or (name in KEYED and node.args):
        yield from _dotted(node.args if name in SAY else node.args[:1], where)


def _table_keys(node: ast.Tuple, where: str) -> Iterator[tuple[str, str]]:
    """Keys written out in tables: a column's heading, ``("ref", "cli.col.ref", 28)``."""
    for element in node.elts:
        if (
            isinstance(element, ast.Constant)
            and isinstance(element.value, str)
            and KEY.match(element.value)
            and element.value.split(".")[0] in NAMESPACES
        ):
            yield element.value, where


def _dotted(args: list[ast.expr], where: str) -> Iterator[tuple[str, str]]:
    """Keys among ``args``, also where a condition chooses one: ``w("a" if x else "b")``.

    An f-string's pieces are not keys: the keys it builds are in ``DYNAMIC``.
    """
    for arg in args:
        if isinstance(arg, ast.JoinedStr):
            continue
        for part in ast.walk(arg):
            if (
                isinstance(part, ast.Constant)
                and isinstance(part.value, str)
                and KEY.match(part.value)
            ):
                yield part.value, where


def template_keys() -> Iterator[tuple[str, str]]:
    for folder in ("notifiers/templates", "web/templates"):
        for path in sorted((ROOT / folder).iterdir()):
            text = path.read_text(encoding="utf-8")
            for match in TEMPLATE_KEYS.finditer(text):
                if not match.group(1).endswith("."):
                    yield match.group(1), str(path.relative_to(ROOT))


def registry_keys() -> Iterator[tuple[str, str]]:
    """Labels of everything the registries hold, in every language."""
    fields = set(EVIDENCE_FIELDS) | {"reason"}
    for name in workflows.names():
        wf = workflows.get(name)
        yield f"workflow.{name}", f"workflow {name}"
        for state in wf.states:
            key = (
                f"state.{state}" if state in ("suspended", "cancelled") else f"state.{name}.{state}"
            )
            yield key, f"workflow {name}"
        for t in wf.transitions:
            key = (
                f"trigger.{t.trigger}"
                if t.trigger in ("suspend", "resume", "cancel")
                else f"trigger.{name}.{t.trigger}"
            )
            yield key, f"workflow {name}"
            fields.update(t.requires, t.requires_any)
    for trigger in ("comment", "contribute", "create", "replan", "succeed"):
        yield f"trigger.{trigger}", "engine.authz / engine.catalog / engine.succession"
    for category in status.CATEGORIES:
        yield f"status.{category.replace('_', '-')}", "engine.status"
    yield "status.due-soon", "engine.views"
    for role in ROLES:
        yield f"role.{role}", "engine.authz"
    for field in sorted(fields):
        yield f"field.{field}", "workflow fields"
    for key in DYNAMIC:
        yield key, "built at run time"


# Keys the code builds from a fixed set (each line names where).
DYNAMIC = [
    # web/templates/draft.html: _("board.recurrence." ~ r) for engine.plan_spec.RECURRENCES
    *(
        f"board.recurrence.{r}"
        for r in ("once", "yearly", "half_yearly", "quarterly", "continuous")
    ),
    # web/people.py, web/agencies.py: the sentence a form's ``_act`` says when it is done
    "board.agency_saved",
    "board.one_time_password_set",
    "board.person_added",
    "board.person_updated",
    "board.token_revoked",
    # web/templates/account_changes.html: _("board.change." ~ action), engine.accounts' actions
    *(
        f"board.change.{a}"
        for a in (
            "details",
            "disabled",
            "enabled",
            "one_time_password",
            "password_changed",
            "password_set",
            "token_issued",
            "token_revoked",
        )
    ),
    # web/draft_words.py: BOARD_CODES, the board's sentence for a loader's problem
    "board.draft_agency_not_in_directory",
    # tasks_catalog/importer/sections.py: not_a_task returns the key the walker says
    "import.row_note",
    "import.row_total",
    # engine/transition.py: text_too_long / control_characters name field="note"
    "field.note",
    # notifiers/history_text.py: f"history.actor.{actor}" and f"history.{trigger}"
    *(f"history.actor.{a}" for a in ("catalog", "scheduler", "system")),
    "history.comment",
    "history.contribute",
    # web/templates/worklist.html: _("board.agency_role." ~ r) for engine.worklist.AGENCY_ROLES
    "board.agency_role.lead",
    "board.agency_role.co",
    # engine/fields.py: InvalidInput(f"field_not_a_{kind}") for the kinds that must hold a digit
    "error.field_not_a_document_number",
    "error.field_not_a_figure",
    # notifiers templates and the CLI: _("escalation.kind." ~ e.kind)
    *(f"escalation.kind.{k}" for k in ("overdue", "state_limit", "reminder")),
    # cli/followup.py: notify list shows the status of each message
    *(f"outbox.status.{s}" for s in OUTBOX_STATUSES),
    # cli/followup.py: f"cli.{noun}.created" / ".dry_run"
    *(
        f"cli.{noun}.{mode}"
        for noun in ("escalations", "reminders")
        for mode in ("created", "dry_run")
    ),
    # cli/quickstart.py: f"cli.quickstart.plan_{state}"
    *(f"cli.quickstart.plan_{s}" for s in ("loaded", "updated", "unchanged")),
    # notifiers/messages.py: overdue or state limit
    "msg.subject.overdue",
    "msg.subject.state_limit",
    "msg.heading.overdue",
    "msg.heading.state_limit",
    # notifiers/i18n.py: Words.problem names the place of a problem
    *(
        f"where.{kind}"
        for kind in (
            "task",
            "agency",
            "budget",
            "budget_line",
            "budget_group",
            "section",
            "report_deadline",
            "target",
            "escalation",
            "escalation_level",
            "line",
            "plan",
            "state",
            "transition",
            "succession",
            "province_merge",
        )
    ),
    # notifiers/audit_text.py: f"audit.{problem}"
    *(
        f"audit.{p}"
        for p in (
            "out_of_order",
            "broken_link",
            "edited",
            "no_events",
            "tail_deleted",
            "unsealed",
            "seal_edited",
            "occurrence_deleted",
            "anchored_event_missing",
            "anchored_event_changed",
            "state_mismatch",
            "attachment_missing",
            "attachment_changed",
        )
    ),
    # web/app.py: Starlette's own refusals
    *(
        f"{face}.{code}"
        for face in ("board", "api")
        for code in ("http_not_found", "http_method_not_allowed", "http_error")
    ),
    # notifiers/audit_text.py: f"audit.fact.{key}" for each fact engine.seal covers
    *(
        f"audit.fact.{key}"
        for key in (
            "ref",
            "head",
            "state",
            "phase",
            "resume_state",
            "suspended_on",
            "window_start",
            "due",
            "planned_due",
            "completed_on",
            "archived",
            "task_archived",
            "agencies",
            "ledger",
        )
    ),  # fmt: skip
    # web/limits.py and web/app.py: refusals before the handler, worded by face
    *(
        f"{face}.{code}"
        for face in ("board", "api")
        for code in ("nul_in_address", "body_too_large", "database_busy")
    ),
    # engine/errors: TransitionNotAllowed picks one of these codes
    "error.unknown_trigger",
    "error.unknown_trigger_final",
    "error.final_state",
    "error.transition_not_allowed",
    "error.missing_fields",
    "error.missing_fields.board",
    "error.missing_fields.cli",
    "error.missing_fields_no_ref",
    # engine/ladder.py: escalation_problems turns resolve_target's refusals into problems
    "problem.no_lead_to_escalate",
    "problem.responsible_without_parent",
    # notifiers/email.py: Phrase(code, ...) where code is "refused_login" or "refused"
    "phrase.refused",
    "phrase.refused_login",
    # notifiers/i18n.py: a weekday fact is named
    *(f"weekday.{d}" for d in range(7)),
    # tasks_catalog/files.py: Reader.finish(what) names the kind of file
    *(f"file_kind.{k}" for k in ("catalog_file", "agency_directory", "plan_file")),
    # engine/authz.py: NotAllowed(reason) for each rule
    *(
        f"error.not_allowed.{r}"
        for r in (
            "inactive",
            "viewer",
            "not_involved",
            "co_operating_only",
            "not_lead",
            "backdate",
            "audit",
            "archived",
            "agency_ended",
        )
    ),
    # engine/succession.py: event_facts, the facts of a succeed event
    *(f"field.{f}" for f in ("basis", "basis_date", "from_agencies", "to_agencies")),
    # engine/progress.py, engine/extensions.py: the follow-up cycle's history entries and fields
    *(
        f"trigger.{t}"
        for t in (
            "report",
            "report_contribution",
            "extension_request",
            "extend",
            "extension_refused",
        )
    ),
    *(
        f"field.{f}"
        for f in (
            "status_text",
            "difficulties",
            "proposals",
            "percent",
            "period",
            "version",
            "agency",
            "requested_due",
        )
    ),
    # notifiers/messages.py: _cycle_view, f"msg.{part}.{kind}" for engine.cycle_notices' kinds
    *(
        f"msg.{part}.{kind}"
        for part in ("subject", "heading", "line")
        for kind in ("report_due", "report_late", "silence")
    ),
    *(f"escalation.kind.{k}" for k in ("report_due", "report_late", "silence")),
    # cli/cycle.py: w(f"extension.status.{status}")
    *(f"extension.status.{x}" for x in ("pending", "approved", "refused")),
    # notifiers/i18n.py: Words.period
    "period.half",
    "period.year",
    # engine/authz.py: require_report refuses with reason "report"
    "error.not_allowed.report",
    # cli/succession.py: a moved occurrence or plan
    "cli.succeed.occurrence",
    "cli.succeed.plan",
    # tasks_catalog/successions.py: found(s, key, what) for each succession problem
    *(
        f"problem.{p}"
        for p in (
            "split_owner_unknown",
            "split_without_owner",
            "succession_cycle",
            "succession_empty_side",
            "succession_outside_life",
            "succession_shape",
        )
    ),
    # tasks_catalog/files.py: the kind a field must hold
    *(f"kind.{k}" for k in ("text", "integer", "list", "mapping", "flag", "date")),
    # notifiers/docx_report.py, periodic_text.py, web/templates/stats.html: the buckets
    # (engine.kpi) and the report's table headings, f"docx.bucket.{b}" / f"docx.col.{k}"
    *(
        f"docx.bucket.{b}"
        for b in (
            "completed_on_time",
            "completed_late",
            "within_deadline",
            "overdue",
            "suspended",
            "cancelled",
            "total",
        )
    ),
    *(
        f"docx.col.{k}"
        for k in ("target", "goal", "actual", "trend", "source", "code", "task", "lead", "due")
        + ("late", "no", "status", "report")
    ),
]


def used_keys() -> dict[str, str]:
    """Every key used, with one place that uses it."""
    found: dict[str, str] = {}
    for key, where in (*python_keys(), *template_keys(), *registry_keys()):
        found.setdefault(key, where)
    return found


if __name__ == "__main__":  # pragma: no cover - a helper for people adding messages
    for key, where in sorted(used_keys().items()):
        print(f"{key}\t{where}")


# Facts an error class fills in itself (workflows/errors.py), by class.
_CLASS_FACTS = {
    "TransitionNotAllowed": {"ref", "state", "trigger", "allowed", "workflow"},
    "MissingFields": {"ref", "trigger", "fields", "workflow"},
    "NotAllowed": {"reason"},
}


def raised_facts() -> Iterator[tuple[str, set[str] | None, str]]:
    """(key, the facts a raise site passes or None if it passes ``**facts``, where) per raise site."""
    for node, where in _nodes():
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        texts = _strings(node.args)
        code = texts[0] if texts else None
        if not code or name not in (ERRORS | {"NotAllowed"}) - {"InvalidDefinition"}:
            continue
        key = f"error.not_allowed.{code}" if name == "NotAllowed" else f"error.{code}"
        if any(k.arg is None for k in node.keywords):
            yield key, None, where
            continue
        facts = {k.arg for k in node.keywords if k.arg} | _CLASS_FACTS.get(name, set())
        yield key, facts, f"{where}:{node.lineno}"
