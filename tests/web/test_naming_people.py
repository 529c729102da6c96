"""A page names the people of a history by their full names and agencies, reading only those.

``notifiers.naming.Namer`` looks a person up when a page first names him,
instead of reading every account for every page (issue 17: at 10,000
accounts that was most of a page's time); the board renders its templates
after the unit of work has closed, so the look-up works outside it too.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import db
from engine.transition import advance
from engine.users import add_user, get_user
from notifiers.naming import Namer
from tests.web.test_pages import sign_in


def test_a_task_page_names_who_acted_by_full_name_and_agency(
    kon_tum: sessionmaker[Session], client: TestClient, passwords: str
) -> None:
    with db.transaction(kon_tum) as s:
        get_user(s, "hung").full_name = "Phạm Văn Hùng"
        advance(s, get_user(s, "hung"), "kon-tum-2013:2.1", "comment", note="Đã gửi dự thảo")
    sign_in(client, "lan")
    page = client.get("/tasks/kon-tum-2013:2.1?lang=en")
    assert page.status_code == 200
    assert "Phạm Văn Hùng (" in page.text


def test_a_namer_reads_a_person_once_and_only_the_people_it_names(
    kon_tum: sessionmaker[Session],
) -> None:
    with db.transaction(kon_tum) as s:
        for i in range(50):
            add_user(s, f"extra{i}", "kon-tum/sct", "viewer")
    statements: list[str] = []
    engine = kon_tum.kw["bind"]

    def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    with db.reading(kon_tum) as s:
        namer = Namer.read(s, "en")
        event.listen(engine, "before_cursor_execute", seen)
        try:
            first = namer.person("lan")
            again = namer.person("lan")
            nobody = namer.person("no-such-person")
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert first == again and first.startswith("lan")
    assert nobody == "no-such-person"
    users = [q for q in statements if "FROM users" in q]
    assert len(users) == 2  # lan once, the stranger once; never the 55 accounts
    # After the unit of work, as the board renders its templates.
    assert namer.person("hung").startswith("hung")
