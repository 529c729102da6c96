"""The shipped plans say what the printed plans say, quirks included."""

from __future__ import annotations

import pytest

from engine.plan_spec import LeadBySource, PlanSpec, Window
from tasks_catalog import schema


@pytest.fixture(scope="module")
def agencies():
    return schema.load_all_directories()


def plan(plan_id: str) -> PlanSpec:
    return schema.load_plan(schema.plan_path(plan_id))


def rows(p: PlanSpec) -> dict[str, tuple]:
    """Each task as (owner-first leads, co-operating agencies, window, recurrence)."""
    return {
        t.code: (t.leads, t.co, (t.window.start, t.window.end) if t.window else None, t.recurrence)
        for t in p.tasks
    }


SHIPPED = ["binh-phuoc-2011", "cao-bang-2016", "dong-thap-2016", "kon-tum-2013", "nghe-an-2017"]


def test_all_five_plans_are_shipped():
    assert schema.list_plan_ids() == SHIPPED


@pytest.mark.parametrize("plan_id", SHIPPED)
def test_every_shipped_plan_passes_validation(plan_id, agencies):
    assert schema.validate_plan(plan(plan_id), agencies) == []


@pytest.mark.parametrize(
    ("plan_id", "code", "action"),
    [
        ("kon-tum-2013", "3.2", "Xác định đầu mối, bổ sung nhiệm vụ chức năng và nguồn lực"),
        (
            "binh-phuoc-2011",
            "4.2",
            "Xác định đầu mối, bổ sung chức năng, nhiệm vụ và nguồn lực cho các hoạt động SXSH",
        ),
        (
            "nghe-an-2017",
            "5",
            "Tổng kết, đánh giá kết quả, rút kinh nghiệm quá trình thực hiện áp dụng Chiến lược SXSH trong công nghiệp",
        ),
    ],
)
def test_actions_printed_with_commas_are_one_item_as_printed(plan_id, code, action):
    (task,) = [t for t in plan(plan_id).tasks if t.code == code]
    assert task.actions == (action,)


def test_every_shipped_agency_has_both_names_and_a_parent_chain_to_a_root(agencies):
    # Roots are the provincial committees, national bodies and the groups
    # outside the administration (facilities, consultants).
    for agency in agencies.values():
        assert agency.name_vi and agency.name_en, agency.code
        root = agency
        while root.parent is not None:
            root = agencies[root.parent]
        assert root.code.endswith("/ubnd") or root.province == "vn" or root.group, agency.code


def test_each_provincial_sct_reports_to_ubnd_and_the_ministry(agencies):
    for province in ("kon-tum", "nghe-an", "cao-bang", "binh-phuoc", "dong-thap"):
        sct = agencies[f"{province}/sct"]
        assert sct.parent == f"{province}/ubnd"
        assert sct.also_reports_to == ("vn/bct",)
        assert agencies[f"{province}/ttkc"].parent == f"{province}/sct"


# --------------------------------------------------------------------------- Kon Tum

KT = "kon-tum/"
KON_TUM_ROWS = {
    "1.1": (
        (KT + "sct",),
        (KT + "cac-so-nganh", KT + "co-quan-truyen-thong"),
        (2014, 2015),
        "once",
    ),
    "1.2": ((KT + "to-ho-tro",), (KT + "to-chuc-khcn",), None, "yearly"),
    "1.3": ((KT + "sct",), (KT + "truong-day-nghe",), None, "yearly"),
    "1.4": ((KT + "sct",), (KT + "cac-so-nganh",), None, "yearly"),
    "2.1": ((KT + "sct",), (KT + "cac-so-nganh",), (2013, 2014), "once"),
    "2.2": (
        (KT + "sct",),
        (KT + "stnmt", KT + "skhcn", KT + "skhdt", KT + "stc"),
        (2013, 2015),
        "once",
    ),
    "2.4": ((KT + "sct",), (KT + "stp", KT + "cac-so-nganh"), (2013, 2015), "once"),
    "3.1": ((KT + "sct", KT + "ttkc"), (), (2013, 2014), "once"),
    "3.2": ((KT + "sct",), (KT + "ubnd-huyen", KT + "stnmt"), (2013, 2014), "once"),
    "4.1": ((KT + "sct",), (KT + "cac-so-nganh",), None, "yearly"),
    "4.2": ((KT + "sct",), (KT + "cac-so-nganh-don-vi",), (2013, 2015), "once"),
    "4.3": (
        (KT + "sct", KT + "stnmt", KT + "skhcn"),
        (KT + "sttt", KT + "bao", KT + "dai-ptth"),
        None,
        "yearly",
    ),
    "5": ((KT + "sct",), (KT + "sttt", KT + "cac-so-nganh"), (2013, 2015), "once"),
}


