"""The page and type of an administrative document under Decree 30/2020/NĐ-CP, in python-docx.

Decree 30/2020/NĐ-CP on clerical work (công tác văn thư), Appendix I
(thể thức và kỹ thuật trình bày văn bản hành chính): A4 paper, portrait;
margins top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm; Times New
Roman (Unicode, TCVN 6909:2001), black; the national name upper case, bold,
12-13 pt over the motto bold 13-14 pt with a rule below; the issuing agency
upper case, bold, under its parent, with a rule; the place and date in
italics; the type name upper case, bold; body 13-14 pt, justified, with a
first-line indent; page numbers centred at the top from the second page.
(Summarised e.g. at https://giaoan.link/2020/04/dinh-dang-dung-chuan-trong-van-ban-hanh-chinh/.)

Only what a document of dondoc needs: helpers that build real paragraphs
and tables, never text boxes, so that the draft edits well in Word.
"""

from __future__ import annotations

from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
HEAD_PT = 13
# Inside the ranges, not on their edges: Word stores twips, and 15 mm rounds to 14.99.
MARGINS_MM = {"top": 22, "bottom": 22, "left": 32, "right": 17}


def set_page(document: Any) -> None:
    """A4 portrait with the decree's margins; page numbers from the second page."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = number.add_run()
    _page_field(run)
    style_run(run, size=BODY_PT)


def _page_field(run: Any) -> None:
    begin, code, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    code.set(qn("xml:space"), "preserve")
    code.text = "PAGE"
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, end):
        run._r.append(element)


def set_styles(document: Any) -> None:
    """Times New Roman everywhere (East Asian slot too, or Word falls back for diacritics)."""
    for name in ("Normal", "Heading 1", "Heading 2", "Table Grid", "Title"):
        try:
            style = document.styles[name]
        except KeyError:
            continue
        font = style.font
        font.name = FONT
        font.color.rgb = None
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if fonts.get(qn(theme)) is not None:
                del fonts.attrib[qn(theme)]
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    for name in ("Heading 1", "Heading 2"):
        heading = document.styles[name]
        heading.font.size = Pt(BODY_PT)
        heading.font.bold = True
        heading.font.italic = False
        heading.paragraph_format.space_before = Pt(6)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.first_line_indent = Mm(10)


def style_run(run: Any, *, size: float = BODY_PT, bold: bool = False, italic: bool = False) -> Any:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def line(
    container: Any,
    text: str,
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    rule: bool = False,
) -> Any:
    """One paragraph of one run; ``rule`` draws the short line a heading block carries below."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Mm(0)
    style_run(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    if rule:
        _rule_below(container)
    return paragraph


def _rule_below(container: Any) -> None:
    """A short centred rule: a paragraph with a bottom border, indented to a third of its width."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(22)
    fmt.space_after = Pt(6)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    style_run(paragraph.add_run(""), size=4)


def body(document: Any, text: str, *, italic: bool = False) -> Any:
    """A paragraph of the body: justified, first line indented."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Mm(10)
    style_run(paragraph.add_run(text), italic=italic)
    return paragraph


def heading(document: Any, text: str, level: int = 1) -> Any:
    paragraph = document.add_heading("", level=level)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    style_run(paragraph.add_run(text), bold=True)
    return paragraph


def frame(document: Any, rows: int, widths_mm: list[float]) -> Any:
    """A borderless table that lays out a heading block or the signature (no text boxes)."""
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table


def grid(document: Any, header: list[str], rows: list[list[str]], widths_mm: list[float]) -> Any:
    """A data table with borders and a bold header row that repeats on every page."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    head = table.rows[0]
    head_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head_pr.append(repeat)
    for cell, text in zip(head.cells, header, strict=True):
        _cell_text(cell, text, bold=True, center=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _cell_text(cell, text)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def _cell_text(cell: Any, text: str, *, bold: bool = False, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = Mm(0)
    paragraph.paragraph_format.space_after = Pt(0)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style_run(paragraph.add_run(text), size=12, bold=bold)
