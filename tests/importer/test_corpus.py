"""Annexes in other provinces' styles (tests/importer/corpus.py), in every format the importer reads.

The importer was written against the five seeds; these documents were not
seen by it. Each must import with every task row accounted for, times as
printed or reported, agencies mapped or proposed in a draft directory, and
load once the directory is there.
"""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from cli import cli
from tasks_catalog.importer import import_annex
from tests.importer import corpus
from tests.importer.report import lines

FORMATS = {
    "md": corpus.markdown,
    "html": corpus.html,
    "docx": corpus.docx,
    "pdf": corpus.pdf,
    "unruled.pdf": corpus.pdf_unruled,
    "xlsx": corpus.xlsx,
}


@pytest.fixture(scope="module", params=sorted(FORMATS))
def imported(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param.replace(".", "-"))
    path = FORMATS[request.param](folder / f"annex.{request.param}")
    result = import_annex(path, plan_id="ha-tinh-2027", province="ha-tinh")
    return request.param, result


def _by_title(result, start):
    (task,) = [t for t in result.catalog["tasks"] if t["title"].startswith(start)]
    return task


def test_every_task_row_becomes_a_task_and_the_summary_counts_them(imported):
    kind, result = imported
    tasks = result.catalog["tasks"]
    assert len(tasks) == corpus.TASK_COUNT
    assert len({t["code"] for t in tasks}) == corpus.TASK_COUNT
    (summary,) = [line for line in lines(result) if "table rows:" in line]
    assert f": {corpus.TASK_COUNT} tasks, 2 section rows," in summary
    assert "0 rows set aside" in summary
    # The row whose title says "Năm 2030" is a task, not a budget header that stops the reading.
    assert _by_title(result, "Tổng kết thực hiện")["window"] == {"start": 2030, "end": 2030}


def test_numbering_that_restarts_per_section_is_made_unique_as_printed(imported):
    kind, result = imported
    codes = [t["code"] for t in result.catalog["tasks"]]
    first = "A" if kind == "html" else "I"
    second = "B" if kind == "html" else "II"
    assert codes[:4] == [f"{first}.1", f"{first}.2", f"{first}.3", f"{second}.1"]
    assert [s["title"] for s in result.catalog["sections"]] == [
        "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC",
        "HỖ TRỢ DOANH NGHIỆP",
    ]
    assert {t["section"] for t in result.catalog["tasks"]} == {
        s["code"] for s in result.catalog["sections"]
    }


def test_times_are_read_to_the_recurrence_and_due_day_printed(imported):
    _, result = imported
    by_time = {
        title: (t.get("window"), t["recurrence"], t.get("due"))
        for title, t in ((t["title"][:12], t) for t in result.catalog["tasks"])
    }
    y2027 = {"start": 2027, "end": 2027}
    assert by_time == {
        "Tuyên truyền": (y2027, "once", "2027-06-30"),  # Quý II/2027
        "Tập huấn cho": (y2027, "once", "2027-06-30"),  # Tháng 6/2027
        "Báo cáo tình": (None, "half_yearly", "12-15"),  # 6 tháng, hằng năm (trước ngày 15/12)
        "Hỗ trợ đánh ": (y2027, "once", "2027-06-30"),  # 01/2027–06/2027
        "Kiểm tra việ": (None, "yearly", "06-30"),  # Quý II hằng năm
        "Cập nhật cơ ": (None, "half_yearly", None),  # Định kỳ 6 tháng
        "Theo dõi, đô": (None, "continuous", None),  # Thường xuyên
        "Tổng kết thự": ({"start": 2030, "end": 2030}, "once", None),  # 2030, 2045
    }
    report = "\n".join(lines(result))
    code = _by_title(result, "Báo cáo tình hình")["code"]
    assert (
        f"task {code}, field 'Thời gian thực hiện': the printed time '6 tháng, hằng năm "
        "(trước ngày 15/12)' reads as: recurrence half_yearly, due 12-15; check it."
    ) in report
    assert "'2030, 2045' is a list of years, not a range: took 2030" in report
    assert "2030, 2045" in _by_title(result, "Tổng kết")["note"]


def test_agency_names_with_va_and_commune_groups_map_whole(imported):
    _, result = imported
    assert _by_title(result, "Tập huấn")["leads"] == ["ha-tinh/ubnd-xa"]
    assert "ha-tinh/ubnd" not in _by_title(result, "Kiểm tra")["co"]
    assert _by_title(result, "Tuyên truyền")["co"] == ["ha-tinh/snnmt", "ha-tinh/bao-ptth"]
    support = _by_title(result, "Hỗ trợ đánh giá")
    assert support["leads"] == ["ha-tinh/ttkc"]
    assert support["co"] == ["ha-tinh/unmapped-bo-khoa-hoc-va-cong-nghe"]
    report = _by_title(result, "Báo cáo tình hình")
    assert (report["leads"], report["co"]) == (["ha-tinh/sct"], ["ha-tinh/stc"])


def test_a_province_without_a_directory_gets_one_warning_and_a_draft(imported):
    _, result = imported
    report = lines(result)
    assert report[0] == (
        "plan ha-tinh-2027: province ha-tinh has no agency directory yet: "
        f"a draft with {len(result.directory['agencies'])} agencies is written beside the plan "
        "to complete."
    )
    codes = {a["code"] for a in result.directory["agencies"]}
    used = {c for t in result.catalog["tasks"] for c in t["leads"] + t["co"]}
    assert used <= codes
    names = {a["code"]: a["name_vi"] for a in result.directory["agencies"]}
    assert names["ha-tinh/unmapped-bo-khoa-hoc-va-cong-nghe"] == "Bộ Khoa học và Công nghệ"


