"""Plans by upload (web.uploads): the Hà-Tĩnh-style annex of the importer's tests, on the board."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import auth, db
from engine.models import Event, Plan, Task
from engine.transition import advance
from engine.users import add_user
from tests.engine.helpers import user
from tests.importer import corpus
from tests.web.conftest import PASSWORD
from tests.web.test_pages import csrf_of, sign_in

FORMATS = {
    "md": corpus.markdown,
    "html": corpus.html,
    "docx": corpus.docx,
    "pdf": corpus.pdf,
    "xlsx": corpus.xlsx,
}


def add_nghe_an_coordinator(factory: sessionmaker[Session]) -> str:
    """A coordinator of Nghệ An's Department of Industry and Trade, with the test password."""
    with db.transaction(factory) as s:
        add_user(s, "hoa", "nghe-an/sct", "coordinator")
        auth.set_password(s, "hoa", PASSWORD)
    return "hoa"


@pytest.fixture
def hoa(kon_tum: sessionmaker[Session], passwords: str) -> str:
    return add_nghe_an_coordinator(kon_tum)


def upload(client: TestClient, path: Path, year: str = "2027", title: str = "") -> object:
    page = client.get("/plans/upload")
    return client.post(
        "/plans/upload",
        data={"csrf_token": csrf_of(page.text), "year": year, "title": title},
        files={"annex": (path.name, path.read_bytes(), "application/octet-stream")},
        follow_redirects=False,
    )


