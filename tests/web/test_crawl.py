"""Every page as each kind of user sees it, in real Chromium, on a desktop and a 390 px phone.

For each person (coordinator, officer of a lead agency, officer of a
co-operating agency, viewer, anonymous), each language and each width, every
page the board links to is opened and read as a person reads it:

- the visible text names no agency code, plan slug or snake_case identifier,
  and no English sentence on a Vietnamese page (nor a Vietnamese label on an
  English one);
- nothing scrolls sideways, and on the phone every control is at least 44 px tall;
- axe-core (vendored from npm, ``tests/web/vendor``) finds no serious or
  critical violation of WCAG 2.1 A/AA.

Fails (never skips) in CI when chromium is missing, as test_browser does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import auth, db
from engine.models import Agency, Plan
from tests.web.conftest import HAVE_BROWSER, IN_CI, PASSWORD

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not HAVE_BROWSER and not IN_CI,
        reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
    ),
]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

# Who looks: the Kon Tum fixture's people (tests/conftest.py), and nobody.
PEOPLE = {
    "coordinator": "lan",  # Sở Công Thương, coordinator of the plan
    "lead_officer": "hung",  # Sở Công Thương, leads most tasks
    "co_officer": "minh",  # Sở Tài nguyên và Môi trường, co-operates on some
    "viewer": "an",
    "anonymous": None,
}
SIGNED_IN_PAGES = [
    "/",
    "/plans",
    "/plans/kon-tum-2013",
    "/plans/kon-tum-2013?status=overdue",
    "/agency",
    "/tasks/kon-tum-2013:2.1",
    "/tasks/kon-tum-2013:1.2@2014",
    "/plans/kon-tum-2013/periods/2014",
    "/plans/kon-tum-2013/periods/2014-H1",
    "/digest",
    "/calendar",
    "/search?q=chi+thi",
    "/plans/upload",
    "/search?q=xyzzy",
    "/stats",
    "/stats?plan=kon-tum-2013&period=2015",
    "/inbox",
    "/account",
    "/people",
    "/people/hung",
    "/people/changes",
    "/agencies",
    "/khong-co-trang-nay",
]
ANONYMOUS_PAGES = ["/signin", "/khong-co-trang-nay"]
WIDTHS = {"desktop": 1280, "phone": 390}

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# Words of an English sentence that no Vietnamese page should show.
ENGLISH = re.compile(
    r"\b(the|and|of|overdue|due|task|tasks|plan|plans|sign in|sign out|status|agency|"
    r"history|next|completed|escalation|not found|error|please|submit)\b",
    re.IGNORECASE,
)
# Letters only Vietnamese writes: an English page's own labels hold none.
VIETNAMESE = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I
)
# The page's own words in English: controls, headings of tables, legends, badges.
# Names (agencies, plans, task titles) stay Vietnamese: lists of choices, the names
# themselves (``span[title]`` is an agency's short name) and links to a task are left out.
OWN_WORDS = """
return [...document.querySelectorAll('nav a, button, label, th, legend, summary, .badge, .skip')]
  .map(e => { const c = e.cloneNode(true);
              c.querySelectorAll('select, span[title], a[href^="/tasks/"]').forEach(n => n.remove());
              return c.textContent.trim(); })
  .filter(t => t);
"""

CONTROLS_TOO_SMALL = """
return [...document.querySelectorAll('button, input:not([type=hidden]), select, textarea, nav a, a.button')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
  .filter(([_, h]) => h < 44);
"""
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => done(r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.html)}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));
"""


@pytest.fixture
def everyone(kon_tum: sessionmaker[Session]) -> dict[str, Any]:
    """Passwords for every person, and the codes no page may show."""
    with db.transaction(kon_tum) as s:
        for name in PEOPLE.values():
            if name:
                auth.set_password(s, name, PASSWORD)
        codes = list(s.scalars(select(Agency.code)))
        plans = list(s.scalars(select(Plan.id)))
    return {"codes": codes, "plans": plans}


def _sign_in(driver: Any, server: str, name: str, lang: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{server}/signin?lang={lang}")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.ID, "signin").click()
    WebDriverWait(driver, 20).until(lambda d: "/signin" not in d.current_url)


def _read(driver: Any, codes: list[str], plans: list[str], lang: str) -> list[str]:
    """What a reader would stumble on in the visible text of the page."""
    text = driver.execute_script("return document.body.innerText")
    found = [f"code {c}" for c in codes if c in text]
    found += [f"plan slug {p}" for p in plans if re.search(rf"(?<![\w/-]){p}\b", text)]
    found += [f"identifier {m}" for m in SNAKE.findall(text)]
    if lang == "vi":
        found += [f"English {m!r}" for m in ENGLISH.findall(text)]
    else:
        for label in driver.execute_script(OWN_WORDS):
            if VIETNAMESE.search(label):
                found.append(f"Vietnamese label {label!r}")
    return found


def _check_page(driver: Any, url: str, width: str, known: dict[str, Any], lang: str) -> list[str]:
    driver.get(url)
    problems = [f"{p}" for p in _read(driver, known["codes"], known["plans"], lang)]
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    inner = driver.execute_script("return window.innerWidth")
    if scroll > inner:
        problems.append(f"scrolls sideways ({scroll} px wide in {inner} px)")
    if width == "phone":
        problems += [
            f"control {h:.0f} px tall: {html}"
            for html, h in driver.execute_script(CONTROLS_TOO_SMALL)
        ]
    driver.execute_script(AXE)
    for v in driver.execute_async_script(RUN_AXE):
        problems.append(
            f"axe {v['impact']} {v['id']}: {json.dumps(v['nodes'], ensure_ascii=False)}"
        )
    return problems


def _crawl(driver: Any, server: str, person: str, known: dict[str, Any]) -> Iterator[str]:
    name = PEOPLE[person]
    for lang in ("vi", "en"):
        if name:
            driver.delete_all_cookies()
            _sign_in(driver, server, name, lang)
        else:
            driver.get(f"{server}/signin?lang={lang}")
        pages = SIGNED_IN_PAGES if name else ANONYMOUS_PAGES
        if person == "coordinator":
            pages = [*pages, "/audit"]
        for width, pixels in WIDTHS.items():
            driver.set_window_size(pixels, 900)
            for page in pages:
                for problem in _check_page(driver, f"{server}{page}", width, known, lang):
                    yield f"{person} {lang} {width} {page}: {problem}"


# Everyone on SQLite; on PostgreSQL the coordinator, who sees every page there is.
@pytest.mark.parametrize(
    ("db_url", "person"),
    [("sqlite", person) for person in PEOPLE] + [("postgresql", "coordinator")],
    indirect=["db_url"],
)
def test_every_page_reads_as_a_person_expects(
    server: str,
    browser: object,
    everyone: dict[str, Any],
    person: str,
) -> None:
    problems = list(_crawl(browser, server, person, everyone))
    assert not problems, "\n".join(problems[:40])
