"""Setting a database up and serving it: init, quickstart, serve."""

from __future__ import annotations

import click

from cli.context import Context, pass_ctx
from cli.output import parse_day


@click.command()
@pass_ctx
def init(obj: Context) -> None:
    """Create the database or upgrade its schema to this version.

    \b
    Example: dondoc --db postgresql://127.0.0.1/dondoc init
    """
    from engine import db
    from engine.views import today
    from tasks_catalog.loading import sync_directories

    engine = obj.engine(ready=False)
    db.migrate(engine)
    click.echo(obj.w("cli.init.ready", database=db.describe(engine), schema=db.head_revision()))
    # An upgraded database with plans learns the shipped agencies' lives and
    # successions now, so the next sweep already follows them (issue 14).
    with db.transaction(db.session_factory(engine)) as session:
        moved = sync_directories(session, today=today())
    if moved:
        click.echo(obj.w("cli.init.succeeded", moved=moved))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    envvar="DONDOC_WORKERS",
    help="Worker processes; they share sessions, sign-in throttling and flashes "
    "through the database.",
)
@click.option(
    "--forwarded-allow-ips",
    default="",
    envvar="DONDOC_FORWARDED_ALLOW_IPS",
    help="Addresses of the reverse proxy whose X-Forwarded-Proto and X-Forwarded-For "
    "are trusted (comma-separated, e.g. 127.0.0.1); none by default.",
)
@click.option(
    "--secure-cookies",
    is_flag=True,
    envvar="DONDOC_SECURE_COOKIES",
    help="Mark the session cookie Secure (sent over HTTPS only); use behind TLS.",
)
@pass_ctx
def serve(
    obj: Context,
    host: str,
    port: int,
    workers: int,
    forwarded_allow_ips: str,
    secure_cookies: bool,
) -> None:
    """Run the web board and REST API with uvicorn.

    Behind a reverse proxy that serves HTTPS, name it with
    --forwarded-allow-ips: requests it marks https get Secure cookies.

    \b
    Example: dondoc serve --port 8000   (then open http://127.0.0.1:8000/)
             dondoc serve --workers 4 --forwarded-allow-ips 127.0.0.1
    """
    import os

    import uvicorn

    from cli import serving
    from engine import db
    from web.app import DB_ENV_FOR_WORKERS, SECURE_ENV_FOR_WORKERS
    from web.security import secret_key

    obj.engine()  # refuse to start on a database that is missing or not initialised
    # Made (or read) once here, so every worker signs with the same key.
    secret_key()
    # The workers build the app themselves (web.app:app_for_workers) from these.
    os.environ[DB_ENV_FOR_WORKERS] = db.resolve_url(obj.db)
    os.environ[SECURE_ENV_FOR_WORKERS] = "1" if secure_cookies else ""
    trusted = forwarded_allow_ips.strip()
    config = uvicorn.Config(
        "web.app:app_for_workers",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        log_level="info",
    )
    # Bound here, before anything is printed: a port in use is one sentence.
    sockets = serving.bound_sockets(host, port, workers, obj.w)
    click.echo(obj.w("cli.serve.serving", url=f"http://{host}:{port}/"))
    serving.log_listening(host, port)
    serving.serve(config, sockets)


@click.command()
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@pass_ctx
def quickstart(obj: Context, as_of: str | None) -> None:
    """Set up the embedded database, load every shipped plan and show where things stand.

    Running it again is harmless.  Example: dondoc quickstart
    """
    from cli.quickstart import run_quickstart
    from engine import db

    w = obj.w
    day = parse_day(as_of, "--as-of", w)
    engine = obj.engine(ready=False)
    db.migrate(engine)
    click.echo(w("cli.quickstart.database", database=db.describe(engine)))
    for line in run_quickstart(db.session_factory(engine), w, as_of=day):
        click.echo(line)


COMMANDS = [init, serve, quickstart]