def test_kon_tum_tasks_owners_partners_and_windows_are_as_printed():
    assert rows(plan("kon-tum-2013")) == KON_TUM_ROWS


def test_kon_tum_header_uses_the_annex_number_not_the_misprint():
    p = plan("kon-tum-2013")
    assert p.legal_ref == "Quyết định 835/QĐ-UBND"
    assert str(p.issued) == "2013-10-24"
    assert p.period == Window(2013, 2020)
    assert p.responsible == "kon-tum/sct"
    # Two obligations: the departments to SCT by 30/11, SCT to the committee and the Ministry.
    assert [(d.by, d.to, d.month, d.day) for d in p.report_deadlines] == [
        (("kon-tum/cac-so-nganh",), ("kon-tum/sct",), 11, 30),
        (("kon-tum/sct",), ("kon-tum/ubnd", "vn/bct"), 12, 31),
    ]


def test_kon_tum_has_no_task_2_3():
    codes = [t.code for t in plan("kon-tum-2013").tasks]
    assert "2.3" not in codes
    assert codes.index("2.4") == codes.index("2.2") + 1


def test_kon_tum_unnumbered_section_5_row_takes_code_5():
    task = plan("kon-tum-2013").task("5")
    assert task.section == "5"
    assert task.workflow == "system_build"


def test_kon_tum_4_3_has_three_leads_and_sct_owns_it():
    task = plan("kon-tum-2013").task("4.3")
    assert task.leads == ("kon-tum/sct", "kon-tum/stnmt", "kon-tum/skhcn")
    assert task.owner == "kon-tum/sct"
    assert task.workflow == "demo_model"


def test_kon_tum_1_2_is_led_by_the_support_team_that_3_1_founds(agencies):
    p = plan("kon-tum-2013")
    assert p.task("1.2").owner == "kon-tum/to-ho-tro"
    assert p.task("1.2").depends_on == ("3.1",)
    assert p.task("3.1").workflow == "support_team"
    assert agencies["kon-tum/to-ho-tro"].parent == "kon-tum/sct"
    assert "Đơn vị hỗ trợ SXSH" in agencies["kon-tum/to-ho-tro"].aliases


def test_kon_tum_1_3_title_is_joined_across_the_page_break():
    assert (
        plan("kon-tum-2013")
        .task("1.3")
        .title.endswith("địa phương và đào tạo từ nguồn vốn khuyến công")
    )


def test_kon_tum_workflow_kinds():
    kinds = {t.code: t.workflow for t in plan("kon-tum-2013").tasks}
    assert {c for c, k in kinds.items() if k == "directive"} == {"2.1", "2.2", "2.4"}
    assert kinds["4.2"] == "survey"
    assert all(kinds[c] == "recurring_activity" for c in ("1.2", "1.3", "1.4", "4.1"))


def test_kon_tum_vague_groups_are_group_agencies(agencies):
    for code in (
        "cac-so-nganh",
        "co-quan-truyen-thong",
        "truong-day-nghe",
        "to-chuc-khcn",
        "cac-so-nganh-don-vi",
    ):
        assert agencies[f"kon-tum/{code}"].group, code


def test_kon_tum_targets_carry_figures_and_years():
    targets = {t.code: (t.figure, t.year) for t in plan("kon-tum-2013").targets}
    assert targets["awareness-2015"] == (50, 2015)
    assert targets["awareness-2020"] == (90, 2020)
    assert len(targets) == 9


# --------------------------------------------------------------------------- Nghệ An

