"""Nghệ An 2017 (Plan 314/KH-UBND) loaded with one person per role, for the follow-up cycle tests."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine import db
from engine.users import add_user
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file

PLAN = "nghe-an-2017"
NGHE_AN_USERS = {
    "ha": ("nghe-an/sct", "coordinator"),
    "binh": ("nghe-an/sct", "officer"),
    "khoa": ("nghe-an/skhcn", "officer"),
    "tam": ("nghe-an/stnmt", "officer"),
    "thao": ("nghe-an/sttt", "contributor"),
    "ngoc": ("nghe-an/bao", "officer"),
    "vy": ("nghe-an/ubnd", "viewer"),
}


def at(day: dt.date, hour: int = 2) -> dt.datetime:
    """09:00 in Vietnam on ``day`` (02:00 UTC)."""
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)


@pytest.fixture
def nghe_an(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with db.transaction(factory) as session:
        load_plan_file(session, schema.plan_path(PLAN), now=at(dt.date(2017, 6, 7)))
        for name, (agency, role) in NGHE_AN_USERS.items():
            add_user(session, name, agency, role)
    return factory
