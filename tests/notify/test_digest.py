"""The weekly digest: Kon Tum's facts, the three formats, and mail that arrives once and intact."""

from __future__ import annotations

import datetime as dt
import email.message
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from sqlalchemy.orm import Session, sessionmaker

from engine import db
from engine.digest import DigestBook, digest_data, recipients
from engine.digest_job import digest_key, queue_digests
from engine.digest_job import run as run_weekly
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file
from tests.conftest import BEFORE_2025
from tests.notify.conftest import SmtpAt

AS_OF = dt.date(2015, 3, 16)
KON_TUM_OVERDUE = {
    "kon-tum-2013:1.2@2013",
    "kon-tum-2013:1.3@2013",
    "kon-tum-2013:1.4@2013",
    "kon-tum-2013:4.1@2013",
    "kon-tum-2013:4.3@2013",
    "kon-tum-2013:1.2@2014",
    "kon-tum-2013:1.3@2014",
    "kon-tum-2013:1.4@2014",
    "kon-tum-2013:2.1",
    "kon-tum-2013:3.1",
    "kon-tum-2013:3.2",
    "kon-tum-2013:4.1@2014",
    "kon-tum-2013:4.3@2014",
}
EVIL_TITLE = "<script>alert('x')</script> Chỉ thị\r\nBcc: spy@evil.example\r\n\r\n<b>bold</b>"


def test_the_kon_tum_digest_of_16_march_2015_lists_the_13_overdue_occurrences(
    kon_tum: sessionmaker[Session],
) -> None:
    with kon_tum() as s:
        data = digest_data(s, plan_id="kon-tum-2013", as_of=AS_OF)
    assert data["counts"]["overdue"] == 13
    assert {o["ref"] for o in data["overdue"]} == KON_TUM_OVERDUE
    # Sorted by working days overdue: the 2013 occurrences come first.
    days = [o["working_days_overdue"] for o in data["overdue"]]
    assert days == sorted(days, reverse=True) and days[0] > days[-1] > 0
    assert data["overdue"][0]["ref"].endswith("@2013")
    assert data["total"] == sum(data["counts"].values())
    assert [t["year"] for t in data["plans"][0]["targets"]][:1] == [2015]


