"""The follow-up cycle on the board: the task page's forms and a period's page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import auth, db
from tests.cycle.conftest import PLAN
from tests.web.test_pages import PASSWORD, csrf_of, shown_after
from web.app import create_app

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
REF = f"{PLAN}:1.5"


@pytest.fixture
def board(nghe_an: sessionmaker[Session], db_url: str) -> Iterator[TestClient]:
    with db.transaction(nghe_an) as s:
        for name in ("ha", "khoa", "thao"):
            auth.set_password(s, name, PASSWORD)
    with TestClient(create_app(db_url, secret="test-secret-key-for-signing-cookies")) as client:
        yield client


def sign_in(client: TestClient, name: str) -> None:
    client.cookies.clear()
    form = client.get("/signin")
    done = client.post(
        "/signin",
        data={"csrf_token": csrf_of(form.text), "name": name, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303


def post(client: TestClient, path: str, data: dict[str, str]) -> str:
    page = client.get(f"/tasks/{REF}")
    return shown_after(
        client,
        client.post(path, data={"csrf_token": csrf_of(page.text), **data}, follow_redirects=False),
    ).text


def test_a_report_and_an_extension_through_the_task_page(board: TestClient) -> None:
    sign_in(board, "khoa")
    page = board.get(f"/tasks/{REF}").text
    assert 'id="form-report"' in page and 'id="form-extension"' in page
    assert 'id="form-decision"' not in page
    shown = post(
        board,
        f"/tasks/{REF}/report",
        {
            "period": "2018-H1",
            "status_text": "Đã khảo sát 40 cơ sở",
            "percent": "45",
            "figure_awareness-2020": "35",
            "difficulties": "Thiếu kinh phí",
        },
    )
    assert "Báo cáo 6 tháng đầu năm 2018" in shown and "Đã khảo sát 40 cơ sở" in shown
    assert "Thiếu kinh phí" in shown and "45%" in shown
    refused = post(board, f"/tasks/{REF}/report", {"period": "2018-H1", "status_text": " "})
    assert 'role="alert"' in refused
    shown = post(
        board, f"/tasks/{REF}/extension", {"until": "30/06/2019", "reason": "Chờ bố trí kinh phí"}
    )
    assert "Chờ bố trí kinh phí" in shown and 'id="form-extension"' not in shown
    sign_in(board, "ha")
    shown = post(
        board,
        f"/tasks/{REF}/extension/decision",
        {"decision": "approve", "until": "31/03/2019", "reason": "Rút ngắn"},
    )
    assert "gia hạn đến 31/03/2019" in shown and "Được gia hạn đến 31/03/2019" in shown
    period = board.get(f"/plans/{PLAN}/periods/2018-H1").text
    assert "Chưa báo cáo" in period and "Đúng hạn" not in period  # reported today, after 14/6/2018
    assert 'id="do-close"' in period
    closed = shown_after(
        board,
        board.post(
            f"/plans/{PLAN}/periods/2018-H1/close",
            data={"csrf_token": csrf_of(period)},
            follow_redirects=False,
        ),
    ).text
    assert "Đã khóa kỳ báo cáo" in closed and 'id="do-close"' not in closed


def test_a_co_operating_agency_contributes(board: TestClient) -> None:
    sign_in(board, "thao")
    page = board.get(f"/tasks/{REF}").text
    assert "Gửi báo cáo phối hợp" in page and 'name="percent"' not in page
    shown = post(board, f"/tasks/{REF}/report", {"period": "2018", "status_text": "Đã đưa tin"})
    assert "(cơ quan phối hợp)" in shown and "Đã đưa tin" in shown


def test_the_plan_page_offers_the_periodic_report_of_each_begun_period_as_word(
    board: TestClient,
) -> None:
    sign_in(board, "ha")
    page = board.get(f"/plans/{PLAN}", params={"as_of": "2018-06-11", "lang": "vi"}).text
    line = page.split('id="report-docx">')[1].split("</p>")[0]
    # Begun by 11/6/2018: the 6-month and the year periods of 2018 and those before; not 2019.
    assert f'href="/plans/{PLAN}/report?period=2018-H1"' in line
    assert f'href="/plans/{PLAN}/report?period=2018"' in line
    assert "period=2019" not in line
    assert "6 tháng đầu năm 2018" in line
    word = board.get(f"/plans/{PLAN}/report", params={"period": "2018-H1"})
    assert word.status_code == 200
    assert word.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert word.content[:2] == b"PK"
