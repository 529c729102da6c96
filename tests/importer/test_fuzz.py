"""Random text and random tables never crash the importer: it returns a result or says InvalidInput."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInput
from tasks_catalog.importer import import_annex_text
from tasks_catalog.importer.agency_names import AgencyMatcher, split_roles
from tasks_catalog.windows import read_window
from tests.importer.report import to_yaml

HEADINGS = [
    "TT",
    "STT",
    "Nhiệm vụ",
    "Nội dung",
    "Nội dung hành động",
    "Kết quả dự kiến",
    "Cơ quan thực hiện",
    "Cơ quan phối hợp",
    "Thời gian thực hiện",
    "Ghi chú",
    "Kinh phí",
    "Đơn vị tính",
    "Chủ trì: Sở Công Thương - Phối hợp: Báo",
    "1.1",
    "I-",
    "<b>1</b>",
    "**5- Xây dựng**",
    "Thực hiện hàng năm",
    "2013-2014",
    "",
    " ",
    "|",
    "<ul><li>- a</li></ul>",
    "(",
    ")",
    "Các Sở: Công thương, TN&MT",
    "Nhiệm vụ 1: x",
    "<table>",
    "</table>",
    "<tr>",
    "<td rowspan=3>",
    "<td colspan=x>",
    "</td>",
    "<br>",
]
cell = st.one_of(st.sampled_from(HEADINGS), st.text(max_size=30))
row = st.lists(cell, min_size=1, max_size=8)


def _run(document: str) -> None:
    try:
        result = import_annex_text(document, plan_id="x-2013", province="x")
    except InvalidInput as error:
        assert str(error)
        return
    assert result.catalog["tasks"]
    for task in result.catalog["tasks"]:
        assert task["leads"], "every task has an owner, or the report says it was put"
    to_yaml(result)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, max_size=12), st.sampled_from(["|", "\t"]), st.booleans())
def test_random_tables_never_crash(rows, separator, flattened):
    if flattened:
        lines = ["\t" + c for r in rows for c in r]
    elif separator == "|":
        lines = ["| " + " | ".join(r) + " |" for r in rows]
        lines.insert(min(1, len(lines)), "|---|---|")
    else:
        lines = ["\t".join(r) for r in rows]
    _run("\n".join(lines))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_random_text_never_crashes(text):
    _run(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_agency_cells_and_time_cells_never_crash(text):
    parsed = AgencyMatcher("x", {}).parse(text)
    assert all(code.startswith(("x/", "vn/")) for code in parsed.codes)
    split_roles(text)
    read_window(text)
