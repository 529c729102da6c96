"""Escalation mail through a real SMTP server: Vietnamese multipart, copies, sent once, English on request."""

from __future__ import annotations

import email.message
from collections.abc import Callable

import pytest
from click.testing import Result
from sqlalchemy.orm import Session, sessionmaker

from notifiers.email import message_id
from tests.notify.conftest import SmtpAt

PLAN = "kon-tum-2013"
ADDRESSES = {
    "kon-tum/ubnd": "ubnd@kontum.example.vn",
    "kon-tum/sct": "sct@kontum.example.vn",
    "kon-tum/cac-so-nganh": "cacso@kontum.example.vn",
    "kon-tum/to-ho-tro": "tohotro@kontum.example.vn",
    "kon-tum/to-chuc-khcn": "khcn@kontum.example.vn",
}


def _mail_setup(run: Callable[..., Result], smtp: SmtpAt, monkeypatch: pytest.MonkeyPatch) -> None:
    smtp.start()
    monkeypatch.setenv("DONDOC_SMTP_URL", smtp.url)
    monkeypatch.setenv("DONDOC_SMTP_FROM", "Sở Công Thương Kon Tum <sxsh@kontum.example.vn>")
    for code, address in ADDRESSES.items():
        run("agencies", "set", code, "--email", address)


def _by_key(smtp: SmtpAt) -> dict[str, email.message.EmailMessage]:
    return {str(m["X-Dondoc-Key"]): m for m in smtp.recorder.received()}


