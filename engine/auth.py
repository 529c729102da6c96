"""Authentication: password hashes, throttled sign-in and revocable API tokens.

Kept in the engine so that the command line (``dondoc users passwd``,
``dondoc users token``) and the web board share one implementation.

- Passwords are hashed with argon2id (argon2-cffi); clear text is never
  stored, logged or put into an error message.
- Failed sign-ins are stored in the ``login_failures`` table, so throttling
  holds across web processes and restarts: after ``MAX_FAILURES`` failures for
  a name within ``FAILURE_WINDOW`` further attempts are refused, even with the
  right password, until the oldest failure leaves the window.
- The count and the new failure are one step per name: on PostgreSQL a
  transaction-scoped advisory lock on the name's hash serialises attempts on
  one name (READ COMMITTED would let 40 parallel attempts each read "4
  failures" and each check a password); SQLite's ``BEGIN IMMEDIATE`` write
  lock already serialises them.
- API tokens are random (``secrets.token_urlsafe``), shown once, and stored as
  their SHA-256 hash: a stolen database does not yield usable tokens, and a
  token's entropy makes a slow hash unnecessary.
- Browser sessions are stored as tokens of kind "session", so that
  ``dondoc users token NAME --list`` shows only API tokens. Setting a
  password ends every browser session of the user.
- The tables do not grow without end: writing a session prunes expired
  sessions and writing a failure prunes failures older than the throttle
  window, at most ``PRUNE_BATCH`` rows each time so that a sign-in never does
  unbounded work (a backlog is cleared over the next few writes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from engine.errors import DondocError, InvalidInput, NotAllowed, NotFound
from engine.models import ApiToken, Base, LoginFailure, User, utcnow
from engine.text import storable
from engine.users import add_user, get_user

MIN_PASSWORD = 10
MAX_PASSWORD = 1_000
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
TOKEN_PREFIX = "ddk_"
# Browser sessions are tokens too (so that signing out revokes them on the
# server), with their own prefix: a session secret read from a cookie is not
# accepted as an API token, and it expires.
SESSION_PREFIX = "dds_"
SESSION_LIFETIME = dt.timedelta(hours=8)
API, SESSION = "api", "session"
PRUNE_BATCH = 100

_hasher = PasswordHasher()
# Verified when a name is unknown, so that the reply takes as long as for a
# known name and does not tell which names exist.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AuthenticationFailed(DondocError):
    """The name, password or token is wrong, or the account cannot sign in."""

    default_code = "authentication_failed"


class Throttled(AuthenticationFailed):
    """Too many failed sign-ins for this name; wait before trying again."""

    default_code = "throttled"


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``secret`` is shown once and never stored."""

    id: int
    secret: str


def set_password(session: Session, name: str, password: str) -> User:
    """Hash and store ``name``'s password; refuse passwords too short to resist guessing."""
    user = get_user(session, name)
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password_too_short", minimum=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise InvalidInput("password_too_long", maximum=MAX_PASSWORD)
    if password.strip() != password or not password.strip():
        raise InvalidInput("password_spaces")
    user.password_hash = _hasher.hash(password)
    # A new password ends every browser session of the user: whoever signed
    # in with the old one (a stolen password, a shared computer) is out.
    # API tokens are separate credentials and stay until revoked.
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.kind == SESSION, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.flush()
    return user


#: The demonstration coordinator ``dondoc quickstart`` creates, so a newcomer sees the board at once.
DEMO_USER = "demo"


def demo_coordinator(session: Session, agency_code: str) -> tuple[User, str | None]:
    """The demonstration coordinator of ``agency_code``, with a new password the first time.

    Returns ``(user, password)`` when the account is created now, and
    ``(user, None)`` when it exists already: its password was shown once, when
    it was made, and is never stored or shown again (``users passwd demo``
    sets a new one).
    """
    existing = session.scalar(select(User).where(User.name == DEMO_USER))
    if existing is not None:
        return existing, None
    user = add_user(session, DEMO_USER, agency_code, "coordinator")
    password = secrets.token_urlsafe(12)
    set_password(session, DEMO_USER, password)
    return user, password


def _recent_failures(session: Session, name: str, now: dt.datetime) -> int:
    since = now - FAILURE_WINDOW
    count = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.user_name == name, LoginFailure.at >= since)
    )
    return int(count or 0)


