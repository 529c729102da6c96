"""The ``dondoc`` command line: parse, call one engine function, print.

No business rule lives here. Engine errors (``DondocError``) become one
sentence on stderr and exit code 1; usage errors exit 2; nothing prints a
traceback (set ``DONDOC_DEBUG=1`` to see one for an unexpected failure).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


# ---------------------------------------------------------------- plumbing


@dataclass
class Context:
    """Global options, and the database engine opened on first use."""

    db: str | None
    user: str | None
    lang: str
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self, *, ready: bool = True) -> Engine:
        from engine import db

        if self._engine is None:
            # Only the commands that set a database up (ready=False) may create its file.
            self._engine = db.make_engine(self.db, create=not ready)
        if ready:
            db.ensure_ready(self._engine)
        return self._engine

    @contextmanager
    def session(self, *, ready: bool = True) -> Iterator[Session]:
        """One transaction: committed when the command's work is done."""
        from engine import db

        with db.transaction(db.session_factory(self.engine(ready=ready))) as session:
            yield session

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


pass_ctx = click.make_pass_decorator(Context)


def _translate(exc: BaseException) -> click.ClickException | None:
    from sqlalchemy.exc import DBAPIError, OperationalError

    from engine.errors import DondocError

    if isinstance(exc, DondocError):
        return click.ClickException(exc.message)
    if isinstance(exc, OperationalError | DBAPIError):
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()
        first = detail[0].rstrip(".") if detail else type(exc).__name__
        return click.ClickException(f"The database refused the operation: {first}.")
    return None


