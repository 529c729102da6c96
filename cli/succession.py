"""Agency succession at the command line: succeed, list and move the people left behind.

``dondoc agencies succeed`` records that agencies ended and who took over
(engine.succession_admin); ``users list --dissolved`` and ``users move``
serve the coordinators who move people off ended agencies. The commands join
the ``agencies`` and ``users`` groups.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cli.agencies import agencies
from cli.context import Context, pass_ctx
from cli.output import emit_json, parse_day, print_rows
from cli.people import users


@agencies.command("succeed")
@click.argument("ended", nargs=-1, required=True)
@click.option(
    "--by", "successors", multiple=True, required=True, help="Successor code (repeat for a split)."
)
@click.option("--on", "on", required=True, help="Effective day, YYYY-MM-DD.")
@click.option("--basis", required=True, help="Legal basis: the document's number.")
@click.option("--note", default="", help="Anything else the record should say.")
@click.option("--split-owner", help="For a split: the successor that takes each open task.")
@click.option("--dry-run", is_flag=True, help="Print what would move; write nothing.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def agencies_succeed(
    obj: Context,
    ended: tuple[str, ...],
    successors: tuple[str, ...],
    on: str,
    basis: str,
    note: str,
    split_owner: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Record that agencies ended and who took over their open work.

    \b
    Example: dondoc agencies succeed kon-tum/stnmt --by kon-tum/snnmt \\
                 --on 2025-03-01 --basis 45/2025/NĐ-CP --dry-run
    """
    from engine.succession_admin import check_succession, succeed
    from engine.views import today

    w = obj.w
    day = parse_day(on, "--on", w)
    assert day is not None
    with obj.session() as s:
        spec = check_succession(
            s,
            ended=ended,
            successors=successors,
            on=day,
            basis=basis,
            note=note,
            split_default=split_owner,
        )
        result = succeed(s, spec, today=today(), dry_run=dry_run)
    moves = [{"kind": m.kind, "ref": m.ref, "from": m.old, "to": m.new} for m in result.moves]
    people = [{"name": name, "agency": agency} for name, agency in result.users]
    if as_json:
        emit_json({"dry_run": dry_run, "applied": result.applied, "moves": moves, "users": people})
        return
    _print_moves(obj, moves, people, dry_run=dry_run, applied=result.applied, day=day.isoformat())


def _print_moves(
    obj: Context, moves: list[dict[str, Any]], people: list[dict[str, str]], **facts: Any
) -> None:
    w = obj.w
    for m in moves:
        key = "cli.succeed.plan" if m["kind"] == "plan" else "cli.succeed.occurrence"
        click.echo(w(key, ref=m["ref"], old=", ".join(m["from"]), new=", ".join(m["to"])))
    for p in people:
        click.echo(w("cli.succeed.user", user=p["name"], agency=p["agency"]))
    if facts["dry_run"]:
        click.echo(w.plural("cli.succeed.dry_run", len(moves)))
    elif facts["applied"]:
        click.echo(w.plural("cli.succeed.done", len(moves)))
    else:
        click.echo(w("cli.succeed.later", day=facts["day"]))


@agencies.command("add")
@click.argument("code")
@click.option("--name", "name_vi", required=True, help="The Vietnamese name.")
@click.option("--name-en", help="The English name (default: the Vietnamese one).")
@click.option("--parent", help="Code of the superior agency.")
@click.option("--group", is_flag=True, help="A group of agencies (e.g. UBND các xã, phường).")
@click.option("--from", "valid_from", help="First day of the agency, YYYY-MM-DD.")
@pass_ctx
def agencies_add(
    obj: Context,
    code: str,
    name_vi: str,
    name_en: str | None,
    parent: str | None,
    group: bool,
    valid_from: str | None,
) -> None:
    """Add an agency that no directory file knows yet.

    \b
    Example: dondoc agencies add quang-ngai/sct --name "Sở Công Thương tỉnh Quảng Ngãi" \\
                 --parent quang-ngai/ubnd
    """
    from engine.directory import add_agency

    day = parse_day(valid_from, "--from", obj.w)
    with obj.session() as s:
        agency = add_agency(
            s, code, name_vi=name_vi, name_en=name_en, parent=parent, group=group, valid_from=day
        )
        click.echo(obj.w("cli.agency.added", agency=agency.code, name=agency.name_vi))


@agencies.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def agencies_import(obj: Context, file: Path) -> None:
    """Load an agency directory file (its agencies and successions) into the database.

    \b
    Example: dondoc agencies import my-catalog/agencies/quang-ngai.yaml
    """
    from engine.views import today
    from tasks_catalog.loading import import_directory_file

    with obj.session() as s:
        added, successions, moved = import_directory_file(s, file, today=today())
    click.echo(
        obj.w(
            "cli.agency.imported", path=str(file), added=added, successions=successions, moved=moved
        )
    )


@users.command("move")
@click.argument("name")
@click.option("--agency", required=True, help="The agency the user now works for.")
@pass_ctx
def users_move(obj: Context, name: str, agency: str) -> None:
    """Move a user to another agency (e.g. off one that ended).

    \b
    Example: dondoc users move lan --agency quang-ngai/sct
    """
    from engine.succession_admin import move_user
    from engine.views import today

    with obj.session() as s:
        user = move_user(s, name, agency, today())
        click.echo(obj.w("cli.user.moved", name=user.name, agency=user.agency_code))


def print_dissolved(obj: Context, as_json: bool) -> None:
    """``users list --dissolved``: users whose agency has ended, and who took over its work."""
    from engine.succession_admin import dissolved_users
    from engine.views import today

    with obj.session() as s:
        rows = [
            {
                "name": u.name,
                "agency": a.code,
                "until": a.valid_until.isoformat() if a.valid_until else None,
                "successor": successor,
                "role": u.role,
            }
            for u, a, successor in dissolved_users(s, today())
        ]
    columns = [
        ("name", "cli.col.user", 20),
        ("agency", "cli.col.agency", 26),
        ("until", "cli.col.until", 10),
        ("successor", "cli.col.successor", 26),
    ]
    print_rows(rows, columns, as_json, obj.w)


COMMANDS: list[click.Command] = []
