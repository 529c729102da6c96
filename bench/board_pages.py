"""Time the board's pages a coordinator and an officer use, in-process, on a national data set.

    python -m bench.board_pages URL [--runs 5] [--advance]

Signs in one coordinator and one officer of the data set (``bench.national``;
their passwords are set here, through ``engine.accounts``, for these two
only), then asks each page ``--runs`` times after one warm-up through
Starlette's TestClient and prints the median wall and CPU time per page (CPU
is the whole process's: the app runs in the client's thread). ``--advance``
also posts one step on a few overdue tasks (the form with its version): it
writes to the database, so use it on a data set you may change.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from collections.abc import Callable

from sqlalchemy import func, select
from starlette.testclient import TestClient

from engine import accounts, db
from engine.models import Occurrence, Plan, Task, TaskAgency, User
from web.app import create_app

PASSWORD = "i17-board bench password 2026"
SECRET = "bench-board-pages-secret"


def _pick(url: str) -> dict[str, str]:
    """A coordinator of a busy department, an officer of a busy agency, a plan, a task, a word."""
    factory = db.session_factory(db.make_engine(url, create=False))
    with db.transaction(factory) as s:
        plan = s.scalars(select(Plan).order_by(Plan.id)).first()
        assert plan is not None, "no plan: build the data set first (python -m bench.national)"
        coordinator = (
            s.scalars(
                select(User)
                .where(User.role == "coordinator", User.agency_code == plan.responsible_code)
                .order_by(User.name)
            ).first()
            or s.scalars(select(User).where(User.role == "coordinator")).first()
        )
        busiest = s.execute(
            select(TaskAgency.agency_code, func.count())
            .where(TaskAgency.role == "lead")
            .group_by(TaskAgency.agency_code)
            .order_by(func.count().desc())
        ).first()
        officer = (
            s.scalars(
                select(User)
                .where(User.role == "officer", User.agency_code == busiest[0])
                .order_by(User.name)
            ).first()
            or s.scalars(select(User).where(User.role == "officer")).first()
        )
        assert coordinator is not None and officer is not None
        occ = s.scalars(
            select(Occurrence)
            .join(Task)
            .where(Task.plan_id == plan.id, Occurrence.phase.in_(("not_started", "active")))
            .order_by(Occurrence.due)
        ).first()
        assert occ is not None
        word = next((w for w in re.findall(r"\w{5,}", occ.task.title)), "sản")
        for name in (coordinator.name, officer.name):
            accounts.set_password_as_administrator(s, name, PASSWORD)
        return {
            "coordinator": coordinator.name,
            "officer": officer.name,
            "agency": officer.agency_code,
            "plan": plan.id,
            "ref": occ.ref,
            "word": word,
        }


def _signed_in(app: object, name: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")  # type: ignore[arg-type]
    form = client.get("/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    done = client.post(
        "/signin",
        data={"csrf_token": token.group(1), "name": name, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[:300]
    return client


def _time(ask: Callable[[], int], runs: int, warm: bool = True) -> tuple[float, float, int]:
    if warm:
        ask()
    walls, cpus = [], []
    code = 0
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        code = ask()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--advance", action="store_true")
    parser.add_argument("--pages", default="", help="Only the pages whose label matches this.")
    parser.add_argument("--cold", action="store_true", help="No warm-up request (slow pages).")
    args = parser.parse_args()
    picked = _pick(args.url)
    app = create_app(args.url, secret=SECRET)
    coord = _signed_in(app, picked["coordinator"])
    officer = _signed_in(app, picked["officer"])
    plan, ref, agency = picked["plan"], picked["ref"], picked["agency"]
    pages: list[tuple[str, TestClient, str]] = [
        ("worklist (coordinator, all)", coord, "/"),
        ("worklist page 3", coord, "/?page=3"),
        ("worklist (officer, own agency)", officer, "/"),
        ("worklist, plan + overdue", coord, f"/?plan={plan}&status=overdue"),
        ("plans overview", coord, "/plans"),
        ("plan page", coord, f"/plans/{plan}"),
        ("plan page, overdue", coord, f"/plans/{plan}?status=overdue"),
        ("plan page, agency", coord, f"/plans/{plan}?agency={agency}"),
        ("agency page (officer)", officer, "/agency"),
        ("task page", coord, f"/tasks/{ref}"),
        ("search", coord, f"/search?q={picked['word']}"),
        ("inbox (officer)", officer, "/inbox"),
        ("people (coordinator)", coord, "/people"),
    ]
    print(f"# {args.url}  load {os.getloadavg()[0]:.1f}  picked {picked}")
    print("| page | wall ms | CPU ms | HTTP | bytes |")
    print("|---|---|---|---|---|")
    for label, client, path in pages:
        if not re.search(args.pages, label):
            continue
        size = [0]

        def ask(client: TestClient = client, path: str = path, size: list[int] = size) -> int:
            r = client.get(path)
            size[0] = len(r.content)
            return r.status_code

        wall, cpu, code = _time(ask, args.runs, warm=not args.cold)
        print(f"| {label} `{path}` | {wall:.1f} | {cpu:.1f} | {code} | {size[0]:,} |", flush=True)
    if args.advance:
        _advance(coord, plan, args.url)


def _advance(client: TestClient, plan: str, url: str) -> None:
    """Post one step on three overdue occurrences of ``plan`` (the task page's form)."""
    factory = db.session_factory(db.make_engine(url, create=False))
    with db.transaction(factory) as s:
        refs = list(
            s.scalars(
                select(Occurrence.ref)
                .join(Task)
                .where(Task.plan_id == plan, Occurrence.phase == "not_started")
                .order_by(Occurrence.due)
                .limit(3)
            )
        )
    walls, cpus = [], []
    for ref in refs:
        page = client.get(f"/tasks/{ref}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        version = re.search(r'name="version" value="(\d+)"', page)
        trigger = re.search(r'name="trigger" value="([^"]+)"', page)
        if not (token and version and trigger):
            continue
        form = {
            "csrf_token": token.group(1),
            "trigger": trigger.group(1),
            "version": version.group(1),
        }
        w0, c0 = time.perf_counter(), time.process_time()
        r = client.post(f"/tasks/{ref}/advance", data=form, follow_redirects=False)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        assert r.status_code == 303, r.status_code
    if walls:
        print(
            f"| advance (form POST, {len(walls)} tasks) | {statistics.median(walls) * 1000:.1f} "
            f"| {statistics.median(cpus) * 1000:.1f} | 303 | |"
        )


if __name__ == "__main__":
    main()