def test_budget_and_funding_columns_are_kept_and_said(tmp_path):
    result = import_annex(
        corpus.html(tmp_path / "a.html"), plan_id="ha-tinh-2027", province="ha-tinh"
    )
    task = result.catalog["tasks"][0]
    assert "Kinh phí: 100; Ngân sách tỉnh." in task["note"]
    assert (
        "task A.1, field 'Kinh phí': the budget printed in the task table "
        "(100; source: Ngân sách tỉnh) is kept in the note; write it as a budget line if needed."
    ) in lines(result)


def test_a_table_without_tt_column_numbers_its_rows_and_names_the_cross_reference_column(
    tmp_path,
):
    result = import_annex(corpus.national(tmp_path / "n.md"), plan_id="vn-2027", province="vn")
    tasks = result.catalog["tasks"]
    assert [(t["code"], t["title"]) for t in tasks] == [
        ("1", "Rà soát quy định về sản xuất sạch hơn"),
        ("2", "Xây dựng cơ sở dữ liệu quốc gia"),
        ("3", "Tổng kết, đánh giá"),
    ]
    assert [t["leads"] for t in tasks] == [["vn/bct"]] * 3
    report = lines(result)
    assert "line 1: the table has no STT column: tasks are numbered 1, 2, 3... in order." in report
    # The cross-reference numbers are kept in the note, never taken for the title.
    assert tasks[0]["note"] == "Tham chiếu: 1, 3."


def test_a_column_of_task_numbers_is_not_the_title_and_the_name_is_not_the_result(tmp_path):
    result = import_annex(
        corpus.national_numbered(tmp_path / "n.md"), plan_id="vn-2027", province="vn"
    )
    tasks = result.catalog["tasks"]
    assert [(t["code"], t["title"], t["result"], t["note"]) for t in tasks] == [
        ("1", "Rà soát quy định về sản xuất sạch hơn", "Báo cáo", "Tham chiếu: 12."),
        ("2", "Xây dựng cơ sở dữ liệu", "Cơ sở dữ liệu", "Tham chiếu: 14, 15."),
    ]


def test_import_then_load_with_the_draft_directory_beside_the_plan(tmp_path):
    source = corpus.docx(tmp_path / "annex.docx")
    db = tmp_path / "d.sqlite3"
    out = tmp_path / "plans" / "ha-tinh-2027.yaml"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "init"]).exit_code == 0
    imported = runner.invoke(
        cli,
        [
            "--lang",
            "en",
            "catalog",
            "import",
            str(source),
            "--plan-id",
            "ha-tinh-2027",
            "--province",
            "ha-tinh",
            "-o",
            str(out),
        ],
    )
    assert imported.exit_code == 0, imported.output
    draft = tmp_path / "plans" / "ha-tinh.agencies.yaml"
    assert f"Wrote the draft agency directory {draft}" in imported.output
    directory = yaml.safe_load(draft.read_text(encoding="utf-8"))
    for agency in directory["agencies"]:
        agency["name_en"] = f"{agency['code']} (completed)"
    directory["name_vi"] = "Hà Tĩnh"
    draft.write_text(yaml.safe_dump(directory, allow_unicode=True), encoding="utf-8")
    loaded = runner.invoke(cli, ["--db", str(db), "--lang", "en", "catalog", "load", str(out)])
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output.startswith("Loaded ha-tinh-2027: 8 task(s) added")


def test_without_the_draft_the_plan_is_refused_naming_the_unknown_agencies(tmp_path):
    out = tmp_path / "ha-tinh-2027.yaml"
    runner = CliRunner()
    runner.invoke(
        cli,
        [
            "catalog",
            "import",
            str(corpus.markdown(tmp_path / "a.md")),
            "--plan-id",
            "ha-tinh-2027",
            "--province",
            "ha-tinh",
            "-o",
            str(out),
        ],
    )
    (tmp_path / "ha-tinh.agencies.yaml").unlink()
    checked = runner.invoke(cli, ["--lang", "en", "catalog", "validate", str(out)])
    assert checked.exit_code == 1
    assert "ha-tinh/ubnd-xa" in checked.output + checked.stderr


@pytest.mark.parametrize(
    ("plan_id", "province", "sentence"),
    [
        ("Kon Tum 2013!", "kon-tum", "Plan id 'Kon Tum 2013!' is not valid"),
        ("ha-tinh-2027", "Hà Tĩnh", "Province 'Hà Tĩnh' is not a valid slug"),
        ("nghe-an-2027", "ha-tinh", "Plan id 'nghe-an-2027' is not valid"),
    ],
)
def test_plan_ids_and_province_slugs_are_checked(tmp_path, plan_id, province, sentence):
    result = CliRunner().invoke(
        cli,
        [
            "--lang",
            "en",
            "catalog",
            "import",
            str(corpus.markdown(tmp_path / "a.md")),
            "--plan-id",
            plan_id,
            "--province",
            province,
            "-o",
            str(tmp_path / "x.yaml"),
        ],
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {sentence}")
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.yaml").exists()
