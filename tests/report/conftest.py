"""Nghệ An's plan 314/KH-UBND loaded in 2017, with its department's people."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine import db
from engine.users import add_user
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file

NGHE_AN_USERS = {
    "lan": ("nghe-an/sct", "coordinator"),
    "hoa": ("nghe-an/sct", "officer"),
    "khoa": ("nghe-an/skhcn", "officer"),
    "tam": ("nghe-an/stnmt", "officer"),
}
LOADED = dt.datetime(2017, 7, 1, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def nghe_an(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with db.transaction(factory) as session:
        load_plan_file(session, schema.plan_path("nghe-an-2017"), now=LOADED)
        for name, (agency, role) in NGHE_AN_USERS.items():
            add_user(session, name, agency, role)
    return factory
