"""The importer reads .xlsx, HTML tables and Markdown alike, and refuses what it cannot read."""

from __future__ import annotations

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

from engine.errors import InvalidInput
from tasks_catalog.importer import import_annex, import_annex_text
from tests.importer.report import lines, write
from tests.words import refused

HEADER = [
    "STT",
    "Nội dung",
    "Kết quả dự kiến",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian thực hiện",
    "Ghi chú",
]


def _workbook(path):
    book = Workbook()
    notes = book.active
    notes.title = "Ghi chú"
    notes.append(["Bảng này không phải phụ lục"])
    sheet = book.create_sheet("Phụ lục")
    sheet.append(["DANH MỤC NHIỆM VỤ"])
    sheet.append(HEADER)
    sheet.append(["I. Truyền thông về SXSH"])
    sheet.merge_cells("A3:G3")
    sheet["A3"].font = Font(bold=True)
    sheet.append(
        [1.1, "Tuyên truyền trên báo", "Tin bài", "Sở Công Thương", "Báo Kon Tum", "2014-2015"]
    )
    sheet.append(
        [1.2, "Thành lập Tổ hỗ trợ SXSH", "Tổ được thành lập", "Sở Công Thương", None, 2014]
    )
    sheet.append(
        [
            "1.3",
            "Tập huấn doanh nghiệp",
            "Lớp tập huấn",
            "Tổ hỗ trợ SXSH",
            "Các Sở, ngành có liên quan",
            "Thực hiện hàng năm",
        ]
    )
    # One lead printed once for two rows: a vertically merged cell.
    sheet.append(["1.4", "Hội thảo", "Hội thảo", "Sở Tài nguyên và Môi trường", None, "2016"])
    sheet.append(["1.5", "Khảo sát doanh nghiệp", "Báo cáo", None, None, "2017"])
    sheet.merge_cells("D7:D8")
    book.save(path)


def test_xlsx_annex_on_a_later_sheet_imports(tmp_path):
    path = tmp_path / "annex.xlsx"
    _workbook(path)
    result = import_annex(path, plan_id="kon-tum-2013", province="kon-tum")
    tasks = {t["code"]: t for t in result.catalog["tasks"]}
    assert list(tasks) == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert result.catalog["sections"] == [{"code": "1", "title": "Truyền thông về SXSH"}]
    assert tasks["1.1"]["co"] == ["kon-tum/bao"]
    assert tasks["1.2"]["window"] == {"start": 2014, "end": 2014}
    assert tasks["1.3"]["recurrence"] == "yearly"
    assert tasks["1.3"]["depends_on"] == ["1.2"]
    assert tasks["1.5"]["leads"] == ["kon-tum/stnmt"]


def test_html_table_with_spans_imports():
    document = """<h2>DANH MỤC</h2>
<table>
<tr><th>TT</th><th>Nhiệm vụ</th><th>Cơ quan thực hiện</th><th>Cơ quan phối hợp</th>
<th>Thời gian</th></tr>
<tr><td colspan="5"><b>II- Cơ chế, chính sách</b></td></tr>
<tr><td>2.1</td><td>Ban hành Chỉ thị về SXSH</td><td rowspan="2">Sở Công Thương</td>
<td>Sở Tư pháp</td><td>2013-2014</td></tr>
<tr><td>2.2</td><td>Rà soát văn bản<br>trái quy định</td><td>Sở Tư pháp, Hội Doanh nhân</td>
<td>2015</td></tr>
</table>"""
    result = import_annex_text(document, plan_id="kon-tum-2013", province="kon-tum")
    tasks = {t["code"]: t for t in result.catalog["tasks"]}
    assert result.catalog["sections"] == [{"code": "2", "title": "Cơ chế, chính sách"}]
    assert tasks["2.1"]["workflow"] == "directive"
    assert tasks["2.2"]["leads"] == ["kon-tum/sct"]
    assert tasks["2.2"]["title"] == "Rà soát văn bản trái quy định"
    assert tasks["2.2"]["co"] == ["kon-tum/stp", "kon-tum/unmapped-hoi-doanh-nhan"]
    assert any(
        line.startswith("task 2.2, field 'Cơ quan phối hợp': agency 'Hội Doanh nhân'")
        for line in lines(result)
    )


def test_markdown_annex_with_columns_in_another_order_imports():
    document = """| Thời gian thực hiện | Cơ quan phối hợp | STT | Cơ quan thực hiện | Nhiệm vụ |
|---|---|---|---|---|
| 2019 | | 1 | Sở Công thương | Xây dựng website SXSH |
| | | 2 | Sở Công thương | Điều tra hiện trạng |
"""
    result = import_annex_text(document, plan_id="kon-tum-2013", province="kon-tum")
    first, second = result.catalog["tasks"]
    assert (first["code"], first["workflow"], first["window"]) == (
        "1",
        "system_build",
        {"start": 2019, "end": 2019},
    )
    assert "window" not in second
    assert any(
        line.startswith("task 2, field 'Thời gian thực hiện': no time printed")
        for line in lines(result)
    )


def test_write_puts_the_report_above_the_yaml_and_beside_it(tmp_path, kon_tum):
    out = write(kon_tum, tmp_path / "out" / "kon-tum-2013.yaml")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Imported by `dondoc catalog import`")
    assert "# Import report" in text and "Sở Công Thương" not in text.split("format:")[0]
    assert "Xây dựng và triển khai kế hoạch truyền thông" in text  # unicode kept readable
    loaded = yaml.safe_load(text)
    assert [t["code"] for t in loaded["tasks"]] == [t["code"] for t in kon_tum.catalog["tasks"]]
    report = (tmp_path / "out" / "kon-tum-2013.yaml.report.txt").read_text(encoding="utf-8")
    assert report.splitlines() == lines(kon_tum)


def test_unsupported_extension_is_refused(tmp_path):
    path = tmp_path / "annex.odt"
    path.write_bytes(b"PK")
    with refused(InvalidInput, r"^Cannot import annex.odt: unsupported file type"):
        import_annex(path, plan_id="x-2013", province="x")


def test_a_broken_pdf_is_refused_with_a_sentence(tmp_path):
    path = tmp_path / "annex.pdf"
    path.write_bytes(b"%PDF-1.4")
    with refused(InvalidInput, r"^Cannot read annex.pdf: it is not a readable PDF"):
        import_annex(path, plan_id="x-2013", province="x")


def test_missing_file_is_refused(tmp_path):
    with refused(InvalidInput, "no such file"):
        import_annex(tmp_path / "none.txt", plan_id="x-2013", province="x")


def test_text_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "annex.txt"
    path.write_bytes("TT\tNhiệm vụ".encode("utf-16"))
    with refused(InvalidInput, "not UTF-8"):
        import_annex(path, plan_id="x-2013", province="x")


def test_broken_xlsx_is_refused(tmp_path):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(b"not a zip")
    with refused(InvalidInput, "not a readable .xlsx"):
        import_annex(path, plan_id="x-2013", province="x")


def test_document_without_an_annex_header_is_refused(tmp_path):
    path = tmp_path / "annex.md"
    path.write_text("| a | b |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    with refused(InvalidInput, r"^No annex table found in annex.md: expected"):
        import_annex(path, plan_id="x-2013", province="x")


def test_budget_table_alone_is_not_taken_for_tasks():
    document = "TT\tNội dung\tĐơn vị tính\tNăm 2017\tKinh phí\n1.1\tTuyên truyền\tLần\t1\t30\n"
    with refused(InvalidInput, "No annex table found"):
        import_annex_text(document, plan_id="x-2017", province="x")
