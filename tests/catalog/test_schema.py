"""The catalog loader names the file, task and field of every problem it finds."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from engine.errors import InvalidDefinition, NotFound
from engine.plan_spec import AgencySpec
from notifiers.i18n import words
from tasks_catalog import schema
from tests.words import english, refused

# t/sct reports to t/ubnd, so the default ladder can press someone above it
# when it leads a task itself (level 2, "responsible").
AGENCIES = {
    code: AgencySpec(code=code, name_vi=code, name_en=code, parent=parent)
    for code, parent in (
        ("t/ubnd", None),
        ("t/sct", "t/ubnd"),
        ("t/stnmt", "t/ubnd"),
        ("vn/bct", None),
    )
}

GOOD_PLAN = """\
format: dondoc-plan/1
id: t-2013
province: t
title_vi: Kế hoạch thử
legal_ref: Quyết định 1/QĐ-UBND
issued: 2013-10-24
period: {start: 2013, end: 2020}
responsible: t/sct
sections:
  - {code: "1", title: "Truyền thông"}
tasks:
  - code: "1.1"
    section: "1"
    title: Xây dựng kế hoạch truyền thông
    workflow: generic
    leads: [t/sct]
    co: [t/stnmt]
    window: {start: 2014, end: 2015}
  - code: "1.2"
    section: "1"
    title: Giới thiệu công nghệ sạch
    workflow: recurring_activity
    leads: [t/sct]
    recurrence: yearly
    depends_on: ["1.1"]
budget:
  lines:
    - {task: "1.1", year: 2014, amount: 30}
