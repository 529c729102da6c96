"""The database schema: SQLAlchemy 2 typed models for everything dondoc stores.

Changes to this file go with an Alembic migration in ``engine/migrations``.
long-module: the schema is read as one page, table after table, next to its migrations.
Times are stored in UTC (see ``UTCDateTime``); calendar dates (windows, due
dates) are plain dates in the province's time zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from workflows.lazy import lazy_attributes

# Explicit constraint names keep Alembic batch migrations on SQLite workable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as naive UTC and always returned timezone-aware.

    SQLite keeps no zone, PostgreSQL would convert to the session zone; storing
    naive UTC on both keeps the two engines byte-for-byte comparable, which the
    history hash relies on.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


# json.dumps(value, ensure_ascii=False, sort_keys=True), without a new encoder per call.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


@functools.lru_cache(maxsize=4096)
def _str_list_json(values: tuple[str, ...]) -> str:
    return _encode(list(values))


class JSONText(TypeDecorator[Any]):
    """JSON kept as text, identical on SQLite and PostgreSQL (keys sorted)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if type(value) is list and all(type(v) is str for v in value):
            # Addresses and agency codes: the same few lists again and again in a sweep.
            return _str_list_json(tuple(value))
        return _encode(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Agency(Base):
    """A government body: a department, a committee, or a vague group of them."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    province: Mapped[str] = mapped_column(String(40), index=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"))
    also_reports_to: Mapped[list[str]] = mapped_column(JSONText, default=list)
    aliases: Mapped[list[str]] = mapped_column(JSONText, default=list)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(300))
    webhook: Mapped[str | None] = mapped_column(String(500))
    # The agency's life (revision 0006): None means "since before dondoc's
    # records" / "still in office". A dissolved agency keeps its row and code.
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)

    def alive_on(self, day: dt.date) -> bool:
        """Whether the agency exists on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class User(Base):
    """A person who acts in dondoc, with one agency and one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # How people are named on pages and in history ("Nguyễn Thị Lan"); the
    # sign-in name when none was given.
    full_name: Mapped[str | None] = mapped_column(String(200))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Revision 0009 (engine.accounts, engine.inbox): where notices to the
    # person go, a one-time password still to be changed, and the last event
    # and escalation the inbox showed him.
    email: Mapped[str | None] = mapped_column(String(254))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    inbox_event_seen: Mapped[int] = mapped_column(Integer, default=0)
    inbox_escalation_seen: Mapped[int] = mapped_column(Integer, default=0)

    agency: Mapped[Agency] = relationship(viewonly=True)


class ApiToken(Base):
    """A hashed bearer token for scripts; revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    # "api" for a script's bearer token, "session" for a browser sign-in
    # (engine.auth.start_session): each is accepted only as what it was issued for.
    kind: Mapped[str] = mapped_column(String(16), default="api", server_default="api")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """A failed sign-in, kept so that guessing is throttled across web processes."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The name as typed, not a foreign key: unknown names are throttled too.
    user_name: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Plan(Base):
    """An action plan adopted by a province (one catalog file)."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    province: Mapped[str] = mapped_column(String(40))
    title_vi: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    legal_ref: Mapped[str] = mapped_column(String(200))
    issued: Mapped[dt.date] = mapped_column(Date)
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    responsible_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    # Report deadlines, targets, ladder override, budget, sections: read as a
    # whole, never queried by column, so kept as the catalog's own JSON.
    details: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    catalog_sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    tasks: Mapped[list[Task]] = relationship(back_populates="plan", order_by="Task.position")
    applied: Mapped[list[SuccessionApplied]] = relationship(
        primaryjoin="Plan.id == SuccessionApplied.plan_id",
        order_by="SuccessionApplied.effective, SuccessionApplied.id",
        viewonly=True,
    )

    def responsible_on(self, day: dt.date) -> str:
        """The responsible department on ``day``, after the successions applied to the plan."""
        return holders_after(self.applied, [self.responsible_code], day)[0]

    def facts(self) -> dict[str, Any]:
        """How digests, notices, reports and listings name the plan (plain JSON)."""
        return {
            "id": self.id,
            "legal_ref": self.legal_ref,
            "title_vi": self.title_vi,
            "title_en": self.title_en,
            "responsible": self.responsible_code,
        }


class Task(Base):
    """One row of a plan's annex."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        # Tasks in plan and annex order; the live ones of a plan counted from it (0016).
        Index("ix_tasks_plan_position", "plan_id", "position", "archived"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    actions: Mapped[list[str]] = mapped_column(JSONText, default=list)
    result: Mapped[str] = mapped_column(Text, default="")
    workflow: Mapped[str] = mapped_column(String(40))
    window_start: Mapped[int] = mapped_column(Integer)
    window_end: Mapped[int] = mapped_column(Integer)
    recurrence: Mapped[str] = mapped_column(String(20))
    depends_on: Mapped[list[str]] = mapped_column(JSONText, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    lead_by_source: Mapped[list[dict[str, str]]] = mapped_column(JSONText, default=list)
    # What the catalog says beyond the columns above: {"due": "06-30"} (engine.windows).
    details: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    agencies: Mapped[list[TaskAgency]] = relationship(
        back_populates="task", order_by="TaskAgency.position", cascade="all, delete-orphan"
    )
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="task", order_by="Occurrence.due"
    )

    @property
    def leads(self) -> list[str]:
        return [a.agency_code for a in self.agencies if a.role == "lead"]

    @property
    def co_agencies(self) -> list[str]:
        return [a.agency_code for a in self.agencies if a.role == "co"]


class TaskAgency(Base):
    """An agency's part in a task: a lead (first = owner) or a co-operating one."""

    __tablename__ = "task_agencies"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)

    task: Mapped[Task] = relationship(back_populates="agencies")


