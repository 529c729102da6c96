"""The .docx and .pdf readers: what they refuse, with a sentence, and the bounds they keep."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from engine.errors import InvalidInput
from tasks_catalog.importer import docx_tables, import_annex, pdf_tables
from tests.importer import corpus
from tests.importer.report import lines
from tests.words import refused


def test_a_scanned_pdf_without_text_is_refused_saying_so(tmp_path):
    scan = FPDF()
    scan.add_page()
    scan.rect(20, 20, 150, 200, style="F")  # a page that is only a picture
    path = tmp_path / "scan.pdf"
    scan.output(str(path))
    with refused(InvalidInput, r"^Cannot import scan.pdf: the PDF has no text layer \(a scan\)"):
        import_annex(path, plan_id="ha-tinh-2027", province="ha-tinh")


def test_a_pdf_with_more_pages_than_the_limit_is_refused(tmp_path, monkeypatch):
    path = corpus.pdf(tmp_path / "long.pdf")
    monkeypatch.setattr(pdf_tables, "MAX_PAGES", 1)
    with refused(
        InvalidInput, r"^Cannot import long.pdf: it has 2 pages, more than the limit of 1"
    ):
        import_annex(path, plan_id="ha-tinh-2027", province="ha-tinh")


def test_a_docx_that_unpacks_past_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    path = corpus.docx(tmp_path / "big.docx")
    monkeypatch.setattr(docx_tables, "MAX_UNPACKED_BYTES", 10_000)
    with refused(InvalidInput, r"^Cannot import big.docx: the file \(or what it unpacks to\)"):
        import_annex(path, plan_id="ha-tinh-2027", province="ha-tinh")


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_a_broken_document_is_refused_with_a_sentence(tmp_path, suffix):
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"not a document at all")
    kind = "Word .docx document" if suffix == ".docx" else "PDF"
    with refused(InvalidInput, rf"^Cannot read broken{suffix}: it is not a readable {kind}\."):
        import_annex(path, plan_id="ha-tinh-2027", province="ha-tinh")


def test_a_lead_merged_down_over_two_rows_is_repeated_and_reported(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"], strict=True
    ):
        cell.text = text
    for number, row in enumerate(table.rows[1:], start=1):
        row.cells[0].text = str(number)
        row.cells[1].text = f"Nhiệm vụ số {number}"
        row.cells[3].text = "2027"
    merged = table.cell(1, 2).merge(table.cell(2, 2))
    merged.text = "Sở Công Thương"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    result = import_annex(path, plan_id="ha-tinh-2027", province="ha-tinh")
    assert [t["leads"] for t in result.catalog["tasks"]] == [["ha-tinh/sct"], ["ha-tinh/sct"]]
    report = lines(result)
    assert not any(line.startswith("task 1, field 'Cơ quan thực hiện'") for line in report)
    assert any(line.startswith("task 2, field 'Cơ quan thực hiện'") for line in report)


@pytest.mark.parametrize(
    ("make", "legal_ref", "issued"),
    [
        (corpus.docx, "Kế hoạch 77/KH-UBND", "2027-01-15"),
        (corpus.pdf, "Kế hoạch 9/KH-UBND", "2027-04-05"),
    ],
)
def test_the_plan_number_and_date_are_read_from_the_text_around_the_table(
    tmp_path, make, legal_ref, issued
):
    path = make(tmp_path / f"plan.{make.__name__}")
    result = import_annex(path, plan_id="ha-tinh-2027", province="ha-tinh")
    assert result.catalog["legal_ref"] == legal_ref
    assert result.catalog["issued"].isoformat() == issued
