"""The landing worklist, and HTTP as users expect it: redirects after forms, no-store, friendly errors."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import db
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file
from tests.web.conftest import PASSWORD
from tests.web.test_pages import REF, csrf_of, shown_after, sign_in, state_of


def test_a_coordinator_lands_on_what_is_overdue_with_who_leads_it(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "lan")
    page = client.get("/?as_of=2015-03-16")
    assert page.status_code == 200
    assert 'id="worklist"' in page.text
    # Names, not codes: the lead agency's short name, the full one on hover.
    assert '<span title="Sở Công Thương tỉnh Kon Tum">Sở Công Thương</span>' in page.text
    assert "kon-tum/sct" not in re.sub(r'value="[^"]*"|href="[^"]*"', "", page.text)
    assert "quá hạn 298 ngày làm việc" in page.text
    assert "Tỷ lệ hoàn thành 0,0% (tính đến ngày 16/03/2015)" in page.text


def test_an_officer_lands_on_his_agencys_work_and_may_widen_it(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "minh")  # Sở Tài nguyên và Môi trường
    mine = client.get("/?as_of=2015-03-16").text
    everyone = client.get("/?as_of=2015-03-16&agency=").text
    assert mine.count("<tr class=") < everyone.count("<tr class=")
    assert '<option value="kon-tum/stnmt" selected>' in mine


def test_every_count_on_the_plans_page_links_to_the_filtered_worklist(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "lan")
    plans = client.get("/plans?as_of=2015-03-16").text
    link = re.search(r'href="(/\?plan=kon-tum-2013&amp;status=overdue)"[^>]*>(\d+)<', plans)
    assert link, "the overdue count is a link"
    listed = client.get(link.group(1).replace("&amp;", "&") + "&as_of=2015-03-16").text
    assert listed.count('<span class="badge cat-overdue">') == int(link.group(2))


def test_signed_in_pages_are_not_kept_by_the_browser(client: TestClient, passwords: str) -> None:
    sign_in(client, "lan")
    for path in ("/", "/plans", f"/tasks/{REF}", "/agency"):
        assert client.get(path).headers["cache-control"] == "no-store", path


def test_a_day_out_of_range_is_a_400_with_a_sentence(client: TestClient, passwords: str) -> None:
    sign_in(client, "lan")
    for day in ("9999-12-31", "0001-01-01"):
        page = client.get(f"/?as_of={day}")
        assert page.status_code == 400
        assert "nằm ngoài khoảng dondoc xử lý" in page.text
        # The error page keeps the header of whoever is signed in.
        assert "Đăng xuất" in page.text


def test_an_unknown_page_is_a_friendly_404_with_the_header(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "lan")
    page = client.get("/nope")
    assert page.status_code == 404
    assert "Đăng xuất" in page.text and "Về trang Việc cần xử lý" in page.text


def test_the_same_step_sent_twice_says_it_is_already_done(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "lan")
    page = client.get(f"/tasks/{REF}")
    form = {"csrf_token": csrf_of(page.text), "trigger": "consult", "version": "1"}
    first = client.post(f"/tasks/{REF}/advance", data=form, follow_redirects=False)
    assert "Đã ghi nhận: Gửi lấy ý kiến." in shown_after(client, first).text
    again = client.post(f"/tasks/{REF}/advance", data=form, follow_redirects=False)
    shown = shown_after(client, again).text
    assert "đã được ghi nhận rồi" in shown
    assert "Người khác vừa thay đổi" not in shown
    assert state_of(kon_tum, REF) == "consulting"


def test_a_refusal_is_shown_once_and_the_address_is_the_task_page(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "lan")
    page = client.get(f"/tasks/{REF}")
    refused = client.post(
        f"/tasks/{REF}/advance",
        data={"csrf_token": csrf_of(page.text), "trigger": "suspend", "version": "1"},
        follow_redirects=False,
    )
    assert refused.headers["location"].startswith(f"/tasks/{REF}")
    assert "Cần nhập: Lý do." in shown_after(client, refused).text
    # Reloading (or switching language) does not post again, nor show it twice.
    assert "Cần nhập: Lý do." not in client.get(f"/tasks/{REF}?lang=vi").text


def test_names_are_not_case_sensitive_at_sign_in(client: TestClient, passwords: str) -> None:
    form = client.get("/signin")
    done = client.post(
        "/signin",
        data={"csrf_token": csrf_of(form.text), "name": "LAN", "password": PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Đăng xuất" in client.get("/").text


def test_a_second_different_comment_from_an_old_page_is_not_called_done(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "lan")
    page = client.get(f"/tasks/{REF}")
    form = {"csrf_token": csrf_of(page.text), "trigger": "comment", "version": "1"}
    client.post(f"/tasks/{REF}/advance", data={**form, "note": "Lần một"})
    second = client.post(
        f"/tasks/{REF}/advance", data={**form, "note": "Lần hai"}, follow_redirects=False
    )
    shown = shown_after(client, second).text
    assert "Người khác vừa thay đổi" in shown and "Lần hai</textarea>" in shown


def test_the_filter_offers_the_plans_and_agencies_of_one_province_at_a_time(
    kon_tum: sessionmaker[Session], client: TestClient, passwords: str
) -> None:
    """Hundreds of plans nationally: the lists hold the officer's province, or the one chosen."""
    with db.transaction(kon_tum) as s:
        load_plan_file(s, schema.plan_path("nghe-an-2017"))
    sign_in(client, "lan")  # Sở Công Thương tỉnh Kon Tum
    own = client.get("/?as_of=2015-03-16").text
    plan_options = re.findall(r'<option value="([a-z-]+-\d{4})"', own)
    assert plan_options == ["kon-tum-2013"]
    assert 'value="kon-tum/sct"' in own and 'value="nghe-an/sct"' not in own
    assert 'id="choices-hint"' in own and "Kon Tum" in own.split('id="choices-hint"')[1][:200]
    other = client.get("/?as_of=2015-03-16&province=nghe-an").text
    assert re.findall(r'<option value="([a-z-]+-\d{4})"', other) == ["nghe-an-2017"]
    assert 'value="nghe-an/sct"' in other and 'value="kon-tum/stnmt"' not in other
    # Both provinces stay on the province list.
    assert '<option value="nghe-an" selected>' in other and '<option value="kon-tum">' in other


def test_a_merged_provinces_officer_is_offered_the_plans_his_departments_took_over(
    kon_tum: sessionmaker[Session], client: TestClient
) -> None:
    """Kon Tum's plan is Quảng Ngãi's after 1/7/2025: a Quảng Ngãi officer finds it offered."""
    from engine import accounts, auth

    with db.transaction(kon_tum) as s:
        load_plan_file(s, schema.plan_path("nghe-an-2017"))
        accounts.create_account(s, None, "tam", agency="quang-ngai/sct", role="officer")
        auth.set_password(s, "tam", PASSWORD)
    sign_in(client, "tam")
    after = client.get("/?agency=").text
    assert re.findall(r'<option value="([a-z-]+-\d{4})"', after) == ["kon-tum-2013"]
    assert "Quảng Ngãi" in after.split('id="choices-hint"')[1][:200]
    # Before the merger Quảng Ngãi held no plan here: every plan is offered, without the line.
    before = client.get("/?agency=&as_of=2015-03-16").text
    offered = re.findall(r'<option value="([a-z-]+-\d{4})"', before)
    assert offered == ["kon-tum-2013", "nghe-an-2017"]
    assert 'id="choices-hint"' not in before