def _lock_name(session: Session, name: str) -> None:
    """Hold ``name``'s sign-in lock until the transaction ends (PostgreSQL; SQLite holds its own)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


def _user_named(session: Session, lowered: str) -> User | None:
    """The user whose name is ``lowered`` ignoring case; the exact name first if two differ by case."""
    found = list(session.scalars(select(User).where(func.lower(User.name) == lowered)))
    exact = [u for u in found if u.name == lowered]
    chosen = exact or found
    return chosen[0] if chosen else None


def check_password(
    session: Session, name: str, password: str, *, now: dt.datetime | None = None
) -> User:
    """The user whose name and password these are; ``AuthenticationFailed`` otherwise.

    A failure is recorded in the caller's transaction, so the caller must
    commit even when this raises (the web handler does).
    """
    now = now or utcnow()
    # People type their names as they please ("Lan", "LAN"): the count of
    # failures and the lookup both go by the name in lower case.
    name = name.strip()[:200].lower()
    if not storable(name):
        # No user has such a name, and PostgreSQL cannot even compare it.
        raise AuthenticationFailed("wrong_password")
    _lock_name(session, name)
    if _recent_failures(session, name, now) >= MAX_FAILURES:
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        raise Throttled(name=name, minutes=minutes)
    user = _user_named(session, name) if name else None
    stored = user.password_hash if user is not None and user.active else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password[:MAX_PASSWORD])
        ok = stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        session.add(LoginFailure(user_name=name, at=now))
        _prune(session, LoginFailure, LoginFailure.at < now - FAILURE_WINDOW)
        session.flush()
        raise AuthenticationFailed("wrong_password")
    # A success clears the count, so a typo a day does not add up to a lock-out.
    session.execute(delete(LoginFailure).where(LoginFailure.user_name == name))
    if stored is not None and _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _prune(session: Session, model: type[Base], condition: Any) -> None:
    """Delete at most ``PRUNE_BATCH`` of ``model``'s rows matching ``condition``, oldest ids first."""
    table_id = model.__table__.c.id
    ids = list(
        session.scalars(select(table_id).where(condition).order_by(table_id).limit(PRUNE_BATCH))
    )
    if ids:
        session.execute(delete(model).where(table_id.in_(ids)))


def _issue(session: Session, name: str, kind: str, now: dt.datetime | None) -> IssuedToken:
    user = get_user(session, name)
    secret = (SESSION_PREFIX if kind == SESSION else TOKEN_PREFIX) + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, token_hash=_digest(secret), kind=kind, created_at=now or utcnow()
    )
    session.add(token)
    session.flush()
    return IssuedToken(token.id, secret)


def issue_token(session: Session, name: str) -> IssuedToken:
    """Create an API token for ``name``; the secret is returned once and only its hash kept."""
    return _issue(session, name, API, None)


def list_tokens(session: Session, name: str) -> list[ApiToken]:
    """``name``'s API tokens (browser sessions are not listed)."""
    user = get_user(session, name)
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.kind == API)
            .order_by(ApiToken.id)
        )
    )


def revoke_token(session: Session, name: str, token_id: int) -> ApiToken:
    """Revoke ``name``'s token number ``token_id``; revoking twice keeps the first time."""
    user = get_user(session, name)
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.kind != API:
        raise NotFound("no_token_number", name=name, token=token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def user_for_token(session: Session, secret: str) -> User:
    """The active user a bearer token belongs to; ``AuthenticationFailed`` otherwise."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise AuthenticationFailed("token_invalid")
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.kind != API or token.revoked_at is not None:
        raise AuthenticationFailed("token_revoked")
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        raise AuthenticationFailed("token_user_inactive")
    return user


def revoke_secret(session: Session, secret: str) -> None:
    """Revoke the token whose secret this is (a web session at sign-out); unknown is fine."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()


def start_session(session: Session, name: str, *, now: dt.datetime | None = None) -> str:
    """A browser session secret for ``name`` (after ``check_password``); revoke it at sign-out."""
    now = now or utcnow()
    _prune(
        session,
        ApiToken,
        (ApiToken.kind == SESSION) & (ApiToken.created_at < now - SESSION_LIFETIME),
    )
    return _issue(session, name, SESSION, now).secret


def user_for_session(session: Session, secret: str, *, now: dt.datetime | None = None) -> User:
    """The active user of a browser session younger than ``SESSION_LIFETIME``."""
    if not secret.startswith(SESSION_PREFIX) or len(secret) > 200:
        raise AuthenticationFailed("session_invalid")
    # The token and its user in one statement: every page of the board asks this first.
    found = session.execute(
        select(ApiToken, User)
        .outerjoin(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _digest(secret))
    ).first()
    now = now or utcnow()
    if (
        found is None
        or found[0].kind != SESSION
        or found[0].revoked_at is not None
        or found[0].created_at + SESSION_LIFETIME < now
    ):
        raise AuthenticationFailed("session_ended")
    user = found[1]
    if user is None or not user.active:
        raise AuthenticationFailed("session_user_inactive")
    return user


def api_user(session: Session, secret: str) -> User:
    """The user of a bearer token, refused while he holds a one-time password (``engine.accounts``)."""
    user = user_for_token(session, secret)
    if user.must_change_password:
        raise NotAllowed("password_change_required", actor=user.name)
    return user
