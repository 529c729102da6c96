"""The plan catalog: listing, loading, validating, budget checks and importing annexes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from cli.context import Context, pass_ctx
from cli.output import emit_json, print_rows, render_table


@click.group()
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
    print_rows(rows, columns, as_json)


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
        emit_json({**result.as_dict(), "mismatches": [m.__dict__ for m in result.mismatches]})
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


COMMANDS = [catalog]
