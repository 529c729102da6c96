"""The annual report (Markdown, HTML, xlsx) and the iCalendar export of deadlines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
from click.testing import Result
from icalendar import Calendar
from sqlalchemy.orm import Session, sessionmaker

from engine import db
from engine.report import annual_report
from notifiers.i18n import words
from notifiers.render import render
from notifiers.spreadsheet import _COLUMNS
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file


def test_the_annual_report_xlsx_holds_one_row_per_task(
    kon_tum: sessionmaker[Session], run: Callable[..., Result], tmp_path: Path
) -> None:
    run(
        "--as", "lan", "advance", "kon-tum-2013:1.1", "start",
        "--note", "Đã tổ chức hội nghị tuyên truyền", "--at", "2014-05-02",
    )  # fmt: skip
    target = tmp_path / "bao-cao-2014.xlsx"
    out = run(
        "--lang", "vi", "report", "annual", "--plan", "kon-tum-2013", "--year", "2014",
        "--xlsx", str(target),
    )  # fmt: skip
    assert "Đã ghi 13 dòng nhiệm vụ" in out.output
    assert "# Báo cáo kết quả thực hiện năm 2014" in out.output
    assert "Đã tổ chức hội nghị tuyên truyền" in out.output
    book = openpyxl.load_workbook(target)
    try:
        rows = list(book.active.iter_rows(values_only=True))
    finally:
        book.close()
    assert rows[0] == tuple(words("vi")(key) for key, _width in _COLUMNS)
    assert rows[0][:3] == ("Mã", "Nhiệm vụ", "Cơ quan chủ trì")
    assert [r[0] for r in rows[1:]] == [t.code for t in schema.load_and_validate(
        schema.plan_path("kon-tum-2013")).tasks]  # fmt: skip
    first = rows[1]
    assert first[1] == "Xây dựng và triển khai kế hoạch truyền thông"
    assert "Đã tổ chức hội nghị tuyên truyền" in first[8]


def test_the_annual_report_gives_nghe_an_budget_per_task_for_the_year(
    factory: sessionmaker[Session],
) -> None:
    with db.transaction(factory) as s:
        load_plan_file(s, schema.plan_path("nghe-an-2017"))
        data = annual_report(s, "nghe-an-2017", 2018)
    by_code = {t["code"]: t for t in data["tasks"]}
    assert by_code["1.1"]["budget_total"] == 30
    assert by_code["2.1"]["budget_total"] == 2000
    assert data["budget_total"] == 2735
    assert data["budget_unit"] == "million VND"
    markdown = render("report", "md", data, lang="vi")
    assert "| 2,000 |" in markdown
    assert "2,735 million VND" in markdown


def test_a_report_outside_the_plan_period_is_refused(
    kon_tum: sessionmaker[Session], run: Callable[..., Result]
) -> None:
    result = run("report", "annual", "--plan", "kon-tum-2013", "--year", "2030", ok=False)
    assert result.exit_code == 1
    assert "Error: kon-tum-2013 runs from 2013 to 2020; there is no report for 2030." in (
        result.output
    )


def test_the_html_report_escapes_markup(
    kon_tum: sessionmaker[Session], run: Callable[..., Result]
) -> None:
    run(
        "--as", "lan", "advance", "kon-tum-2013:1.1", "start",
        "--note", "<img src=x onerror=alert(1)>", "--at", "2015-03-01",
    )  # fmt: skip
    html = run("report", "annual", "--plan", "kon-tum-2013", "--year", "2015", "--format", "html")
    assert "<img" not in html.output and "<table" in html.output
    assert "&lt;img src=x onerror=alert(1)&gt;" in html.output


def test_the_ics_export_parses_with_one_event_per_open_occurrence(
    kon_tum: sessionmaker[Session], run: Callable[..., Result], tmp_path: Path
) -> None:
    target = tmp_path / "han.ics"
    args = ("export", "ics", "--plan", "kon-tum-2013", "--agency", "kon-tum/to-ho-tro")
    out = run(*args, "--as-of", "2015-03-16", "-o", str(target))
    calendar = Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    # Task 1.2, led by the support team, recurs yearly 2013-2020: eight open occurrences.
    assert len(events) == 8
    assert f"Wrote 8 deadlines to {target}." in out.output
    first = events[0]
    assert str(first["SUMMARY"]).startswith("[kon-tum-2013:1.2@2013] Tổ chức giới thiệu")
    assert first.decoded("DTSTART").isoformat() == "2013-12-31"
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 8

    again = tmp_path / "again.ics"
    run(*args, "--as-of", "2015-03-16", "-o", str(again))
    assert [str(e["UID"]) for e in Calendar.from_ical(again.read_bytes()).walk("VEVENT")] == uids