def draft_form(page: str) -> dict[str, object]:
    """The draft's form as the browser would send it: every field with its current value."""
    form: dict[str, object] = {"csrf_token": csrf_of(page)}
    for name, value in re.findall(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"', page):
        form.setdefault(name, value)
    for name, body in re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        form[name] = body
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.findall(r'<option value="([^"]*)" selected>', options)
        if name.endswith(("-leads", "-co")):
            current = form.setdefault(name, [])
            assert isinstance(current, list)
            current.extend(c for c in chosen if c)
        elif chosen:
            form[name] = chosen[0]
    for name, options in re.findall(
        r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', page, re.S
    ):
        chosen = re.findall(r'<option value="([^"]*)" selected>', options)
        if chosen:
            form[name] = chosen[0]
    return form


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_every_format_the_importer_reads_becomes_a_draft_with_its_points_beside_the_rows(
    client: TestClient, hoa: str, tmp_path: Path, kind: str
) -> None:
    sign_in(client, hoa)
    posted = upload(client, FORMATS[kind](tmp_path / f"phu-luc.{kind}"))
    assert posted.status_code == 303, posted.text
    location = posted.headers["location"]
    assert location.startswith("/plans/drafts/")
    page = client.get(location, params={"lang": "vi"})
    assert page.status_code == 200
    assert page.text.count('<tr id="task-') == corpus.TASK_COUNT
    # The unrecognised ministry is named beside its row, and chosen as "not in the directory".
    row = page.text.split('<tr id="task-3">')[1].split("</tr>")[0]
    assert "Bộ Khoa học và Công nghệ" in row
    assert "Chưa có trong danh bạ: Bộ Khoa học và Công nghệ" in row
    # A reload shows the same draft: it is kept on the server, not in the browser.
    assert client.get(location, params={"lang": "vi"}).text.count('<tr id="task-') == 8
    # And the upload page lists it, to come back to later.
    listed = client.get("/plans/upload")
    assert listed.status_code == 200 and f'href="{location}"' in listed.text


def test_the_coordinator_corrects_agencies_and_loads_the_plan_then_a_reload_keeps_history(
    client: TestClient, hoa: str, tmp_path: Path, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, hoa)
    source = corpus.docx(tmp_path / "phu-luc.docx")
    location = upload(client, source, title="Kế hoạch thực hiện sản xuất sạch hơn").headers[
        "location"
    ]
    page = client.get(location).text
    refused = client.post(location, data={**draft_form(page), "action": "load"})
    assert refused.status_code == 422
    # The refusal names the agency that is in no directory by the name the annex printed.
    alerts = " ".join(re.findall(r'role="alert">([^<]*)<', refused.text))
    assert "Bộ Khoa học và Công nghệ" in alerts and "nghe-an/" not in alerts
    # The points beside the rows name agencies by name and the plan by nothing: no codes,
    # and a guessed workflow or recurrence by its label, not as a plan file spells it.
    shown = re.sub(r"<[^>]+>", " ", page)
    assert "nghe-an/" not in shown and "nghe-an-2027" not in shown
    points = " ".join(re.findall(r'<ul class="points">(.*?)</ul>', page, re.S))
    assert points and not re.search(r"\b(recurring_activity|half_yearly|generic|yearly)\b", points)
    with db.transaction(kon_tum) as s:
        assert s.get(Plan, "nghe-an-2027") is None
    form = draft_form(page)
    form["t0-co"] = ["nghe-an/snnmt", "nghe-an/dai-ptth"]
    form["t3-co"] = ["nghe-an/skhcn"]
    # Issued and begun in 2026, so that a step can be recorded today.
    form["issued"], form["period_start"] = "2026-01-15", "2026"
    saved = client.post(location, data={**form, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303
    again = client.get(location).text
    assert 'value="nghe-an/dai-ptth" selected' in again
    loaded = client.post(location, data={**draft_form(again), "action": "load"})
    assert loaded.status_code == 200, re.findall(r"role=.alert.>[^<]*<", loaded.text)
    assert str(loaded.url).endswith("/plans/nghe-an-2027")
    assert "8 task(s) added" in loaded.text or "thêm 8 nhiệm vụ" in loaded.text
    with db.transaction(kon_tum) as s:
        plan = s.get(Plan, "nghe-an-2027")
        assert plan is not None and plan.title_vi == "Kế hoạch thực hiện sản xuất sạch hơn"
        (task,) = s.scalars(select(Task).where(Task.plan_id == plan.id, Task.code == "I.1"))
        assert task.co_agencies == ["nghe-an/snnmt", "nghe-an/dai-ptth"]
        advance(s, user(s, hoa), "nghe-an-2027:I.1", "comment", note="Đã đăng tin trên báo")
    assert client.get(location).status_code == 404  # a loaded draft is gone
    # The same annex again, one title corrected: the plan is updated, its history kept.
    second = upload(client, source, title="Kế hoạch thực hiện sản xuất sạch hơn").headers[
        "location"
    ]
    form = draft_form(client.get(second).text)
    form["t0-co"] = ["nghe-an/snnmt", "nghe-an/dai-ptth"]
    form["t3-co"] = ["nghe-an/skhcn"]
    form["issued"], form["period_start"] = "2026-01-15", "2026"
    form["t1-title"] = "Tập huấn cho cán bộ cấp xã về sản xuất sạch hơn"
    reloaded = client.post(second, data={**form, "action": "load"})
    assert reloaded.status_code == 200, reloaded.text
    with db.transaction(kon_tum) as s:
        notes = s.scalars(
            select(Event.note).join(Event.occurrence).where(Event.trigger == "comment")
        ).all()
        assert "Đã đăng tin trên báo" in notes
        titles = set(s.scalars(select(Task.title).where(Task.plan_id == "nghe-an-2027")))
        assert "Tập huấn cho cán bộ cấp xã về sản xuất sạch hơn" in titles


def test_only_a_coordinator_of_the_province_uploads_and_a_draft_is_its_uploaders(
    client: TestClient, hoa: str, tmp_path: Path
) -> None:
    source = corpus.markdown(tmp_path / "a.md")
    sign_in(client, "hung")  # an officer of Kon Tum
    refused = upload(client, source)
    assert refused.status_code == 403
    assert "only a coordinator of" in refused.text.lower() or "chỉ cán bộ điều phối" in refused.text
    sign_in(client, hoa)
    location = upload(client, source).headers["location"]
    sign_in(client, "lan")  # a coordinator of another province
    assert client.get(location).status_code == 404


def test_a_file_the_importer_does_not_read_or_too_large_is_refused_in_the_page(
    client: TestClient, hoa: str, tmp_path: Path
) -> None:
    sign_in(client, hoa)
    script = tmp_path / "annex.exe"
    script.write_bytes(b"MZ\x90\x00<script>alert(1)</script>")
    refused = upload(client, script)
    assert refused.status_code == 422
    assert "<script>alert(1)" not in refused.text
    big = tmp_path / "annex.md"
    big.write_bytes(b"x" * (9 * 1024 * 1024))
    assert upload(client, big).status_code == 413


def test_a_plan_without_a_name_is_not_loaded(
    client: TestClient, hoa: str, tmp_path: Path, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, hoa)
    location = upload(client, corpus.markdown(tmp_path / "a.md")).headers["location"]
    page = client.get(location, params={"lang": "en"}).text
    assert 'id="title_vi" name="title_vi" value=""' in page
    form = {**draft_form(page), "action": "load"}
    form["t0-co"] = ["nghe-an/snnmt"]
    form["t3-co"] = []
    refused = client.post(location, data=form)
    assert refused.status_code == 422
    assert "Fill in the name of plan nghe-an-2027 before loading it." in refused.text


@pytest.mark.parametrize(
    ("lang", "field", "unknown", "day"),
    [
        ("vi", "trường 'Cơ quan phối hợp'", "chưa có trong danh bạ cơ quan", "hạn 30/06/2027"),
        ("en", "field 'Co-operating agencies'", "is not in the agency directory", "2027-06-30"),
    ],
)
def test_a_refused_load_words_its_problems_with_the_pages_words(
    client: TestClient, hoa: str, tmp_path: Path, lang: str, field: str, unknown: str, day: str
) -> None:
    sign_in(client, hoa)
    location = upload(client, corpus.docx(tmp_path / "phu-luc.docx"), title="KH").headers[
        "location"
    ]
    page = client.get(location, params={"lang": lang}).text
    refused = client.post(f"{location}?lang={lang}", data={**draft_form(page), "action": "load"})
    assert refused.status_code == 422
    alerts = [html.unescape(a) for a in re.findall(r'role="alert">([^<]*)<', refused.text)]
    # The field as the draft's table heads it, the agency by the name the annex printed,
    # said to be missing from the directory (not "not a known agency code").
    problem = next(a for a in alerts if "Bộ Khoa học và Công nghệ" in a)
    assert field in problem and unknown in problem, alerts
    assert not any(re.search(r"'(co|leads)'|mã cơ quan|agency code", a) for a in alerts)
    # The importer's points beside the rows give the day as the page's language writes it.
    points = html.unescape(" ".join(re.findall(r'<ul class="points">(.*?)</ul>', page, re.S)))
    assert day in points
    if lang == "vi":
        assert "2027-06-30" not in points and "hạn 15/12" in points


def test_the_upload_keeps_nothing_but_the_draft(
    client: TestClient, hoa: str, tmp_path: Path, kon_tum: sessionmaker[Session]
) -> None:
    from engine.plan_drafts import PlanDraft

    sign_in(client, hoa)
    upload(client, corpus.markdown(tmp_path / "a.md"))
    with db.transaction(kon_tum) as s:
        assert s.scalar(select(func.count()).select_from(PlanDraft)) == 1
