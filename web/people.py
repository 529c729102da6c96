"""Accounts on the board: my password, the people of my province, and the record of changes.

Each form calls one function of ``engine.accounts`` (who may act is
``engine.authz``'s) and comes back to its page with a sentence: what was
done, or why it was refused. A new API token is shown in the answer to the
form that made it, once, and never stored in clear (not even in a flash).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine import accounts, auth, views
from engine.authz import ROLES, require_manage_people
from engine.errors import DondocError, InvalidInput
from engine.models import Agency, User
from notifiers.i18n import words
from notifiers.naming import Namer
from web.paging import board_window, pager
from web.render import error_page, signed_in_page, to_signin
from web.security import checked_form, lang_of
from web.store import FLASH_KEY, PASSWORD_PAGE, SIGNED_OUT, as_signed_in, run, save_flash

# An agency's recorded fields (engine.accounts.AGENCY_FIELDS), in that order, with the
# labels of its form: a field the engine records without a label here fails at import.
_LABELS = {
    "name_vi": "board.agency_name_vi",
    "name_en": "board.agency_name_en",
    "email": "board.email",
    "webhook": "board.webhook",
}
AGENCY_FIELD_LABELS = [(field, _LABELS[field]) for field in accounts.AGENCY_FIELDS]


def _text(form: FormData, key: str) -> str:
    value = form.get(key, "")
    return value if isinstance(value, str) else ""


def person_url(name: str) -> str:
    return "/people/" + quote(name, safe="")


async def _act(
    request: Request,
    back: str,
    done: str,
    work: Callable[[Session, User, FormData], Any],
    **facts: Any,
) -> Response:
    """Run a form's ``work`` as the signed-in user; back to ``back`` with what happened."""
    w = words(lang_of(request))
    form = await checked_form(request)
    if form is None:
        return await error_page(request, 403, w("board.csrf"))
    flash: dict[str, Any]
    try:
        outcome = await as_signed_in(request, work, form)
        flash = {"ok": w(done, **facts)}
    except DondocError as exc:
        outcome, flash = None, {"error": w.error(exc, face="board")}
    if outcome is SIGNED_OUT:
        return to_signin(request)
    request.session[FLASH_KEY] = await run(request, save_flash, flash)
    return RedirectResponse(back, status_code=303)


# ---------------------------------------------------------------- my account


def _account(session: Session, user: User, namer: Namer) -> dict[str, Any]:
    return {"pending": user.must_change_password, "email": user.email or ""}


async def account_page(request: Request) -> Response:
    return await signed_in_page(request, "account.html", _account)


async def change_password(request: Request) -> Response:
    w = words(lang_of(request))
    form = await checked_form(request)
    if form is None:
        return await error_page(request, 403, w("board.csrf"))
    current, new = _text(form, "current"), _text(form, "new")

    def work(session: Session, user: User) -> str | DondocError:
        if new != _text(form, "again"):
            return InvalidInput("passwords_differ")
        try:
            accounts.change_own_password(session, user, current, new)
        except auth.AuthenticationFailed as exc:
            # Returned, not raised: a wrong current password counts as a failed sign-in.
            return exc
        # The new password ended every session; this browser goes on in a new one.
        return auth.start_session(session, user.name)

    try:
        outcome = await as_signed_in(request, work)
    except DondocError as exc:
        outcome = exc
    if outcome is SIGNED_OUT:
        return to_signin(request)
    if isinstance(outcome, DondocError):
        flash = {"error": w.error(outcome, face="board")}
    else:
        from web.security import SESSION_KEY

        request.session[SESSION_KEY] = outcome
        flash = {"ok": w("board.password_changed")}
    request.session[FLASH_KEY] = await run(request, save_flash, flash)
    return RedirectResponse(PASSWORD_PAGE, status_code=303)


# ---------------------------------------------------------------- the people of my province


def _agencies(session: Session, user: User, namer: Namer) -> list[dict[str, str]]:
    """The province's agencies still in existence, by name, for the forms' choices."""
    today = views.today()
    rows = session.scalars(select(Agency).where(Agency.province == user.agency.province))
    open_ = [a for a in rows if a.valid_until is None or a.valid_until >= today]
    choices = [{"code": a.code, "name": namer.agency_text(a.code)} for a in open_]
    return sorted(choices, key=lambda c: c["name"])


def _people(session: Session, user: User, namer: Namer, request: Request) -> dict[str, Any]:
    limit, offset = board_window(request)
    listed, total = accounts.people(session, user, limit=limit, offset=offset)
    return {
        "paging": pager(request, total, limit, offset, namer.lang),
        "people": [
            {
                "name": p.name,
                "full_name": p.full_name or "",
                "agency": p.agency_code,
                "role": p.role,
                "active": p.active,
                "pending": p.must_change_password,
            }
            for p in listed
        ],
        "agencies": _agencies(session, user, namer),
        "roles": ROLES,
    }


