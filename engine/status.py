"""Status categories of an occurrence on a given day, as follow-up reports count them.

Government follow-up systems report every task in exactly one category. The
category is derived, never stored: it depends on the day it is asked for.

Rules, first match wins:

1. cancelled (đã hủy) -> ``cancelled``;
2. completed on or before ``as_of`` -> ``completed_on_time`` if the completion
   day is on or before the due day, else ``completed_late`` (the due day itself
   is on time);
3. suspended (tạm dừng) -> ``suspended``, even past the due day, because the
   due day moves when the occurrence resumes (``engine.ladder.shift_due``);
4. ``as_of`` after the due day -> ``overdue`` (quá hạn), whether or not work
   started: a task nobody started is the most overdue of all;
5. started -> ``in_progress`` (within the deadline);
6. otherwise -> ``not_started``.

Overdue starts on the calendar day after the due day. Escalation counts
working days instead (``engine.ladder``), so a task can be overdue on a
Saturday before it reaches escalation level 1.

A completion dated after ``as_of`` is treated as not yet completed on that
day (the occurrence counts as started), so ``--as-of`` a past day shows what
was open then. The other flags describe the state on ``as_of``; replaying
history for a past day is the caller's business.

"Due soon" is a view, not a category: an open (``not_started`` or
``in_progress``) occurrence whose due day is within N calendar days
(default 14) of ``as_of``, see ``is_due_soon``.

The same rule as SQL, for the engine's listing query (``:as_of`` a bound
day; ``state_kind`` says whether the current state is initial, in progress,
suspended, cancelled or completed; ``completed_on`` is the local completion
day or NULL)::

    CASE
      WHEN state_kind = 'cancelled' THEN 'cancelled'
      WHEN completed_on IS NOT NULL AND completed_on <= :as_of THEN
        CASE WHEN completed_on <= due THEN 'completed_on_time'
             ELSE 'completed_late' END
      WHEN state_kind = 'suspended' THEN 'suspended'
      WHEN due < :as_of THEN 'overdue'
      WHEN state_kind = 'initial' THEN 'not_started'
      ELSE 'in_progress'
    END

and a single category as a WHERE clause, e.g. ``overdue``::

    state_kind NOT IN ('cancelled', 'suspended')
    AND (completed_on IS NULL OR completed_on > :as_of)
    AND due < :as_of

``due_soon``: the ``not_started``/``in_progress`` condition
``AND due BETWEEN :as_of AND :as_of + 14 days``.
"""

from __future__ import annotations

import datetime as dt

from engine.errors import InvalidInput

COMPLETED_ON_TIME = "completed_on_time"
COMPLETED_LATE = "completed_late"
IN_PROGRESS = "in_progress"
OVERDUE = "overdue"
NOT_STARTED = "not_started"
SUSPENDED = "suspended"
CANCELLED = "cancelled"

CATEGORIES = (
    COMPLETED_ON_TIME,
    COMPLETED_LATE,
    IN_PROGRESS,
    OVERDUE,
    NOT_STARTED,
    SUSPENDED,
    CANCELLED,
)
# Categories still waiting for work: the ones reminders and "due soon" concern.
OPEN_CATEGORIES = frozenset({NOT_STARTED, IN_PROGRESS})
DONE_CATEGORIES = frozenset({COMPLETED_ON_TIME, COMPLETED_LATE})

DUE_SOON_DAYS = 14


def category(
    *,
    started: bool,
    completed: bool,
    suspended: bool,
    cancelled: bool,
    due: dt.date,
    completed_on: dt.date | None,
    as_of: dt.date,
) -> str:
    """The status category of one occurrence on ``as_of`` (rules in the module docstring)."""
    if completed and completed_on is None:
        raise InvalidInput("completed_without_day")
    if cancelled:
        return CANCELLED
    if completed and completed_on is not None and completed_on <= as_of:
        return COMPLETED_ON_TIME if completed_on <= due else COMPLETED_LATE
    if suspended:
        return SUSPENDED
    if as_of > due:
        return OVERDUE
    # A completion recorded after as_of means work was under way on as_of.
    return IN_PROGRESS if started or completed else NOT_STARTED


def is_due_soon(
    category_name: str, *, due: dt.date, as_of: dt.date, within_days: int = DUE_SOON_DAYS
) -> bool:
    """Whether an occurrence belongs in the "due soon" view on ``as_of``.

    True for an open occurrence due between ``as_of`` and ``as_of`` plus
    ``within_days`` calendar days, both included.
    """
    if category_name not in CATEGORIES:
        raise InvalidInput("unknown_category", category=category_name, known=list(CATEGORIES))
    if within_days < 0:
        raise InvalidInput("negative_due_soon", days=within_days)
    return category_name in OPEN_CATEGORIES and 0 <= (due - as_of).days <= within_days
