"""Database fixtures: every test that asks for ``db_url`` runs on SQLite and on PostgreSQL.

SQLite: a migrated template file is copied for each test. PostgreSQL: the
local server on 127.0.0.1:5432 (override with DONDOC_TEST_PG); a template
database is migrated once per run and each test gets a fresh copy. Without
a reachable PostgreSQL the PostgreSQL half is skipped locally, but fails
when CI=true: in CI a missing database is an error, never a silent skip.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import db
from engine.users import add_user
from notifiers.i18n import STRICT_ENV
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file

PG_ADMIN_URL = os.environ.get(
    "DONDOC_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _english_and_strict_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read the English sentences unless they ask for Vietnamese (``--lang vi``), and a
    sentence that names a fact its error lacks fails instead of showing "…"."""
    monkeypatch.setenv("DONDOC_LANG", "en")
    monkeypatch.setenv(STRICT_ENV, "1")


# What a test run may leave in the checkout: caches, never a file a command wrote.
CHECKOUT = Path(__file__).resolve().parent.parent
RUN_LEFTOVERS = {".hypothesis", ".pytest_cache", "__pycache__"}


@pytest.fixture(scope="session", autouse=True)
def _checkout_left_as_found() -> Iterator[None]:
    """A command under test that writes a relative path writes it in the test's folder.

    (A fuzzed ``export ics -o consult`` once left ``consult`` in the checkout,
    and it was committed.)
    """
    before = set(os.listdir(CHECKOUT))
    yield
    left = sorted(set(os.listdir(CHECKOUT)) - before - RUN_LEFTOVERS)
    assert not left, f"the test run left files in the checkout: {left}"


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()  # closing the last connection folds the WAL back into the file
    return path


def _admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    problem = _pg_available()
    if problem:
        if IN_CI:
            pytest.fail(
                f"PostgreSQL is required in CI but unreachable at {PG_ADMIN_URL}: {problem}"
            )
        pytest.skip(f"PostgreSQL not reachable ({problem})")
    name = f"dondoc_tpl_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = db.make_engine(url)
    db.migrate(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database of each kind."""
    if request.param == "sqlite":
        target = tmp_path / "dondoc.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"dondoc_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


Run = Callable[..., Result]


@pytest.fixture
def run(db_url: str) -> Run:
    """``run("tasks", "--json", user="lan")``: the CLI against this test's database."""
    runner = CliRunner()

    def invoke(*args: str, user: str | None = None, input: str | None = None) -> Result:
        prefix = ["--db", db_url] + (["--as", user] if user else [])
        return runner.invoke(cli, [*prefix, *args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = db.make_engine(db_url)
    yield db.session_factory(engine)
    engine.dispose()


# The people of the Kon Tum fixtures, one per role.
KON_TUM_USERS = {
    "lan": ("kon-tum/sct", "coordinator"),
    "hung": ("kon-tum/sct", "officer"),
    "minh": ("kon-tum/stnmt", "officer"),
    "thu": ("kon-tum/cac-so-nganh", "contributor"),
    "an": ("kon-tum/ubnd", "viewer"),
}


BEFORE_2025 = dt.datetime(2024, 6, 1, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def kon_tum(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """A database with Kon Tum loaded and one user per role.

    Loaded as of 1/6/2024, before the 2025 reorganisation: the tests act as
    Kon Tum's own officers on the history of their time. Successions reach
    these tasks when something applies them (a sweep after 1/7/2025,
    ``agencies succeed``), as tests/engine/test_succession.py does.
    """
    with db.transaction(factory) as session:
        load_plan_file(session, schema.plan_path("kon-tum-2013"), now=BEFORE_2025)
        for name, (agency, role) in KON_TUM_USERS.items():
            add_user(session, name, agency, role)
    return factory
