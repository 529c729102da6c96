"""Vietnamese working days: the calendar every working-day deadline is counted on.

A day is a working day unless it is a Saturday, a Sunday or a public holiday
(ngày lễ, Tết) of the ``holidays`` package for Vietnam. The package already
knows the government's announced swaps for many years: it lists the swapped
day off as a holiday ("Day off (substituted from 12/27/2014)" on 2 January
2015) and the Saturday worked in exchange in ``weekend_workdays``; both are
honoured here. Swaps the package does not know yet come from configuration:
``extra_days_off`` and ``makeup_workdays`` (ngày làm bù), which win over the
package.

Counting must be cheap: the escalation sweep asks about every open occurrence
on every run. The calendar therefore keeps one sorted array of working-day
ordinals for the years it has seen and answers every question with a set
lookup or a binary search.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from engine.errors import InvalidInput

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Bounds keep a runaway count (a huge n, a mistyped year 20155) from building
# centuries of calendar; the plans dondoc knows run from 2011 to 2020.
MIN_YEAR = 1990
MAX_YEAR = 2200

CONFIG_KEYS = ("extra_days_off", "makeup_workdays")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SATURDAY = 5


@cache
def _package_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The package's days off and make-up working days that fall in ``year``.

    The neighbouring years are populated too because a swap can cross the
    new year (2 January 2015 off, worked on Saturday 27 December 2014) and
    the package files it under the year of the day off.
    """
    # Imported here, not at the top: it costs about 55 ms of CPU, and commands
    # that never count working days (tasks, show, plans) should not pay it.
    import holidays

    vn = holidays.country_holidays("VN", years=(year - 1, year, year + 1))
    days_off = frozenset(d for d in vn if d.year == year)
    workdays = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)
    return days_off, workdays


@dataclass(frozen=True)
class _Span:
    """Working days of the years ``first``..``last``, as sorted ordinals and a set."""

    first: int
    last: int
    ordinals: tuple[int, ...]
    lookup: frozenset[int]


