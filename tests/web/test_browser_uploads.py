"""In a real browser: a plan loaded from the Hà-Tĩnh-style annex, and the search box.

Chromium driven by Selenium against uvicorn (``server``/``browser`` in
tests/web/conftest.py), as tests/web/test_browser.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy.orm import Session, sessionmaker

from tests.importer import corpus
from tests.web.conftest import HAVE_BROWSER, IN_CI, PASSWORD
from tests.web.test_uploads import add_nghe_an_coordinator

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not HAVE_BROWSER and not IN_CI,
        reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
    ),
]


@pytest.fixture
def hoa(kon_tum: sessionmaker[Session], passwords: str) -> str:
    return add_nghe_an_coordinator(kon_tum)


def _sign_in(driver: WebDriver, server: str, name: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{server}/signin")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "signin").click()
    # Signed in once the board has answered: the next address must not race the cookie.
    WebDriverWait(driver, 20).until(lambda d: "/signin" not in d.current_url)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_coordinator_uploads_the_annex_corrects_an_agency_and_loads_the_plan(
    server: str, browser: object, hoa: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    assert isinstance(browser, WebDriver)
    driver = browser
    annex = corpus.docx(tmp_path / "phu-luc-ke-hoach.docx")
    _sign_in(driver, server, hoa)
    driver.get(f"{server}/plans")
    driver.find_element(By.ID, "upload-plan").click()
    driver.find_element(By.ID, "annex").send_keys(str(annex))
    driver.find_element(By.ID, "year").send_keys("2027")
    driver.find_element(By.ID, "title").send_keys("Kế hoạch sản xuất sạch hơn 2027–2030")
    driver.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    # The draft: every task row, the report's points beside the rows.
    rows = driver.find_elements(By.CSS_SELECTOR, "#draft-tasks tbody tr")
    assert len(rows) == corpus.TASK_COUNT
    ministry_row = driver.find_element(By.ID, "task-3")
    assert "Bộ Khoa học và Công nghệ" in ministry_row.text
    # The unrecognised ministry becomes the province's Department of Science and Technology,
    # chosen by name from the directory.
    (unknown,) = [
        s
        for s in ministry_row.find_elements(By.CSS_SELECTOR, 'select[name="t3-co"]')
        if "Chưa có trong danh bạ" in Select(s).first_selected_option.text
    ]
    Select(unknown).select_by_visible_text("Sở Khoa học và Công nghệ tỉnh Nghệ An")
    # The newspaper-and-radio body of 2025 is not in Nghệ An's directory yet: its radio and television.
    first_row = driver.find_element(By.ID, "task-0")
    (press,) = [
        s
        for s in first_row.find_elements(By.CSS_SELECTOR, 'select[name="t0-co"]')
        if "Chưa có trong danh bạ" in Select(s).first_selected_option.text
    ]
    Select(press).select_by_visible_text("Đài Phát thanh - Truyền hình Nghệ An")
    if os.environ.get("DONDOC_SHOTS"):
        driver.save_screenshot(os.path.join(os.environ["DONDOC_SHOTS"], "draft-1280.png"))
    driver.find_element(By.ID, "load").click()
    assert driver.current_url.endswith("/plans/nghe-an-2027")
    assert "Đã nạp kế hoạch: thêm 8 nhiệm vụ" in driver.find_element(By.ID, "loaded").text
    assert "Kế hoạch sản xuất sạch hơn 2027–2030" in driver.page_source


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_header_search_finds_the_kon_tum_directive_task(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By

    assert isinstance(browser, WebDriver)
    driver = browser
    _sign_in(driver, server, "hung")
    box = driver.find_element(By.CSS_SELECTOR, "header form.search input[name=q]")
    box.send_keys("chi thi")
    box.submit()
    results = driver.find_element(By.ID, "results")
    assert "Chỉ thị" in results.text
    results.find_element(By.CSS_SELECTOR, 'a[href="/tasks/kon-tum-2013:2.1"]').click()
    assert driver.current_url.endswith("/tasks/kon-tum-2013:2.1")
    assert "Chỉ thị áp dụng SXSH" in driver.page_source
