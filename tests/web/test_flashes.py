"""A flash is shown once, and showing it never fails the page when another worker just wrote.

A page's unit of work begins as a read (``web.store.run`` for GET). On SQLite
such a transaction cannot write once another connection has written since
its first read: it used to delete the flash there, and a page read right
after an advance by another worker answered 503. Here a real second
connection writes between the page's first read and its flash.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request

from engine import db
from engine.models import BoardFlash, User
from web.store import FLASH_KEY, pop_flash, run, save_flash


def _request(factory: Any, method: str, cookie: dict[str, Any]) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(factory=factory))
    scope = {"type": "http", "method": method, "path": "/", "headers": [], "app": app}
    return Request({**scope, "session": cookie})


def _flashes(factory: Any) -> int:
    with db.transaction(factory, reads=True) as s:
        return int(s.scalar(select(func.count()).select_from(BoardFlash)) or 0)


def test_a_page_shows_its_flash_once_though_another_worker_wrote_since_it_began(
    db_url: str,
) -> None:
    page_engine, other_engine = db.make_engine(db_url), db.make_engine(db_url)
    page, other = db.session_factory(page_engine), db.session_factory(other_engine)
    try:
        with db.transaction(page) as s:
            key = save_flash(s, {"error": "Bước này đã được thực hiện"})
        cookie: dict[str, Any] = {FLASH_KEY: key}

        def build(session: Session) -> dict[str, Any] | None:
            session.scalar(select(func.count()).select_from(User))  # the page's first read
            with db.transaction(other) as s:  # another worker's advance commits meanwhile
                save_flash(s, {"kind": "draft_saved"})
            return pop_flash(session, request)

        request = _request(page, "GET", cookie)
        shown = asyncio.run(run(request, build))
        assert shown == {"error": "Bước này đã được thực hiện"}
        assert FLASH_KEY not in cookie
        # Forgotten: only the other worker's flash is left, and the page shows nothing again.
        assert _flashes(page) == 1
        cookie[FLASH_KEY] = key
        again = asyncio.run(run(_request(page, "GET", cookie), lambda s: pop_flash(s, request)))
        assert again is None
    finally:
        page_engine.dispose()
        other_engine.dispose()


def test_a_form_post_that_shows_a_flash_forgets_it_too(db_url: str) -> None:
    engine = db.make_engine(db_url)
    factory = db.session_factory(engine)
    try:
        with db.transaction(factory) as s:
            key = save_flash(s, {"kind": "draft_saved"})
        request = _request(factory, "POST", {FLASH_KEY: key})
        assert asyncio.run(run(request, lambda s: pop_flash(s, request))) == {"kind": "draft_saved"}
        assert _flashes(factory) == 0
    finally:
        engine.dispose()
