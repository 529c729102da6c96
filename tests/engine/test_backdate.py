"""Recording a step on an earlier day (``--at``) is a coordinator's correction: the engine's rule.

The board and the API ask the same rule: tests/web/test_backdate.py.

An officer of the lead agency may advance the task but not back-date it;
the command line, the board and the API each ask the engine and refuse
with the same reason (``not_allowed.backdate``), changing nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import authz, db
from engine.errors import Named, NotAllowed
from engine.models import Event, Occurrence, User
from engine.transition import advance
from engine.workdays import VIETNAM_TZ
from notifiers.i18n import words

REF = "kon-tum-2013:2.1"  # led by kon-tum/sct: hung (officer) may advance it, lan coordinates
EARLIER = "2014-01-05"


def _history(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with db.transaction(factory) as s:
        occ = s.scalar(select(Occurrence).where(Occurrence.ref == REF))
        assert occ is not None
        events = s.scalars(select(Event).where(Event.occurrence_id == occ.id).order_by(Event.seq))
        return [(e.trigger, e.actor) for e in events]


def test_the_rule_itself_officers_advance_but_only_coordinators_backdate(
    kon_tum: sessionmaker[Session],
) -> None:
    with db.transaction(kon_tum) as s:
        occ = s.scalar(select(Occurrence).where(Occurrence.ref == REF))
        assert occ is not None
        task, plan = occ.task, occ.task.plan
        hung = s.scalar(select(User).where(User.name == "hung"))
        lan = s.scalar(select(User).where(User.name == "lan"))
        assert hung is not None and lan is not None
        assert authz.offer(hung, plan, task) == authz.Offer(
            advance=True, comment=True, backdate=False
        )
        assert authz.offer(lan, plan, task) == authz.Offer(
            advance=True, comment=True, backdate=True
        )
        assert authz.offer(lan, plan, task, archived=True) == authz.Offer(False, False, False)
        with pytest.raises(NotAllowed) as refused:
            advance(s, hung, REF, "consult", at=dt.datetime(2014, 1, 5, tzinfo=VIETNAM_TZ))
    assert refused.value.code == "not_allowed.backdate"
    assert refused.value.facts["actor"] == "hung"
    assert _history(kon_tum) == [("create", "catalog")]


@pytest.fixture
def cli_run(db_url: str, kon_tum: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=False)

    return invoke


def test_the_command_line_refuses_an_officers_earlier_day_and_keeps_a_coordinators(
    cli_run, kon_tum: sessionmaker[Session]
) -> None:
    refused = cli_run("--lang", "vi", "--as", "hung", "advance", REF, "consult", "--at", EARLIER)
    assert refused.exit_code == 1
    # Agencies are named as people know them, never by code.
    sct = Named(
        "kon-tum/sct",
        {"vi": "Sở Công Thương tỉnh Kon Tum", "en": "Kon Tum Department of Industry and Trade"},
    )
    expected = words("vi").error(
        NotAllowed(
            "backdate", ref=REF, responsible=sct, actor="hung", role="officer", agency=sct,
        )
    )  # fmt: skip
    assert refused.stderr == f"Lỗi: {expected}\n"
    assert (
        "chỉ cán bộ điều phối của Sở Công Thương tỉnh Kon Tum được điều chỉnh ngày ghi nhận"
        in refused.stderr
    )
    assert "kon-tum/sct" not in refused.stderr
    assert _history(kon_tum) == [("create", "catalog")]

    done = cli_run("--as", "lan", "advance", REF, "consult", "--at", EARLIER)
    assert done.exit_code == 0, done.output
    assert _history(kon_tum) == [("create", "catalog"), ("consult", "lan")]


def test_an_officer_may_give_a_time_earlier_today(kon_tum: sessionmaker[Session]) -> None:
    """A time of today is no correction: only an earlier day needs a coordinator."""
    now = dt.datetime.now(VIETNAM_TZ)
    earlier_today = now.replace(hour=0, minute=1, second=0, microsecond=0)
    with db.transaction(kon_tum) as s:
        hung = s.scalar(select(User).where(User.name == "hung"))
        assert hung is not None
        advance(s, hung, REF, "consult", at=earlier_today)
    assert _history(kon_tum)[-1] == ("consult", "hung")