class DondocGroup(click.Group):
    """A group whose commands report engine errors as one plain sentence."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the boundary that keeps tracebacks off screen
            translated = _translate(exc)
            if translated is not None:
                raise translated from exc
            if os.environ.get("DONDOC_DEBUG"):
                raise
            raise click.ClickException(
                f"Unexpected internal error ({type(exc).__name__}: {exc}); "
                "rerun with DONDOC_DEBUG=1 and report the traceback."
            ) from exc
        finally:
            obj = ctx.find_object(Context)
            if obj is not None and ctx.parent is None:
                obj.close()


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, int]]) -> str:
    """Aligned columns; ``columns`` are (key, heading, max width)."""
    cells = [[_clip("" if r.get(k) is None else r[k], w) for k, _, w in columns] for r in rows]
    heads = [h for _, h, _ in columns]
    widths = [max([_width(h)] + [_width(c[i]) for c in cells]) for i, h in enumerate(heads)]
    lines = ["  ".join(h + " " * (w - _width(h)) for h, w in zip(heads, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def _print_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str, int]],
    as_json: bool,
    *,
    footer: str | None = None,
) -> None:
    """A listing: JSON for scripts, or an aligned table (and a count line) for people."""
    if as_json:
        _emit_json(rows)
        return
    click.echo(render_table(rows, columns))
    if footer:
        click.echo(footer)


def _parse_day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; write YYYY-MM-DD.", param_hint=option
        ) from None


def _parse_moment(value: str | None) -> dt.datetime | None:
    """``--at``: a day or a time; without a zone it is Vietnam time."""
    if value is None:
        return None
    from engine.workdays import VIETNAM_TZ

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date or time; write YYYY-MM-DD or YYYY-MM-DDTHH:MM.",
            param_hint="--at",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TZ)
    return moment


def _parse_fields(pairs: Sequence[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE.", param_hint="--field")
        fields[key.strip()] = value
    return fields


# ---------------------------------------------------------------- the group


@click.group(cls=DondocGroup)
@click.option(
    "--db",
    envvar="DONDOC_DB",
    help="Database URL or SQLite file (default: the user's data directory).",
)
@click.option("--as", "user", envvar="DONDOC_USER", help="The user who acts.")
@click.option(
    "--lang", envvar="DONDOC_LANG", type=click.Choice(["vi", "en"]), default="vi", show_default=True
)
@click.version_option(package_name="dondoc")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None, lang: str) -> None:
    """dondoc: follow up (đôn đốc) the tasks of government action plans.

    \b
    Example:
      dondoc init && dondoc catalog load kon-tum-2013
      dondoc tasks --plan kon-tum-2013 --status overdue
    """
    ctx.obj = Context(db=db, user=user, lang=lang)


@cli.command()
@pass_ctx
def init(obj: Context) -> None:
    """Create the database or upgrade its schema to this version.

    \b
    Example: dondoc --db postgresql://127.0.0.1/dondoc init
    """
    from engine import db

    engine = obj.engine(ready=False)
    db.migrate(engine)
    click.echo(f"Database ready at {db.describe(engine)} (schema {db.head_revision()}).")


# ---------------------------------------------------------------- users


@cli.group()
def users() -> None:
    """Manage the people who act in dondoc."""


@users.command("add")
@click.argument("name")
@click.option("--agency", required=True, help="Agency code, e.g. kon-tum/sct.")
@click.option(
    "--role", required=True, type=click.Choice(["coordinator", "officer", "contributor", "viewer"])
)
@pass_ctx
def users_add(obj: Context, name: str, agency: str, role: str) -> None:
    """Add a user.

    \b
    Example: dondoc users add lan --agency kon-tum/sct --role coordinator
    """
    from engine.users import add_user

    with obj.session() as s:
        user = add_user(s, name, agency, role)
        click.echo(f"Added {user.name}: {user.role} of {user.agency_code}.")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def users_list(obj: Context, as_json: bool) -> None:
    """List users.  Example: dondoc users list --json"""
    from engine.users import list_users

    with obj.session() as s:
        rows = [{"name": u.name, "agency": u.agency_code, "role": u.role} for u in list_users(s)]
    _print_rows(
        rows, [("name", "NAME", 30), ("agency", "AGENCY", 30), ("role", "ROLE", 12)], as_json
    )


# ---------------------------------------------------------------- agencies


@cli.group()
def agencies() -> None:
    """The agency directory."""


@agencies.command("list")
@click.option("--province")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def agencies_list(obj: Context, province: str | None, as_json: bool) -> None:
    """List agencies.  Example: dondoc agencies list --province kon-tum"""
    from engine.directory import agency_rows

    with obj.session() as s:
        rows = agency_rows(s, province=province)
    name_key = "name_vi" if obj.lang == "vi" else "name_en"
    columns = [
        ("code", "CODE", 32),
        (name_key, "NAME", 50),
        ("parent", "PARENT", 24),
        ("email", "EMAIL", 30),
    ]
    _print_rows(rows, columns, as_json)


@agencies.command("set")
@click.argument("code")
@click.option("--email", help="E-mail address for notifications ('' clears it).")
@click.option("--webhook", help="Webhook URL for notifications ('' clears it).")
@pass_ctx
def agencies_set(obj: Context, code: str, email: str | None, webhook: str | None) -> None:
    """Set an agency's contact addresses.

    \b
    Example: dondoc agencies set kon-tum/sct --email sct@kontum.gov.vn
    """
    from engine.directory import set_contacts

    with obj.session() as s:
        agency = set_contacts(s, code, email=email, webhook=webhook)
        click.echo(f"{agency.code}: email {agency.email or '-'}, webhook {agency.webhook or '-'}.")


# ---------------------------------------------------------------- catalog


@cli.group()
def catalog() -> None:
    """The plans shipped with dondoc, and loading them."""


@catalog.command("list")
@click.option("--json", "as_json", is_flag=True)
def catalog_list(as_json: bool) -> None:
    """List the plans in the shipped catalog.  Example: dondoc catalog list"""
    from tasks_catalog import schema

    rows = []
    for plan_id in schema.list_plan_ids():
        spec = schema.load_plan(schema.plan_path(plan_id))
        rows.append(
            {
                "id": spec.id,
                "province": spec.province,
                "legal_ref": spec.legal_ref,
                "period": f"{spec.period.start}-{spec.period.end}",
                "tasks": len(spec.tasks),
            }
        )
    columns = [
        ("id", "PLAN", 20),
        ("province", "PROVINCE", 12),
        ("legal_ref", "LEGAL REFERENCE", 36),
        ("period", "PERIOD", 10),
        ("tasks", "TASKS", 5),
    ]
    _print_rows(rows, columns, as_json)


@catalog.command("load")
@click.argument("plan")
@click.option(
    "--archive-removed",
    is_flag=True,
    help="Archive tasks the new file drops even if they have history.",
)
@pass_ctx
def catalog_load(obj: Context, plan: str, archive_removed: bool) -> None:
    """Load (or update) a plan from the catalog or from a file.

    \b
    Example: dondoc catalog load kon-tum-2013
             dondoc catalog load ./my-plan.yaml
    """
    from engine.catalog import load_plan_file

    path = _catalog_path(plan)
    with obj.session() as s:
        report = load_plan_file(s, path, archive_removed=archive_removed)
    if report.unchanged:
        click.echo(f"{report.plan_id} is already loaded and unchanged.")
        return
    verb = "Loaded" if report.created else "Updated"
    click.echo(
        f"{verb} {report.plan_id}: {len(report.tasks_added)} task(s) added, "
        f"{len(report.tasks_updated)} updated, {len(report.tasks_archived)} archived; "
        f"{len(report.occurrences_added)} occurrence(s) added, "
        f"{len(report.occurrences_replanned)} re-planned, {len(report.occurrences_archived)} archived."
    )


def _catalog_path(plan: str) -> Path:
    """A plan id of the shipped catalog, or a path to a catalog file."""
    from tasks_catalog import schema

    if plan.endswith((".yaml", ".yml")) or os.sep in plan:
        return Path(plan)
    return schema.plan_path(plan)


@catalog.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def catalog_validate(files: tuple[str, ...]) -> None:
    """Check catalog files: every problem on its own line, exit 1 if any.

    \b
    Example: dondoc catalog validate tasks_catalog/plans/kon-tum-2013.yaml
    """
    from tasks_catalog.validation import validate_files

    problems, checked = validate_files([Path(f) for f in files])
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {len(files)} file(s).")
    for plan_id, path in checked:
        click.echo(f"{path}: {plan_id} is valid.")


@catalog.command("check-budget")
@click.argument("plan")
@click.option("--json", "as_json", is_flag=True)
def catalog_check_budget(plan: str, as_json: bool) -> None:
    """Budget by task, group and source with the plan total; flag totals that do not add up.

    Exits 3 when a stated total differs from its lines.

    \b
    Example: dondoc catalog check-budget nghe-an-2017
    """
    from tasks_catalog import schema
    from tasks_catalog.budget import check_budget

    spec = schema.load_and_validate(_catalog_path(plan))
    result = check_budget(spec)
    if as_json:
        _emit_json({**result.as_dict(), "mismatches": [m.__dict__ for m in result.mismatches]})
    elif spec.budget is None:
        click.echo(f"{spec.id} has no budget lines.")
    else:
        _print_budget(spec, result)
    if result.mismatches:
        sys.exit(3)


def _print_budget(spec: Any, result: Any) -> None:
    from tasks_catalog.budget import format_amount

    unit = result.unit
    titles = {t.code: t.title for t in spec.tasks}
    task_rows = [
        {"code": code, "title": titles.get(code, ""), "amount": format_amount(amount)}
        for code, amount in result.by_task.items()
    ]
    click.echo(f"Budget of {spec.id} ({unit})")
    click.echo(
        render_table(
            task_rows, [("code", "TASK", 6), ("title", "TITLE", 60), ("amount", "AMOUNT", 12)]
        )
    )
    click.echo("")
    group_rows = [
        {
            "group": code,
            "lines": format_amount(result.by_group.get(code, 0.0)),
            "stated": format_amount(result.stated_groups[code])
            if code in result.stated_groups
            else "-",
        }
        for code in sorted({*result.by_group, *result.stated_groups}, key=_code_key)
    ]
    click.echo(
        render_table(
            group_rows, [("group", "GROUP", 6), ("lines", "LINES", 12), ("stated", "STATED", 12)]
        )
    )
    click.echo("")
    source_rows = [
        {"source": k, "amount": format_amount(v)} for k, v in sorted(result.by_source.items())
    ]
    click.echo(render_table(source_rows, [("source", "SOURCE", 30), ("amount", "AMOUNT", 12)]))
    click.echo("")
    stated = format_amount(result.stated_total) if result.stated_total is not None else "not stated"
    click.echo(
        f"Plan total: {stated} {unit} stated; lines add to {format_amount(result.lines_total)} {unit}."
    )
    for mismatch in result.mismatches:
        click.echo(f"Mismatch: {mismatch.sentence(unit)}")


def _code_key(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (10**6, code)


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--plan-id", required=True, help="Id of the new plan, e.g. kon-tum-2013.")
@click.option("--province", required=True, help="Province slug, e.g. kon-tum.")
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Catalog file to write.",
)
def catalog_import(file: str, plan_id: str, province: str, out: str) -> None:
    """Read the annex table(s) of a document into a catalog file plus a report.

    Markdown or HTML tables, tab-separated text and .xlsx are understood.

    \b
    Example: dondoc catalog import decision-835.txt --plan-id kon-tum-2013 --province kon-tum -o kon-tum.yaml
    """
    from tasks_catalog.importer import import_annex

    result = import_annex(Path(file), plan_id=plan_id, province=province)
    written = result.write(Path(out))
    tasks = result.catalog.get("tasks", [])
    click.echo(f"Wrote {written} with {len(tasks)} task(s).")
    if result.report:
        click.echo(
            f"{len(result.report)} point(s) for a person to check (also in {written}.report.txt):"
        )
        for line in result.report:
            click.echo(f"  - {line}")
    else:
        click.echo("Nothing left to check; run 'dondoc catalog validate' on it, then load it.")


# ---------------------------------------------------------------- plans and tasks


@cli.command()
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def plans(obj: Context, as_of: str | None, as_json: bool) -> None:
    """List loaded plans with counts by status.  Example: dondoc plans"""
    from engine.views import plan_rows

    with obj.session() as s:
        rows = plan_rows(s, _parse_day(as_of, "--as-of"))
    if as_json:
        _emit_json(rows)
        return
    for r in rows:
        r["status"] = ", ".join(f"{k} {v}" for k, v in sorted(r["by_status"].items()))
    click.echo(
        render_table(
            rows,
            [
                ("id", "PLAN", 20),
                ("legal_ref", "LEGAL REFERENCE", 30),
                ("period", "PERIOD", 10),
                ("tasks", "TASKS", 5),
                ("status", "BY STATUS", 70),
            ],
        )
    )


@cli.command()
@click.option("--plan", "plan_id")
@click.option("--agency")
@click.option("--status")
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def tasks(
    obj: Context,
    plan_id: str | None,
    agency: str | None,
    status: str | None,
    as_of: str | None,
    as_json: bool,
) -> None:
    """List task occurrences with their status.

    \b
    Example: dondoc tasks --plan kon-tum-2013 --status overdue --as-of 2015-03-16
    """
    from engine.views import task_rows

    with obj.session() as s:
        rows = task_rows(
            s,
            plan_id=plan_id,
            agency=agency,
            status_filter=status,
            as_of=_parse_day(as_of, "--as-of"),
        )
    columns = [
        ("ref", "REF", 28),
        ("title", "TITLE", 48),
        ("state", "STATE", 16),
        ("status_category", "STATUS", 18),
        ("due", "DUE", 10),
        ("owner", "OWNER", 22),
    ]
    _print_rows(rows, columns, as_json, footer=f"{len(rows)} occurrence(s).")


@cli.command()
@click.argument("ref")
@click.option("--as-of", "as_of")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def show(obj: Context, ref: str, as_of: str | None, as_json: bool) -> None:
    """Show one occurrence: window, agencies, allowed triggers, history.

    \b
    Example: dondoc show kon-tum-2013:2.1
    """
    from engine.views import occurrence_record

    with obj.session() as s:
        rec = occurrence_record(s, ref, _parse_day(as_of, "--as-of"))
    if as_json:
        _emit_json(rec)
        return
    _print_record(rec, obj.lang)


def _print_record(rec: dict[str, Any], lang: str) -> None:
    from engine.workdays import local_time_text

    label = "label_vi" if lang == "vi" else "label_en"
    click.echo(f"{rec['ref']}  {rec['title']}")
    click.echo(
        f"  workflow   {rec['workflow']}   state {rec['state']}   status {rec['status_category']}   version {rec['version']}"
    )
    click.echo(f"  window     {rec['window']['start']} .. {rec['window']['due']}")
    click.echo(f"  leads      {', '.join(rec['leads'])}")
    click.echo(f"  co-op      {', '.join(rec['co_agencies']) or '-'}")
    if rec["depends_on"]:
        click.echo(f"  depends on {', '.join(rec['depends_on'])}")
    click.echo("  allowed:")
    for t in rec["allowed"]:
        needs = t["requires"] + ([" or ".join(t["requires_any"])] if t["requires_any"] else [])
        click.echo(
            f"    {t['trigger']:<18} -> {t['dest'] or '?':<18} {t[label]}"
            + (f"  (needs {', '.join(needs)})" if needs else "")
        )
    click.echo("  history:")
    for h in rec["history"]:
        extra = f"  {h['note']}" if h["note"] else ""
        fields = "  " + ", ".join(f"{k}={v}" for k, v in h["fields"].items()) if h["fields"] else ""
        click.echo(
            f"    {local_time_text(h['at'])}  {h['actor']:<12} {h['trigger']:<16} {h['from'] or '-'} -> {h['to']}{extra}{fields}"
        )
    if rec.get("escalations"):
        click.echo("  escalations:")
        for e in rec["escalations"]:
            click.echo(
                f"    level {e['level']} -> {e['target']} on {e['at']} ({e['days_overdue']} working days overdue)"
            )


@cli.command()
@click.argument("ref")
@click.argument("trigger")
@click.option("--note", default="", help="Why, or what happened.")
@click.option(
    "--field",
    "fields",
    multiple=True,
    help="KEY=VALUE, repeatable (e.g. document_number=12/CT-UBND).",
)
@click.option(
    "--at", "at", help="When it happened (YYYY-MM-DD[THH:MM], Vietnam time), default now."
)
@click.option(
    "--expect-version", type=int, help="Refuse if the occurrence is no longer at this version."
)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def advance(
    obj: Context,
    ref: str,
    trigger: str,
    note: str,
    fields: tuple[str, ...],
    at: str | None,
    expect_version: int | None,
    as_json: bool,
) -> None:
    """Fire a workflow trigger on an occurrence.

    \b
    Example: dondoc --as lan advance kon-tum-2013:2.1 issue \\
               --field document_number=05/CT-UBND --field document_date=2014-06-10
    """
    from engine.transition import advance as do_advance
    from engine.users import get_user

    parsed_fields = _parse_fields(fields)
    moment = _parse_moment(at)
    with obj.session() as s:
        actor = get_user(s, obj.user)
        result = do_advance(
            s,
            actor,
            ref,
            trigger,
            note=note,
            fields=parsed_fields,
            at=moment,
            expected_version=expect_version,
        )
    if as_json:
        _emit_json(
            {
                "ref": result.ref,
                "trigger": result.trigger,
                "from": result.from_state,
                "to": result.to_state,
                "version": result.version,
            }
        )
    else:
        click.echo(
            f"{result.ref}: {result.from_state} -> {result.to_state} ({result.trigger}), version {result.version}."
        )


# ---------------------------------------------------------------- audit and workflows


@cli.group()
def audit() -> None:
    """Check the tamper-evident history."""


@audit.command("verify")
@click.option("--plan", "plan_id")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def audit_verify(obj: Context, plan_id: str | None, as_json: bool) -> None:
    """Verify every hash chain; exit 1 naming the first bad event.

    \b
    Example: dondoc audit verify
    """
    from engine.history import verify

    with obj.session() as s:
        result = verify(s, plan_id)
    if as_json:
        _emit_json(
            {
                "ok": result.ok,
                "occurrences": result.occurrences,
                "events": result.events,
                "problems": [p.__dict__ for p in result.problems],
            }
        )
        if not result.ok:
            sys.exit(1)
        return
    if result.ok:
        click.echo(
            f"History intact: {result.events} event(s) in {result.occurrences} occurrence(s) verified."
        )
        return
    first = result.problems[0]
    more = (
        f" ({len(result.problems) - 1} more occurrence(s) affected)"
        if len(result.problems) > 1
        else ""
    )
    raise click.ClickException(f"History tampered: {first.sentence()}{more}")


@cli.group(name="workflows")
def workflows_group() -> None:
    """The kinds of task and their states."""


@workflows_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def workflows_list(obj: Context, as_json: bool) -> None:
    """List workflow kinds.  Example: dondoc workflows list"""
    import workflows

    defs = [workflows.get(n) for n in workflows.names()]
    if as_json:
        _emit_json([workflows.to_dict(d) for d in defs])
        return
    rows = [
        {"name": d.name, "title": d.title(obj.lang), "initial": d.initial, "states": len(d.states)}
        for d in defs
    ]
    click.echo(
        render_table(
            rows,
            [
                ("name", "NAME", 20),
                ("title", "TITLE", 50),
                ("initial", "INITIAL", 14),
                ("states", "STATES", 6),
            ],
        )
    )


@workflows_group.command("show")
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "mermaid", "json"]),
    default="text",
    show_default=True,
)
@pass_ctx
def workflows_show(obj: Context, name: str, fmt: str) -> None:
    """Show a workflow.  Example: dondoc workflows show directive --format mermaid"""
    import workflows

    wf = workflows.get(name)
    if fmt == "mermaid":
        click.echo(workflows.render_mermaid(wf))
    elif fmt == "json":
        _emit_json(workflows.to_dict(wf))
    else:
        click.echo(workflows.render_text(wf, lang=obj.lang))


# ---------------------------------------------------------------- escalation and scheduler (issue 4)


def _print_escalations(records: Sequence[Any], as_json: bool, dry_run: bool, noun: str) -> None:
    rows = [r.as_dict() for r in records]
    if as_json:
        _emit_json(rows)
        return
    if rows:
        click.echo(
            render_table(
                rows,
                [
                    ("ref", "REF", 28),
                    ("kind", "KIND", 11),
                    ("level", "LEVEL", 5),
                    ("target", "TARGET", 26),
                    ("days_overdue", "DAYS OVERDUE", 12),
                ],
            )
        )
    verb = "would be created (dry run, nothing written)" if dry_run else "created"
    click.echo(f"{len(rows)} {noun} {verb}.")


@cli.command()
@click.option("--as-of", "as_of", help="Day to sweep for (YYYY-MM-DD), default today.")
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def escalate(obj: Context, as_of: str | None, dry_run: bool, as_json: bool) -> None:
    """Run one overdue sweep: record each escalation level reached, once, and queue its message.

    \b
    Example: dondoc escalate --as-of 2015-03-16 --dry-run
    """
    from engine import db
    from engine.escalation import sweep
    from engine.views import today

    day = _parse_day(as_of, "--as-of") or today()
    factory = db.session_factory(obj.engine())
    records = sweep(factory, as_of=day, dry_run=dry_run, lang=obj.lang)
    _print_escalations(records, as_json, dry_run, "escalation(s)")


@cli.command()
@click.option("--as-of", "as_of", help="Day to remind for (YYYY-MM-DD), default today.")
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def remind(obj: Context, as_of: str | None, dry_run: bool, as_json: bool) -> None:
    """Record and queue the reminders before due (14 and 3 days by default).

    \b
    Example: dondoc remind --as-of 2015-12-17
    """
    from engine import db
    from engine.reminders import remind as do_remind
    from engine.views import today

    day = _parse_day(as_of, "--as-of") or today()
    factory = db.session_factory(obj.engine())
    records = do_remind(factory, as_of=day, dry_run=dry_run, lang=obj.lang)
    _print_escalations(records, as_json, dry_run, "reminder(s)")


@cli.group()
def scheduler() -> None:
    """The background jobs: sweep, reminders, weekly digest, outbox dispatch."""


@scheduler.command("run")
@pass_ctx
def scheduler_run(obj: Context) -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C; one per database.

    \b
    Example: dondoc --db postgresql://127.0.0.1/dondoc scheduler run
    """
    from engine import db
    from engine.scheduler import run_forever

    engine = obj.engine()
    run_forever(
        db.session_factory(engine),
        lang=obj.lang,
        on_ready=lambda: click.echo(
            f"Scheduler running on {db.describe(engine)}; stop with Ctrl-C or SIGTERM."
        ),
    )
    click.echo("Scheduler stopped.")


