"""The load generator (bench/load.py) against a real ``dondoc serve`` on a small national data set.

It signs its virtual users in through the board's form, mixes the pages
people use (an advance included), stops at its fixed request count, counts
an error for every page that did not come back as it should, and refuses to
send anything to an address that is not this machine. No timing is asserted:
speed lives in bench/README.md.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.load import Refused, Settings, main, measure, refuse_outside, serve
from bench.load_client import PAGES, run_users
from bench.load_users import VirtualUser
from bench.national import generate
from engine import db
from engine.models import Event, User

pytestmark = pytest.mark.slow


@pytest.fixture
def national(db_url: str) -> str:
    """The national data set at its smallest: 34 plans, 544 occurrences, 800 people."""
    engine = db.make_engine(db_url)
    generate(engine, 300, users=800)
    engine.dispose()
    return db_url


def test_the_users_sign_in_mix_the_pages_and_stop_at_the_request_count(
    national: str, tmp_path: Path
) -> None:
    # Two users on two workers, on SQLite too: a page no longer writes inside its read
    # (web.store deletes a shown flash in a write of its own; it answered 503 before).
    users = 2
    settings = Settings(
        users=users, requests=60, seconds=300, think=(0.0, 0.0), stress_requests=0, solo=0
    )
    result = measure(national, settings, tmp_path / "serve.log")

    pages = result["phases"]["think"]["pages"]
    assert pages["sign-in"]["count"] == users
    assert sum(pages[p]["count"] for p in PAGES) == 60
    assert {p for p in PAGES if pages[p]["count"]} == set(PAGES)
    assert {p: pages[p]["errors"] for p in ("sign-in", *PAGES)} == dict.fromkeys(
        ("sign-in", *PAGES), 0
    ), result["phases"]["think"]["samples"]
    # The advances were taken, as the board records them: one event each, by the virtual user.
    engine = db.make_engine(national)
    with engine.connect() as conn:
        by_users = conn.scalar(
            select(Event.id)
            .where(Event.actor.in_(select(User.name).where(User.password_hash.is_not(None))))
            .where(Event.trigger != "create")
            .order_by(Event.id.desc())
            .limit(1)
        )
    engine.dispose()
    assert by_users is not None


def test_pages_that_fail_are_counted_as_errors(national: str, tmp_path: Path) -> None:
    from bench.load_users import prepare

    (real,) = prepare(national, 1, seed=5)
    lost = VirtualUser(
        name=real.name,
        role=real.role,
        agency=real.agency,
        password=real.password,
        plans=["no-such-plan"],
        reads=["no-such-plan:9.9@2020"],
        searches=["môi trường"],
    )
    stranger = VirtualUser(**{**vars(lost), "name": real.name, "password": "not the password 1"})
    with serve(national, 1, tmp_path / "serve.log") as board:
        tally, _wall = asyncio.run(
            run_users(board.base, [lost, stranger], requests=20, seconds=120, think=(0, 0), seed=3)
        )
    assert tally.errors.get("sign-in") == 1  # the stranger's wrong password; he asks nothing
    assert sum(tally.count(p) for p in PAGES) == 20
    # Every plan and task page of a plan that does not exist is an error; the others are not.
    failing = {p: tally.count(p) for p in ("plan", "task", "advance") if tally.count(p)}
    assert failing
    assert {p: tally.errors.get(p, 0) for p in PAGES} == {p: failing.get(p, 0) for p in PAGES}, (
        tally.samples
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["--board", "http://10.0.0.7:8000", "sqlite:///x.sqlite3"],
        ["--board", "http://example.org/", "sqlite:///x.sqlite3"],
        ["postgresql+psycopg://postgres@192.168.1.20:5432/dondoc"],
    ],
)
def test_a_target_outside_this_machine_is_refused_before_anything_is_sent(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "refused:" in capsys.readouterr().err


def test_loopback_addresses_are_accepted() -> None:
    refuse_outside("http://127.0.0.1:8000", ["sqlite:////tmp/x.sqlite3"])
    refuse_outside("http://[::1]:8000/", ["postgresql+psycopg://postgres@localhost/dondoc"])
    with pytest.raises(Refused):
        refuse_outside("http://127.0.0.1.example.org:80", [])
