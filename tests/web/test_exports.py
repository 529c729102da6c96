"""Lists of the board as files: .xlsx and .csv with the page's words, no live formula; calendars."""

from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import db
from engine.models import Plan
from engine.transition import advance
from tests.engine.helpers import user
from tests.web.test_pages import REF, csrf_of, sign_in

HOSTILE = '=HYPERLINK("http://evil.example","Bấm vào đây")'


def _cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [c for row in book.active.iter_rows() for c in row]


def test_an_exported_report_keeps_vietnamese_and_no_live_formula_from_a_hostile_note(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    with db.transaction(kon_tum) as s:
        lan = user(s, "lan")
        advance(s, lan, REF, "consult", note=HOSTILE, at=dt.datetime(2014, 6, 2, 3, tzinfo=dt.UTC))
        advance(
            s,
            lan,
            REF,
            "appraise",
            note="@SUM(1+1) và -2+3",
            at=dt.datetime(2014, 6, 3, 3, tzinfo=dt.UTC),
        )
    sign_in(client, "lan")
    page = client.get("/plans/kon-tum-2013")
    assert 'action="/export/report.xlsx"' in page.text
    got = client.get("/export/report.xlsx?plan=kon-tum-2013&year=2014")
    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"].startswith("attachment;")
    cells = _cells(got.content)
    assert all(c.data_type != "f" for c in cells)
    texts = "\n".join(str(c.value) for c in cells if c.value is not None)
    assert "Bấm vào đây" in texts and "Nhiệm vụ" in texts


def test_a_filtered_list_exports_as_xlsx_and_csv_with_the_page_headings(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    with db.transaction(kon_tum) as s:
        s.execute(update(Plan).where(Plan.id == "kon-tum-2013").values(legal_ref=HOSTILE))
    sign_in(client, "lan")
    page = client.get("/plans/kon-tum-2013?agency=kon-tum/stnmt")
    links = re.findall(r'href="(/export/plans/kon-tum-2013\.(?:xlsx|csv)[^"]*)"', page.text)
    assert len(links) == 2 and all("agency=kon-tum/stnmt" in link for link in links)
    cells = _cells(client.get(links[0]).content)
    assert [c.value for c in cells[:6]] == [
        "Nhiệm vụ",
        "Trạng thái",
        "Tình trạng",
        "Thời gian thực hiện",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
    ]
    assert any("Sở Tài nguyên và Môi trường" in str(c.value) for c in cells)
    # The filter holds: the file has the rows the page shows, no more.
    shown = page.text.count('<tr class="cat-')
    assert 0 < shown < client.get("/plans/kon-tum-2013").text.count('<tr class="cat-')
    assert len(cells) // 6 - 1 == shown
    csv = client.get(links[1]).content
    assert csv.startswith(b"\xef\xbb\xbf")
    assert csv.decode("utf-8-sig").splitlines()[0] == (
        "Nhiệm vụ,Trạng thái,Tình trạng,Thời gian thực hiện,Cơ quan chủ trì,Cơ quan phối hợp"
    )
    # The worklist names its plan by its document number: here a hostile one, kept as text.
    worklist = client.get("/export/worklist.xlsx?plan=kon-tum-2013")
    cells = _cells(worklist.content)
    assert cells[1].value == "Kế hoạch"
    hostile = [c for c in cells if c.value == HOSTILE]
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)
    assert all(c.data_type != "f" for c in cells)
    text = client.get("/export/worklist.csv?plan=kon-tum-2013").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert client.get("/export/worklist.pdf").status_code == 404


def test_a_cell_that_begins_like_a_formula_stays_text_in_csv() -> None:
    from notifiers.table_export import csv_bytes

    data = csv_bytes(["Tên"], [["=1+1"], ["+1"], ["-1"], ["@x"], ["\tx"], ["\rx"], ["Bình thường"]])
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1:5] == ["'=1+1", "'+1", "'-1", "'@x"]
    assert "Bình thường" in lines


def test_a_calendar_address_works_without_sign_in_until_it_is_revoked(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "lan")
    assert client.get("/export/calendar.ics?plan=kon-tum-2013").text.startswith("BEGIN:VCALENDAR")
    page = client.get("/calendar")
    made = client.post(
        "/calendar",
        data={"csrf_token": csrf_of(page.text), "action": "make", "plan": "kon-tum-2013"},
    )
    url = re.search(
        r'<code id="feed-url">http://testserver(/calendar/[^<]+\.ics)</code>', made.text
    )
    assert url, made.text
    client.cookies.clear()
    feed = client.get(url.group(1))
    assert feed.status_code == 200 and "BEGIN:VEVENT" in feed.text
    sign_in(client, "lan")
    page = client.get("/calendar")
    assert "feed-url" not in page.text  # shown once
    client.post("/calendar", data={"csrf_token": csrf_of(page.text), "action": "revoke"})
    client.cookies.clear()
    assert client.get(url.group(1)).status_code == 404
