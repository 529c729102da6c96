"""Managing accounts: what a coordinator does to the people of his province, and a user to his own.

One function per action, shared by the board (``/people``), the API and the
command line (``dondoc users …``). Each asks ``engine.authz`` who may act
(``None`` as the actor is the administrator at the command line), makes the
change and writes its ``AccountChange`` in the same transaction, so there is
no change without a record of who made it, when and what it was.

- A one-time password (set when an account is made, or later) must be
  changed at the next sign-in: the board shows only the password page and
  the API refuses with ``not_allowed.password_change_required`` until then.
- Disabling an account ends its browser sessions and revokes its API tokens
  at once; enabling it again gives back neither (a new token is issued).
- A coordinator does not disable himself or change his own role or agency:
  the province would lose the hand that manages it.
- A coordinator does not put an account in an agency that has ended
  (``engine.succession``); the administrator may, to record the past.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine import auth
from engine.account_models import AccountChange
from engine.addresses import email_ok
from engine.authz import ROLES, require_manage_people, require_not_self
from engine.directory import get_agency
from engine.errors import InvalidInput, NotAllowed
from engine.models import Agency, ApiToken, Escalation, Event, User, utcnow
from engine.names import named_agencies
from engine.text import storable
from engine.users import add_user, get_user
from engine.workdays import local_day

#: The actor recorded for the administrator at the command line (no ``--as``).
ADMINISTRATOR = "system"
MAX_FULL_NAME = 200
#: How many changes the record's page lists, newest first.
RECORD_LIMIT = 300


def record_change(
    session: Session, actor: User | None, user: User, action: str, **details: Any
) -> None:
    """Write the record of one change to ``user``'s account, in the caller's transaction."""
    province = get_agency(session, user.agency_code).province
    _record(session, actor, user.name, province, action, details)


def _record(
    session: Session,
    actor: User | None,
    user_name: str,
    province: str,
    action: str,
    details: dict[str, Any],
) -> None:
    """One row of the record of changes (an account's, or an agency's with no user name)."""
    session.add(
        AccountChange(
            at=utcnow(),
            actor=actor.name if actor is not None else ADMINISTRATOR,
            user_name=user_name,
            province=province,
            action=action,
            details=details,
        )
    )
    session.flush()


#: An agency's fields a coordinator (or the administrator) may change, as recorded.
AGENCY_FIELDS = ("name_vi", "name_en", "email", "webhook")


def agency_fields(agency: Agency) -> dict[str, str]:
    """The agency's recorded fields as they stand (an unset address is "")."""
    return {field: getattr(agency, field) or "" for field in AGENCY_FIELDS}


def record_agency_change(
    session: Session, actor: User | None, agency: Agency, before: dict[str, str]
) -> None:
    """Record what an edit changed of ``agency`` (each field's before and after), if anything.

    Written to the same record as the accounts' changes (``user_name`` empty): where
    an agency's notifications go decides who learns of its overdue work.
    """
    after = agency_fields(agency)
    changed = {f: [before[f], after[f]] for f in AGENCY_FIELDS if before[f] != after[f]}
    if changed:
        details = {"agency": agency.code, **changed}
        _record(session, actor, "", agency.province, "agency_edited", details)


def _open_agency(session: Session, actor: User | None, code: str) -> Agency:
    """The agency ``code``, refused to a coordinator when it has ended (its work went to a
    successor); the administrator may still record a past account there."""
    agency = get_agency(session, code)
    if (
        actor is not None
        and agency.valid_until is not None
        and agency.valid_until < local_day(utcnow())
    ):
        (named,) = named_agencies(session, code)
        raise InvalidInput("account_agency_ended", agency=named)
    return agency


def _managed(session: Session, actor: User | None, name: str) -> User:
    """The user ``name``, once ``actor`` is known to manage the accounts of his province."""
    user = get_user(session, name)
    require_manage_people(actor, get_agency(session, user.agency_code).province, target=name)
    return user


def require_manage_people_of(session: Session, actor: User | None, name: str) -> User:
    """``name``'s account, refused unless ``actor`` manages the people of its province."""
    return _managed(session, actor, name)


def _clean_full_name(full_name: str | None) -> str | None:
    if full_name is None:
        return None
    full_name = " ".join(full_name.split())
    if len(full_name) > MAX_FULL_NAME or not storable(full_name):
        raise InvalidInput("bad_full_name", maximum=MAX_FULL_NAME)
    return full_name or None


def _clean_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip()
    if email and not email_ok(email):
        raise InvalidInput("bad_email", value=email[:200])
    return email or None


def _end_credentials(session: Session, user: User, kinds: tuple[str, ...]) -> None:
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.kind.in_(kinds), ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def create_account(
    session: Session,
    actor: User | None,
    name: str,
    *,
    agency: str,
    role: str,
    full_name: str | None = None,
    email: str | None = None,
    password: str | None = None,
) -> User:
    """Add a person to an agency of the actor's province; ``password`` is one-time."""
    province = get_agency(session, agency).province
    require_manage_people(actor, province, target=name)
    _open_agency(session, actor, agency)
    full_name, email = _clean_full_name(full_name), _clean_email(email)
    user = add_user(session, name, agency, role)
    user.full_name, user.email = full_name, email
    # The inbox starts now: a newcomer is not handed the plans' whole past as unread.
    user.inbox_event_seen = session.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0
    user.inbox_escalation_seen = (
        session.scalar(select(func.coalesce(func.max(Escalation.id), 0))) or 0
    )
    if password is not None:
        auth.set_password(session, name, password)
        user.must_change_password = True
    record_change(session, actor, user, "created", agency=agency, role=role)
    return user