NA = "nghe-an/"
NGHE_AN_ROWS = {
    "1.1": ((NA + "sct",), (NA + "sttt", NA + "dai-ptth", NA + "bao"), (2017, 2020), "yearly"),
    "1.2": ((NA + "sct",), (NA + "stnmt", NA + "sttt", NA + "bqlkkt"), (2017, 2020), "yearly"),
    "1.3": ((NA + "sct",), (NA + "stnmt", NA + "sttt", NA + "bqlkkt"), (2017, 2020), "yearly"),
    "1.4": (
        (NA + "sct",),
        (NA + "stnmt", NA + "sttt", NA + "bqlkkt", NA + "ubnd-huyen"),
        (2018, 2018),
        "once",
    ),
    "1.5": (
        (NA + "skhcn",),
        (NA + "sct", NA + "stnmt", NA + "sttt", NA + "bqlkkt", NA + "ubnd-huyen"),
        (2018, 2018),
        "once",
    ),
    "2.1": (
        (NA + "sct", NA + "stnmt", NA + "skhcn"),
        (NA + "co-so-san-xuat",),
        (2018, 2020),
        "yearly",
    ),
    "2.2": (
        (NA + "sct",),
        (NA + "stnmt", NA + "skhcn", NA + "co-so-san-xuat"),
        (2018, 2020),
        "yearly",
    ),
    "2.3": (
        (NA + "sct",),
        (NA + "stnmt", NA + "skhcn", NA + "co-so-san-xuat"),
        (2018, 2020),
        "yearly",
    ),
    # Funded every year in annex II, as 1.1-1.3: yearly the same way.
    "3.1": ((NA + "sct",), (NA + "cac-so-nganh", NA + "ubnd-huyen"), (2017, 2020), "yearly"),
    "3.2": ((NA + "sct",), (NA + "co-so-san-xuat",), (2018, 2020), "yearly"),
    "4": ((NA + "sct",), (), (2018, 2020), "yearly"),
    "5": (
        (NA + "sct",),
        (NA + "cac-so-nganh", NA + "ubnd-huyen", NA + "co-so-san-xuat"),
        (2020, 2020),
        "once",
    ),
}


def test_nghe_an_tasks_owners_partners_and_windows_are_as_printed():
    p = plan("nghe-an-2017")
    assert rows(p) == NGHE_AN_ROWS
    assert (p.legal_ref, str(p.issued), p.period) == (
        "Kế hoạch 314/KH-UBND",
        "2017-06-06",
        Window(2017, 2020),
    )
    assert [(d.by, d.to, d.month, d.day) for d in p.report_deadlines] == [
        (("nghe-an/cac-so-nganh",), ("nghe-an/sct",), 12, 15),
        (("nghe-an/sct",), ("nghe-an/ubnd", "vn/bct"), 12, 31),
    ]


def test_nghe_an_2_1_lead_depends_on_the_funding_source():
    task = plan("nghe-an-2017").task("2.1")
    assert task.leads == ("nghe-an/sct", "nghe-an/stnmt", "nghe-an/skhcn")
    assert task.lead_by_source == (
        LeadBySource("ngan-sach-trung-uong", "nghe-an/sct"),
        LeadBySource("su-nghiep-moi-truong", "nghe-an/stnmt"),
        LeadBySource("su-nghiep-khcn", "nghe-an/skhcn"),
    )


def test_nghe_an_group_5_states_130_but_its_only_line_is_100():
    budget = plan("nghe-an-2017").budget
    assert budget is not None
    stated = {g.code: g.stated_total for g in budget.groups}
    assert stated == {"1": 720, "2": 7200, "3": 180, "4": 45, "5": 130}
    group_5 = [line for line in budget.lines if line.task.split(".")[0] == "5"]
    assert [(line.task, line.year, line.amount) for line in group_5] == [("5", 2020, 100)]


def test_nghe_an_total_is_8275_as_stated_while_lines_add_to_8245():
    budget = plan("nghe-an-2017").budget
    assert budget is not None
    assert budget.stated_total == 8275
    assert sum(g.stated_total for g in budget.groups) == 8275
    assert sum(line.amount for line in budget.lines) == 8245


def test_nghe_an_groups_1_to_4_add_up_to_their_stated_totals():
    budget = plan("nghe-an-2017").budget
    assert budget is not None
    for group in budget.groups[:4]:
        lines = sum(line.amount for line in budget.lines if line.task.split(".")[0] == group.code)
        assert lines == group.stated_total, group.code


def test_nghe_an_budget_per_task_matches_the_printed_task_totals():
    budget = plan("nghe-an-2017").budget
    assert budget is not None
    totals: dict[str, float] = {}
    for line in budget.lines:
        totals[line.task] = totals.get(line.task, 0) + line.amount
    assert totals == {
        "1.1": 120,
        "1.2": 120,
        "1.3": 200,
        "1.4": 80,
        "1.5": 200,
        "2.1": 6000,
        "2.2": 600,
        "2.3": 600,
        "3.1": 120,
        "3.2": 60,
        "4": 45,
        "5": 100,
    }
    by_source = {
        s: sum(x.amount for x in budget.lines if x.task == "2.1" and x.source == s)
        for s in ("ngan-sach-trung-uong", "ngan-sach-dia-phuong", "doi-ung-doanh-nghiep")
    }
    assert by_source == {
        "ngan-sach-trung-uong": 1500,
        "ngan-sach-dia-phuong": 1500,
        "doi-ung-doanh-nghiep": 3000,
    }


