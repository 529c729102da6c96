"""Annexes in other provinces' styles, built in the tests: the importer was not written against them.

One plan content (``ROWS``: sections and tasks with the times and agency
names provinces print) rendered as Markdown, HTML with a two-row header and
lettered sections, Word .docx with merged cells, PDF (ruled, across pages),
and .xlsx; plus a national-style table without a TT column.
"""

from __future__ import annotations

from pathlib import Path

FONTS = Path("/usr/share/fonts/truetype/dejavu")

HEADER = (
    "STT",
    "Nội dung",
    "Sản phẩm",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian hoàn thành",
    "Ghi chú",
)

# (kind, code, title, product, lead, co, time, note); kind "section" uses code and title only.
ROWS: list[tuple[str, ...]] = [
    ("section", "I", "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC"),
    (
        "task",
        "1",
        "Tuyên truyền về sản xuất và tiêu dùng bền vững",
        "Tin, bài",
        "Sở Công Thương",
        "Sở Nông nghiệp và Môi trường; Báo và Phát thanh, Truyền hình",
        "Quý II/2027",
        "",
    ),
    (
        "task",
        "2",
        "Tập huấn cho cán bộ cấp xã",
        "Lớp tập huấn",
        "UBND các xã, phường",
        "Sở Công Thương",
        "Tháng 6/2027",
        "",
    ),
    (
        "task",
        "3",
        "Báo cáo tình hình thực hiện",
        "Báo cáo",
        "Sở Công Thương chủ trì, phối hợp với Sở Tài chính",
        "",
        "6 tháng, hằng năm (trước ngày 15/12)",
        "",
    ),
    ("section", "II", "HỖ TRỢ DOANH NGHIỆP"),
    (
        "task",
        "1",
        "Hỗ trợ đánh giá sản xuất sạch hơn",
        "Doanh nghiệp được hỗ trợ",
        "TT Khuyến công và Tư vấn PTCN",
        "Bộ Khoa học và Công nghệ",
        "01/2027–06/2027",
        "",
    ),
    (
        "task",
        "2",
        "Kiểm tra việc áp dụng",
        "Biên bản kiểm tra",
        "Sở Công Thương",
        "UBND các xã, phường",
        "Quý II hằng năm",
        "",
    ),
    (
        "task",
        "3",
        "Cập nhật cơ sở dữ liệu",
        "Cơ sở dữ liệu",
        "Sở Công Thương",
        "",
        "Định kỳ 6 tháng",
        "",
    ),
    (
        "task",
        "4",
        "Theo dõi, đôn đốc thực hiện",
        "Báo cáo",
        "Sở Công Thương",
        "Các sở, ngành",
        "Thường xuyên",
        "",
    ),
    (
        "task",
        "5",
        "Tổng kết thực hiện Kế hoạch giai đoạn đến Năm 2030",
        "Báo cáo tổng kết",
        "Sở Công Thương",
        "UBND các xã, phường",
        "2030, 2045",
        "Tầm nhìn 2045",
    ),
]

TASK_COUNT = sum(1 for row in ROWS if row[0] == "task")


def _task_cells(row: tuple[str, ...]) -> list[str]:
    return list(row[1:8])


