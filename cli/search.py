"""Finding tasks by their words: ``dondoc search TEXT``."""

from __future__ import annotations

import click

from cli.context import Context, pass_ctx
from cli.output import emit_json, task_table


@click.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def search(obj: Context, text: tuple[str, ...], as_of: str | None, as_json: bool) -> None:
    """Find tasks by words of their title, actions, result, notes or document numbers.

    Accents do not matter: "chi thi" finds "Chỉ thị". Every word must be found;
    a document number ("12/CT-UBND") is found as written.

    \b
    Example: dondoc search chi thi
             dondoc search 12/CT-UBND --json
    """
    from cli.output import parse_day
    from engine.names import AgencyNames
    from engine.search import search_rows

    w = obj.w
    with obj.session(reads=True) as s:
        rows = search_rows(s, " ".join(text), parse_day(as_of, "--as-of", w))
        names = AgencyNames.read(s)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo(w("cli.search.none", query=" ".join(text)))
        return
    click.echo(task_table(rows, names.full, w))


COMMANDS = [search]