async def people_page(request: Request) -> Response:
    return await signed_in_page(request, "people.html", _people, request)


async def add_person(request: Request) -> Response:
    form_name: list[str] = []

    def work(session: Session, user: User, form: FormData) -> None:
        name = _text(form, "name").strip()
        form_name.append(name)
        accounts.create_account(
            session,
            user,
            name,
            agency=_text(form, "agency"),
            role=_text(form, "role"),
            full_name=_text(form, "full_name"),
            email=_text(form, "email"),
            password=_text(form, "password"),
        )

    return await _act(request, "/people", "board.person_added", work)


def _person(
    session: Session, user: User, namer: Namer, name: str, issued: auth.IssuedToken | None
) -> dict[str, Any]:
    from engine.users import get_user

    person = get_user(session, name)
    require_manage_people(user, person.agency.province, target=name)
    return {
        "person": person,
        "agencies": _agencies(session, user, namer),
        "roles": ROLES,
        "tokens": auth.list_tokens(session, name),
        "issued": issued,
        "own": person.name == user.name,
    }


async def person_page(request: Request) -> Response:
    name = request.path_params["name"]
    return await signed_in_page(request, "person.html", _person, name, None)


def _on_person(action: Callable[[Session, User, str, FormData], Any], done: str) -> Any:
    async def handler(request: Request) -> Response:
        name = request.path_params["name"]

        def work(session: Session, user: User, form: FormData) -> Any:
            return action(session, user, name, form)

        return await _act(request, person_url(name), done, work, name=name)

    return handler


def _role_and_agency(session: Session, actor: User, name: str, form: FormData) -> None:
    accounts.move_account(session, actor, name, _text(form, "agency"))
    accounts.set_role(session, actor, name, _text(form, "role"))


def _details(session: Session, actor: User, name: str, form: FormData) -> None:
    accounts.update_account(
        session, actor, name, full_name=_text(form, "full_name"), email=_text(form, "email")
    )


def _active(session: Session, actor: User, name: str, form: FormData) -> None:
    accounts.set_active(session, actor, name, _text(form, "active") == "1")


def _one_time(session: Session, actor: User, name: str, form: FormData) -> None:
    accounts.set_one_time_password(session, actor, name, _text(form, "password"))


def _revoke(session: Session, actor: User, name: str, form: FormData) -> None:
    number = _text(form, "token")
    if not number.isascii() or not number.isdigit() or len(number) > 9:
        raise InvalidInput("bad_token_number", value=number[:20])
    accounts.revoke_token(session, actor, name, int(number))


async def issue_token(request: Request) -> Response:
    """A new API token, shown in this answer only."""
    name = request.path_params["name"]
    w = words(lang_of(request))
    form = await checked_form(request)
    if form is None:
        return await error_page(request, 403, w("board.csrf"))

    def work(session: Session, user: User) -> auth.IssuedToken:
        return accounts.issue_token(session, user, name)

    try:
        issued = await as_signed_in(request, work)
    except DondocError as exc:
        request.session[FLASH_KEY] = await run(
            request, save_flash, {"error": w.error(exc, face="board")}
        )
        return RedirectResponse(person_url(name), status_code=303)
    if issued is SIGNED_OUT:
        return to_signin(request)
    return await signed_in_page(request, "person.html", _person, name, issued)


# ---------------------------------------------------------------- the record


def _changes(session: Session, user: User, namer: Namer) -> dict[str, Any]:
    return {"changes": accounts.changes(session, user), "agency_fields": AGENCY_FIELD_LABELS}


async def changes_page(request: Request) -> Response:
    return await signed_in_page(request, "account_changes.html", _changes)


routes = [
    Route("/account", account_page, methods=["GET"]),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/people", people_page, methods=["GET"]),
    Route("/people", add_person, methods=["POST"]),
    Route("/people/changes", changes_page, methods=["GET"]),
    Route("/people/{name}", person_page, methods=["GET"]),
    Route(
        "/people/{name}/role",
        _on_person(_role_and_agency, "board.person_updated"),
        methods=["POST"],
    ),
    Route("/people/{name}/details", _on_person(_details, "board.person_updated"), methods=["POST"]),
    Route("/people/{name}/active", _on_person(_active, "board.person_updated"), methods=["POST"]),
    Route(
        "/people/{name}/password",
        _on_person(_one_time, "board.one_time_password_set"),
        methods=["POST"],
    ),
    Route("/people/{name}/tokens", issue_token, methods=["POST"]),
    Route(
        "/people/{name}/tokens/revoke", _on_person(_revoke, "board.token_revoked"), methods=["POST"]
    ),
]