class WorkingCalendar:
    """Vietnamese working days with a deployment's or a plan's own swaps."""

    def __init__(
        self,
        extra_days_off: Iterable[dt.date] = (),
        makeup_workdays: Iterable[dt.date] = (),
    ) -> None:
        self.extra_days_off: frozenset[dt.date] = frozenset(extra_days_off)
        self.makeup_workdays: frozenset[dt.date] = frozenset(makeup_workdays)
        both = sorted(self.extra_days_off & self.makeup_workdays)
        if both:
            raise InvalidInput("day_off_and_workday", day=both[0].isoformat())
        self._lock = threading.Lock()
        self._span: _Span | None = None

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(extra_days_off={len(self.extra_days_off)} days, "
            f"makeup_workdays={len(self.makeup_workdays)} days)"
        )

    @classmethod
    def from_config(
        cls, mapping: Mapping[str, object] | None, *, source: str = "calendar settings"
    ) -> WorkingCalendar:
        """Build a calendar from ``{"extra_days_off": [...], "makeup_workdays": [...]}``.

        Days are ISO strings (``"2015-01-02"``) or dates (YAML reads an unquoted
        ``2015-01-02`` as a date). ``source`` names the file or section in
        error messages.
        """
        if mapping is None:
            return cls()
        if not isinstance(mapping, Mapping):
            raise InvalidInput("calendar_not_mapping", source=source, keys=list(CONFIG_KEYS))
        unknown = sorted(str(k) for k in mapping if k not in CONFIG_KEYS)
        if unknown:
            raise InvalidInput(
                "calendar_unknown_key", source=source, key=unknown[0], keys=list(CONFIG_KEYS)
            )
        off = _parse_days(mapping.get("extra_days_off"), source, "extra_days_off")
        makeup = _parse_days(mapping.get("makeup_workdays"), source, "makeup_workdays")
        for day in sorted(makeup):
            if day.weekday() < _SATURDAY:
                raise InvalidInput(
                    "makeup_day_not_weekend",
                    source=source,
                    key="makeup_workdays",
                    day=day.isoformat(),
                    weekday=day.weekday(),
                )
        return cls(extra_days_off=off, makeup_workdays=makeup)

    # -- questions -------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """Whether government offices work on ``day``."""
        return day.toordinal() in self._covering(day.year, day.year).lookup

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``day`` itself never counts)."""
        if n < 1:
            raise InvalidInput("working_day_count", n=n)
        ordinal = day.toordinal()
        last = day.year
        while True:
            span = self._covering(day.year, last)
            target = bisect_right(span.ordinals, ordinal) + n - 1
            if target < len(span.ordinals):
                return dt.date.fromordinal(span.ordinals[target])
            # About 245 working days a year: extend by enough years at once.
            last = span.last + max(1, (target - len(span.ordinals)) // 240 + 1)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie in (start, end]; 0 when end is not after start."""
        if end <= start:
            return 0
        span = self._covering(start.year, end.year)
        return bisect_right(span.ordinals, end.toordinal()) - bisect_right(
            span.ordinals, start.toordinal()
        )

    # -- cache -----------------------------------------------------------

    def _covering(self, first: int, last: int) -> _Span:
        """The cached span, grown (never shrunk) to include ``first``..``last``."""
        span = self._span
        if span is not None and span.first <= first and last <= span.last:
            return span
        with self._lock:
            span = self._span
            lo = first if span is None else min(first, span.first)
            hi = last if span is None else max(last, span.last)
            if lo < MIN_YEAR or hi > MAX_YEAR:
                raise InvalidInput(
                    "calendar_year_range",
                    year=lo if lo < MIN_YEAR else hi,
                    first=MIN_YEAR,
                    last=MAX_YEAR,
                )
            if span is None:
                ordinals = self._years(lo, hi)
            else:
                ordinals = self._years(lo, span.first - 1) + list(span.ordinals)
                ordinals += self._years(span.last + 1, hi)
            # Readers take ``self._span`` without the lock: publish one
            # finished object so they never see half an update.
            self._span = _Span(lo, hi, tuple(ordinals), frozenset(ordinals))
            return self._span

    def _years(self, first: int, last: int) -> list[int]:
        """Working-day ordinals of the years ``first``..``last`` (empty if last < first)."""
        out: list[int] = []
        for year in range(first, last + 1):
            days_off, workdays = _package_year(year)
            day = dt.date(year, 1, 1)
            while day.year == year:
                working = day.weekday() < _SATURDAY and day not in days_off
                if day in workdays or day in self.makeup_workdays:
                    working = True
                if day in self.extra_days_off:
                    working = False
                if working:
                    out.append(day.toordinal())
                day += dt.timedelta(days=1)
        return out


def _parse_days(value: object, source: str, key: str) -> set[dt.date]:
    """Validate a list of ISO day strings or dates, naming the bad value."""
    if value is None:
        return set()
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidInput("calendar_not_a_list", source=source, key=key, value=repr(value)[:80])
    days: set[dt.date] = set()
    for item in value:
        if isinstance(item, dt.datetime):
            raise InvalidInput("calendar_day_with_time", source=source, key=key, value=repr(item))
        if isinstance(item, dt.date):
            days.add(item)
            continue
        if not isinstance(item, str) or not _ISO_DAY.match(item.strip()):
            raise InvalidInput("calendar_not_a_day", source=source, key=key, value=repr(item)[:80])
        try:
            days.add(dt.date.fromisoformat(item.strip()))
        except ValueError:
            raise InvalidInput(
                "calendar_not_a_real_day", source=source, key=key, value=item.strip()
            ) from None
    return days


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    """The shared calendar without overrides, so its cache is built once per process."""
    return WorkingCalendar()


