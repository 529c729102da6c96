"""End to end in a real browser: Debian's chromium, driven by Selenium, against uvicorn.

Skipped only when chromium is absent outside CI; in CI (``CI=true``) a missing
browser is a failure, since ``.ci/run`` installs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import HAVE_BROWSER, IN_CI, PASSWORD

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not HAVE_BROWSER and not IN_CI,
        reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
    ),
]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_coordinator_issues_2_1_from_the_browser(
    server: str, browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    driver = browser
    driver.get(f"{server}/")
    assert "/signin" in driver.current_url
    driver.find_element(By.ID, "name").send_keys("lan")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "signin").click()
    # A coordinator lands on the worklist: what is overdue, how late, who leads.
    assert driver.find_element(By.ID, "worklist")
    driver.find_element(By.LINK_TEXT, "Kế hoạch").click()
    driver.find_element(By.LINK_TEXT, "Quyết định 835/QĐ-UBND").click()
    assert driver.find_element(By.CSS_SELECTOR, "svg.timeline")
    driver.find_element(By.CSS_SELECTOR, 'a[href="/tasks/kon-tum-2013:2.1"]').click()

    def submit(button_id: str) -> None:
        # Wait for the page the form leads to, not just for the click.
        old = driver.find_element(By.ID, "state")
        driver.find_element(By.ID, button_id).click()
        WebDriverWait(driver, 20).until(staleness_of(old))

    for trigger in ("consult", "appraise", "submit"):
        submit(f"do-{trigger}")
        assert "Đã ghi nhận" in driver.find_element(By.CSS_SELECTOR, "p.ok").text
    driver.find_element(By.ID, "issue-document_number").send_keys("05/CT-UBND")
    # Typed as a Vietnamese officer writes it, whatever the browser's locale.
    driver.find_element(By.ID, "issue-document_date").send_keys("10/06/2014")
    submit("do-issue")
    assert "Đã ban hành" in driver.find_element(By.ID, "state").text
    history = driver.find_element(By.ID, "history").text
    assert "Số văn bản: 05/CT-UBND" in history and "Ngày ban hành: 10/06/2014" in history
    assert "lan (Sở Công Thương) ban hành → «Đã ban hành»" in history
    shot = tmp_path / "issued.png"
    assert driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 1000