# ---------------------------------------------------------------- notifications, digests, reports (issue 5)


@cli.group()
def notify() -> None:
    """The outbox: queued, sent and dead notifications."""


@notify.command("list")
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "dead"]))
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def notify_list(obj: Context, status: str | None, as_json: bool) -> None:
    """List outbox messages.  Example: dondoc notify list --status dead"""
    from notifiers.dispatch import list_messages

    with obj.session() as s:
        rows = list_messages(s, status)
    columns = [
        ("id", "ID", 6),
        ("status", "STATUS", 8),
        ("attempts", "TRIES", 5),
        ("channel", "CHANNEL", 8),
        ("agency", "AGENCY", 26),
        ("subject", "SUBJECT", 50),
        ("last_error", "LAST ERROR", 40),
    ]
    _print_rows(rows, columns, as_json, footer=f"{len(rows)} message(s).")


@notify.command("dispatch")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def notify_dispatch(obj: Context, limit: int, as_json: bool) -> None:
    """Send the messages that are due, retrying failed ones later.

    \b
    Example: DONDOC_SMTP_URL=smtp://mail.example.vn:587?starttls=1 dondoc notify dispatch
    """
    from engine import db
    from notifiers.dispatch import dispatch_pending

    result = dispatch_pending(db.session_factory(obj.engine()), limit=limit)
    if as_json:
        _emit_json(result.as_dict())
        return
    click.echo(f"Sent {result.sent}, to retry {result.failed}, dead {result.dead}.")
    for error in result.errors:
        click.echo(f"  {error}")