"""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str, agencies: dict[str, AgencySpec] = AGENCIES) -> list[str]:
    """Each problem as the English line ``catalog validate`` prints for it."""
    found = schema.validate_plan(schema.load_plan(write(tmp_path, text)), agencies)
    return [words("en").problem(p) for p in found]


def load_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(InvalidDefinition) as caught:
        schema.load_plan(write(tmp_path, text))
    return english(caught.value)


def test_a_well_formed_plan_loads_and_has_no_problems(tmp_path):
    plan = schema.load_plan(write(tmp_path, GOOD_PLAN))
    assert schema.validate_plan(plan, AGENCIES) == []
    assert plan.task("1.2").depends_on == ("1.1",)
    assert plan.task("1.1").window is not None and plan.task("1.1").window.end == 2015
    assert plan.budget is not None and plan.budget.lines[0].amount == 30.0
    assert plan.source == str(tmp_path / "plan.yaml")


def test_malformed_yaml_is_reported_with_its_line(tmp_path):
    broken = GOOD_PLAN.replace(
        "title: Xây dựng kế hoạch truyền thông", "title: Ghi chú: một câu: có dấu hai chấm"
    )
    message = load_error(tmp_path, broken)
    assert "plan.yaml" in message
    assert "not valid YAML at line 14" in message


def test_a_missing_format_key_is_refused(tmp_path):
    message = load_error(tmp_path, GOOD_PLAN.replace("format: dondoc-plan/1\n", ""))
    assert "field 'format': is missing but must be 'dondoc-plan/1'" in message


def test_an_agency_directory_is_not_accepted_as_a_plan(tmp_path):
    message = load_error(tmp_path, GOOD_PLAN.replace("dondoc-plan/1", "dondoc-agencies/1"))
    assert "field 'format': is 'dondoc-agencies/1' but must be 'dondoc-plan/1'" in message


def test_a_missing_required_task_field_names_the_task_and_field(tmp_path):
    message = load_error(tmp_path, GOOD_PLAN.replace("    workflow: generic\n", ""))
    assert "plan.yaml: task 1.1, field 'workflow': is missing" in message


def test_a_task_without_leads_is_refused(tmp_path):
    message = load_error(tmp_path, GOOD_PLAN.replace("    leads: [t/sct]\n    co:", "    co:"))
    assert "task 1.1, field 'leads': is missing or empty" in message


def test_every_shape_problem_of_a_file_is_reported_at_once(tmp_path):
    text = GOOD_PLAN.replace("legal_ref: Quyết định 1/QĐ-UBND\n", "").replace(
        "    title: Giới thiệu công nghệ sạch\n", ""
    )
    message = load_error(tmp_path, text)
    assert "field 'legal_ref': is missing" in message
    assert "task 1.2, field 'title': is missing" in message
    assert "(2 problem(s))" in message


def test_an_unquoted_task_code_must_be_quoted(tmp_path):
    message = load_error(tmp_path, GOOD_PLAN.replace('code: "1.1"', "code: 1.1"))
    assert "task 1.1, field 'code': must be quoted as printed" in message


def test_an_unknown_agency_code_is_named_with_its_task_and_field(tmp_path):
    problems = problems_of(tmp_path, GOOD_PLAN.replace("co: [t/stnmt]", "co: [t/so-la]"))
    assert problems == [
        f"{tmp_path / 'plan.yaml'}: task 1.1, field 'co': 't/so-la' is not a "
        "known agency code; add it to the agency directory or fix the spelling."
    ]


def test_an_unknown_responsible_department_is_reported(tmp_path):
    problems = problems_of(tmp_path, GOOD_PLAN.replace("responsible: t/sct", "responsible: t/x"))
    assert len(problems) == 1
    assert "field 'responsible': 't/x' is not a known agency code" in problems[0]


def test_a_window_that_ends_before_it_starts_is_reported(tmp_path):
    problems = problems_of(
        tmp_path, GOOD_PLAN.replace("{start: 2014, end: 2015}", "{start: 2015, end: 2014}")
    )
    assert len(problems) == 1
    assert "task 1.1, field 'window': end 2014 is before start 2015" in problems[0]


def test_a_window_outside_the_plan_period_is_reported(tmp_path):
    problems = problems_of(
        tmp_path, GOOD_PLAN.replace("{start: 2014, end: 2015}", "{start: 2019, end: 2021}")
    )
    assert len(problems) == 1
    assert "task 1.1, field 'window': 2019-2021 is outside the plan period 2013-2020" in problems[0]


def test_a_window_written_as_printed_text_must_be_integer_years(tmp_path):
    message = load_error(tmp_path, GOOD_PLAN.replace("{start: 2014, end: 2015}", '"2014-2015"'))
    assert "task 1.1, field 'window': must be a mapping, not '2014-2015'" in message
    message = load_error(
        tmp_path, GOOD_PLAN.replace("{start: 2014, end: 2015}", "{start: 2014, end: cuối năm}")
    )
    assert "task 1.1, field 'window': needs integer years 'start' and 'end'" in message


def test_a_duplicate_task_code_is_reported(tmp_path):
    problems = problems_of(
        tmp_path,
        GOOD_PLAN.replace('code: "1.2"', 'code: "1.1"').replace(
            'depends_on: ["1.1"]', "depends_on: []"
        ),
    )
    assert len(problems) == 1
    assert "task 1.1, field 'code': is used by more than one task" in problems[0]


def test_an_unknown_workflow_kind_lists_the_known_ones(tmp_path):
    problems = problems_of(tmp_path, GOOD_PLAN.replace("workflow: generic", "workflow: chithi"))
    assert len(problems) == 1
    assert "task 1.1, field 'workflow': 'chithi' is not a workflow kind" in problems[0]
    # The kinds come from the workflow registry, not a list kept beside it.
    assert "use one of demo_model, directive, generic, recurring_activity" in problems[0]


def test_an_unknown_recurrence_is_reported(tmp_path):
    problems = problems_of(
        tmp_path, GOOD_PLAN.replace("recurrence: yearly", "recurrence: hàng năm")
    )
    assert len(problems) == 1
    assert (
        "task 1.2, field 'recurrence': 'hàng năm' is not a recurrence; use one of once, yearly"
        in problems[0]
    )


def test_a_dependency_on_an_unknown_task_is_reported(tmp_path):
    problems = problems_of(
        tmp_path, GOOD_PLAN.replace('depends_on: ["1.1"]', 'depends_on: ["2.3"]')
    )
    assert len(problems) == 1
    assert "task 1.2, field 'depends_on': '2.3' is not a task of this plan" in problems[0]


def test_a_dependency_cycle_is_reported_with_the_whole_cycle(tmp_path):
    text = GOOD_PLAN.replace(
        "    window: {start: 2014, end: 2015}\n",
        '    window: {start: 2014, end: 2015}\n    depends_on: ["1.2"]\n',
    )
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1
    assert "the dependencies form a cycle 1.1 → 1.2 → 1.1" in problems[0]


def test_a_task_that_depends_on_itself_is_a_cycle(tmp_path):
    problems = problems_of(
        tmp_path, GOOD_PLAN.replace('depends_on: ["1.1"]', 'depends_on: ["1.2"]')
    )
    assert len(problems) == 1
    assert "cycle 1.2 → 1.2" in problems[0]


def test_a_budget_line_for_an_unknown_task_is_reported(tmp_path):
    problems = problems_of(
        tmp_path, GOOD_PLAN.replace('{task: "1.1", year: 2014', '{task: "9.9", year: 2014')
    )
    assert len(problems) == 1
    assert "budget line 1, field 'task': '9.9' is not a task of this plan" in problems[0]


def test_load_and_validate_raises_listing_every_problem(tmp_path):
    text = GOOD_PLAN.replace("workflow: generic", "workflow: chithi").replace(
        "co: [t/stnmt]", "co: [t/so-la]"
    )
    with pytest.raises(InvalidDefinition) as caught:
        schema.load_and_validate(write(tmp_path, text), AGENCIES)
    message = english(caught.value)
    assert "(2 problem(s))" in message
    assert "'chithi' is not a workflow kind" in message
    assert "'t/so-la' is not a known agency code" in message


def test_a_missing_catalog_file_is_not_found(tmp_path):
    with refused(NotFound, "does not exist"):
        schema.load_plan(tmp_path / "absent.yaml")


def test_an_unknown_plan_id_names_the_known_ones():
    with pytest.raises(NotFound) as caught:
        schema.plan_path("ha-noi-2020")
    assert "'ha-noi-2020'" in english(caught.value)
    assert "kon-tum-2013" in english(caught.value)
    assert caught.value.plan == "ha-noi-2020"


def test_shipped_plan_ids_are_found_next_to_the_package():
    assert "kon-tum-2013" in schema.list_plan_ids()
    assert schema.plan_path("kon-tum-2013") == schema.catalog_dir() / "plans" / "kon-tum-2013.yaml"


AGENCY_DIR = """\
format: dondoc-agencies/1
province: t
name_vi: Thử
agencies:
  - {code: t/ubnd, name_vi: UBND tỉnh, name_en: Committee, parent: null}
  - {code: t/sct, name_vi: Sở Công Thương, name_en: Industry, parent: t/ubnd}
