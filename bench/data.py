"""Synthetic data written fast with SQLAlchemy Core executemany, in chunks.

One province (``bench``), one plan (``bench-2013``), one task per eight yearly
occurrences (2013-2020, as the real plans recur), one lead and one
co-operating agency per task. Occurrences are placed so that two days of
reference select a known number of open overdue rows:

- ``tier1``: ``min(n // 100, 1000)`` open rows due ``TIER1_DUE``;
- ``tier2``: open rows due ``TIER2_DUE`` bringing the total to ``max(n // 100, 1000)``;
- every other open row is due after ``FUTURE_FROM``; about 60% of all rows are
  completed (due in the past, so a sweep that forgot the phase would see them).

So ``as_of_for(n, n // 100)`` gives 1% overdue and ``as_of_for(n, 1000)``
gives exactly 1,000 overdue at every size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, insert

from engine.history import GENESIS
from engine.models import Agency, Occurrence, Plan, Task, TaskAgency, User

PROVINCE = "bench"
PLAN_ID = "bench-2013"
YEARS = tuple(range(2013, 2021))
TIER1_DUE = dt.date(2020, 1, 13)  # a Monday; both tiers stay on ladder level 1
TIER2_DUE = dt.date(2020, 1, 15)
FUTURE_FROM = dt.date(2021, 12, 31)
COORDINATOR = "bench-coordinator"
CHUNK = 20_000
NOW = dt.datetime(2013, 11, 1, 8, 0, tzinfo=dt.UTC)

AGENCIES = [
    ("ubnd", "UBND tỉnh", "Provincial People's Committee", None),
    ("sct", "Sở Công Thương", "Department of Industry and Trade", "ubnd"),
    ("stnmt", "Sở Tài nguyên và Môi trường", "Department of Natural Resources", "ubnd"),
    ("skhcn", "Sở Khoa học và Công nghệ", "Department of Science and Technology", "ubnd"),
    ("stc", "Sở Tài chính", "Department of Finance", "ubnd"),
    ("ttkc", "Trung tâm Khuyến công", "Industrial Promotion Centre", "sct"),
]


def code(abbr: str, province: str = PROVINCE) -> str:
    return f"{province}/{abbr}"


def as_of_for(n: int, overdue: int) -> dt.date:
    """The day on which exactly ``overdue`` rows of an ``n``-row set are open and overdue."""
    tier1 = min(n // 100, 1000)
    if overdue == tier1:
        return TIER1_DUE + dt.timedelta(days=1)
    if overdue == max(n // 100, 1000):
        return TIER2_DUE + dt.timedelta(days=1)
    raise ValueError(f"{n} rows hold {tier1} or {max(n // 100, 1000)} overdue, not {overdue}")


def _chunks(rows: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def add_province(conn: Any, province: str = PROVINCE) -> None:
    conn.execute(
        insert(Agency.__table__),
        [
            {
                "code": code(abbr, province),
                "province": province,
                "name_vi": vi,
                "name_en": en,
                "parent_code": code(parent, province) if parent else None,
                "also_reports_to": [],
                "aliases": [],
                "is_group": False,
                "email": f"{abbr}@{province}.example",
                "webhook": None,
            }
            for abbr, vi, en, parent in AGENCIES
        ],
    )


def add_plan(conn: Any, plan_id: str = PLAN_ID, province: str = PROVINCE) -> None:
    conn.execute(
        insert(Plan.__table__).values(
            id=plan_id,
            province=province,
            title_vi="Kế hoạch hành động sản xuất sạch hơn (dữ liệu đo)",
            title_en="Cleaner production action plan (benchmark data)",
            legal_ref="0/KH-UBND",
            issued=dt.date(2013, 10, 24),
            period_start=YEARS[0],
            period_end=YEARS[-1],
            responsible_code=code("sct", province),
            details={},
            catalog_sha256="0" * 64,
            loaded_at=NOW,
        )
    )


def add_tasks(
    conn: Any,
    n_tasks: int,
    *,
    plan_id: str = PLAN_ID,
    province: str = PROVINCE,
    workflow: str = "generic",
    first_id: int = 1,
) -> None:
    leads = [code(a, province) for a in ("sct", "stnmt", "skhcn", "stc", "ttkc")]

    def task_rows() -> Iterator[dict[str, Any]]:
        for i in range(n_tasks):
            yield {
                "id": first_id + i,
                "plan_id": plan_id,
                "code": f"{i // 100 + 1}.{i % 100 + 1}",
                "position": i,
                "section": str(i // 100 + 1),
                "title": f"Nhiệm vụ {i + 1}: phổ biến sản xuất sạch hơn",
                "actions": [],
                "result": "",
                "workflow": workflow,
                "window_start": YEARS[0],
                "window_end": YEARS[-1],
                "recurrence": "yearly",
                "depends_on": [],
                "note": "",
                "lead_by_source": [],
                "archived": False,
            }

    def link_rows() -> Iterator[dict[str, Any]]:
        for i in range(n_tasks):
            lead = leads[i % len(leads)]
            co = leads[(i + 1) % len(leads)]
            yield {"task_id": first_id + i, "role": "lead", "position": 0, "agency_code": lead}
            yield {"task_id": first_id + i, "role": "co", "position": 0, "agency_code": co}

    for batch in _chunks(task_rows()):
        conn.execute(insert(Task.__table__), batch)
    for batch in _chunks(link_rows()):
        conn.execute(insert(TaskAgency.__table__), batch)


def _occurrence(
    occ_id: int,
    task_id: int,
    task_code: str,
    year: int,
    plan_id: str,
    phase: str,
    state: str,
    due: dt.date,
) -> dict[str, Any]:
    return {
        "id": occ_id,
        "task_id": task_id,
        "ref": f"{plan_id}:{task_code}@{year}",
        "year": year,
        "state": state,
        "phase": phase,
        "state_entered_at": NOW,
        "resume_state": None,
        "suspended_on": None,
        "version": 1,
        "window_start": dt.date(year, 1, 1),
        "due": due,
        "planned_due": due,
        "completed_at": NOW if phase == "completed" else None,
        "head_hash": GENESIS,
        "head_seq": 0,
        "archived": False,
    }


def generate_sweep_set(engine: Engine, n: int) -> dict[str, int]:
    """``n`` occurrences placed in the tiers described above; returns the counts."""
    n_tasks = -(-n // len(YEARS))
    tier1 = min(n // 100, 1000)
    overdue_max = max(n // 100, 1000)
    with engine.begin() as conn:
        add_province(conn)
        add_plan(conn)
        add_tasks(conn, n_tasks)

        def rows() -> Iterator[dict[str, Any]]:
            for i in range(n):
                task_index, y = divmod(i, len(YEARS))
                year = YEARS[y]
                task_code = f"{task_index // 100 + 1}.{task_index % 100 + 1}"
                # Spread the overdue rows over the table rather than at its start.
                slot = (i * 7919) % n
                if slot < tier1:
                    phase, state, due = "active", "in_progress", TIER1_DUE
                elif slot < overdue_max:
                    phase, state, due = "not_started", "not_started", TIER2_DUE
                elif slot % 5 < 3:
                    phase, state, due = "completed", "done", dt.date(year, 12, 31)
                else:
                    phase, state = "not_started", "not_started"
                    due = FUTURE_FROM + dt.timedelta(days=slot % 2500)
                yield _occurrence(
                    i + 1, task_index + 1, task_code, year, PLAN_ID, phase, state, due
                )

        for batch in _chunks(rows()):
            conn.execute(insert(Occurrence.__table__), batch)
    return {"rows": n, "tasks": n_tasks, "tier1": tier1, "overdue_max": overdue_max}


def generate_advance_set(engine: Engine, n: int) -> None:
    """``n`` not-started generic occurrences for ``advance`` to start, and a coordinator."""
    n_tasks = -(-n // len(YEARS))
    with engine.begin() as conn:
        add_province(conn)
        add_plan(conn)
        add_tasks(conn, n_tasks)
        conn.execute(
            insert(User.__table__).values(
                name=COORDINATOR,
                agency_code=code("sct"),
                role="coordinator",
                password_hash=None,
                created_at=NOW,
                active=True,
            )
        )

        def rows() -> Iterator[dict[str, Any]]:
            for i in range(n):
                task_index, y = divmod(i, len(YEARS))
                year = YEARS[y]
                task_code = f"{task_index // 100 + 1}.{task_index % 100 + 1}"
                yield _occurrence(
                    i + 1,
                    task_index + 1,
                    task_code,
                    year,
                    PLAN_ID,
                    "not_started",
                    "not_started",
                    FUTURE_FROM,
                )

        for batch in _chunks(rows()):
            conn.execute(insert(Occurrence.__table__), batch)


def task_code_of(occ_id: int) -> str:
    task_index = (occ_id - 1) // len(YEARS)
    return f"{task_index // 100 + 1}.{task_index % 100 + 1}"


def ref_of(occ_id: int, plan_id: str = PLAN_ID) -> str:
    return f"{plan_id}:{task_code_of(occ_id)}@{YEARS[(occ_id - 1) % len(YEARS)]}"


def generate_digest_set(
    engine: Engine, provinces: int = 63, plans_per_province: int = 3, tasks_per_plan: int = 13
) -> dict[str, int]:
    """A national roll-out: every province with three eight-year plans of yearly tasks.

    Occurrence states are mixed (done, in progress, not started, some overdue)
    so a digest has every category to show.
    """
    occ_id = task_id = 0
    with engine.begin() as conn:
        for p in range(provinces):
            province = f"p{p:02d}"
            add_province(conn, province)
            rows: list[dict[str, Any]] = []
            for k in range(plans_per_province):
                first_year = 2011 + 3 * k
                plan_id = f"{province}-{first_year}"
                add_plan(conn, plan_id, province)
                add_tasks(
                    conn, tasks_per_plan, plan_id=plan_id, province=province, first_id=task_id + 1
                )
                for t in range(tasks_per_plan):
                    task_id += 1
                    for y in range(8):
                        occ_id += 1
                        year = first_year + y
                        mix = (occ_id * 31) % 10
                        if mix < 5:
                            phase, state = "completed", "done"
                        elif mix < 7:
                            phase, state = "active", "in_progress"
                        else:
                            phase, state = "not_started", "not_started"
                        row = _occurrence(
                            occ_id,
                            task_id,
                            f"{t // 100 + 1}.{t % 100 + 1}",
                            year,
                            plan_id,
                            phase,
                            state,
                            dt.date(year, 12, 31),
                        )
                        rows.append(row)
            conn.execute(insert(Occurrence.__table__), rows)
    return {
        "provinces": provinces,
        "plans": provinces * plans_per_province,
        "occurrences": occ_id,
        "agencies": provinces * len(AGENCIES),
    }
