"""The plan catalog: listing, loading, validating, budget checks and importing annexes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cli.context import CommandError, Context, pass_ctx
from cli.output import emit_json, print_rows, render_table


@click.group()
def catalog() -> None:
    """The plans shipped with dondoc, and loading them."""


@catalog.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def catalog_list(obj: Context, as_json: bool) -> None:
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
        ("id", "cli.col.plan", 20),
        ("province", "cli.col.province", 12),
        ("legal_ref", "cli.col.legal_ref", 36),
        ("period", "cli.col.period", 10),
        ("tasks", "cli.col.tasks", 5),
    ]
    print_rows(rows, columns, as_json, obj.w)


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

    A plan whose escalation the sweep could not follow is refused, with
    every problem named.

    \b
    Example: dondoc catalog load kon-tum-2013
             dondoc catalog load ./my-plan.yaml
    """
    from tasks_catalog.loading import catalog_path, load_plan_file

    path = catalog_path(plan)
    with obj.session() as s:
        report = load_plan_file(s, path, archive_removed=archive_removed)
    click.echo(load_summary(report, obj))


def load_summary(report: Any, obj: Context) -> str:
    """One line saying what a load changed (``engine.catalog.LoadReport``)."""
    if report.unchanged:
        return obj.w("cli.load.unchanged", plan=report.plan_id)
    return obj.w(
        "cli.load.created" if report.created else "cli.load.updated",
        plan=report.plan_id,
        tasks_added=len(report.tasks_added),
        tasks_updated=len(report.tasks_updated),
        tasks_archived=len(report.tasks_archived),
        added=len(report.occurrences_added),
        replanned=len(report.occurrences_replanned),
        archived=len(report.occurrences_archived),
    )


@catalog.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@pass_ctx
def catalog_validate(obj: Context, files: tuple[str, ...]) -> None:
    """Check catalog files: every problem on its own line, exit 1 if any.

    The checks are the ones ``catalog load`` makes, the plan's escalation
    ladder included (levels, days and the agencies it presses).

    \b
    Example: dondoc catalog validate tasks_catalog/plans/kon-tum-2013.yaml
    """
    from tasks_catalog.validation import validate_files

    w = obj.w
    problems, checked = validate_files([Path(f) for f in files])
    for problem in problems:
        click.echo(w.problem(problem), err=True)
    if problems:
        raise CommandError(w("cli.validate.failed", problems=len(problems), files=len(files)))
    for plan_id, path in checked:
        click.echo(w("cli.validate.valid", path=str(path), plan=plan_id))


@catalog.command("check-budget")
@click.argument("plan")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def catalog_check_budget(obj: Context, plan: str, as_json: bool) -> None:
    """Budget by task, group and source with the plan total; flag totals that do not add up.

    Exits 3 when a stated total differs from its lines.

    \b
    Example: dondoc catalog check-budget nghe-an-2017
    """
    from engine.errors import CheckFailed
    from tasks_catalog import schema
    from tasks_catalog.budget import check_budget
    from tasks_catalog.loading import catalog_path

    spec = schema.load_and_validate(catalog_path(plan))
    result = check_budget(spec)
    if as_json:
        emit_json(
            {**result.as_dict(), "mismatches": [_mismatch_json(m) for m in result.mismatches]}
        )
    elif spec.budget is None:
        click.echo(obj.w("cli.budget.none", plan=spec.id))
    else:
        _print_budget(spec, result, obj)
    if result.mismatches:
        # The table (or JSON) above is the answer; the error says so in one
        # sentence and exits with the check's own status (3).
        raise CheckFailed("budget_mismatch", plan=spec.id, count=len(result.mismatches))


def _mismatch_json(mismatch: Any) -> dict[str, Any]:
    """A mismatch as ``check-budget --json`` has always written it."""
    return {"scope": mismatch.scope, "stated": mismatch.stated, "computed": mismatch.computed}


def _print_budget(spec: Any, result: Any, obj: Context) -> None:
    from notifiers.render import format_amount

    w = obj.w
    unit = result.unit
    titles = {t.code: t.title for t in spec.tasks}
    task_rows = [
        {"code": code, "title": titles.get(code, ""), "amount": format_amount(amount)}
        for code, amount in result.by_task.items()
    ]
    click.echo(w("cli.budget.title", plan=spec.id, unit=unit))
    columns = [("code", "cli.col.task", 6), ("title", "cli.col.title", 60)]
    click.echo(render_table(task_rows, [*columns, ("amount", "cli.col.amount", 12)], w))
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
    columns = [
        ("group", "cli.col.group", 6),
        ("lines", "cli.col.lines", 12),
        ("stated", "cli.col.stated", 12),
    ]
    click.echo(render_table(group_rows, columns, w))
    click.echo("")
    source_rows = [
        {
            "source": w("cli.budget.unspecified") if k == "(unspecified)" else k,
            "amount": format_amount(v),
        }
        for k, v in sorted(result.by_source.items())
    ]
    columns = [("source", "cli.col.source", 30), ("amount", "cli.col.amount", 12)]
    click.echo(render_table(source_rows, columns, w))
    click.echo("")
    stated = (
        format_amount(result.stated_total)
        if result.stated_total is not None
        else w("cli.budget.not_stated")
    )
    click.echo(
        w(
            "cli.budget.total",
            stated=stated,
            lines=format_amount(result.lines_total),
            unit=unit,
        )
    )
    for m in result.mismatches:
        click.echo(
            w(
                "cli.budget.mismatch_group" if m.group else "cli.budget.mismatch_plan",
                group=m.group,
                stated=format_amount(m.stated),
                computed=format_amount(m.computed),
                difference=format_amount(m.stated - m.computed),
                unit=unit,
            )
        )


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
@pass_ctx
def catalog_import(obj: Context, file: str, plan_id: str, province: str, out: str) -> None:
    """Read the annex table(s) of a document into a catalog file plus a report.

    Markdown or HTML tables, tab-separated text, .xlsx, Word .docx and
    text-based .pdf are understood. For a province without an agency
    directory, a draft directory is written beside the plan to complete.

    \b
    Example: dondoc catalog import decision-835.txt --plan-id kon-tum-2013 --province kon-tum -o kon-tum.yaml
    """
    from tasks_catalog.importer import import_annex

    w = obj.w
    result = import_annex(Path(file), plan_id=plan_id, province=province)
    lines = [w.problem(point) for point in result.report]
    header = [w("cli.import.header"), w("cli.import.report_head")]
    if not lines:
        header.append("  " + w("cli.import.nothing"))
    written = result.write(Path(out), lines, header)
    tasks = result.catalog.get("tasks", [])
    click.echo(w.plural("cli.import.wrote", len(tasks), path=str(written)))
    if result.directory_path is not None:
        click.echo(
            w("cli.import.draft_directory", path=str(result.directory_path), plan=str(written))
        )
    if lines:
        click.echo(w.plural("cli.import.points", len(lines), path=f"{written}.report.txt"))
        for line in lines:
            click.echo(f"  - {line}")
    else:
        click.echo(w("cli.import.clean"))


COMMANDS = [catalog]