@notify.command("retry")
@click.argument("message_id", required=False, type=int)
@click.option("--all-dead", is_flag=True, help="Requeue every dead message.")
@pass_ctx
def notify_retry(obj: Context, message_id: int | None, all_dead: bool) -> None:
    """Put dead messages back in the queue.  Example: dondoc notify retry --all-dead"""
    from notifiers.dispatch import retry

    with obj.session() as s:
        count = retry(s, message_id, all_dead=all_dead)
    click.echo(f"Requeued {count} message(s).")


@cli.command()
@click.option("--plan", "plan_id")
@click.option("--agency")
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "html", "md"]), default="text", show_default=True
)
@click.option("--send", is_flag=True, help="Queue one message per recipient agency instead.")
@pass_ctx
def digest(
    obj: Context, plan_id: str | None, agency: str | None, as_of: str | None, fmt: str, send: bool
) -> None:
    """Print the weekly digest, or queue it for every agency with open work.

    \b
    Example: dondoc digest --plan kon-tum-2013 --as-of 2015-03-16 --format md
             dondoc digest --send && dondoc notify dispatch
    """
    from engine.digest import digest_data
    from engine.digest_job import queue_digests
    from engine.views import today
    from notifiers.render import render

    day = _parse_day(as_of, "--as-of") or today()
    with obj.session() as s:
        if send:
            result = queue_digests(s, as_of=day, plan_id=plan_id, agency=agency, lang=obj.lang)
        else:
            data = digest_data(s, plan_id=plan_id, agency=agency, as_of=day)
            text = render("digest", fmt, data, lang=obj.lang)
    if send:
        click.echo(
            f"Queued {result.queued} digest message(s); {result.already} already queued this week."
        )
    else:
        click.echo(text, nl=False)


