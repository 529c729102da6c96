"""Importing the real seed documents yields the annex's tasks as printed, page breaks mended."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from tasks_catalog.importer import import_annex
from tests.importer.conftest import BINH_PHUOC, CAO_BANG, DONG_THAP, NGHE_AN
from tests.importer.report import lines
from tests.words import english


def task(result, code):
    return next(t for t in result.catalog["tasks"] if t["code"] == code)


def test_kon_tum_imports_exactly_the_thirteen_printed_tasks(kon_tum):
    codes = [t["code"] for t in kon_tum.catalog["tasks"]]
    assert codes == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.4",
        "3.1",
        "3.2",
        "4.1",
        "4.2",
        "4.3",
        "5",
    ]


def test_kon_tum_title_split_by_a_page_break_is_joined(kon_tum):
    assert task(kon_tum, "1.3")["title"] == (
        "Đưa vào chương trình đào tạo tại các trường dạy nghề địa phương "
        "và đào tạo từ nguồn vốn khuyến công"
    )


def test_kon_tum_task_with_three_leads_keeps_them_in_printed_order(kon_tum):
    assert task(kon_tum, "4.3")["leads"] == ["kon-tum/sct", "kon-tum/stnmt", "kon-tum/skhcn"]
    assert task(kon_tum, "4.3")["co"] == ["kon-tum/sttt", "kon-tum/bao", "kon-tum/dai-ptth"]


def test_kon_tum_support_team_founding_is_led_by_sct_and_ttkc(kon_tum):
    founding = task(kon_tum, "3.1")
    assert founding["leads"] == ["kon-tum/sct", "kon-tum/ttkc"]
    assert founding["co"] == []
    assert founding["workflow"] == "support_team"


def test_kon_tum_task_led_by_the_support_team_depends_on_its_founding(kon_tum):
    led = task(kon_tum, "1.2")
    assert led["leads"] == ["kon-tum/to-ho-tro"]
    assert led["depends_on"] == ["3.1"]
    assert any(line.startswith("task 1.2, ") and "3.1" in line for line in lines(kon_tum))


def test_kon_tum_windows_and_yearly_recurrence_follow_the_time_column(kon_tum):
    assert task(kon_tum, "1.1")["window"] == {"start": 2014, "end": 2015}
    assert task(kon_tum, "2.1")["window"] == {"start": 2013, "end": 2014}
    yearly = task(kon_tum, "1.4")
    assert yearly["recurrence"] == "yearly" and "window" not in yearly
    assert task(kon_tum, "2.2")["recurrence"] == "once"


def test_kon_tum_unnumbered_row_takes_its_section_number(kon_tum):
    last = task(kon_tum, "5")
    assert last["section"] == "5"
    assert last["workflow"] == "system_build"
    assert any(line.startswith("task 5, field 'TT'") for line in lines(kon_tum))


def test_kon_tum_sections_come_from_bold_rows_and_the_heading_between_tables(kon_tum):
    sections = {s["code"]: s["title"] for s in kon_tum.catalog["sections"]}
    assert list(sections) == ["1", "2", "3", "4", "5"]
    assert sections["5"] == "Xây dựng và vận hành cơ sở dữ liệu về SXSH trong công nghiệp"


def test_kon_tum_plan_fields_are_guessed_from_the_annex_heading_and_reported(kon_tum):
    plan = kon_tum.catalog
    assert plan["legal_ref"] == "Quyết định 835/QĐ-UBND"
    assert plan["issued"].isoformat() == "2013-10-24"
    assert plan["period"] == {"start": 2013, "end": 2020}
    assert plan["responsible"] == "kon-tum/sct"
    plan_lines = [line for line in lines(kon_tum) if line.startswith("plan kon-tum-2013: ")]
    assert len(plan_lines) == 4
    # The last says how every table row was taken: 18 rows, each counted once.
    assert plan_lines[-1] == (
        "plan kon-tum-2013: read 18 table rows: 13 tasks, 3 section rows, 1 header rows, "
        "1 continuation rows, 0 rows set aside (named above), 0 rows outside the task table."
    )


def test_nghe_an_imports_annex_one_and_reads_the_budget_annex_as_budget_lines():
    result = import_annex(NGHE_AN, plan_id="nghe-an-2017", province="nghe-an")
    codes = [t["code"] for t in result.catalog["tasks"]]
    assert codes == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "3.1", "3.2", "4", "5"]
    # The budget annex's 5.1 row must not have become a task; it is named instead.
    assert "5.1" not in codes
    report = lines(result)
    assert any("budget row 5.1 names no task of the task annex" in line for line in report)
    budget = result.catalog["budget"]["lines"]
    assert [line for line in budget if line["task"] == "1.3"] == [
        {
            "task": "1.3",
            "year": 2017,
            "amount": 40,
            "source": "ngan-sach-dia-phuong",
            "quantity": 1,
        },
        {
            "task": "1.3",
            "year": 2018,
            "amount": 80,
            "source": "ngan-sach-dia-phuong",
            "quantity": 2,
        },
        {
            "task": "1.3",
            "year": 2019,
            "amount": 40,
            "source": "ngan-sach-dia-phuong",
            "quantity": 1,
        },
        {
            "task": "1.3",
            "year": 2020,
            "amount": 40,
            "source": "ngan-sach-dia-phuong",
            "quantity": 1,
        },
    ]
    # 2.2's total is split by source (200 from the enterprises), its years are not.
    assert [line for line in budget if line["task"] == "2.2"] == [
        {"task": "2.2", "amount": 200, "source": "doi-ung-doanh-nghiep"},
        {"task": "2.2", "amount": 400, "source": "ngan-sach-dia-phuong"},
    ]
    assert (
        "task 2.2, field 'Kinh phí': the budget annex splits the total by source but not each "
        "year (years: 2018: 150, 2019: 200, 2020: 250): one line per source was written, "
        "without a year."
    ) in report


def test_nghe_an_lead_and_cooperating_agencies_in_one_cell_are_split():
    result = import_annex(NGHE_AN, plan_id="nghe-an-2017", province="nghe-an")
    survey = task(result, "1.5")
    assert survey["leads"] == ["nghe-an/skhcn"]
    assert survey["co"][:2] == ["nghe-an/sct", "nghe-an/stnmt"]
    assert survey["title"].startswith(
        "Tổ chức điều tra, rà soát đánh giá về trình độ công nghệ, định mức tiêu hao"
    )
    assert survey["window"] == {"start": 2018, "end": 2018}


def test_nghe_an_lead_that_depends_on_the_funding_source_is_kept_per_source():
    result = import_annex(NGHE_AN, plan_id="nghe-an-2017", province="nghe-an")
    funded = task(result, "2.1")
    assert funded["leads"] == ["nghe-an/sct", "nghe-an/stnmt", "nghe-an/skhcn"]
    assert funded["lead_by_source"][0] == {"source": "ngan-sach-trung-uong", "lead": "nghe-an/sct"}
    assert any(line.startswith("task 2.1, ") and "funding source" in line for line in lines(result))


def test_binh_phuoc_flattened_appendix_is_rebuilt_into_rows():
    result = import_annex(BINH_PHUOC, plan_id="binh-phuoc-2011", province="binh-phuoc")
    codes = [t["code"] for t in result.catalog["tasks"]]
    assert codes == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "4.1", "4.2", "5.1"]
    first = task(result, "1.1")
    assert first["leads"] == ["binh-phuoc/sct"]
    assert first["window"] == {"start": 2011, "end": 2015}
    assert any("no header row" in line for line in lines(result))


def test_binh_phuoc_merged_cells_are_carried_down_and_reported():
    result = import_annex(BINH_PHUOC, plan_id="binh-phuoc-2011", province="binh-phuoc")
    assert task(result, "1.2")["leads"] == task(result, "1.1")["leads"]
    assert task(result, "1.2")["window"] == {"start": 2011, "end": 2015}
    assert any(
        line.startswith("task 1.2, field 'Cơ quan thực hiện': empty") for line in lines(result)
    )


def test_cao_bang_annex_without_time_column_runs_every_task_over_the_period():
    result = import_annex(CAO_BANG, plan_id="cao-bang-2016", province="cao-bang")
    assert len(result.catalog["tasks"]) == 13
    assert all("window" not in t for t in result.catalog["tasks"])
    assert any("no time column" in line for line in lines(result))
    assert any("outside the period" in line for line in lines(result))


def test_plan_without_an_annex_table_is_refused_with_one_sentence():
    with pytest.raises(InvalidInput) as error:
        import_annex(DONG_THAP, plan_id="dong-thap-2016", province="dong-thap")
    assert english(error.value).startswith(
        f"No annex table found in {DONG_THAP.name}: expected a header row with TT, Nhiệm vụ"
    )
