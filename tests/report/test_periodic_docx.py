"""``dondoc report periodic``: the department's report as a Word draft in the Decree 30 layout."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from tests.conftest import Run
from tests.report.docx_checks import annex_statuses, bucket_counts, check_layout
from tests.report.steps import cancel, complete, suspend

D = dt.date
VI_STATUS = {
    "completed-on-time": "Hoàn thành đúng hạn",
    "completed-late": "Hoàn thành quá hạn",
}


def _work(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        complete(s, "nghe-an-2017:1.1@2017", D(2018, 3, 4))
        complete(s, "nghe-an-2017:2.1@2018", D(2018, 10, 1))
        cancel(s, "nghe-an-2017:1.3@2017", D(2018, 2, 1))
        suspend(s, "nghe-an-2017:1.4", D(2018, 5, 5))


def test_the_2018_report_keeps_the_decree_30_layout_and_the_listing_counts(
    nghe_an: sessionmaker[Session], run: Run, tmp_path: Path
) -> None:
    _work(nghe_an)
    out = tmp_path / "bao-cao-2018.docx"
    got = run("--lang", "vi", "report", "periodic", "--plan", "nghe-an-2017", "--period", "2018",
              "--docx", str(out))  # fmt: skip
    assert got.exit_code == 0, got.output
    doc = check_layout(out)
    listed = run("--lang", "vi", "tasks", "--plan", "nghe-an-2017", "--as-of", "2018-12-14")
    json_rows = json.loads(
        run("tasks", "--plan", "nghe-an-2017", "--as-of", "2018-12-14", "--json").output
    )
    statuses = annex_statuses(doc)
    assert len(statuses) == len(json_rows) == 34
    # The annex reads as the listing does, row for row.
    for status in set(statuses):
        assert listed.output.count(status) >= statuses.count(status)
    cats = [r["status_category"] for r in json_rows]
    counts = bucket_counts(doc)
    assert counts["Hoàn thành đúng hạn"] == cats.count("completed-on-time") == 1
    assert counts["Hoàn thành quá hạn"] == cats.count("completed-late") == 1
    assert counts["Quá hạn chưa hoàn thành"] == cats.count("overdue") == 2
    assert counts["Chưa hoàn thành, trong hạn"] == cats.count("in-progress") + cats.count(
        "not-started"
    )
    assert counts["Tổng số"] == 34
    text = "\n".join(p.text for p in doc.paragraphs)
    # 2 completed against 2 overdue unfinished (1.2@2017, 3.1@2017).
    assert "Tỷ lệ hoàn thành: 50,0%" in text
    assert "Kết quả thực hiện Kế hoạch 314/KH-UBND năm 2018" in text


def test_the_overdue_table_names_agencies_and_days(
    nghe_an: sessionmaker[Session], run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "h1.docx"
    got = run("--lang", "vi", "report", "periodic", "--plan", "nghe-an-2017", "--period",
              "2018-H1", "--docx", str(out), "--json")  # fmt: skip
    assert got.exit_code == 0, got.output
    data = json.loads(got.stdout)
    assert data["as_of"] == "2018-06-14"
    late = {e["ref"]: e for e in data["overdue"]}
    assert late["nghe-an-2017:3.1@2017"]["days"] == (D(2018, 6, 14) - D(2017, 12, 31)).days
    assert late["nghe-an-2017:3.1@2017"]["lead_names"] == ["Sở Công Thương tỉnh Nghệ An"]
    doc = check_layout(out)
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    (late_row,) = [r for r in rows if r[0] == "3.1@2017"]
    assert late_row[2] == "Sở Công Thương tỉnh Nghệ An"
    assert late_row[-1].startswith("165 ngày")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "6 tháng đầu năm 2018" in text
    # Targets come with where the plan sets them.
    targets = data["targets"]
    assert targets and all(t["source"] == "Kế hoạch 314/KH-UBND, mục I.2.b" for t in targets)


def test_a_province_template_sets_number_signer_and_letterhead(
    nghe_an: sessionmaker[Session], run: Run, tmp_path: Path
) -> None:
    template = tmp_path / "mau.yaml"
    template.write_text(
        "format: dondoc-report-template/1\nnumber: '125'\nsigner_name: Nguyễn Văn A\n"
        "parent: UBND TỈNH NGHỆ AN\nissuer: Sở Công Thương\nrecipients: [Bộ Công Thương;]\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.docx"
    got = run("--lang", "vi", "report", "periodic", "--plan", "nghe-an-2017", "--period", "2018",
              "--docx", str(out), "--template", str(template))  # fmt: skip
    assert got.exit_code == 0, got.output
    doc = check_layout(out)
    texts = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Số: 125/BC-SCT" in texts
    assert any("Nguyễn Văn A" in t for t in texts)
    assert any("- Bộ Công Thương;" in t for t in texts)
    assert texts[0].splitlines()[:2] == ["UBND TỈNH NGHỆ AN", "SỞ CÔNG THƯƠNG"]


def test_bad_periods_and_templates_are_one_sentence_and_write_nothing(
    nghe_an: sessionmaker[Session], run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "x.docx"
    for args in (["--period", "2018-Q3"], ["--period", "2025"]):
        got = run("report", "periodic", "--plan", "nghe-an-2017", *args, "--docx", str(out))
        assert got.exit_code == 1, got.output
        assert len(got.output.strip().splitlines()) == 1 and "Traceback" not in got.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just a list\n", encoding="utf-8")
    got = run("report", "periodic", "--plan", "nghe-an-2017", "--period", "2018",
              "--docx", str(out), "--template", str(bad))  # fmt: skip
    assert got.exit_code == 1 and "bad.yaml" in got.output
    assert not out.exists()