"""


def test_an_agency_directory_folder_loads_by_code(tmp_path):
    write(tmp_path, AGENCY_DIR, "t.yaml")
    agencies = schema.load_all_directories(tmp_path)
    assert sorted(agencies) == ["t/sct", "t/ubnd"]
    assert agencies["t/sct"].parent == "t/ubnd"


def test_an_agency_with_an_unknown_parent_is_refused(tmp_path):
    write(tmp_path, AGENCY_DIR.replace("parent: t/ubnd", "parent: t/hdnd"), "t.yaml")
    with refused(InvalidDefinition, "agency t/sct, field 'parent': 't/hdnd' is not"):
        schema.load_all_directories(tmp_path)


def test_agency_parents_that_form_a_cycle_are_refused(tmp_path):
    write(tmp_path, AGENCY_DIR.replace("parent: null", "parent: t/sct"), "t.yaml")
    with refused(InvalidDefinition, "cycle t/ubnd → t/sct → t/ubnd"):
        schema.load_all_directories(tmp_path)


def test_an_agency_code_defined_twice_is_refused(tmp_path):
    write(tmp_path, AGENCY_DIR, "t.yaml")
    write(tmp_path, AGENCY_DIR, "t-copy.yaml")
    with refused(InvalidDefinition, "agency t/sct, field 'code': is already defined"):
        schema.load_all_directories(tmp_path)


def test_an_agency_code_outside_its_province_is_refused(tmp_path):
    with refused(InvalidDefinition, "must start with the file's province 't/'"):
        schema.load_directory(write(tmp_path, AGENCY_DIR.replace("code: t/sct", "code: x/sct")))


def test_actions_cut_at_commas_by_a_one_line_yaml_list_are_refused(tmp_path):
    split = GOOD_PLAN.replace(
        "    title: Xây dựng kế hoạch truyền thông\n",
        "    title: Xây dựng kế hoạch truyền thông\n"
        "    actions: [Xác định đầu mối, bổ sung nhiệm vụ chức năng và nguồn lực]\n",
    )
    assert problems_of(tmp_path, split) == [
        f"{tmp_path / 'plan.yaml'}: task 1.1, field 'actions': action 2 ('bổ sung nhiệm vụ "
        "chức năng và nguồn lực') starts in lower case: a sentence cut at a comma? write the "
        "list one '- ' line per item."
    ]
    whole = split.replace(
        "    actions: [Xác định đầu mối, bổ sung nhiệm vụ chức năng và nguồn lực]\n",
        "    actions:\n      - Xác định đầu mối, bổ sung nhiệm vụ chức năng và nguồn lực\n",
    )
    assert problems_of(tmp_path, whole) == []


def test_follow_up_numbers_are_checked_not_silently_replaced_by_defaults(tmp_path):
    text = GOOD_PLAN + (
        'follow_up:\n  silence_working_days: "20"\n  report_reminder_working_days: 0\n'
        "  silence_days: 10\n"
    )
    with pytest.raises(InvalidDefinition) as caught:
        schema.load_plan(write(tmp_path, text))
    message = english(caught.value)
    assert "(3 problem(s))" in message
    assert (
        "field 'follow_up': has unknown keys: silence_days "
        "(allowed: report_reminder_working_days, silence_working_days)" in message
    )
    assert "field 'follow_up.silence_working_days': must be a positive whole number, not '20'" in (
        message
    )
    assert "'follow_up.report_reminder_working_days': must be a positive whole number, not 0" in (
        message
    )


def test_good_follow_up_numbers_reach_the_plan(tmp_path):
    text = GOOD_PLAN + "follow_up: {silence_working_days: 15, report_reminder_working_days: 3}\n"
    plan = schema.load_plan(write(tmp_path, text))
    assert plan.extra["follow_up"] == {
        "silence_working_days": 15,
        "report_reminder_working_days": 3,
    }