def update_account(
    session: Session,
    actor: User | None,
    name: str,
    *,
    full_name: str | None = None,
    email: str | None = None,
) -> User:
    """Change a person's full name or e-mail (``""`` clears the e-mail)."""
    user = _managed(session, actor, name)
    changed: dict[str, Any] = {}
    if full_name is not None and _clean_full_name(full_name) != user.full_name:
        user.full_name = changed["full_name"] = _clean_full_name(full_name)
    if email is not None and _clean_email(email) != user.email:
        user.email = changed["email"] = _clean_email(email)
    if changed:
        record_change(session, actor, user, "details", **changed)
    return user


def set_role(session: Session, actor: User | None, name: str, role: str) -> User:
    """Give a person another role (coordinator, officer, contributor, viewer)."""
    user = _managed(session, actor, name)
    if role not in ROLES:
        raise InvalidInput("unknown_role", role=role, roles=list(ROLES))
    if role != user.role:
        require_not_self(actor, name)
        before, user.role = user.role, role
        record_change(session, actor, user, "role", before=before, after=role)
    return user


def move_account(session: Session, actor: User | None, name: str, agency: str) -> User:
    """Move a person to another agency of the same province (one the actor manages)."""
    user = _managed(session, actor, name)
    target = get_agency(session, agency)
    require_manage_people(actor, target.province, target=name)
    if agency != user.agency_code:
        require_not_self(actor, name)
        _open_agency(session, actor, agency)
        before, user.agency_code = user.agency_code, agency
        session.flush()
        session.expire(user, ["agency"])
        record_change(session, actor, user, "agency", before=before, after=agency)
    return user


def set_active(session: Session, actor: User | None, name: str, active: bool) -> User:
    """Disable an account (its sessions and API tokens stop at once) or enable it again."""
    user = _managed(session, actor, name)
    if active == user.active:
        return user
    require_not_self(actor, name)
    user.active = active
    if not active:
        _end_credentials(session, user, (auth.SESSION, auth.API))
    record_change(session, actor, user, "enabled" if active else "disabled")
    return user


def set_one_time_password(session: Session, actor: User | None, name: str, password: str) -> User:
    """Give a person a password he must change at his next sign-in."""
    user = _managed(session, actor, name)
    auth.set_password(session, name, password)
    user.must_change_password = True
    record_change(session, actor, user, "one_time_password")
    return user


def set_password_as_administrator(session: Session, name: str, password: str) -> User:
    """The administrator's ``users passwd``: a password the person keeps."""
    user = auth.set_password(session, name, password)
    user.must_change_password = False
    record_change(session, None, user, "password_set")
    return user


def change_own_password(session: Session, user: User, current: str, new: str) -> User:
    """A signed-in person's new password; the current one first (``AuthenticationFailed``).

    A failed check counts towards the sign-in throttle, as a failed sign-in
    does, so the caller commits even when this raises (the board does).
    """
    auth.check_password(session, user.name, current)
    if new == current:
        raise InvalidInput("password_unchanged")
    auth.set_password(session, user.name, new)
    user.must_change_password = False
    record_change(session, user, user, "password_changed")
    return user


def issue_token(session: Session, actor: User | None, name: str) -> auth.IssuedToken:
    """A new API token for a person; its secret is shown once."""
    user = _managed(session, actor, name)
    if not user.active:
        raise NotAllowed("inactive_account", name=name)
    issued = auth.issue_token(session, name)
    record_change(session, actor, user, "token_issued", token=issued.id)
    return issued


def revoke_token(session: Session, actor: User | None, name: str, token_id: int) -> ApiToken:
    """Revoke a person's API token number ``token_id``."""
    user = _managed(session, actor, name)
    token = auth.revoke_token(session, name, token_id)
    record_change(session, actor, user, "token_revoked", token=token_id)
    return token


def people(
    session: Session, actor: User, *, limit: int | None = None, offset: int = 0
) -> tuple[list[User], int]:
    """A page of the accounts of the actor's province, by agency then name, and how many
    there are (every account when ``limit`` is None): a province of the national data
    set has about 300 (issue 17, lists that page)."""
    province = actor.agency.province
    require_manage_people(actor, province)
    of_province = (
        select(User)
        .join(Agency, Agency.code == User.agency_code)
        .where(Agency.province == province)
    )
    total = int(session.scalar(of_province.with_only_columns(func.count())) or 0)
    page = of_province.order_by(Agency.code, User.name).offset(offset).limit(limit)
    return list(session.scalars(page)), total


def changes(
    session: Session, actor: User | None, province: str | None = None
) -> list[AccountChange]:
    """The record of account changes of a province (the actor's), newest first."""
    if actor is not None:
        province = actor.agency.province
    if province is not None:
        require_manage_people(actor, province)
    query = select(AccountChange).order_by(AccountChange.id.desc()).limit(RECORD_LIMIT)
    if province is not None:
        query = query.where(AccountChange.province == province)
    return list(session.scalars(query))