def local_time_text(iso: str) -> str:
    """A stored UTC time (ISO text, as the views give it) as people in the province read it."""
    return dt.datetime.fromisoformat(iso).astimezone(VIETNAM_TZ).strftime("%Y-%m-%d %H:%M")


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day in Vietnam of a stored (UTC) timestamp.

    Deadlines are days in Asia/Ho_Chi_Minh; a change saved at 23:30 UTC on 31
    December already happened on 1 January in Kon Tum.
    """
    if moment.tzinfo is None:
        raise InvalidInput("naive_timestamp", moment=moment.isoformat())
    return moment.astimezone(VIETNAM_TZ).date()


# ---------------------------------------------------------------- overrides from configuration

CALENDAR_SECTION = "calendar"


def deployment_calendar_config(env: Mapping[str, str] | None = None) -> Mapping[str, object]:
    """The ``[calendar]`` section of the config file, or an empty mapping when there is none.

    The file is found as for ``[notify]`` (``notifiers.config``): the path in
    ``DONDOC_CONFIG``, which must exist, else ``config.toml`` in the user's
    config directory, which may be absent::

        [calendar]
        extra_days_off = ["2025-05-02"]
        makeup_workdays = ["2025-04-26"]
    """
    from engine.config_file import config_path, read_section

    path, explicit = config_path(env)
    section = read_section(path, CALENDAR_SECTION, required=explicit)
    # Validated now, so a mistake names the file rather than surfacing mid-sweep.
    WorkingCalendar.from_config(section, source=f"{path} [calendar]")
    return section


def deployment_calendar(env: Mapping[str, str] | None = None) -> WorkingCalendar:
    """The deployment's calendar: the package's days with the config file's ``[calendar]`` swaps."""
    return merged_calendar(deployment_calendar_config(env), None)


def merged_calendar(
    deployment: Mapping[str, object] | None, plan: Mapping[str, object] | None
) -> WorkingCalendar:
    """One calendar from the deployment's swaps and a plan's own, the plan winning on a shared day.

    A plan file is the more specific source: a day it declares a make-up
    working day is worked even if the deployment lists it off, and the
    other way round. Equal settings share one calendar object per process,
    so its working-day cache is built once.
    """
    dep = WorkingCalendar.from_config(deployment or None, source="[calendar] of the config file")
    own = WorkingCalendar.from_config(plan or None, source="the plan's calendar")
    off = (dep.extra_days_off - own.makeup_workdays) | own.extra_days_off
    makeup = (dep.makeup_workdays - own.extra_days_off) | own.makeup_workdays
    if not off and not makeup:
        return default_calendar()
    return _calendar_of(frozenset(off), frozenset(makeup))


@lru_cache(maxsize=64)
def _calendar_of(off: frozenset[dt.date], makeup: frozenset[dt.date]) -> WorkingCalendar:
    return WorkingCalendar(extra_days_off=off, makeup_workdays=makeup)


class PlanCalendars:
    """Each plan's merged calendar, worked out once per sweep.

    ``override`` (a calendar a caller imposes, as tests do) is used for every
    plan; otherwise the deployment's ``[calendar]`` is read once, on first need.
    """

    def __init__(self, override: WorkingCalendar | None = None) -> None:
        self._override = override
        self._deployment: Mapping[str, object] | None = None
        self._plans: dict[str, WorkingCalendar] = {}

    def for_plan(self, plan_id: str, details: Mapping[str, object] | None) -> WorkingCalendar:
        if self._override is not None:
            return self._override
        cal = self._plans.get(plan_id)
        if cal is None:
            if self._deployment is None:
                self._deployment = deployment_calendar_config()
            own = (details or {}).get(CALENDAR_SECTION)
            if own is not None and not isinstance(own, Mapping):
                raise InvalidInput("stored_calendar", plan=plan_id)
            cal = self._plans[plan_id] = merged_calendar(self._deployment, own)
        return cal