# --------------------------------------------------------------------------- Cao Bằng

CB = "cao-bang/"
SCT_TTKC = (CB + "sct", CB + "ttkc")
CAO_BANG_LEADS = {
    "1.1": SCT_TTKC,
    "1.2": (CB + "to-ho-tro",),
    "1.3": SCT_TTKC,
    "1.4": SCT_TTKC,
    "2.1": SCT_TTKC,
    "2.2": SCT_TTKC,
    "2.3": SCT_TTKC,
    "3.1": SCT_TTKC,
    "3.2": (CB + "sct",),
    "4.1": SCT_TTKC,
    "4.2": SCT_TTKC,
    "4.3": (CB + "sct", CB + "stnmt", CB + "skhcn"),
    "5": SCT_TTKC,
}


def test_cao_bang_task_codes_and_leads_are_as_printed():
    p = plan("cao-bang-2016")
    assert {t.code: t.leads for t in p.tasks} == CAO_BANG_LEADS
    assert p.task("4.3").co == (CB + "sttt", CB + "bao", CB + "dai-ptth")
    assert p.task("3.1").co == ()
    assert p.task("1.2").depends_on == ("3.1",)


def test_cao_bang_has_no_time_column_so_every_task_runs_over_the_plan_period():
    p = plan("cao-bang-2016")
    assert p.period == Window(2016, 2020)
    assert all(t.window is None for t in p.tasks)
    assert all(t.recurrence == "once" for t in p.tasks)


# --------------------------------------------------------------------------- Bình Phước

BP = "binh-phuoc/"
BINH_PHUOC_ROWS = {
    "1.1": ((2011, 2015), (BP + "co-quan-truyen-thong", BP + "doi-tuong-thuc-day")),
    "1.2": ((2011, 2015), (BP + "co-quan-truyen-thong", BP + "doi-tuong-thuc-day")),
    "1.3": ((2011, 2015), (BP + "co-quan-truyen-thong", BP + "doi-tuong-thuc-day")),
    "2.1": (None, (BP + "don-vi-tu-van", BP + "doi-tuong-thuc-day")),
    "2.2": (None, (BP + "don-vi-tu-van", BP + "doi-tuong-thuc-day")),
    "3.1": ((2011, 2015), (BP + "doi-tuong-thuc-day",)),
    "4.1": (None, (BP + "doi-tuong-thuc-day",)),
    "4.2": (None, (BP + "doi-tuong-thuc-day",)),
    "5.1": (None, ()),
}


def test_binh_phuoc_tasks_windows_and_partners_carry_the_merged_cells():
    p = plan("binh-phuoc-2011")
    assert {
        t.code: ((t.window.start, t.window.end) if t.window else None, t.co) for t in p.tasks
    } == BINH_PHUOC_ROWS
    assert all(t.leads == (BP + "sct",) for t in p.tasks)
    assert all(t.recurrence == "once" for t in p.tasks)
    assert (p.legal_ref, str(p.issued), p.period) == (
        "Quyết định 2618/QĐ-UBND",
        "2011-11-23",
        Window(2011, 2015),
    )
    assert p.task("4.1").workflow == "support_team"


# --------------------------------------------------------------------------- Đồng Tháp


def test_dong_thap_tasks_are_the_section_ii_bullets_owned_by_sct():
    p = plan("dong-thap-2016")
    assert [t.code for t in p.tasks] == [
        "1.a",
        "1.b",
        "1.c",
        "1.d",
        "1.e",
        "2.a",
        "2.b",
        "2.c",
        "3.a",
        "3.b",
        "3.c",
        "4.a",
        "4.b",
        "5",
    ]
    assert all(t.owner == "dong-thap/sct" for t in p.tasks)
    assert p.task("2.c").leads == ("dong-thap/sct", "dong-thap/ttkc")
    assert all(t.window is None and t.recurrence == "once" for t in p.tasks)
    assert all("dong-thap/ubnd-huyen" in t.co for t in p.tasks)


def test_dong_thap_reports_are_due_half_yearly_and_at_year_end():
    p = plan("dong-thap-2016")
    assert [(d.every, d.month, d.day) for d in p.report_deadlines] == [
        ("half-year", 6, 30),
        ("year", 12, 31),
    ]
    assert (p.legal_ref, str(p.issued)) == ("Kế hoạch 50/KH-UBND", "2016-03-14")
