"""An agency's edits are in the record of changes, as accounts' are: who changed where its
notifications go, when, from what to what (the board's form and ``dondoc agencies set``)."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine.account_models import AccountChange
from tests.conftest import Run
from tests.web.test_pages import csrf_of, sign_in
from tests.web.test_people import quang_ngai  # noqa: F401 (the fixture)

FINANCE = {
    "code": "quang-ngai/stc",
    "name_vi": "Sở Tài chính tỉnh Quảng Ngãi",
    "name_en": "Quang Ngai Department of Finance",
    "email": "stc@quangngai.gov.vn",
    "webhook": "",
}


def _recorded(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(AccountChange)) or 0)


def _save(client: TestClient, **fields: str) -> str:
    page = client.get("/agencies")
    answer = client.post("/agencies", data={"csrf_token": csrf_of(page.text), **fields})
    assert answer.status_code == 200
    return answer.text


def test_a_coordinators_edit_of_an_agency_is_recorded_with_before_and_after(
    quang_ngai: sessionmaker[Session],  # noqa: F811
    client: TestClient,
) -> None:
    sign_in(client, "thao")
    _save(client, **FINANCE)
    before = _recorded(quang_ngai)
    saved = _save(client, **{**FINANCE, "email": "taichinh@quangngai.gov.vn"})
    assert "Đã lưu" in saved
    assert _recorded(quang_ngai) == before + 1

    record = html.unescape(client.get("/people/changes").text)
    assert "Nhật ký thay đổi tài khoản và cơ quan" in record
    row = record.split("<tbody>", 1)[1].split("</tr>", 1)[0]  # the newest change
    assert "thao" in row and "Sở Tài chính tỉnh Quảng Ngãi" in row
    assert "Sửa thông tin cơ quan" in row
    assert "Thư điện tử: stc@quangngai.gov.vn → taichinh@quangngai.gov.vn" in row
    assert "Tên tiếng Việt" not in row  # only what changed

    # Saved again as it stands, or refused: nothing more in the record.
    _save(client, **{**FINANCE, "email": "taichinh@quangngai.gov.vn"})
    refused = _save(client, **{**FINANCE, "webhook": "http://10.0.0.5/hook"})
    assert "Đã lưu" not in refused
    assert _recorded(quang_ngai) == before + 1


def test_the_administrators_dondoc_agencies_set_is_recorded_too(
    quang_ngai: sessionmaker[Session],  # noqa: F811
    run: Run,
) -> None:
    done = run("agencies", "set", "quang-ngai/stc", "--email", "stc@quangngai.gov.vn")
    assert done.exit_code == 0, done.output
    listed = json.loads(run("users", "changes", "--province", "quang-ngai", "--json").stdout)
    assert listed[0] == {
        "at": listed[0]["at"],
        "actor": "system",
        "user": "",
        "province": "quang-ngai",
        "action": "agency_edited",
        "details": {"agency": "quang-ngai/stc", "email": ["", "stc@quangngai.gov.vn"]},
    }
    cleared = run("agencies", "set", "quang-ngai/stc", "--email", "")
    assert cleared.exit_code == 0, cleared.output
    listed = json.loads(run("users", "changes", "--province", "quang-ngai", "--json").stdout)
    assert listed[0]["details"] == {
        "agency": "quang-ngai/stc",
        "email": ["stc@quangngai.gov.vn", ""],
    }
    # As a table: the agency in the name column, the moment in Vietnam's time.
    table = run("users", "changes", "--province", "quang-ngai").stdout.splitlines()
    assert re.match(
        r"(\d\d/\d\d/\d{4}|\d{4}-\d\d-\d\d) \d\d:\d\d  system +quang-ngai/stc ", table[2]
    )
    assert "email=['stc@quangngai.gov.vn', '']" in table[2]
