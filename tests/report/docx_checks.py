"""What a Decree 30/2020/NĐ-CP report must show, checked on the file python-docx opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

FONT = "Times New Roman"


def runs_of(paragraphs: Any) -> list[Any]:
    return [r for p in paragraphs for r in p.runs if r.text.strip()]


def font_of(run: Any, doc: Any) -> str | None:
    return run.font.name or doc.styles["Normal"].font.name


def size_of(run: Any, doc: Any) -> float:
    size = run.font.size or doc.styles["Normal"].font.size
    return size.pt


def paragraph_with(cells_or_doc: Any, text: str) -> Any:
    for p in cells_or_doc.paragraphs:
        if p.text.strip() == text:
            return p
    raise AssertionError(f"no paragraph reads {text!r}")


def check_layout(path: Path) -> Any:
    """Page, type, heading block, body, signature: every rule of the decree the draft keeps."""
    doc = Document(str(path))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert 20 <= section.top_margin.mm <= 25 and 20 <= section.bottom_margin.mm <= 25
    assert 30 <= section.left_margin.mm <= 35 and 15 <= section.right_margin.mm <= 20
    # Page numbers from page 2: a PAGE field in the header, none on the first page.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert not section.first_page_header.paragraphs[0].text
    # Times New Roman in every run that carries text, body and tables.
    everything = runs_of(doc.paragraphs) + [
        r for t in doc.tables for row in t.rows for c in row.cells for r in runs_of(c.paragraphs)
    ]
    assert everything and all(font_of(r, doc) == FONT for r in everything)
    # No text boxes: a draft people edit in Word.
    assert "txbxContent" not in doc.element.xml and "v:textbox" not in doc.element.xml

    head = doc.tables[0]
    left, right = head.rows[0].cells
    nation = paragraph_with(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    (run,) = nation.runs
    assert run.bold and 12 <= size_of(run, doc) <= 13
    motto = paragraph_with(right, "Độc lập - Tự do - Hạnh phúc")
    (run,) = motto.runs
    assert run.bold and 13 <= size_of(run, doc) <= 14
    after = motto._p.getnext()
    assert after is not None and after.find(f".//{qn('w:pBdr')}") is not None, "rule under motto"
    issuer = left.paragraphs[1]
    assert issuer.text == issuer.text.upper() and issuer.runs[0].bold
    assert issuer._p.getnext().find(f".//{qn('w:pBdr')}") is not None, "rule under the agency"
    number, dated = head.rows[1].cells
    assert number.text.startswith("Số:") and number.text.strip().endswith("/BC-SCT")
    assert all(r.italic for r in runs_of(dated.paragraphs))
    assert ", ngày " in dated.text and " tháng " in dated.text and " năm " in dated.text

    title = paragraph_with(doc, "BÁO CÁO")
    assert title.runs[0].bold and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    paragraphs = list(doc.paragraphs)
    first = [p.text for p in paragraphs].index("BÁO CÁO") + 2  # the title, then its subject
    last = next(i for i, p in enumerate(paragraphs) if p.text == "Phụ lục")
    body = [p for p in paragraphs[first:last] if p.text.strip() and p.style.name == "Normal"]
    assert len(body) >= 5
    for p in body:
        assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert p.paragraph_format.first_line_indent and p.paragraph_format.first_line_indent.mm > 0
        assert all(13 <= size_of(r, doc) <= 14 for r in p.runs)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for wanted in (
        "KẾT QUẢ",
        "TÌNH HÌNH",
        "CHỈ TIÊU",
        "QUÁ HẠN",
        "GIA HẠN",
        "KHÓ KHĂN",
        "KIẾN NGHỊ",
    ):
        assert any(wanted in h for h in headings), wanted
    texts = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    signature = next(t for t in texts if "KT. GIÁM ĐỐC" in t)
    assert "PHÓ GIÁM ĐỐC" in signature
    assert any(t.startswith("Nơi nhận:") for t in texts)
    annex = [p.text for p in doc.paragraphs]
    assert "Phụ lục" in annex
    assert any(t.startswith("(Kèm theo Báo cáo số") and "Sở Công Thương" in t for t in annex)
    return doc


def annex_statuses(doc: Any) -> list[str]:
    """The status column of the annex table (one row per occurrence)."""
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "TT")
    heads = [c.text for c in table.rows[0].cells]
    col = heads.index("Tình trạng")
    return [row.cells[col].text for row in table.rows[1:]]


def bucket_counts(doc: Any) -> dict[str, int]:
    """The annex's own count table: bucket name -> count."""
    table = doc.tables[-1]
    return {row.cells[0].text: int(row.cells[1].text) for row in table.rows[1:]}
