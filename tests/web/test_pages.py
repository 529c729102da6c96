"""The board in a browser-less client: sign-in, CSRF, escaping, forms and sign-out."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import auth, db
from engine.models import Occurrence
from engine.users import add_user
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file
from tests.web.conftest import PASSWORD, SECRET
from tests.words import refused
from web.app import create_app

REF = "kon-tum-2013:2.1"
HOSTILE = '<script>alert("x")</script><b>bold</b>'


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, name: str) -> None:
    form = client.get("/signin")
    response = client.post(
        "/signin",
        data={"csrf_token": csrf_of(form.text), "name": name, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"


def shown_after(client: TestClient, posted: Response) -> Response:
    """A form's post answers with a redirect (post/redirect/get); the page it leads to."""
    assert posted.status_code == 303, posted.text
    return client.get(posted.headers["location"])


def state_of(factory: sessionmaker[Session], ref: str) -> str:
    with db.transaction(factory) as s:
        occ = s.scalar(select(Occurrence).where(Occurrence.ref == ref))
        assert occ is not None
        return occ.state


def test_a_signed_out_visitor_is_sent_to_the_sign_in_form(client: TestClient) -> None:
    response = client.get("/plans/kon-tum-2013", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/plans/kon-tum-2013"


def test_signing_in_sets_an_httponly_lax_cookie_and_shows_the_plans(
    client: TestClient, passwords: str
) -> None:
    form = client.get("/signin")
    response = client.post(
        "/signin",
        data={"csrf_token": csrf_of(form.text), "name": "lan", "password": passwords},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = client.get("/plans")
    assert page.status_code == 200
    assert "Quyết định 835/QĐ-UBND" in page.text and "Đăng xuất" in page.text
    assert "Sign out" in client.get("/plans?lang=en").text


def test_pages_forbid_framing_and_outside_scripts_and_the_overview_draws_progress(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "lan")
    page = client.get("/plans?as_of=2015-03-16")
    assert page.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<svg class="progress"' in page.text
    assert "http://" not in page.text and "https://" not in page.text


def test_sign_in_only_redirects_to_a_path_on_this_server(
    client: TestClient, passwords: str
) -> None:
    form = client.get("/signin")
    response = client.post(
        "/signin",
        data={
            "csrf_token": csrf_of(form.text),
            "name": "lan",
            "password": passwords,
            "next": "//evil.example/phish",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    client.post("/signout", data={"csrf_token": csrf_of(client.get("/").text)})
    again = client.post(
        "/signin",
        data={
            "csrf_token": csrf_of(client.get("/signin").text),
            "name": "lan",
            "password": passwords,
            "next": "/\\evil.example",
        },
        follow_redirects=False,
    )
    assert again.headers["location"] == "/"


def test_a_wrong_password_is_refused_with_a_sentence(client: TestClient, passwords: str) -> None:
    form = client.get("/signin")
    response = client.post(
        "/signin",
        data={"csrf_token": csrf_of(form.text), "name": "lan", "password": "nope nope nope"},
    )
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_sixth_attempt_after_five_failures_is_throttled(
    client: TestClient, passwords: str
) -> None:
    token = csrf_of(client.get("/signin").text)
    for _ in range(5):
        wrong = {"csrf_token": token, "name": "hung", "password": "not it at all"}
        assert client.post("/signin", data=wrong).status_code == 401
    right = {"csrf_token": token, "name": "hung", "password": passwords}
    throttled = client.post("/signin", data=right)
    assert throttled.status_code == 429
    assert "Đăng nhập sai quá nhiều lần với tên &#39;hung&#39;" in throttled.text


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, passwords: str) -> None:
    client.get("/signin")
    refused = client.post("/signin", data={"name": "lan", "password": passwords})
    assert refused.status_code == 403
    sign_in(client, "lan")
    forged = client.post(f"/tasks/{REF}/advance", data={"trigger": "consult", "version": "1"})
    assert forged.status_code == 403
    assert "Biểu mẫu đã hết hạn" in forged.text


def test_the_coordinator_advances_2_1_through_the_form_and_sees_the_history(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "lan")
    page = client.get(f"/tasks/{REF}")
    assert 'id="do-consult"' in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    response = client.post(
        f"/tasks/{REF}/advance",
        data={
            "csrf_token": csrf_of(page.text),
            "trigger": "consult",
            "version": version.group(1),
            "note": "Gửi các Sở góp ý",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = client.get(response.headers["location"])
    assert "Lấy ý kiến góp ý" in after.text and "Gửi các Sở góp ý" in after.text
    assert state_of(kon_tum, REF) == "consulting"


def test_a_stale_form_says_someone_changed_the_task_and_does_not_overwrite(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "lan")
    page = client.get(f"/tasks/{REF}")
    token = csrf_of(page.text)
    first = client.post(
        f"/tasks/{REF}/advance",
        data={"csrf_token": token, "trigger": "consult", "version": "1"},
        follow_redirects=False,
    )
    assert first.status_code == 303
    stale = client.post(
        f"/tasks/{REF}/advance",
        data={
            "csrf_token": token,
            "trigger": "return_for_revision",
            "version": "1",
            "field_reason": "thiếu số liệu",
        },
        follow_redirects=False,
    )
    shown = shown_after(client, stale)
    assert "Người khác vừa thay đổi nhiệm vụ này — hãy tải lại trang." in shown.text
    assert 'value="thiếu số liệu"' in shown.text
    assert state_of(kon_tum, REF) == "consulting"


def test_an_officer_of_another_agency_is_offered_nothing_and_refused_anyway(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "minh")
    page = client.get(f"/tasks/{REF}?lang=en")
    assert "You may only read this task." in page.text
    assert 'id="do-consult"' not in page.text
    refused = client.post(
        f"/tasks/{REF}/advance",
        data={"csrf_token": csrf_of(page.text), "trigger": "consult", "version": "1"},
        follow_redirects=False,
    )
    assert "not a lead agency" in shown_after(client, refused).text
    assert state_of(kon_tum, REF) == "drafting"


def test_signing_out_ends_the_session_even_for_a_copied_cookie(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "lan")
    copied = client.cookies.get("dondoc_session")
    page = client.get("/")
    out = client.post("/signout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.set("dondoc_session", copied)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_secret_is_not_an_api_token(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    with db.transaction(kon_tum) as s:
        secret = auth.start_session(s, "lan")
        assert auth.user_for_session(s, secret).name == "lan"
    api = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401
    later = auth.utcnow() + auth.SESSION_LIFETIME + dt.timedelta(minutes=1)
    with db.transaction(kon_tum) as s, refused(auth.AuthenticationFailed, "ended"):
        auth.user_for_session(s, secret, now=later)


def test_plan_and_agency_pages_group_filter_and_draw_the_timeline(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "minh")
    plan = client.get("/plans/kon-tum-2013?as_of=2015-03-16")
    assert plan.status_code == 200
    assert "<svg" in plan.text and "<rect" in plan.text
    assert "Mục 2" in plan.text and "kon-tum-2013:2.1" in plan.text
    filtered = client.get("/plans/kon-tum-2013?agency=kon-tum/stnmt&status=overdue")
    assert filtered.status_code == 200
    assert 'href="/tasks/kon-tum-2013:1.1"' not in filtered.text
    bad = client.get("/plans/kon-tum-2013?status=late")
    assert bad.status_code == 400 and "không hợp lệ; chọn một trong" in bad.text
    mine = client.get("/agency?as_of=2015-03-16")
    assert mine.status_code == 200
    categories = re.findall(r'<tr class="cat-([a-z-]+)">', mine.text)
    assert categories and categories[0] == "overdue"


def test_a_task_title_with_html_is_shown_as_text(
    factory: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    original = schema.plan_path("kon-tum-2013").read_text(encoding="utf-8")
    hostile = original.replace(
        "title: Xây dựng và triển khai kế hoạch truyền thông", f"title: '{HOSTILE}'", 1
    )
    assert hostile != original
    path = tmp_path / "kon-tum-2013.yaml"
    path.write_text(hostile, encoding="utf-8")
    with db.transaction(factory) as s:
        load_plan_file(s, path)
        add_user(s, "lan", "kon-tum/sct", "coordinator")
        auth.set_password(s, "lan", PASSWORD)
    with TestClient(create_app(db_url, secret=SECRET)) as client:
        sign_in(client, "lan")
        for page in (client.get("/tasks/kon-tum-2013:1.1"), client.get("/plans/kon-tum-2013")):
            assert page.status_code == 200
            assert HOSTILE not in page.text
            assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


def test_the_digest_preview_is_the_html_mail_of_my_agency(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "minh")
    preview = client.get("/digest?plan=kon-tum-2013&as_of=2015-03-16")
    assert preview.status_code == 200
    assert preview.headers["content-type"].startswith("text/html")
    assert "kon-tum-2013" in preview.text or "835/QĐ-UBND" in preview.text