@cli.group()
def report() -> None:
    """Reports a plan owes."""


@report.command("annual")
@click.option("--plan", "plan_id", required=True)
@click.option("--year", required=True, type=int)
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="md", show_default=True)
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def report_annual(obj: Context, plan_id: str, year: int, fmt: str, xlsx: Path | None) -> None:
    """Print the yearly report of a plan, and optionally write it as a spreadsheet.

    \b
    Example: dondoc report annual --plan nghe-an-2017 --year 2018 --xlsx bao-cao-2018.xlsx
    """
    from engine.report import annual_report, write_xlsx
    from notifiers.render import render

    with obj.session() as s:
        data = annual_report(s, plan_id, year)
    if xlsx is not None:
        write_xlsx(data, xlsx)
        click.echo(f"Wrote {len(data['tasks'])} task row(s) to {xlsx}.", err=True)
    click.echo(render("report", fmt, data, lang=obj.lang), nl=False)


@cli.group()
def export() -> None:
    """Export data for other programs."""


@export.command("ics")
@click.option("--plan", "plan_id")
@click.option("--agency")
@click.option("--as-of", "as_of", help="Which occurrences are open (YYYY-MM-DD), default today.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def export_ics(
    obj: Context, plan_id: str | None, agency: str | None, as_of: str | None, output: Path
) -> None:
    """Write the open deadlines as an iCalendar file.

    \b
    Example: dondoc export ics --plan kon-tum-2013 --agency kon-tum/sct -o han.ics
    """
    from engine.ics import deadline_calendar

    with obj.session() as s:
        data = deadline_calendar(
            s, plan_id=plan_id, agency=agency, as_of=_parse_day(as_of, "--as-of")
        )
    output.write_bytes(data)
    click.echo(f"Wrote {data.count(b'BEGIN:VEVENT')} deadline(s) to {output}.")