def _parts(mail: email.message.EmailMessage) -> tuple[str, str]:
    assert mail.get_content_type() == "multipart/alternative"
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def test_escalation_mail_arrives_once_as_vietnamese_multipart_to_the_ubnd(
    kon_tum: sessionmaker[Session],
    run: Callable[..., Result],
    smtp: SmtpAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _mail_setup(run, smtp, monkeypatch)
    escalate = ("--lang", "vi", "escalate", "--as-of", "2015-03-16")
    assert "Đã tạo 39 lượt đôn đốc." in run(*escalate).output
    assert "Sent 13, to retry 0, dead 0." in run("notify", "dispatch").output
    assert "Đã tạo 0 lượt đôn đốc." in run(*escalate).output
    assert "Sent 0, to retry 0, dead 0." in run("notify", "dispatch").output

    mails = _by_key(smtp)
    assert len(smtp.recorder.envelopes) == 13
    key = f"esc:{PLAN}:2.1:overdue:3"
    assert set(mails) == {
        f"esc:{PLAN}:{code}:overdue:3"
        for code in ("2.1", "3.1", "3.2")
        + tuple(f"{c}@{y}" for c in ("1.2", "1.3", "1.4", "4.1", "4.3") for y in (2013, 2014))
    }
    mail = mails[key]
    assert mail["Subject"] == f"[dondoc] {PLAN}:2.1 quá hạn: đôn đốc cấp 3"
    assert mail["Message-ID"] == message_id(key)
    assert mail["To"] == "ubnd@kontum.example.vn"
    # The lower levels were reached while no sweep ran: their targets are copied.
    assert str(mail["Cc"]) == "sct@kontum.example.vn, cacso@kontum.example.vn"
    text, html = _parts(mail)
    for phrase in (
        "Văn bản: Quyết định 835/QĐ-UBND",
        "Nhiệm vụ: 2.1 — Xây dựng, trình UBND tỉnh ban hành Chỉ thị",
        "Cơ quan chủ trì: Sở Công Thương tỉnh Kon Tum",
        "Hạn: 31/12/2014 (quá hạn 46 ngày làm việc)",
        "Trạng thái: Đang dự thảo",
        "Đôn đốc cấp 3, gửi Ủy ban nhân dân tỉnh Kon Tum.",
        "Đã đến cấp 3 trong thời gian dondoc không chạy; các cấp 1, 2 cũng đã được ghi nhận.",
        # What can be done next, in words: no command lines for civil servants.
        "- Gửi lấy ý kiến",
        "- Tạm dừng (cần nhập Lý do)",
    ):
        assert phrase in text
    assert "dondoc advance" not in text and "--field" not in text
    assert "kon-tum/" not in text
    assert "Đồng gửi: " in text and "Các Sở, ngành" in text
    assert "Ủy ban nhân dân tỉnh Kon Tum" in html
    assert "<b>Gửi lấy ý kiến</b>" in html
    # Without the board's address there is nothing to link to.
    assert "/tasks/" not in html
    assert "<style" not in html  # mail clients drop style sheets: inline styles only


def test_level_one_mail_goes_to_the_owner_with_co_operating_agencies_in_copy(
    kon_tum: sessionmaker[Session],
    run: Callable[..., Result],
    smtp: SmtpAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _mail_setup(run, smtp, monkeypatch)
    run("--lang", "vi", "escalate", "--as-of", "2015-01-05")  # first working day after 31/12/2014
    run("notify", "dispatch")
    mails = _by_key(smtp)
    owner_sct = mails[f"esc:{PLAN}:2.1:overdue:1"]
    assert owner_sct["Subject"] == f"[dondoc] {PLAN}:2.1 quá hạn: đôn đốc cấp 1"
    assert owner_sct["To"] == "sct@kontum.example.vn"
    assert owner_sct["Cc"] == "cacso@kontum.example.vn"
    team = mails[f"esc:{PLAN}:1.2@2014:overdue:1"]
    assert team["To"] == "tohotro@kontum.example.vn"
    assert team["Cc"] == "khcn@kontum.example.vn"
    text, _ = _parts(team)
    assert "Hạn: 31/12/2014 (quá hạn 1 ngày làm việc)" in text
    assert "Đồng gửi: Các tổ chức khoa học và công nghệ." in text
    assert "cũng đã được ghi nhận" not in text


def test_escalation_mail_is_english_with_lang_en(
    kon_tum: sessionmaker[Session],
    run: Callable[..., Result],
    smtp: SmtpAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _mail_setup(run, smtp, monkeypatch)
    run("--lang", "en", "escalate", "--as-of", "2015-03-16")
    run("notify", "dispatch")
    mail = _by_key(smtp)[f"esc:{PLAN}:3.1:overdue:3"]
    assert mail["Subject"] == f"[dondoc] {PLAN}:3.1 overdue: escalation level 3"
    text, html = _parts(mail)
    assert "Legal reference: Quyết định 835/QĐ-UBND" in text
    assert "Escalation level 3, addressed to Kon Tum Provincial People's Committee" in text
    assert "Reached level 3 while dondoc was not running; level(s) 1, 2 also recorded." in text
    assert "Due: 2014-12-31 (46 working day(s) overdue)" in text
    assert "contact Kon Tum Department of Industry and Trade" in text
    assert "Kon Tum Provincial People&#39;s Committee" in html


def test_with_the_boards_address_every_task_links_to_its_page(
    kon_tum: sessionmaker[Session],
    run: Callable[..., Result],
    smtp: SmtpAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _mail_setup(run, smtp, monkeypatch)
    monkeypatch.setenv("DONDOC_BASE_URL", "https://dondoc.sct.example.gov.vn/")
    run("--lang", "vi", "escalate", "--as-of", "2015-03-16")
    run("notify", "dispatch")
    text, html = _parts(_by_key(smtp)[f"esc:{PLAN}:2.1:overdue:3"])
    link = f"https://dondoc.sct.example.gov.vn/tasks/{PLAN}:2.1"
    assert f"Mở nhiệm vụ trên dondoc: {link}" in text
    assert f'<a href="{link}"' in html


def test_a_base_url_that_is_not_a_web_address_is_refused_in_one_sentence(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONDOC_BASE_URL", "dondoc.local/board")
    refused = run("notify", "dispatch", ok=False)
    assert refused.exit_code == 1
    assert "DONDOC_BASE_URL: 'dondoc.local/board' is not the address of the dondoc board" in (
        refused.output
    )
