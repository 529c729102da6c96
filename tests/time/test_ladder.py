"""Escalation ladder arithmetic on the Vietnamese working calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import ladder
from engine.errors import InvalidDefinition, InvalidInput
from engine.plan_spec import LadderStep
from engine.workdays import WorkingCalendar
from tests.words import refused

D = dt.date
KON_TUM_DUE = D(2014, 12, 31)  # task 2.1, window 2013-2014


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def test_default_ladder_presses_owner_then_responsible_then_ubnd() -> None:
    assert [(s.level, s.after_working_days, s.target) for s in ladder.DEFAULT_LADDER] == [
        (1, 1, "owner"),
        (2, 10, "responsible"),
        (3, 20, "ubnd"),
    ]


def test_kon_tum_occurrence_due_end_of_2014_reaches_its_levels_on_these_days(
    cal: WorkingCalendar,
) -> None:
    # Working days after Wed 31/12/2014: Thu 1/1 is New Year, Fri 2/1 was the
    # day off swapped for Saturday 27/12 (the package lists it), 3-4/1 weekend.
    # So the 1st working day overdue is Mon 5/1 (level 1), the 10th is Fri
    # 16/1 (two full weeks, level 2) and the 20th is Fri 30/1 (level 3): no
    # holiday falls in January after the 2nd.
    assert ladder.level_dates(cal, KON_TUM_DUE, ladder.DEFAULT_LADDER) == {
        1: D(2015, 1, 5),
        2: D(2015, 1, 16),
        3: D(2015, 1, 30),
    }


def test_kon_tum_occurrence_is_at_level_3_on_16_march_2015(cal: WorkingCalendar) -> None:
    as_of = D(2015, 3, 16)
    # January 5-30: 20, February: 15 (Tết 16-23 off, Saturday 14 worked),
    # 2-16 March: 11 -> 46 working days overdue.
    assert ladder.days_overdue(cal, KON_TUM_DUE, as_of) == 46
    reached = ladder.levels_reached(cal, KON_TUM_DUE, as_of, ladder.DEFAULT_LADDER)
    assert [s.level for s in reached] == [1, 2, 3]


def test_levels_are_reached_on_their_day_and_not_the_day_before(cal: WorkingCalendar) -> None:
    assert ladder.levels_reached(cal, KON_TUM_DUE, D(2015, 1, 4)) == []
    assert [s.level for s in ladder.levels_reached(cal, KON_TUM_DUE, D(2015, 1, 5))] == [1]
    assert [s.level for s in ladder.levels_reached(cal, KON_TUM_DUE, D(2015, 1, 15))] == [1]
    assert [s.level for s in ladder.levels_reached(cal, KON_TUM_DUE, D(2015, 1, 16))] == [1, 2]


def test_not_overdue_on_the_due_day_or_before(cal: WorkingCalendar) -> None:
    assert ladder.days_overdue(cal, KON_TUM_DUE, KON_TUM_DUE) == 0
    assert ladder.days_overdue(cal, KON_TUM_DUE, D(2014, 12, 1)) == 0


def test_pending_levels_skip_levels_already_escalated(cal: WorkingCalendar) -> None:
    pending = ladder.pending_levels(cal, KON_TUM_DUE, D(2015, 3, 16), already_sent={1})
    assert [s.level for s in pending] == [2, 3]
    assert ladder.pending_levels(cal, KON_TUM_DUE, D(2015, 3, 16), already_sent={1, 2, 3}) == []


def test_plan_ladder_override_is_used_as_given(cal: WorkingCalendar) -> None:
    custom = (LadderStep(1, 3, "owner"), LadderStep(2, 5, "kon-tum/ubnd"))
    assert ladder.level_dates(cal, KON_TUM_DUE, custom) == {1: D(2015, 1, 7), 2: D(2015, 1, 9)}


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ((), "no steps"),
        ((LadderStep(1, 1, "owner"), LadderStep(3, 20, "ubnd")), "found level 3 where level 2"),
        ((LadderStep(1, 0, "owner"),), "waits 0 working days"),
        ((LadderStep(1, 5, "owner"), LadderStep(2, 5, "ubnd")), "level 2, .* must wait longer"),
        ((LadderStep(1, 1, " "),), "level 1, field 'target': has no target"),
    ],
)
def test_inconsistent_ladders_are_refused(steps: tuple[LadderStep, ...], message: str) -> None:
    with refused(InvalidDefinition, message):
        ladder.validate_ladder(steps, province="kon-tum", plan="kon-tum-2013")


def test_validate_ladder_orders_steps_by_level() -> None:
    shuffled = (ladder.DEFAULT_LADDER[2], ladder.DEFAULT_LADDER[0], ladder.DEFAULT_LADDER[1])
    assert ladder.validate_ladder(shuffled, province="kon-tum") == ladder.DEFAULT_LADDER


PARENTS = {"kon-tum/sct": "kon-tum/ubnd", "kon-tum/ttkc": "kon-tum/sct", "kon-tum/ubnd": None}


def test_level_2_goes_to_the_responsible_department_when_another_agency_leads() -> None:
    got = ladder.resolve_target(
        "responsible",
        leads=["kon-tum/ttkc"],
        responsible="kon-tum/sct",
        parents=PARENTS,
        province="kon-tum",
    )
    assert got == "kon-tum/sct"


def test_level_2_goes_to_the_parent_when_the_responsible_department_leads() -> None:
    # Kon Tum 4.3 is led by SCT, TN&MT and KH&CN together; SCT is responsible.
    got = ladder.resolve_target(
        "responsible",
        leads=["kon-tum/sct", "kon-tum/stnmt", "kon-tum/skhcn"],
        responsible="kon-tum/sct",
        parents=PARENTS,
        province="kon-tum",
    )
    assert got == "kon-tum/ubnd"


def test_owner_and_abbreviated_targets_resolve_to_agency_codes() -> None:
    def resolve(target: str) -> str:
        return ladder.resolve_target(
            target,
            leads=["kon-tum/stnmt", "kon-tum/sct"],
            responsible="kon-tum/sct",
            parents=PARENTS,
            province="kon-tum",
        )

    assert resolve("owner") == "kon-tum/stnmt"
    assert resolve("ubnd") == "kon-tum/ubnd"
    assert resolve("vn/bct") == "vn/bct"


def test_responsible_without_a_parent_cannot_be_escalated_past() -> None:
    with refused(InvalidDefinition, "kon-tum/ubnd leads this task and has no parent"):
        ladder.resolve_target(
            "responsible",
            leads=["kon-tum/ubnd"],
            responsible="kon-tum/ubnd",
            parents=PARENTS,
            province="kon-tum",
        )


def test_only_the_owner_level_copies_co_operating_agencies() -> None:
    assert [ladder.copies_co_operating(s) for s in ladder.DEFAULT_LADDER] == [True, False, False]


def test_reminders_go_14_and_3_calendar_days_before_the_due_day() -> None:
    assert ladder.reminder_dates(KON_TUM_DUE) == [D(2014, 12, 17), D(2014, 12, 28)]


def test_reminders_before_the_occurrence_starts_are_dropped() -> None:
    due = D(2013, 11, 5)
    assert ladder.reminder_dates(due, not_before=D(2013, 10, 24)) == [D(2013, 11, 2)]


def test_reminder_offsets_must_be_positive() -> None:
    with refused(InvalidInput, "at least 1 day"):
        ladder.reminder_dates(KON_TUM_DUE, (14, 0))


def test_resuming_adds_the_suspended_working_days_to_the_due_day(cal: WorkingCalendar) -> None:
    # Suspended Mon 2/3/2015, resumed Mon 16/3: 10 working days lost
    # (2-6 and 9-13 March), so the due day moves 10 working days on.
    assert ladder.shift_due(cal, D(2015, 6, 30), D(2015, 3, 2), D(2015, 3, 16)) == D(2015, 7, 14)


def test_suspension_over_tet_loses_only_working_days(cal: WorkingCalendar) -> None:
    # Suspended Fri 13/2/2015, resumed Tue 24/2: 13/2 and Saturday 14/2 were
    # working days; 16-23 were Tết. Two days lost.
    assert ladder.shift_due(cal, D(2015, 6, 30), D(2015, 2, 13), D(2015, 2, 24)) == D(2015, 7, 2)


def test_suspended_and_resumed_the_same_day_keeps_the_due_day(cal: WorkingCalendar) -> None:
    assert ladder.shift_due(cal, D(2015, 6, 30), D(2015, 3, 2), D(2015, 3, 2)) == D(2015, 6, 30)


def test_resuming_before_suspending_is_refused(cal: WorkingCalendar) -> None:
    with refused(InvalidInput, "before the suspension began on 2015-03-02"):
        ladder.shift_due(cal, D(2015, 6, 30), D(2015, 3, 2), D(2015, 3, 1))


def test_state_time_limit_counts_calendar_days() -> None:
    assert ladder.state_time_limit_due(D(2015, 3, 1), 30) == D(2015, 3, 31)
    with refused(InvalidInput, "at least 1 day, got 0"):
        ladder.state_time_limit_due(D(2015, 3, 1), 0)