# ---------------------------------------------------------------- web (issue 8)


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (scripts).")
@pass_ctx
def users_passwd(obj: Context, name: str, password_stdin: bool) -> None:
    """Set a user's password for the web board (asked twice, never echoed).

    \b
    Example: dondoc users passwd lan
             printf '%s' "$PW" | dondoc users passwd lan --password-stdin
    """
    from engine.auth import set_password

    if password_stdin:
        password = sys.stdin.read().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with obj.session() as s:
        set_password(s, name, password)
    click.echo(f"Password set for {name}.")


@users.command("token")
@click.argument("name")
@click.option("--revoke", "revoke_id", type=int, help="Revoke the token with this number.")
@click.option("--list", "show_list", is_flag=True, help="List the user's tokens.")
@pass_ctx
def users_token(obj: Context, name: str, revoke_id: int | None, show_list: bool) -> None:
    """Issue an API token (shown once), list tokens or revoke one.

    \b
    Example: dondoc users token lan
             dondoc users token lan --revoke 3
    """
    from engine import auth

    with obj.session() as s:
        if revoke_id is not None:
            auth.revoke_token(s, name, revoke_id)
            click.echo(f"Token {revoke_id} of {name} revoked.")
        elif show_list:
            for t in auth.list_tokens(s, name):
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                click.echo(f"{t.id}  created {t.created_at:%Y-%m-%d}  {state}")
        else:
            issued = auth.issue_token(s, name)
            click.echo(f"Token {issued.id} for {name} (shown once; keep it secret):")
            click.echo(issued.secret)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_ctx