def markdown(path: Path) -> Path:
    lines = [
        "**ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH**",
        "",
        "(Kèm theo Kế hoạch số 123/KH-UBND ngày 10 tháng 3 năm 2027 của UBND tỉnh)",
        "",
        "PHỤ LỤC: DANH MỤC NHIỆM VỤ",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    for row in ROWS:
        cells = (
            [f"**{row[1]}**", f"**{row[2]}**", "", "", "", "", ""]
            if row[0] == "section"
            else _task_cells(row)
        )
        lines.append("| " + " | ".join(cells) + " |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def html(path: Path) -> Path:
    """Two header rows (merged "Thời gian"), lettered sections, budget and funding columns."""
    head = (
        "<tr><th rowspan=2>TT</th><th rowspan=2>Nhiệm vụ</th><th rowspan=2>Sản phẩm</th>"
        "<th colspan=2>Đơn vị thực hiện</th><th rowspan=2>Thời gian hoàn thành</th>"
        "<th rowspan=2>Kinh phí (triệu đồng)</th><th rowspan=2>Nguồn kinh phí</th></tr>"
        "<tr><th>Chủ trì</th><th>Phối hợp</th></tr>"
    )
    body = []
    letters = iter("ABCDEF")
    for row in ROWS:
        if row[0] == "section":
            body.append(
                f"<tr><td><b>{next(letters)}.</b></td><td colspan=7><b>{row[2]}</b></td></tr>"
            )
        else:
            _, code, title, product, lead, co, time, _note = row
            body.append(
                f"<tr><td>{code}</td><td>{title}</td><td>{product}</td><td>{lead}</td>"
                f"<td>{co}</td><td>{time}</td><td>100</td><td>Ngân sách tỉnh</td></tr>"
            )
    text = (
        "<html><body><p>(Kèm theo Kế hoạch số 45/KH-UBND ngày 2 tháng 2 năm 2027)</p>"
        f"<table>{head}{''.join(body)}</table></body></html>"
    )
    path.write_text(text, encoding="utf-8")
    return path


def docx(path: Path) -> Path:
    """Section rows merged across the table, a lead merged down over two tasks."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(
        "(Kèm theo Kế hoạch số 77/KH-UBND ngày 15 tháng 01 năm 2027 của UBND tỉnh)"
    )
    heading = document.add_paragraph()
    heading.add_run("PHỤ LỤC NHIỆM VỤ").bold = True
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in ROWS:
        cells = table.add_row().cells
        if row[0] == "section":
            merged = cells[0].merge(cells[-1])
            merged.text = ""
            merged.paragraphs[0].add_run(f"{row[1]}. {row[2]}").bold = True
            continue
        for cell, text in zip(cells, _task_cells(row), strict=True):
            cell.text = text
    document.save(str(path))
    return path


def pdf(path: Path, *, rows_per_page: int = 5, ruled: bool = True) -> Path:
    """A table in DejaVu Sans, split across pages with the header only on the first.

    Unruled (no lines drawn), a section is a row with its number and title in
    the first two columns, as in a Word table without borders.
    """
    from fpdf import FPDF

    document = FPDF(orientation="L")
    document.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    document.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    document.set_font("DejaVu", size=9)
    chunks = [ROWS[i : i + rows_per_page] for i in range(0, len(ROWS), rows_per_page)]
    for number, chunk in enumerate(chunks):
        document.add_page()
        if number == 0:
            document.cell(
                text="(Kèm theo Kế hoạch số 9/KH-UBND ngày 5 tháng 4 năm 2027)",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            document.ln(4)
        with document.table(
            col_widths=(10, 60, 30, 45, 50, 45, 25),
            first_row_as_headings=number == 0,
            borders_layout="ALL" if ruled else "NONE",
            line_height=5,
        ) as table:
            if number == 0:
                table.row(list(HEADER))
            for row in chunk:
                if row[0] == "section" and not ruled:
                    table.row([row[1], row[2]] + [""] * (len(HEADER) - 2))
                elif row[0] == "section":
                    document.set_font("DejaVu", "B", 9)
                    line = table.row()
                    line.cell(f"{row[1]}. {row[2]}", colspan=len(HEADER))
                    document.set_font("DejaVu", "", 9)
                else:
                    table.row(_task_cells(row))
    document.output(str(path))
    return path


def pdf_unruled(path: Path) -> Path:
    return pdf(path, ruled=False)


def xlsx(path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    for row in ROWS:
        if row[0] == "section":
            sheet.append([f"{row[1]}. {row[2]}"])
            line = sheet.max_row
            sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(HEADER))
            sheet.cell(line, 1).font = Font(bold=True)
        else:
            sheet.append(_task_cells(row))
    book.save(path)
    return path


def national_numbered(path: Path) -> Path:
    """A national table with a TT column, a column of task numbers, then the task's name."""
    lines = [
        "| TT | Nhiệm vụ số | Tên nhiệm vụ | Sản phẩm | Cơ quan chủ trì | Thời gian hoàn thành |",
        "|---|---|---|---|---|---|",
        "| 1 | 12 | Rà soát quy định về sản xuất sạch hơn | Báo cáo | Bộ Công Thương | 2027 |",
        "| 2 | 14, 15 | Xây dựng cơ sở dữ liệu | Cơ sở dữ liệu | Bộ Công Thương | 2028 |",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def national(path: Path) -> Path:
    """A national table: no TT column, a column of cross-reference numbers, then the task."""
    lines = [
        "| Mục tiêu số | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |",
        "|---|---|---|---|---|",
        "| 1, 3 | Rà soát quy định về sản xuất sạch hơn | Bộ Công Thương | Bộ Khoa học và Công nghệ | 2027 |",
        "| 2 | Xây dựng cơ sở dữ liệu quốc gia | Bộ Công Thương | Bộ Nông nghiệp và Môi trường | Quý IV/2028 |",
        "| 4 | Tổng kết, đánh giá | Bộ Công Thương | Các bộ, ngành | 2030 |",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
