"""Attached files on the board and the API: sent with a step, served only to who may see the task."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import auth, db
from engine.auth import set_password
from engine.users import add_user
from tests.engine.test_attachments import PDF
from tests.web.conftest import HAVE_BROWSER, IN_CI, PASSWORD
from tests.web.test_pages import REF, csrf_of, shown_after, sign_in, state_of

NAME = "Chỉ thị 05-CT-UBND bản ký.pdf"
SHA = hashlib.sha256(PDF).hexdigest()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "files"
    config = tmp_path / "config.toml"
    config.write_text(f'[attachments]\nfolder = "{folder}"\n', encoding="utf-8")
    monkeypatch.setenv("DONDOC_CONFIG", str(config))
    return folder


@pytest.fixture
def stranger(kon_tum: sessionmaker[Session]) -> str:
    """A viewer of Cao Bằng's people's committee: another province than Kon Tum's plan."""
    with db.transaction(kon_tum) as s:
        add_user(s, "khach", "cao-bang/ubnd", "viewer")
        set_password(s, "khach", PASSWORD)
    return "khach"


def _post_step(client: TestClient, trigger: str, files: list[tuple[str, bytes]], note: str = ""):
    page = client.get(f"/tasks/{REF}")
    version = page.text.split('name="version" value="')[1].split('"')[0]
    return client.post(
        f"/tasks/{REF}/advance",
        data={
            "csrf_token": csrf_of(page.text),
            "trigger": trigger,
            "version": version,
            "note": note,
        },
        files=[("attach", (name, data, "application/octet-stream")) for name, data in files],
        follow_redirects=False,
    )


def test_a_file_sent_with_a_step_is_kept_listed_and_served_as_a_download(
    client: TestClient, passwords: str, store: Path
) -> None:
    sign_in(client, "lan")
    page = shown_after(client, _post_step(client, "consult", [(NAME, PDF)]))
    assert "Đã ghi nhận" in page.text
    assert f'href="/tasks/{REF}/files/{SHA}"' in page.text and "bản ký.pdf" in page.text
    got = client.get(f"/tasks/{REF}/files/{SHA}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Ch%E1%BB%89%20th%E1%BB%8B%2005-CT-UBND" in disposition
    assert (store / SHA[:2] / SHA).read_bytes() == PDF


def test_a_disguised_file_is_refused_with_a_sentence_not_dropped(
    client: TestClient, passwords: str, store: Path, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "lan")
    page = shown_after(client, _post_step(client, "consult", [("bao-cao.pdf", b"<html>x</html>")]))
    assert "Không đính kèm được tệp «bao-cao.pdf»" in page.text
    assert "Chưa có tệp nào được đính kèm." in page.text
    assert state_of(kon_tum, REF) == "drafting"


def test_only_who_may_see_the_task_gets_its_file(
    client: TestClient, passwords: str, stranger: str, store: Path, kon_tum
) -> None:
    sign_in(client, "lan")
    assert _post_step(client, "consult", [(NAME, PDF)]).status_code == 303
    client.cookies.clear()
    sign_in(client, stranger)
    refused = client.get(f"/tasks/{REF}/files/{SHA}")
    assert refused.status_code == 403
    assert "không được xem hồ sơ của" in refused.text and PDF not in refused.content
    client.cookies.clear()
    assert client.get(f"/tasks/{REF}/files/{SHA}", follow_redirects=False).status_code == 303
    with db.transaction(kon_tum) as s:
        set_password(s, "an", PASSWORD)
    sign_in(client, "an")  # Kon Tum's own viewer reads it
    assert client.get(f"/tasks/{REF}/files/{SHA}").content == PDF
    assert client.get(f"/tasks/{REF}/files/{'0' * 64}").status_code == 404
    assert client.get(f"/tasks/{REF}/files/not-a-hash").status_code == 404


def test_the_api_takes_files_in_multipart_and_serves_them_to_who_may_see(
    client: TestClient, tokens: dict[str, str], stranger: str, store: Path, kon_tum
) -> None:
    with db.transaction(kon_tum) as s:
        outsider = auth.issue_token(s, stranger).secret
    lan = {"Authorization": f"Bearer {tokens['lan']}"}
    version = client.get(f"/api/v1/tasks/{REF}", headers=lan).json()["version"]
    done = client.post(
        f"/api/v1/tasks/{REF}/advance",
        headers={**lan, "If-Match": f'"{version}"'},
        data={"trigger": "consult", "note": "Dự thảo kèm theo"},
        files=[("attach", (NAME, PDF, "application/pdf"))],
    )
    assert done.status_code == 200, done.text
    (listed,) = done.json()["attachments"]
    assert (listed["name"], listed["sha256"], listed["size"]) == (NAME, SHA, len(PDF))
    got = client.get(f"/api/v1/tasks/{REF}/files/{SHA}", headers=lan)
    assert got.content == PDF and got.headers["x-content-type-options"] == "nosniff"
    other = client.get(
        f"/api/v1/tasks/{REF}/files/{SHA}", headers={"Authorization": f"Bearer {outsider}"}
    )
    assert other.status_code == 403 and other.json()["code"] == "not_allowed.not_visible"
    bad = client.post(
        f"/api/v1/tasks/{REF}/advance",
        headers={**lan, "If-Match": f'"{version + 1}"'},
        data={"trigger": "appraise"},
        files=[("attach", ("x.exe", b"MZ\x90\x00", "application/pdf"))],
    )
    assert bad.status_code == 422 and bad.json()["code"] == "attachment_type"


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_BROWSER and not IN_CI, reason="chromium is not installed")
def test_an_officer_attaches_a_pdf_in_the_browser_and_another_province_is_refused_it(
    server: str, browser: object, stranger: str, store: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    driver = browser

    def sign_in_as(name: str) -> None:
        driver.delete_all_cookies()
        driver.get(f"{server}/signin")
        driver.find_element(By.ID, "name").send_keys(name)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "signin").click()
        # Wait for the sign-in to land before going elsewhere (a busy machine is slow).
        WebDriverWait(driver, 20).until(lambda d: "/signin" not in d.current_url)

    def status_of(url: str) -> int:
        return int(
            driver.execute_async_script(
                "const done = arguments[1];"
                "fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status));",
                url,
            )
        )

    scan = tmp_path / NAME
    scan.write_bytes(PDF)
    sign_in_as("hung")  # an officer of the lead agency, Sở Công Thương
    driver.get(f"{server}/tasks/{REF}")
    driver.find_element(By.ID, "consult-attach").send_keys(str(scan))
    old = driver.find_element(By.ID, "state")
    driver.find_element(By.ID, "do-consult").click()
    WebDriverWait(driver, 20).until(staleness_of(old))
    assert "Đã ghi nhận" in driver.find_element(By.CSS_SELECTOR, "p.ok").text
    link = driver.find_element(By.CSS_SELECTOR, "#attachments a")
    assert link.text == NAME
    url = f"{server}/tasks/{REF}/files/{SHA}"
    assert link.get_attribute("href") == url
    assert status_of(url) == 200
    assert (store / SHA[:2] / SHA).read_bytes() == PDF

    sign_in_as(stranger)  # a viewer in Cao Bằng
    assert status_of(url) == 403
    driver.get(url)
    assert "không được xem hồ sơ của" in driver.find_element(By.TAG_NAME, "main").text
