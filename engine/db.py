"""Database connection: URL resolution, engine set-up, sessions and migrations.

The embedded default is a SQLite file in the user's data directory, opened in
WAL mode with a busy timeout, foreign keys on and write transactions that take
the write lock when they begin (``BEGIN IMMEDIATE``), so two writers queue
instead of failing half way; work that only reads (``reading``) begins deferred and
never takes the write lock. PostgreSQL is reached through psycopg 3.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import InvalidInput, StorageError

SQLITE_BUSY_TIMEOUT_MS = 15_000
BUSY_TIMEOUT_ENV = "DONDOC_SQLITE_BUSY_TIMEOUT_MS"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest Alembic revision in MIGRATIONS_DIR. Every command compares the
# database with it; reading it from the migration scripts would import Alembic
# (about 150 ms of CPU) on every command. tests/engine/test_db.py pins it to
# Alembic's own head, so a new migration that forgets to move it fails there.
HEAD_REVISION = "0021"


def default_url() -> str:
    """The embedded default: a SQLite file under the user's data directory."""
    import platformdirs

    data_dir = Path(platformdirs.user_data_dir("dondoc"))
    return f"sqlite:///{data_dir / 'dondoc.sqlite3'}"


def resolve_url(url: str | None) -> str:
    """Turn ``--db`` / ``DONDOC_DB`` (possibly a bare path) into a SQLAlchemy URL."""
    url = url or os.environ.get("DONDOC_DB") or default_url()
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise InvalidInput("bad_database_url", url=url[:200]) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        # psycopg 3 is the supported driver; a bare postgresql:// would ask for psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def busy_timeout_ms() -> int:
    """How long a SQLite connection waits for another writer's lock, from the environment."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not raw:
        return SQLITE_BUSY_TIMEOUT_MS
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise InvalidInput("bad_busy_timeout", variable=BUSY_TIMEOUT_ENV, value=raw)
    return value


def _sqlite_pragmas(timeout_ms: int) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" hook below.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    return on_connect


# The execution option that marks a connection as only reading (``reading``).
READ_ONLY = "dondoc_read_only"


def _sqlite_begin(conn: Any) -> None:
    # A reader takes no lock until it reads and never the write lock: in WAL
    # mode it sees one snapshot and writers go on. A writer takes the write
    # lock at BEGIN, so two writers queue instead of failing half way.
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN DEFERRED")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None, *, echo: bool = False, create: bool = True) -> Engine:
    """Create an engine for the URL.

    With ``create`` (``init``, ``quickstart``) a SQLite file's folder is made
    if needed; without it a missing SQLite file is an error, so a mistyped
    ``--db`` leaves no empty file or folder behind.
    """
    resolved = resolve_url(url)
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite":
        timeout_ms = busy_timeout_ms()  # before touching the disk: a bad value changes nothing
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            try:
                if create:
                    _create_private(path)
                elif not path.exists():
                    raise StorageError("no_database", path=str(path)[:200])
            except OSError as exc:  # a name too long, a folder that cannot be made
                raise StorageError(
                    "cannot_open", database=str(path)[:200], reason=exc.strerror or str(exc)
                ) from exc
        engine = create_engine(resolved, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas(timeout_ms))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = 10
    engine = create_engine(resolved, echo=echo, pool_pre_ping=True, connect_args=connect_args)
    if parsed.get_backend_name() == "postgresql":
        event.listen(engine, "connect", _postgresql_session)
    return engine


def _postgresql_session(dbapi_conn: Any, _record: Any) -> None:
    """No just-in-time compilation: dondoc's statements read a few rows through indexes,
    and the planner's estimate of a large table crosses ``jit_above_cost`` all the same.
    The first sweep's overdue statement spent 140 of its 250 ms compiling (issue 17);
    a statement here never runs long enough to win it back."""
    cursor = dbapi_conn.cursor()  # a cursor: psycopg 2 connections have no execute()
    cursor.execute("SET jit = off")
    cursor.close()
    dbapi_conn.commit()


def _create_private(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600, a new folder 0700).

    It holds password hashes; SQLite gives its -wal and -shm files the same mode.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def describe(engine: Engine) -> str:
    """The engine's URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # The models first: they import their satellite modules (counts_models,
    # scheduler_runs) themselves, and ``counts`` imported first made a cycle
    # that broke ``dondoc scheduler run``.
    importlib.import_module("engine.models")
    # Register what is kept after every flush: the seal, the counts, the search index.
    from engine import counts, seal, search  # noqa: F401

    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (``dondoc init`` runs this)."""
    from alembic import command

    try:
        command.upgrade(_alembic_config(engine), revision)
    except OperationalError as exc:
        raise StorageError(
            "cannot_migrate", database=describe(engine), reason=_first_line(exc)
        ) from exc


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in ``alembic_version``, or None on a database never initialised.

    Plain SQL, as Alembic's ``MigrationContext.get_current_revision`` reads it,
    without importing Alembic.
    """
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        # Checked first: on PostgreSQL a failed SELECT would abort the transaction.
        if not inspect(conn).has_table("alembic_version"):
            return None
        found = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if not found:
        return None
    # Several rows mean several branch heads; dondoc's history is one line,
    # so that is never this version and is reported as a mismatch.
    return ", ".join(sorted(found))


def head_revision() -> str:
    """The schema revision this dondoc needs (see ``HEAD_REVISION``)."""
    return HEAD_REVISION


def ensure_ready(engine: Engine) -> None:
    """Refuse to work on a database that is unreachable or not initialised."""
    try:
        revision = current_revision(engine)
    except OperationalError as exc:
        raise StorageError(
            "cannot_open", database=describe(engine), reason=_first_line(exc)
        ) from exc
    if revision is None:
        raise StorageError("not_initialised", database=describe(engine))
    if revision != HEAD_REVISION:
        raise StorageError(
            "schema_mismatch", database=describe(engine), found=revision, needed=HEAD_REVISION
        )


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


@contextlib.contextmanager
def transaction(factory: sessionmaker[Session], *, reads: bool = False) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back on any error.

    ``reads``: work that only reads (listings, pages, ``audit verify``). On
    SQLite it begins deferred, so it never holds the write lock and a long
    read does not stop writers. It must not write: once another connection
    has written since its first read, SQLite refuses its write at once
    (``SQLITE_BUSY_SNAPSHOT``, no busy wait), which is why a page deletes the
    flash it showed in a write of its own (``web.store``).
    """
    with factory() as session, session.begin():
        if reads:
            session.connection(execution_options={READ_ONLY: True})
            session.info[READ_ONLY] = True
        yield session


def reading(factory: sessionmaker[Session]) -> contextlib.AbstractContextManager[Session]:
    """``transaction(factory, reads=True)``: a unit of work that only reads."""
    return transaction(factory, reads=True)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0].rstrip(".") if text else type(exc).__name__
