"""The national data set: 34 provinces after the 2025 reorganisation, up to a million occurrences.

    python -m bench.national sqlite:////tmp/national.sqlite3 --occurrences 1000000

Provinces: the 34 provincial-level units that work from 1/7/2025 under
Resolution 202/2025/QH15 of 12/6/2025 (11 unchanged, 23 formed by merger), as
listed by Việt Nam News, "Viet Nam sets two-tier local government system"
(https://vietnamnews.vn/politics-laws/1720781/viet-nam-sets-two-tier-local-government-system.html)
and the provisional list of Resolution 60-NQ/TW
(https://vietnamnews.vn/politics-laws/1695765/provisional-list-of-new-names-for-34-provinces-cities-in-viet-nam.html).
Agencies of each: the People's Committee, the uniform departments of Decree
45/2025/NĐ-CP as ``tasks_catalog/agencies/quang-ngai.yaml`` models them
(industry and trade; agriculture and environment; science and technology;
finance; home affairs; construction; culture, sports and tourism; justice),
the provincial police and the commune-level committees as one group (the
district level ends on 1/7/2025, Law 72/2025/QH15).

Everything else is synthetic and seeded (``random.Random(seed)``, one
sequence in a fixed order), so the same arguments give the same rows: per
province the same number of eight-year plans (2019-2026) of yearly tasks,
each task led by one department with another co-operating; the occurrences
of past years mostly completed (on time or late, the completion day spread
around the due day), some cancelled, suspended or still open (overdue); the
current year's mostly under way. Each occurrence carries the history its
state implies (start, progress reports, completion, cancellation or
suspension: about three events), hash-chained exactly as ``engine.history``
writes it; each progress-report event has its ``progress_reports`` row, one
in five with an attachment's metadata. 10,000 users are spread over the
agencies (one coordinator per People's Committee and department, the rest
officers and viewers), without passwords.

Rows go in with ``COPY`` on PostgreSQL and SQLAlchemy Core ``executemany``
in chunks on SQLite (``bench.national_load``). Each occurrence gets the seal
``engine.seal`` would write (``dondoc audit verify`` finds it sealed), and
PostgreSQL's id sequences are moved past the generated ids so the data set
can be worked on afterwards. The occurrence counts (``engine.counts``) are
rebuilt at the end and the tables analysed (and vacuumed on PostgreSQL).
The search index (``engine.search``) is not filled.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from typing import Any

from sqlalchemy import Engine, Table, create_engine, insert, make_url, text
from sqlalchemy.orm import Session

from bench.national_load import Loader, analyse, seal_row
from engine.history import GENESIS, event_hash
from engine.models import Agency, Event, Occurrence, OccurrenceSeal, Plan, Task, TaskAgency, User

CHUNK = 20_000
YEARS = tuple(range(2019, 2027))
AS_OF = dt.date(2026, 12, 3)  # the day the histories were written up to
LOADED = dt.datetime(2019, 1, 15, 2, 0, tzinfo=dt.UTC)

# (code, name, English name, a city directly under the central government)
PROVINCES = [
    ("ha-noi", "Hà Nội", "Hanoi", True),
    ("hue", "Huế", "Hue", True),
    ("lai-chau", "Lai Châu", "Lai Chau", False),
    ("dien-bien", "Điện Biên", "Dien Bien", False),
    ("son-la", "Sơn La", "Son La", False),
    ("lang-son", "Lạng Sơn", "Lang Son", False),
    ("quang-ninh", "Quảng Ninh", "Quang Ninh", False),
    ("thanh-hoa", "Thanh Hóa", "Thanh Hoa", False),
    ("nghe-an", "Nghệ An", "Nghe An", False),
    ("ha-tinh", "Hà Tĩnh", "Ha Tinh", False),
    ("cao-bang", "Cao Bằng", "Cao Bang", False),
    ("tuyen-quang", "Tuyên Quang", "Tuyen Quang", False),
    ("lao-cai", "Lào Cai", "Lao Cai", False),
    ("thai-nguyen", "Thái Nguyên", "Thai Nguyen", False),
    ("phu-tho", "Phú Thọ", "Phu Tho", False),
    ("bac-ninh", "Bắc Ninh", "Bac Ninh", False),
    ("hung-yen", "Hưng Yên", "Hung Yen", False),
    ("hai-phong", "Hải Phòng", "Hai Phong", True),
    ("ninh-binh", "Ninh Bình", "Ninh Binh", False),
    ("quang-tri", "Quảng Trị", "Quang Tri", False),
    ("da-nang", "Đà Nẵng", "Da Nang", True),
    ("quang-ngai", "Quảng Ngãi", "Quang Ngai", False),
    ("gia-lai", "Gia Lai", "Gia Lai", False),
    ("khanh-hoa", "Khánh Hòa", "Khanh Hoa", False),
    ("lam-dong", "Lâm Đồng", "Lam Dong", False),
    ("dak-lak", "Đắk Lắk", "Dak Lak", False),
    ("ho-chi-minh", "Hồ Chí Minh", "Ho Chi Minh City", True),
    ("dong-nai", "Đồng Nai", "Dong Nai", False),
    ("tay-ninh", "Tây Ninh", "Tay Ninh", False),
    ("can-tho", "Cần Thơ", "Can Tho", True),
    ("vinh-long", "Vĩnh Long", "Vinh Long", False),
    ("dong-thap", "Đồng Tháp", "Dong Thap", False),
    ("ca-mau", "Cà Mau", "Ca Mau", False),
    ("an-giang", "An Giang", "An Giang", False),
]
assert len(PROVINCES) == 34

# (abbreviation, Vietnamese name before the province, English name, leads tasks)
DEPARTMENTS = [
    ("sct", "Sở Công Thương", "Department of Industry and Trade", True),
    ("snnmt", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", True),
    ("skhcn", "Sở Khoa học và Công nghệ", "Department of Science and Technology", True),
    ("stc", "Sở Tài chính", "Department of Finance", True),
    ("snv", "Sở Nội vụ", "Department of Home Affairs", True),
    ("sxd", "Sở Xây dựng", "Department of Construction", True),
    (
        "svhttdl",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Department of Culture, Sports and Tourism",
        True,
    ),
    ("stp", "Sở Tư pháp", "Department of Justice", True),
    ("ca", "Công an", "Police", False),
]
LEADS = [d[0] for d in DEPARTMENTS if d[3]]

PLAN_TOPICS = [
    ("sản xuất sạch hơn trong công nghiệp", "cleaner production in industry"),
    ("chuyển đổi số", "digital transformation"),
    ("cải cách hành chính", "administrative reform"),
    ("phát triển năng lượng tái tạo", "renewable energy development"),
    ("bảo vệ môi trường", "environmental protection"),
    ("phát triển công nghiệp hỗ trợ", "supporting industries"),
    ("xây dựng nông thôn mới", "new rural development"),
    ("phòng, chống thiên tai", "natural disaster prevention"),
    ("phát triển du lịch", "tourism development"),
    ("phổ biến, giáo dục pháp luật", "legal education"),
    ("khởi nghiệp đổi mới sáng tạo", "innovative start-ups"),
    ("sử dụng năng lượng tiết kiệm và hiệu quả", "energy efficiency"),
    ("quản lý chất thải rắn", "solid waste management"),
    ("phát triển thương mại điện tử", "e-commerce development"),
    ("khuyến công", "industrial promotion"),
    ("an toàn thực phẩm", "food safety"),
    ("thích ứng với biến đổi khí hậu", "climate change adaptation"),
    ("phát triển kinh tế tập thể", "collective economy"),
    ("xây dựng đô thị thông minh", "smart cities"),
    ("bình đẳng giới", "gender equality"),
]


def _prefix(city: bool) -> str:
    return "thành phố" if city else "tỉnh"


def agency_rows() -> list[dict[str, Any]]:
    rows = []
    for slug, vi, en, city in PROVINCES:
        where_vi = f"{_prefix(city)} {vi}"
        ubnd = f"{slug}/ubnd"
        rows.append(_agency(ubnd, slug, f"Ủy ban nhân dân {where_vi}", f"{en} People's Committee"))
        for abbr, dvi, den, _leads in DEPARTMENTS:
            rows.append(_agency(f"{slug}/{abbr}", slug, f"{dvi} {where_vi}", f"{en} {den}", ubnd))
        rows.append(
            _agency(
                f"{slug}/ubnd-xa",
                slug,
                f"UBND các xã, phường {where_vi}",
                f"{en} commune and ward People's Committees",
                ubnd,
                group=True,
            )
        )
    return rows


def _agency(
    code: str, province: str, vi: str, en: str, parent: str | None = None, group: bool = False
) -> dict[str, Any]:
    return {
        "code": code,
        "province": province,
        "name_vi": vi,
        "name_en": en,
        "parent_code": parent,
        "also_reports_to": [],
        "aliases": [],
        "is_group": group,
        "email": f"{code.replace('/', '.')}@example.gov.vn",
        "webhook": None,
        "valid_from": None,
        "valid_until": None,
    }


def shape(occurrences: int) -> tuple[int, int]:
    """Plans per province and tasks per plan giving about ``occurrences`` occurrences."""
    plans = max(1, min(20, occurrences // (len(PROVINCES) * len(YEARS) * 150)))
    tasks = -(-occurrences // (len(PROVINCES) * plans * len(YEARS)))
    return plans, tasks


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 1 + rng.randrange(9), tzinfo=dt.UTC)


def _story(rng: random.Random, year: int) -> tuple[str, list[tuple[str, str]], int]:
    """(final state, [(trigger, state after it; "" = unchanged)], completion offset from the due day).

    Every occurrence also starts with the catalog's ``create`` event.
    """
    start, report = ("start", "in_progress"), ("report", "")
    done = (
        [start, report, ("complete", "done")]
        if rng.random() < 0.4
        else [start, ("complete", "done")]
    )
    r = rng.random()
    if year < AS_OF.year:
        if r < 0.72:
            return "done", done, -rng.randrange(1, 200)
        if r < 0.85:
            return "done", done, rng.randrange(1, 150)
        if r < 0.91:
            return "cancelled", [start, ("cancel", "cancelled")], 0
        if r < 0.94:
            return "suspended", [start, report, ("suspend", "suspended")], 0
        if r < 0.97:
            return "in_progress", [start, report, report], 0
        return "not_started", [], 0
    if r < 0.15:
        return "done", done, -rng.randrange(1, 60)
    if r < 0.70:
        return "in_progress", [start, report, report], 0
    if r < 0.73:
        return "suspended", [start, report, ("suspend", "suspended")], 0
    return "not_started", [], 0


PHASES = {
    "not_started": "not_started",
    "in_progress": "active",
    "done": "completed",
    "cancelled": "cancelled",
    "suspended": "suspended",
}


def generate(  # noqa: C901 - one pass in a fixed order keeps the seeded sequence reproducible
    engine: Engine, occurrences: int = 1_000_000, *, seed: int = 17, users: int = 10_000
) -> dict[str, Any]:
    """Write the data set into an empty, migrated database; returns what it wrote."""
    from engine import counts
    from engine.cycle_models import ProgressReport

    rng = random.Random(seed)
    plans_per, tasks_per = shape(occurrences)
    started = time.perf_counter()
    written = {"provinces": len(PROVINCES), "plans": 0, "tasks": 0, "occurrences": 0}
    written.update({"events": 0, "progress_reports": 0, "users": 0, "agencies": 0})
    with engine.begin() as conn:
        loader = Loader(conn)
        agencies = agency_rows()
        conn.execute(insert(Agency.__table__), agencies)
        written["agencies"] = len(agencies)
        user_rows = []
        people = [a["code"] for a in agencies if not a["is_group"]]
        for i in range(users):
            agency = people[i % len(people)]
            role = "coordinator" if i < len(people) else ("viewer" if i % 10 == 0 else "officer")
            user_rows.append(
                {
                    "name": f"cb{i:05d}",
                    "full_name": f"Cán bộ {i:05d}",
                    "agency_code": agency,
                    "role": role,
                    "password_hash": None,
                    "created_at": LOADED,
                    "active": True,
                }
            )
        loader.write(_table(User), user_rows)
        written["users"] = users
        officer_of = {a: f"cb{people.index(a):05d}" for a in people}

        task_id = occ_id = event_id = report_id = 0
        plan_rows, task_rows, link_rows = [], [], []
        occ_rows: list[dict[str, Any]] = []
        event_rows: list[dict[str, Any]] = []
        report_rows: list[dict[str, Any]] = []

        seal_rows: list[dict[str, Any]] = []

        def flush() -> None:
            # In the order the foreign keys need; every list is emptied.
            for model, rows in (
                (Plan, plan_rows),
                (Task, task_rows),
                (TaskAgency, link_rows),
                (Occurrence, occ_rows),
                (OccurrenceSeal, seal_rows),
                (Event, event_rows),
                (ProgressReport, report_rows),
            ):
                loader.write(_table(model), rows)
                rows.clear()

        for p_index, (slug, vi, _en, city) in enumerate(PROVINCES):
            for k in range(plans_per):
                topic_vi, topic_en = PLAN_TOPICS[k % len(PLAN_TOPICS)]
                plan_id = f"{slug}-kh{k + 1:02d}-2019"
                responsible = f"{slug}/{LEADS[k % len(LEADS)]}"
                plan_rows.append(
                    {
                        "id": plan_id,
                        "province": slug,
                        "title_vi": f"Kế hoạch {topic_vi} {_prefix(city)} {vi} giai đoạn 2019-2026",
                        "title_en": f"Plan for {topic_en}, {_en}, 2019-2026",
                        "legal_ref": f"{100 + k}/KH-UBND",
                        "issued": dt.date(2018, 12, 1 + k),
                        "period_start": YEARS[0],
                        "period_end": YEARS[-1],
                        "responsible_code": responsible,
                        "details": {},
                        "catalog_sha256": f"{p_index:032x}{k:032x}",
                        "loaded_at": LOADED,
                    }
                )
                written["plans"] += 1
                for t in range(tasks_per):
                    task_id += 1
                    code = f"{t // 10 + 1}.{t % 10 + 1}"
                    lead = f"{slug}/{LEADS[(k + t) % len(LEADS)]}"
                    co = f"{slug}/{LEADS[(k + t + 1) % len(LEADS)]}"
                    task_rows.append(
                        {
                            "id": task_id,
                            "plan_id": plan_id,
                            "code": code,
                            "position": t,
                            "section": str(t // 10 + 1),
                            "title": f"Nhiệm vụ {code}: triển khai {topic_vi} năm",
                            "actions": [],
                            "result": "Báo cáo kết quả thực hiện",
                            "workflow": "generic",
                            "window_start": YEARS[0],
                            "window_end": YEARS[-1],
                            "recurrence": "yearly",
                            "depends_on": [],
                            "note": "",
                            "lead_by_source": [],
                            "details": {},
                            "archived": False,
                        }
                    )
                    link_rows.append(
                        {"task_id": task_id, "role": "lead", "position": 0, "agency_code": lead}
                    )
                    link_rows.append(
                        {"task_id": task_id, "role": "co", "position": 0, "agency_code": co}
                    )
                    for year in YEARS:
                        occ_id += 1
                        ref = f"{plan_id}:{code}@{year}"
                        due = dt.date(year, 12, 31)
                        state, steps, offset = _story(rng, year)
                        day = dt.date(year, 2, 1) + dt.timedelta(days=rng.randrange(60))
                        head, seq, reports = GENESIS, 0, 0
                        completed_on = None
                        entered = LOADED
                        current = "not_started"
                        for trigger, to_state in [("create", "not_started"), *steps]:
                            seq += 1
                            event_id += 1
                            if trigger == "create":
                                day = LOADED.date()
                            elif trigger == "complete":
                                day = min(
                                    due + dt.timedelta(days=offset), AS_OF - dt.timedelta(days=1)
                                )
                                day = max(day, entered.date())
                                completed_on = day
                            else:
                                day = min(day + dt.timedelta(days=rng.randrange(20, 90)), AS_OF)
                            at = _moment(day, rng)
                            fields: dict[str, str] = {}
                            if trigger == "create":
                                fields = {"window_start": f"{year}-01-01", "due": due.isoformat()}
                            elif trigger in ("cancel", "suspend"):
                                fields = {"reason": "Chưa bố trí được kinh phí"}
                            elif trigger == "report":
                                report_id += 1
                                reports += 1
                                fields = {
                                    "period": str(year),
                                    "version": str(reports),
                                    "agency": lead,
                                    "percent": str(30 * reports),
                                }
                            to = to_state or current
                            source = None if trigger == "create" else current
                            actor = "catalog" if trigger == "create" else officer_of[lead]
                            note = "Đã triển khai theo kế hoạch" if trigger == "report" else ""
                            h = event_hash(
                                ref=ref,
                                seq=seq,
                                at=at,
                                actor=actor,
                                trigger=trigger,
                                from_state=source,
                                to_state=to,
                                note=note,
                                fields=fields,
                                prev_hash=head,
                            )
                            event_rows.append(
                                {
                                    "id": event_id,
                                    "occurrence_id": occ_id,
                                    "seq": seq,
                                    "at": at,
                                    "recorded_at": at,
                                    "actor": actor,
                                    "trigger": trigger,
                                    "from_state": source,
                                    "to_state": to,
                                    "note": note,
                                    "fields": fields,
                                    "prev_hash": head,
                                    "hash": h,
                                }
                            )
                            if trigger == "report":
                                report_rows.append(
                                    {
                                        "id": report_id,
                                        "occurrence_id": occ_id,
                                        "plan_id": plan_id,
                                        "period": str(year),
                                        "agency_code": lead,
                                        "role": "lead",
                                        "version": reports,
                                        "status_text": note,
                                        "percent": 30 * reports,
                                        "figures": {},
                                        "difficulties": "",
                                        "proposals": "",
                                        "attachments": (
                                            [
                                                {
                                                    "name": f"bao-cao-{occ_id}.pdf",
                                                    "size": 20_000 + occ_id % 90_000,
                                                    "sha256": h,
                                                }
                                            ]
                                            if report_id % 5 == 0
                                            else []
                                        ),
                                        "submitted_by": officer_of[lead],
                                        "submitted_at": at,
                                        "submitted_on": day,
                                        "event_seq": seq,
                                    }
                                )
                            if to != current:
                                entered = at
                            current = to
                            head = h
                        occ_rows.append(
                            {
                                "id": occ_id,
                                "task_id": task_id,
                                "ref": ref,
                                "year": year,
                                "period": None,
                                "state": state,
                                "phase": PHASES[state],
                                "state_entered_at": entered,
                                "resume_state": "in_progress" if state == "suspended" else None,
                                "suspended_on": entered.date() if state == "suspended" else None,
                                "version": 1 + seq,
                                "window_start": dt.date(year, 1, 1),
                                "due": due,
                                "planned_due": due,
                                "completed_at": _moment(completed_on, rng)
                                if completed_on
                                else None,
                                "completed_on": completed_on,
                                "head_hash": head,
                                "head_seq": seq,
                                "archived": False,
                            }
                        )
                        seal_rows.append(seal_row(occ_rows[-1], [("co", 0, co), ("lead", 0, lead)]))
                        written["events"] += seq
                    if len(occ_rows) >= CHUNK:
                        flush()
            flush()
        loader.reset_sequences([_table(m) for m in (Task, Occurrence, Event, ProgressReport)])
        written["tasks"] = task_id
        written["occurrences"] = occ_id
        written["progress_reports"] = report_id
    written["seconds_rows"] = round(time.perf_counter() - started, 1)
    with Session(engine) as session, session.begin():
        counts.rebuild(session)
    written["seconds_counts"] = round(time.perf_counter() - started - written["seconds_rows"], 1)
    analyse(engine)
    written["seconds"] = round(time.perf_counter() - started, 1)
    return written


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "url", help="a migrated, empty database (sqlite:///... or postgresql+psycopg://...)"
    )
    parser.add_argument("--occurrences", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    from engine import db

    create_database(args.url)
    engine = db.make_engine(args.url)
    db.migrate(engine)
    cpu = time.process_time()
    written = generate(engine, args.occurrences, seed=args.seed, users=args.users)
    written["cpu_seconds"] = round(time.process_time() - cpu, 1)  # this process; not the server's
    written["load_average"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(written)
    return 0


def create_database(url: str) -> None:
    """Create a PostgreSQL database named by ``url`` when it does not exist yet."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql") or not parsed.database:
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        ).first()
        if found is None:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        # The setting the README asks of a shared deployment ("A shared deployment on
        # PostgreSQL"): the data is in memory or on SSD, where a random read costs
        # about what a sequential one does. With the default (4) the planner read all
        # 125,000 tasks for an officer's worklist instead of his agency's 900 (20 ms
        # against 5 ms at a million occurrences).
        conn.execute(text(f'ALTER DATABASE "{parsed.database}" SET random_page_cost = 1.1'))
    admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