def serve(obj: Context, host: str, port: int) -> None:
    """Run the web board and REST API with uvicorn.

    \b
    Example: dondoc serve --port 8000   (then open http://127.0.0.1:8000/)
    """
    import uvicorn

    from engine import db
    from web.app import create_app

    obj.engine()  # refuse to start on a database that is missing or not initialised
    app = create_app(db.resolve_url(obj.db))
    click.echo(f"Serving dondoc on http://{host}:{port}/ (Ctrl+C stops it).")
    uvicorn.run(app, host=host, port=port, log_level="info")


# ---------------------------------------------------------------- quickstart


@cli.command()
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@pass_ctx
def quickstart(obj: Context, as_of: str | None) -> None:
    """Set up the embedded database, load every shipped plan and show where things stand.

    Running it again is harmless.  Example: dondoc quickstart
    """
    from engine import db
    from engine.quickstart import run_quickstart

    day = _parse_day(as_of, "--as-of")
    engine = obj.engine(ready=False)
    db.migrate(engine)
    summary = run_quickstart(db.session_factory(engine), as_of=day, lang=obj.lang)
    click.echo(f"Database: {db.describe(engine)}")
    for line in summary.lines:
        click.echo(line)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="dondoc")


if __name__ == "__main__":  # pragma: no cover
    main()


# Keep the type checker honest about the callback signatures above.
_: Callable[..., Any] = cli