def test_the_printed_digest_is_vietnamese_by_default_and_english_on_request(
    kon_tum: sessionmaker[Session], run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DONDOC_LANG")  # the product's default, not the tests' English
    vi = run("digest", "--plan", "kon-tum-2013", "--as-of", "2015-03-16").output
    assert "Nhiệm vụ quá hạn (13):" in vi
    # Tasks as printed in the plan, never by reference code.
    assert "kon-tum-2013" not in vi
    assert "  - 1.2 (năm 2013) | " in vi
    en = run("--lang", "en", "digest", "--plan", "kon-tum-2013", "--as-of", "2015-03-16").output
    assert "Overdue tasks (13):" in en
    md = run("digest", "--plan", "kon-tum-2013", "--as-of", "2015-03-16", "--format", "md").output
    assert md.startswith("# Báo cáo tình hình thực hiện hằng tuần")
    assert "| Quá hạn | 13 | 27 |" in md
    html = run("digest", "--plan", "kon-tum-2013", "--format", "html", "--as-of", "2015-03-16")
    assert "width:27%" in html.output
    assert "<script" not in html.output and "http" not in html.output


def test_an_agency_digest_holds_only_that_agencys_tasks(kon_tum: sessionmaker[Session]) -> None:
    with kon_tum() as s:
        data = digest_data(s, plan_id="kon-tum-2013", agency="kon-tum/to-ho-tro", as_of=AS_OF)
    assert {o["ref"] for o in data["overdue"]} == {
        "kon-tum-2013:1.2@2013",
        "kon-tum-2013:1.2@2014",
    }


def test_a_digest_change_of_the_last_week_is_listed_but_catalog_loading_is_not(
    kon_tum: sessionmaker[Session], run: Callable[..., Result]
) -> None:
    run("--as", "lan", "advance", "kon-tum-2013:1.1", "start", "--at", "2015-03-12")
    with kon_tum() as s:
        data = digest_data(s, plan_id="kon-tum-2013", as_of=AS_OF)
        later = digest_data(s, plan_id="kon-tum-2013", as_of=AS_OF + dt.timedelta(days=10))
    assert [(c["ref"], c["trigger"], c["actor"]) for c in data["changes"]] == [
        ("kon-tum-2013:1.1", "start", "lan")
    ]
    assert later["changes"] == []


def _mail_setup(run: Callable[..., Result], smtp: SmtpAt, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DONDOC_SMTP_URL", smtp.url)
    monkeypatch.setenv("DONDOC_SMTP_FROM", "Sở Công Thương Kon Tum <sxsh@kontum.example.vn>")
    run("agencies", "set", "kon-tum/sct", "--email", "sct@kontum.example.vn")
    run("agencies", "set", "kon-tum/to-ho-tro", "--email", "tohotro@kontum.example.vn")


def _by_recipient(smtp: SmtpAt) -> dict[str, email.message.EmailMessage]:
    return {str(m["To"]): m for m in smtp.recorder.received()}


def test_digest_mail_arrives_once_as_vietnamese_multipart(
    kon_tum: sessionmaker[Session],
    run: Callable[..., Result],
    smtp: SmtpAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp.start()
    _mail_setup(run, smtp, monkeypatch)
    send = ("--lang", "vi", "digest", "--send", "--plan", "kon-tum-2013")
    sent = run(*send, "--as-of", "2015-03-16").output
    assert "Đã xếp 17 bản tin vào hàng đợi; 0 bản tin đã xếp trong tuần này." in sent
    assert "Sent 17, to retry 0, dead 0." in run("notify", "dispatch").output
    assert "Sent 0, to retry 0, dead 0." in run("notify", "dispatch").output
    again = run(*send, "--as-of", "2015-03-18").output
    assert "Đã xếp 0 bản tin vào hàng đợi; 17 bản tin đã xếp trong tuần này." in again

    mails = _by_recipient(smtp)
    # Only the two agencies with an address get mail; the others are .eml files.
    assert set(mails) == {"sct@kontum.example.vn", "tohotro@kontum.example.vn"}
    mail = mails["sct@kontum.example.vn"]
    assert mail["Subject"].startswith("[SXSH] Báo cáo tình hình thực hiện hằng tuần 2015-W12")
    assert "Sở Công Thương" in mail["Subject"]
    assert "Sở Công Thương Kon Tum" in str(mail["From"])
    key = digest_key("kon-tum-2013", "kon-tum/sct", AS_OF)
    assert mail["X-Dondoc-Key"] == key
    assert mail["Message-ID"].startswith("<digest-kon-tum-2013-kon-tum-sct-2015-W12")
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    assert "Nhiệm vụ quá hạn (11):" in text.get_content()
    assert "Xây dựng, trình UBND tỉnh ban hành Chỉ thị" in text.get_content()
    assert "Nhiệm vụ quá hạn (11)" in html.get_content()
    assert "Đào tạo cán bộ về SXSH" in html.get_content()


def test_digest_mail_queued_while_the_server_is_down_is_delivered_once_when_it_returns(
    kon_tum: sessionmaker[Session],
    run: Callable[..., Result],
    smtp: SmtpAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from notifiers import load_config
    from notifiers.dispatch import dispatch_pending

    _mail_setup(run, smtp, monkeypatch)
    run("digest", "--send", "--plan", "kon-tum-2013", "--agency", "kon-tum/sct")
    now = dt.datetime.now(dt.UTC)
    down = dispatch_pending(kon_tum, config=load_config(), now=now)
    assert (down.sent, down.failed) == (0, 1)
    listed = run("notify", "list", "--status", "pending").output
    assert "kon-tum/sct" in listed and "1 message." in listed
    smtp.start()
    assert dispatch_pending(kon_tum, config=load_config(), now=now).sent == 0  # backing off
    back = dispatch_pending(kon_tum, config=load_config(), now=now + dt.timedelta(minutes=2))
    assert back.sent == 1
    assert dispatch_pending(kon_tum, config=load_config(), now=now + dt.timedelta(days=1)).sent == 0
    assert list(_by_recipient(smtp)) == ["sct@kontum.example.vn"]


def _evil_catalog(tmp_path: Path) -> Path:
    from tasks_catalog import schema

    doc = yaml.safe_load(schema.plan_path("kon-tum-2013").read_text(encoding="utf-8"))
    [task] = [t for t in doc["tasks"] if t["code"] == "2.1"]
    task["title"] = EVIL_TITLE
    path = tmp_path / "kon-tum-evil.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_markup_and_line_breaks_in_a_title_are_escaped_and_inject_no_header(
    db_url: str,
    run: Callable[..., Result],
    smtp: SmtpAt,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run("catalog", "load", str(_evil_catalog(tmp_path)))
    html = run("digest", "--format", "html", "--as-of", "2015-03-16").output
    assert "<script" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    text = run("--lang", "vi", "digest", "--as-of", "2015-03-16").output
    assert "Chỉ thị Bcc: spy@evil.example <b>bold</b>" in text

    smtp.start()
    _mail_setup(run, smtp, monkeypatch)
    run("digest", "--send", "--agency", "kon-tum/sct", "--as-of", "2015-03-16")
    assert "Sent 1," in run("notify", "dispatch").output
    [mail] = smtp.recorder.received()
    assert mail["Bcc"] is None
    [envelope] = smtp.recorder.envelopes
    assert envelope.rcpt_tos == ["sct@kontum.example.vn"]
    body = mail.get_body(("html",))
    assert body is not None and "<script" not in body.get_content()


def test_the_weekly_job_queues_each_plan_once_a_week(kon_tum: sessionmaker[Session]) -> None:
    first = run_weekly(kon_tum, as_of=AS_OF)
    second = run_weekly(kon_tum, as_of=AS_OF + dt.timedelta(days=2))
    assert first.queued == 17 and (second.queued, second.already) == (0, 17)
    with db.transaction(kon_tum) as s:
        assert digest_data(s, plan_id="kon-tum-2013", as_of=AS_OF)["total"] == 48


def _with_dong_thap(factory: sessionmaker[Session]) -> None:
    """Đồng Tháp's plan 50/KH-UBND: issued 14 March 2016, period 2016-2020.

    Loaded on the Kon Tum fixture's day, before the 2025 reorganisation (a load
    applies every succession due by its day, engine.succession).
    """
    with db.transaction(factory) as s:
        load_plan_file(s, schema.plan_path("dong-thap-2016"), now=BEFORE_2025)


def test_the_digest_book_gives_digest_data_for_every_plan_and_agency(
    kon_tum: sessionmaker[Session], run: Callable[..., Result]
) -> None:
    from engine.escalation import sweep
    from engine.views import task_rows

    _with_dong_thap(kon_tum)
    run("--as", "lan", "advance", "kon-tum-2013:1.1", "start", "--at", "2015-03-12")
    sweep(kon_tum, as_of=dt.date(2016, 6, 20))
    plans = ("kon-tum-2013", "dong-thap-2016")
    levels = changes = 0
    with kon_tum() as s:
        agencies = sorted(
            {c for r in task_rows(s, as_of=AS_OF) for c in (*r["leads"], *r["co_agencies"])}
        )
        assert len(agencies) > 10
        scopes = [(None, None), *((p, None) for p in plans), *((None, a) for a in agencies)]
        scopes += [(p, a) for p in plans for a in agencies]
        # AS_OF has the week's change; 2016-06-20 has escalation levels and both plans open.
        for as_of in (AS_OF, dt.date(2016, 6, 20)):
            book = DigestBook(s, as_of)
            for plan_id, agency in scopes:
                expected = digest_data(s, plan_id=plan_id, agency=agency, as_of=as_of)
                assert book.data(plan_id=plan_id, agency=agency) == expected, (plan_id, agency)
                levels += sum(1 for o in expected["overdue"] if o["level"])
                changes += len(expected["changes"])
            one_plan = DigestBook(s, as_of, "kon-tum-2013")
            assert one_plan.data(plan_id="kon-tum-2013") == digest_data(
                s, plan_id="kon-tum-2013", as_of=as_of
            )
    # The comparison covered escalation levels and changes, not only empty lists.
    assert levels > 0 and changes > 0


def test_a_plan_whose_period_has_not_begun_sends_no_digest(
    kon_tum: sessionmaker[Session],
) -> None:
    _with_dong_thap(kon_tum)
    with db.transaction(kon_tum) as s:
        assert recipients(s, "dong-thap-2016", AS_OF) == []
        # Issued on 14 March 2016: the day before it, still nobody to report to.
        assert recipients(s, "dong-thap-2016", dt.date(2016, 3, 13)) == []
        assert "dong-thap/sct" in recipients(s, "dong-thap-2016", dt.date(2016, 3, 14))
        result = queue_digests(s, as_of=AS_OF)
    assert result.queued == 17
    assert all(key.startswith("digest:kon-tum-2013:") for key in result.keys)
