"""Follow-up figures by anyone's question: ``dondoc stats``."""

from __future__ import annotations

from typing import Any

import click

from cli.context import Context, pass_ctx
from cli.output import emit_json, parse_day, render_table

_COLUMNS = [
    ("name", "cli.col.stats_of", 40),
    ("completed_on_time", "cli.col.on_time", 9),
    ("completed_late", "cli.col.late", 9),
    ("within_deadline", "cli.col.within", 9),
    ("overdue", "cli.col.overdue", 9),
    ("total", "cli.col.total", 6),
    ("completion", "cli.col.completion_rate", 10),
    ("update", "cli.col.update_rate", 10),
]


@click.command()
@click.option("--plan", "plan_id")
@click.option("--agency", help="Count the occurrences this agency leads.")
@click.option("--province")
@click.option("--period", help="A reporting period: 2018 or 2018-H1 (Decree 09/2019 cut-offs).")
@click.option("--as-of", "as_of", help="Day to count on (YYYY-MM-DD) when no --period is given.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def stats(
    obj: Context,
    plan_id: str | None,
    agency: str | None,
    province: str | None,
    period: str | None,
    as_of: str | None,
    as_json: bool,
) -> None:
    """Buckets, completion rate and update rate, per plan and per lead agency.

    The completion rate is completed / (completed + overdue unfinished);
    the update rate the share of open tasks whose lead reported in the period.

    \b
    Example: dondoc stats --plan nghe-an-2017 --period 2018
             dondoc stats --province nghe-an --period 2018-H1 --json
    """
    from sqlalchemy import select

    from engine.models import Plan
    from engine.names import AgencyNames
    from engine.stats import Question
    from engine.stats import stats as count

    w = obj.w
    question = Question(
        plan=plan_id,
        agency=agency,
        province=province,
        period=period,
        as_of=parse_day(as_of, "--as-of", w),
    )
    with obj.session(reads=True) as s:
        data = count(s, question)
        names = AgencyNames.read(s)
        # People know a plan by its legal reference; --json keeps the id.
        legal_refs = {pid: ref for pid, ref in s.execute(select(Plan.id, Plan.legal_ref))}
    if as_json:
        emit_json(data)
        return

    def row(name: str, f: dict[str, Any]) -> dict[str, Any]:
        return {
            **f,
            "name": name,
            "completion": w.percent(f["completion_rate"]),
            "update": w.percent(f["update_rate"]),
        }

    period_info = data["period"]
    click.echo(
        w(
            "cli.stats.head",
            period=period_info["key"],
            start=w.date(period_info["start"]),
            end=w.date(period_info["end"]),
            day=w.date(data["as_of"]),
        )
    )
    rows = [row(w("cli.stats.all"), data["total"])]
    rows += [row(legal_refs.get(plan, plan), f) for plan, f in data["by_plan"].items()]
    rows += [row(names.short(code, w.lang), f) for code, f in data["by_agency"].items()]
    click.echo(render_table(rows, _COLUMNS, w))


COMMANDS = [stats]