# Phases summarise a state for indexed queries (the sweep asks for the
# not-yet-finished occurrences whose due date has passed without loading
# every row); the state itself stays the workflow's own name.
PHASES = ("not_started", "active", "suspended", "completed", "cancelled")
OPEN_PHASES = ("not_started", "active")


class Occurrence(Base):
    """The tracked unit: a task, or one calendar year of a recurring task."""

    __tablename__ = "occurrences"
    __table_args__ = (
        # The sweep's overdue search; covering the live rows' count and their tasks (0016).
        Index("ix_occurrences_phase_due", "phase", "due", "archived", "task_id"),
        # The worklist's pages in (due, ref) order: 50 rows, not the whole first due day (0019).
        Index("ix_occurrences_phase_due_ref", "phase", "due", "ref"),
        # The sweep's state-time-limit query: "in state S since before T".
        Index("ix_occurrences_state_entered", "state", "state_entered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    ref: Mapped[str] = mapped_column(String(140), unique=True)
    year: Mapped[int | None] = mapped_column(Integer)
    # A half-year or quarter of a recurring task ("2027-H1", "2027-Q2"); None otherwise.
    period: Mapped[str | None] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(40))
    phase: Mapped[str] = mapped_column(String(20))
    state_entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resume_state: Mapped[str | None] = mapped_column(String(40))
    suspended_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    window_start: Mapped[dt.date] = mapped_column(Date)
    due: Mapped[dt.date] = mapped_column(Date)
    planned_due: Mapped[dt.date] = mapped_column(Date)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The day the work counts as done: the completing document's date when
    # the step gave one (engine.transition), else the local day it was recorded.
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    head_hash: Mapped[str] = mapped_column(String(64))
    head_seq: Mapped[int] = mapped_column(Integer)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    task: Mapped[Task] = relationship(back_populates="occurrences")
    events: Mapped[list[Event]] = relationship(back_populates="occurrence", order_by="Event.seq")
    applied: Mapped[list[SuccessionApplied]] = relationship(
        primaryjoin="Occurrence.id == SuccessionApplied.occurrence_id",
        order_by="SuccessionApplied.effective, SuccessionApplied.id",
        viewonly=True,
    )

    def leads_on(self, day: dt.date) -> list[str]:
        """The lead agencies on ``day``: the annex's, followed through applied successions."""
        return holders_after(self.applied, self.task.leads, day)

    def co_on(self, day: dt.date) -> list[str]:
        """The co-operating agencies on ``day`` (never one that also leads then)."""
        leads = set(self.leads_on(day))
        return [
            c for c in holders_after(self.applied, self.task.co_agencies, day) if c not in leads
        ]

    # The ORM adds "AND version = <read version>" to every UPDATE and raises
    # StaleDataError when another transaction got there first.
    __mapper_args__ = {"version_id_col": version}


class OccurrenceSeal(Base):
    """The facts of an occurrence that decide behaviour, as last written by dondoc (``engine.seal``)."""

    __tablename__ = "occurrence_seals"

    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))


