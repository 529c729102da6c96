"""The people who act in dondoc: each has one agency and one role."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.authz import ROLES
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Agency, User

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,79}$")
CATALOG_ACTOR = "catalog"
SYSTEM_ACTORS = (CATALOG_ACTOR, "scheduler", "system")


def add_user(session: Session, name: str, agency_code: str, role: str) -> User:
    """Create a user; names are plain (letters, digits, . _ @ -) and unique ignoring case."""
    if not _NAME.match(name) or name in SYSTEM_ACTORS:
        raise InvalidInput("bad_user_name", name=name[:80], reserved=list(SYSTEM_ACTORS))
    if role not in ROLES:
        raise InvalidInput("unknown_role", role=role, roles=list(ROLES))
    if session.get(Agency, agency_code) is None:
        raise NotFound("no_agency", agency=agency_code)
    # Unique ignoring case: sign-in goes by the name in lower case, so "LAN"
    # beside "lan" would be a second account nobody can sign in to.
    taken = session.scalar(select(User.name).where(func.lower(User.name) == name.lower()))
    if taken is not None:
        raise Conflict("user_exists", name=taken)
    user = User(name=name, agency_code=agency_code, role=role)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, name: str | None) -> User:
    if not name:
        raise InvalidInput("no_acting_user")
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound("no_user", name=name)
    return user


def user_rows(session: Session) -> Iterator[tuple[str, str, str]]:
    """Every account's name, agency and role by name, read a thousand at a time: the
    national data set has 10,000 (``dondoc users list --json`` streams them)."""
    query = select(User.name, User.agency_code, User.role).order_by(User.name)
    for row in session.execute(query.execution_options(yield_per=1000)):
        yield row.name, row.agency_code, row.role
