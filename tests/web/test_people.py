"""Issue 13 over HTTP and in the engine: accounts, agencies' addresses and the inbox."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import accounts, auth, db
from engine.account_models import AccountChange
from engine.directory import edit_agency
from engine.errors import InvalidInput, NotAllowed
from engine.inbox import COUNT_CAP, already_read, open_inbox, unread
from engine.models import Agency
from engine.transition import advance
from engine.users import get_user
from tests.web.conftest import PASSWORD
from tests.web.test_pages import csrf_of, sign_in
from tests.words import refused

ONE_TIME = "một lần thôi 2026"
# A person's row in the people page's table: his name links to his page.
ROW_LINK = r'<td [^>]*><a href="/people/([^"/]+)">'


@pytest.fixture
def quang_ngai(kon_tum: sessionmaker[Session]) -> sessionmaker[Session]:
    """Today's coordinator of Quảng Ngãi (Kon Tum's agencies ended with the 2025 merger)."""
    with db.transaction(kon_tum) as s:
        accounts.create_account(s, None, "thao", agency="quang-ngai/sct", role="coordinator")
        accounts.create_account(s, None, "vy", agency="quang-ngai/snnmt", role="officer")
        auth.set_password(s, "thao", PASSWORD)
    return kon_tum


def test_a_disabled_users_session_and_token_stop_at_once(
    quang_ngai: sessionmaker[Session], client: TestClient
) -> None:
    with db.transaction(quang_ngai) as s:
        auth.set_password(s, "vy", PASSWORD)
        token = accounts.issue_token(s, get_user(s, "thao"), "vy").secret
    sign_in(client, "vy")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/plans").status_code == 200
    assert client.get("/api/v1/plans", headers=bearer).status_code == 200
    with db.transaction(quang_ngai) as s:
        accounts.set_active(s, get_user(s, "thao"), "vy", False)
    assert client.get("/plans", follow_redirects=False).headers["location"].startswith("/signin")
    refusal = client.get("/api/v1/plans", headers=bearer)
    assert refusal.status_code == 401
    with db.transaction(quang_ngai) as s:
        actions = [c.action for c in s.scalars(select(AccountChange).order_by(AccountChange.id))]
        assert actions[-2:] == ["token_issued", "disabled"]
        # Enabled again, the old token stays revoked.
        accounts.set_active(s, get_user(s, "thao"), "vy", True)
    assert client.get("/api/v1/plans", headers=bearer).status_code == 401


def test_the_api_refuses_a_one_time_password_holder_until_he_changes_it(
    quang_ngai: sessionmaker[Session], client: TestClient
) -> None:
    with db.transaction(quang_ngai) as s:
        thao = get_user(s, "thao")
        accounts.set_one_time_password(s, thao, "vy", ONE_TIME)
        token = accounts.issue_token(s, thao, "vy").secret
    answer = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_allowed.password_change_required"
    with db.transaction(quang_ngai) as s:
        accounts.change_own_password(s, get_user(s, "vy"), ONE_TIME, "mật khẩu mới của Vy")
    answer = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_a_coordinator_adds_people_over_http_and_an_officer_may_not(
    quang_ngai: sessionmaker[Session], client: TestClient
) -> None:
    sign_in(client, "thao")
    page = client.get("/people")
    assert page.status_code == 200
    form = {
        "csrf_token": csrf_of(page.text),
        "name": "khoa",
        "full_name": "Lê Minh Khoa",
        "agency": "quang-ngai/stc",
        "role": "viewer",
        "email": "khoa@quangngai.gov.vn",
        "password": ONE_TIME,
    }
    assert client.post("/people", data=form, follow_redirects=False).status_code == 303
    with db.transaction(quang_ngai) as s:
        khoa = get_user(s, "khoa")
        assert (khoa.agency_code, khoa.role, khoa.must_change_password) == (
            "quang-ngai/stc",
            "viewer",
            True,
        )
        # Another province's coordinator, and an officer, are refused.
        for actor in ("lan", "vy"):
            with refused(NotAllowed, "may not manage"):
                accounts.set_role(s, get_user(s, actor), "khoa", "officer")
        with refused(NotAllowed, "cannot disable his own"):
            accounts.set_active(s, get_user(s, "thao"), "thao", False)
    assert "Lê Minh Khoa" in client.get("/people").text


def test_the_people_page_lists_a_province_fifty_at_a_time(
    quang_ngai: sessionmaker[Session], client: TestClient
) -> None:
    with db.transaction(quang_ngai) as s:
        for i in range(58):
            accounts.create_account(
                s, None, f"can-bo-{i:02d}", agency="quang-ngai/stc", role="officer"
            )
        everyone, total = accounts.people(s, get_user(s, "thao"))
        # Kon Tum's own people (its agencies ended with the merger) are Quảng Ngãi's now.
        assert total == len(everyone) >= 60
        first_fifty = [p.name for p in everyone[:50]]
        rest = [p.name for p in everyone[50:]]
    sign_in(client, "thao")
    page = client.get("/people")
    assert page.status_code == 200
    listed = re.findall(ROW_LINK, page.text)
    assert listed == first_fifty
    assert f"Dòng 1–50 trong tổng số {total}" in page.text
    second = client.get("/people?page=2")
    assert re.findall(ROW_LINK, second.text) == rest
    # The form to add a person is on every page.
    assert 'id="add-person"' in second.text


@pytest.mark.parametrize(
    ("webhook", "code"),
    [
        ("https://10.0.0.1/hook", "webhook_private"),
        ("https://169.254.169.254/latest/meta-data", "webhook_private"),
        ("https://192.168.1.10/hook", "webhook_private"),
        ("http://example.org/hook", "webhook_scheme_https"),
    ],
)
def test_the_board_refuses_private_and_plain_http_webhooks(
    quang_ngai: sessionmaker[Session], webhook: str, code: str
) -> None:
    with db.transaction(quang_ngai) as s, pytest.raises(InvalidInput) as info:
        edit_agency(
            s,
            get_user(s, "thao"),
            "quang-ngai/sct",
            name_vi="Sở Công Thương tỉnh Quảng Ngãi",
            name_en="Quang Ngai Department of Industry and Trade",
            email="sct@quangngai.gov.vn",
            webhook=webhook,
        )
    assert info.value.code == code


def test_a_coordinator_edits_an_agency_of_his_province_but_not_an_ended_one(
    quang_ngai: sessionmaker[Session],
) -> None:
    with db.transaction(quang_ngai) as s:
        thao = get_user(s, "thao")
        edit_agency(
            s,
            thao,
            "quang-ngai/stc",
            name_vi="Sở Tài chính tỉnh Quảng Ngãi",
            name_en="Quang Ngai Department of Finance",
            email="stc@quangngai.gov.vn",
            webhook="http://127.0.0.1:8080/relay",
        )
        agency = s.get(Agency, "quang-ngai/stc")
        assert agency is not None
        assert (agency.email, agency.webhook) == (
            "stc@quangngai.gov.vn",
            "http://127.0.0.1:8080/relay",
        )
        with refused(InvalidInput, "has ended"):
            edit_agency(
                s,
                get_user(s, "lan"),
                "kon-tum/sct",
                name_vi="Sở Công Thương",
                name_en="",
                email="",
                webhook="",
            )
        with refused(NotAllowed, "may not manage"):
            edit_agency(
                s, thao, "nghe-an/sct", name_vi="Sở Công Thương", name_en="", email="", webhook=""
            )


def test_the_inbox_counts_what_concerns_me_and_visiting_reads_it(
    kon_tum: sessionmaker[Session], client: TestClient, passwords: str
) -> None:
    with db.transaction(kon_tum) as s:
        hung = get_user(s, "hung")
        hung.full_name = "Phạm Văn Hùng"
        open_inbox(s, hung)  # the plan's past, read once
        assert unread(s, hung) == 0
        lan = get_user(s, "lan")
        advance(
            s, lan, "kon-tum-2013:2.1", "comment", note="Đề nghị @hung và anh Phạm Văn Hùng xem"
        )
    sign_in(client, "hung")
    page = client.get("/plans")
    assert 'class="badge unread"' in page.text
    with db.transaction(kon_tum) as s:
        hung = get_user(s, "hung")
        assert unread(s, hung) == 1
    inbox = client.get("/inbox")
    assert "Đề nghị @hung" in inbox.text
    with db.transaction(kon_tum) as s:
        hung = get_user(s, "hung")
        assert unread(s, hung) == 0
        assert open_inbox(s, hung) == []
        # Read, it stays on the page below the new things; the catalog's loading is not news.
        earlier = already_read(s, hung)
        assert earlier[0].kind == "mention" and earlier[0].actor == "lan"
        assert all(i.actor != "catalog" for i in earlier)


def test_the_inbox_follows_the_work_an_agency_took_over(kon_tum: sessionmaker[Session]) -> None:
    """Quảng Ngãi's Department of Industry and Trade holds Kon Tum's since the 2025 merger."""
    with db.transaction(kon_tum) as s:
        tam = accounts.create_account(s, None, "tam", agency="quang-ngai/sct", role="officer")
        other = accounts.create_account(s, None, "ha", agency="quang-ngai/stc", role="officer")
        advance(s, get_user(s, "lan"), "kon-tum-2013:2.1", "comment", note="Đã gửi dự thảo")
        assert unread(s, tam) == 1
        assert unread(s, other) == 0
        assert [i.ref for i in open_inbox(s, tam)] == ["kon-tum-2013:2.1"]


def test_a_mention_reaches_a_person_whose_agency_has_no_part_in_the_task(
    kon_tum: sessionmaker[Session],
) -> None:
    """Mentions are found apart from the agency's tasks (their own index); the badge stops
    at 99+."""
    with db.transaction(kon_tum) as s:
        ha = accounts.create_account(s, None, "ha", agency="quang-ngai/stc", role="officer")
        lan = get_user(s, "lan")
        advance(s, lan, "kon-tum-2013:2.1", "comment", note="Chuyển chị @ha theo dõi")
        advance(s, lan, "kon-tum-2013:2.1", "comment", note="Không nhắc ai")
        assert unread(s, ha) == 1
        assert [(i.kind, i.note) for i in open_inbox(s, ha)] == [
            ("mention", "Chuyển chị @ha theo dõi")
        ]
        assert unread(s, ha) == 0
        # A name inside a longer one is not a mention; the name as a word is, anywhere.
        ha.full_name = "Lê Thu Hà"
        advance(s, lan, "kon-tum-2013:2.1", "comment", note="Nhờ @hanh và chị Lê Thu Hằng")
        advance(s, lan, "kon-tum-2013:2.1", "comment", note="Gửi chị Lê Thu Hàng")
        assert unread(s, ha) == 0 and open_inbox(s, ha) == []
        advance(s, lan, "kon-tum-2013:2.1", "comment", note="Chị Lê Thu Hà, @hanh: xem giúp")
        assert unread(s, ha) == 1
        assert [i.kind for i in open_inbox(s, ha)] == ["mention"]
        # Every other comment only looks like one to the database: the count reads on
        # past a page of them.
        for n in range(COUNT_CAP + 5):
            advance(s, lan, "kon-tum-2013:2.1", "comment", note=f"@ha xem lần {n}")
            advance(s, lan, "kon-tum-2013:2.1", "comment", note=f"@hanh xem lần {n}")
        assert unread(s, ha) == COUNT_CAP + 1
        listed = open_inbox(s, ha)
        assert len(listed) == COUNT_CAP + 5
        assert [i.note for i in listed[:2]] == [
            f"@ha xem lần {COUNT_CAP + 4}",
            f"@ha xem lần {COUNT_CAP + 3}",
        ]
        assert unread(s, ha) == 0


def test_the_board_issues_a_token_once_and_its_disable_form_ends_it(
    quang_ngai: sessionmaker[Session], client: TestClient
) -> None:
    sign_in(client, "thao")
    page = client.get("/people/vy")
    issued = client.post("/people/vy/tokens", data={"csrf_token": csrf_of(page.text)})
    assert issued.status_code == 200
    secret = issued.text.split('<code id="secret">', 1)[1].split("</code>", 1)[0]
    assert secret.startswith(auth.TOKEN_PREFIX)
    assert secret not in client.get("/people/vy").text  # shown once
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/plans", headers=bearer).status_code == 200
    form = {"csrf_token": csrf_of(page.text), "active": "0"}
    done = client.post("/people/vy/active", data=form)
    assert "account has been saved" in done.text or "Đã lưu" in done.text
    assert client.get("/api/v1/plans", headers=bearer).status_code == 401
    record = client.get("/people/changes").text
    assert "Khóa tài khoản" in record and "Cấp mã truy cập số" in record
