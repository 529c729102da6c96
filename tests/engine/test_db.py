"""The schema check every command runs, and the SQLite busy timeout setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from engine import db
from engine.errors import InvalidInput, StorageError
from tests.words import english


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


def test_head_revision_constant_is_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert heads == [db.HEAD_REVISION], (
        "A migration was added: set engine.db.HEAD_REVISION to its revision."
    )


def test_a_migrated_database_is_ready(engine: Engine) -> None:
    assert db.current_revision(engine) == db.HEAD_REVISION
    db.ensure_ready(engine)


def test_the_revision_read_matches_alembics_reading(engine: Engine) -> None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        alembic_says = MigrationContext.configure(conn).get_current_revision()
    assert db.current_revision(engine) == alembic_says


def test_a_database_without_schema_is_not_initialised(tmp_path: Path) -> None:
    eng = db.make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        assert db.current_revision(eng) is None
        with pytest.raises(StorageError) as err:
            db.ensure_ready(eng)
    finally:
        eng.dispose()
    assert english(err.value) == (
        f"The database at sqlite:///{tmp_path / 'empty.sqlite3'} is not initialised; "
        "run 'dondoc init' first."
    )


def test_an_empty_version_table_is_not_initialised(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
    with pytest.raises(StorageError) as err:
        db.ensure_ready(engine)
    assert english(err.value) == (
        f"The database at {db.describe(engine)} is not initialised; run 'dondoc init' first."
    )


def test_an_outdated_schema_says_which_revision_is_needed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(StorageError) as err:
        db.ensure_ready(engine)
    assert english(err.value) == (
        f"The database at {db.describe(engine)} is at schema 0000, "
        f"this dondoc needs {db.HEAD_REVISION}; run 'dondoc init' to upgrade it."
    )


def test_an_unreachable_database_cannot_be_opened() -> None:
    eng = db.make_engine("postgresql://nobody@127.0.0.1:1/none")
    try:
        with pytest.raises(StorageError) as err:
            db.ensure_ready(eng)
    finally:
        eng.dispose()
    message = english(err.value)
    assert message.startswith(
        "Cannot open the database at postgresql+psycopg://nobody@127.0.0.1:1/none: "
    )
    assert message.endswith(".")
    assert "\n" not in message


def _busy_timeout(eng: Engine) -> int:
    with eng.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one())


def test_sqlite_waits_15_seconds_for_a_lock_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(db.BUSY_TIMEOUT_ENV, raising=False)
    eng = db.make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    try:
        assert _busy_timeout(eng) == 15_000
    finally:
        eng.dispose()


def test_sqlite_busy_timeout_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(db.BUSY_TIMEOUT_ENV, "250")
    eng = db.make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    try:
        assert _busy_timeout(eng) == 250
    finally:
        eng.dispose()


@pytest.mark.parametrize("value", ["abc", "-5", "1.5", "15s"])
def test_an_invalid_busy_timeout_is_one_sentence(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(db.BUSY_TIMEOUT_ENV, value)
    with pytest.raises(InvalidInput) as err:
        db.make_engine(f"sqlite:///{tmp_path / 'sub' / 'a.sqlite3'}")
    assert english(err.value) == (
        "DONDOC_SQLITE_BUSY_TIMEOUT_MS must be a whole number of milliseconds "
        f"(0 or more), got {value!r}."
    )
    assert not (tmp_path / "sub").exists()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_connections_do_not_compile_statements_just_in_time(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW jit").scalar_one() == "off"
        # Still off in the next transaction of the same pooled connection.
        conn.commit()
        assert conn.exec_driver_sql("SHOW jit").scalar_one() == "off"
