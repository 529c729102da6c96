"""Counting follow-up as government reports count it: four buckets and a completion rate.

Follow-up reports of the Prime Minister's working group (1270/BC-TCTTTg,
2017) and the provinces after it count every task in one of four buckets —
completed on time, completed late, unfinished within the deadline, overdue —
and give a **completion rate**: completed ÷ (completed + overdue unfinished).
Work still within its deadline is left out of the rate: it is neither done
nor late yet. Suspended and cancelled work is counted apart and left out too.

``Buckets.of(categories)`` counts status categories (``engine.status``,
hyphenated as listings carry them); ``rate`` is None when nothing is due yet.

Provinces also give an **update rate** (tỷ lệ cập nhật): the share of the
occurrences expected to report in a period whose agency did report
(``UpdateRate``; who is expected and what counts as a report is the progress
cycle's, ``engine.progress_status``). ``Buckets.figures`` puts the three
together: every listing, report, page and the API print that dict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

# Status categories by bucket, as the listings write them.
_BUCKET_OF = {
    "completed-on-time": "completed_on_time",
    "completed-late": "completed_late",
    "in-progress": "within_deadline",
    "not-started": "within_deadline",
    "overdue": "overdue",
    "suspended": "suspended",
    "cancelled": "cancelled",
}
BUCKETS = ("completed_on_time", "completed_late", "within_deadline", "overdue")


@dataclass
class Buckets:
    completed_on_time: int = 0
    completed_late: int = 0
    within_deadline: int = 0
    overdue: int = 0
    suspended: int = 0
    cancelled: int = 0

    @classmethod
    def of(cls, categories: Iterable[str]) -> Buckets:
        counts = cls()
        for category in categories:
            name = _BUCKET_OF[category.replace("_", "-")]
            setattr(counts, name, getattr(counts, name) + 1)
        return counts

    @classmethod
    def of_counts(cls, counts: Mapping[str, int]) -> Buckets:
        """Buckets of counts per status category (as ``engine.counts`` keeps them)."""
        found = cls()
        for category, n in counts.items():
            name = _BUCKET_OF[category.replace("_", "-")]
            setattr(found, name, getattr(found, name) + n)
        return found

    @property
    def completed(self) -> int:
        return self.completed_on_time + self.completed_late

    @property
    def total(self) -> int:
        return sum(asdict(self).values())

    @property
    def rate(self) -> float | None:
        """completed ÷ (completed + overdue), or None when neither has happened yet."""
        counted = self.completed + self.overdue
        return self.completed / counted if counted else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "completed": self.completed, "total": self.total, "rate": self.rate}

    def figures(self, update: UpdateRate) -> dict[str, Any]:
        """Buckets, completion rate and update rate, as the stats and the reports give them."""
        return {
            **asdict(self),
            "completed": self.completed,
            "total": self.total,
            "completion_rate": self.rate,
            "expected_reports": update.expected,
            "reported": update.reported,
            "update_rate": update.rate,
        }


@dataclass(frozen=True)
class UpdateRate:
    """Of ``expected`` occurrences that owed a report in a period, ``reported`` did."""

    expected: int = 0
    reported: int = 0

    @property
    def rate(self) -> float | None:
        """reported ÷ expected, or None when nobody owed a report."""
        return self.reported / self.expected if self.expected else None


def grouped(
    rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Iterable[Any]]
) -> dict[Any, Buckets]:
    """Buckets per group; ``key(row)`` names the groups a row counts in (e.g. each lead agency)."""
    out: dict[Any, Buckets] = {}
    for row in rows:
        for group in key(row):
            counts = out.setdefault(group, Buckets())
            name = _BUCKET_OF[row["status_category"]]
            setattr(counts, name, getattr(counts, name) + 1)
    return out