class Event(Base):
    """One append-only entry of an occurrence's history, chained by hash."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "seq"),
        # The comments past a person's mark (engine.inbox), without the rest of the history.
        Index("ix_events_trigger_id", "trigger", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    trigger: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    occurrence: Mapped[Occurrence] = relationship(back_populates="events")


class Escalation(Base):
    """A reminder or an escalation level reached, made once per occurrence.

    ``kind`` is ``overdue`` (the ladder), ``state_limit`` (a state's own time
    limit; ``scope`` names the state visit) or ``reminder`` (``level`` is the
    number of days before due). The unique constraint is what makes a level
    happen once, whoever runs the sweep and however often.
    """

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("occurrence_id", "kind", "scope", "level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(60), default="")
    level: Mapped[int] = mapped_column(Integer)
    target_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)
    cc: Mapped[list[str]] = mapped_column(JSONText, default=list)
    reason: Mapped[str] = mapped_column(Text)
    as_of: Mapped[dt.date] = mapped_column(Date)
    days_overdue: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """A notification waiting to leave, or its record once sent or dead."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"))
    recipients: Mapped[list[str]] = mapped_column(JSONText, default=list)
    cc: Mapped[list[str]] = mapped_column(JSONText, default=list)
    # Written by the dispatcher when it renders the facts of ``payload`` (revision 0002).
    subject: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    lang: Mapped[str] = mapped_column(String(5), default="vi")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id"))
    # The token of the claim that holds the message (revision 0008): only its
    # holder may renew the lease or record the outcome.
    claim_token: Mapped[str | None] = mapped_column(String(32))


class BoardFlash(Base):
    """What a board form leaves for the page it redirects to: a refusal and what was typed.

    Kept here rather than in the session cookie, which a long note would
    overflow; read once (``web.store``), and forgotten after a day.
    """

    __tablename__ = "board_flashes"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONText)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ReferenceChange(Base):
    """One change to plans, agencies or successions, written by the database's triggers
    (revision 0020): the newest row's token is the mark ``engine.reference`` keeps its
    copies under. Never written by dondoc itself."""

    __tablename__ = "reference_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(40))


# Tables kept in modules of their own (one concept each) are imported here so
# that every mapper is known whenever the models are. The succession tables'
# names are used above, so they are imported by name; the others are only
# registered (``importlib``): importing one of them first (``import
# engine.counts``) reaches this line while it is still partway, and a
# by-name import would then fail. Their names stay readable from here.
from engine.succession_models import (  # noqa: E402
    Succession,
    SuccessionAgency,
    SuccessionApplied,
    holders_after,
)

if TYPE_CHECKING:  # what the names below are, for the type checker
    from engine.account_models import AccountChange
    from engine.calendar_feeds import CalendarFeed
    from engine.counts_models import OccurrenceCount, OccurrenceTotal
    from engine.cycle_models import ExtensionRequest, PeriodClosure, ProgressReport
    from engine.scheduler_runs import SchedulerRun

_ELSEWHERE = {
    "AccountChange": "engine.account_models",
    "CalendarFeed": "engine.calendar_feeds",
    "OccurrenceCount": "engine.counts_models",
    "OccurrenceTotal": "engine.counts_models",
    "ExtensionRequest": "engine.cycle_models",
    "PeriodClosure": "engine.cycle_models",
    "ProgressReport": "engine.cycle_models",
    "SchedulerRun": "engine.scheduler_runs",
}
for _module in sorted(set(_ELSEWHERE.values())):
    importlib.import_module(_module)


# ``from engine.models import ProgressReport``: the tables of the modules above.
__getattr__ = lazy_attributes(__name__, _ELSEWHERE)


__all__ = [
    "AccountChange",
    "CalendarFeed",
    "ExtensionRequest",
    "OccurrenceCount",
    "OccurrenceTotal",
    "PeriodClosure",
    "ProgressReport",
    "SchedulerRun",
    "Succession",
    "SuccessionAgency",
    "SuccessionApplied",
    "holders_after",
]
