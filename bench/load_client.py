"""The virtual users of the load generator: an async HTTP client each, as a browser would ask.

Each virtual user signs in through ``/signin`` (the form's CSRF token first)
and then, until the run's request count or its time limit is used up, picks
a page from a seeded mix and reads it, waiting a think time between pages:

- ``worklist``: the landing page ``/`` (an officer lands on his agency's work,
  a coordinator on everything);
- ``plans``: the plans overview;
- ``plan``: one of his plans with a filter (status, agency, or both);
- ``task``: a task page of his plans;
- ``search``: ``/search?q=`` with words people type;
- ``advance``: a task he may advance, as the board does it: the task page,
  then its form posted with the task's version (the board's If-Match), the
  CSRF token and the fields the step requires, then the page the board
  redirects to (counted as a ``task`` read).

A request is an error when it fails at the transport, answers another status
than the page's (200 for a page, 303 to the task for an advance), shows a
page without the signed-in header (a redirect to sign in would be 303), or
when the board answers an advance with a refusal (its redirect points at the
form again). Errors are counted per page with a few samples.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx2

from bench.load_users import VirtualUser

PAGES = ("worklist", "plans", "plan", "task", "search", "advance")
# How often each page is asked for: most visits read a worklist or a task.
MIX = {"worklist": 25, "plans": 10, "plan": 20, "task": 25, "search": 10, "advance": 10}
# Filters a person sets on a plan's page ("{agency}" is the user's own).
PLAN_FILTERS = (
    {"status": "overdue"},
    {"status": "in-progress"},
    {"status": "due-soon"},
    {"agency": "{agency}"},
    {"agency": "{agency}", "status": "overdue"},
)
# Steps the virtual users take when the task page offers them, in this order;
# a task with none of these gets a comment (every step a person may take is one).
PREFERRED = ("start", "complete", "resume")
REQUEST_TIMEOUT = 30.0
SIGNED_IN_MARK = 'action="/signout"'
SAMPLES = 8

_FORM = re.compile(
    r'<form method="post" action="[^"]*/advance"[^>]*id="form-([\w-]+)"[^>]*>(.*?)</form>', re.S
)
_INPUT = re.compile(r"<input\b[^>]*>")
_HIDDEN = re.compile(r'name="(csrf_token|version)" value="([^"]*)"')
_FIELD = re.compile(r'name="(field_[\w-]+)"')


@dataclass
class Tally:
    """What the users saw: seconds per page, errors per page, a few error samples."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    unsent: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)

    def record(self, page: str, seconds: float | None, problem: str | None = None) -> None:
        """One request's time (``None``: none was sent, the error came before it) and its fault."""
        times = self.times.setdefault(page, [])
        if seconds is not None:
            times.append(seconds)
        else:
            self.unsent[page] = self.unsent.get(page, 0) + 1
        if problem:
            self.errors[page] = self.errors.get(page, 0) + 1
            if len(self.samples) < SAMPLES:
                self.samples.append(f"{page}: {problem}")

    def count(self, page: str) -> int:
        """Requests sent for ``page``, and the errors it had before a request could be sent."""
        return len(self.times.get(page, [])) + self.unsent.get(page, 0)


@dataclass
class Budget:
    """A fixed number of requests and a time limit, shared by every user of a run."""

    requests: int
    seconds: float
    started: float = field(default_factory=time.monotonic)
    restarted: bool = False

    def restart(self) -> None:
        """The time limit runs from the first page, once every user has signed in."""
        if not self.restarted:
            self.started, self.restarted = time.monotonic(), True

    def take(self) -> bool:
        if self.requests <= 0 or time.monotonic() - self.started >= self.seconds:
            return False
        self.requests -= 1
        return True


class OutOfBudget(Exception):
    """The run's request count or time is used up: the user stops."""


@dataclass
class Browser:
    """One virtual user's client, cookies and the random choices he makes."""

    client: httpx2.AsyncClient
    user: VirtualUser
    rng: random.Random
    tally: Tally
    budget: Budget
    think_range: tuple[float, float] = (0.0, 0.0)
    next_advance: int = 0

    async def ask(
        self,
        page: str,
        method: str,
        path: str,
        expect: int,
        check: Callable[[httpx2.Response], str | None] | None = None,
        **kwargs: Any,
    ) -> httpx2.Response | None:
        """One request, timed and judged; ``None`` when it was an error."""
        self.attempt()
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx2.HTTPError as exc:
            self.tally.record(page, time.perf_counter() - started, f"{type(exc).__name__} {path}")
            return None
        seconds = time.perf_counter() - started
        problem = None
        if response.status_code != expect:
            problem = f"HTTP {response.status_code} {method} {path}"
        elif expect == 200 and SIGNED_IN_MARK not in response.text:
            problem = f"not a signed-in page: {path}"
        elif check is not None:
            problem = check(response)
        self.tally.record(page, seconds, problem)
        return None if problem else response

    def attempt(self) -> None:
        """One of the run's requests: every page asked for, or failed before it could be asked."""
        if not self.budget.take():
            raise OutOfBudget

    async def visit(self, page: str) -> None:
        if page == "advance":
            await self.advance()
            return
        await self.ask(page, "GET", self.path_for(page), 200)

    def path_for(self, page: str) -> str:
        u, rng = self.user, self.rng
        if page == "worklist":
            return "/"
        if page == "plans":
            return "/plans"
        if page == "plan":
            chosen = rng.choice(PLAN_FILTERS)
            query = {k: v.format(agency=u.agency) for k, v in chosen.items()}
            return f"/plans/{quote(rng.choice(u.plans))}?{urlencode(query)}"
        if page == "task":
            return task_path(rng.choice(u.reads))
        if page == "search":
            return "/search?" + urlencode({"q": rng.choice(u.searches)})
        raise ValueError(page)

    async def advance(self) -> None:
        if not self.user.advances:
            self.attempt()
            self.tally.record("advance", None, "no task this user may advance")
            return
        ref = self.user.advances[self.next_advance % len(self.user.advances)]
        self.next_advance += 1
        page = await self.ask("task", "GET", task_path(ref), 200)
        if page is None:
            return
        form = step_form(page.text, self.rng)
        if form is None:
            self.attempt()
            self.tally.record("advance", None, f"no step offered on {ref}")
            return
        await self.think()

        def taken(response: httpx2.Response) -> str | None:
            # The board sends a refused or stale step back to its form (web.changes).
            fragment = urlsplit(response.headers.get("location", "")).fragment
            return None if fragment == "state" else f"step {form['trigger']} refused on {ref}"

        posted = await self.ask(
            "advance",
            "POST",
            f"{task_path(ref)}/advance",
            303,
            check=taken,
            data=form,
            files={"attach": ("", b"", "application/octet-stream")},
        )
        if posted is not None:
            await self.ask("task", "GET", urlsplit(posted.headers["location"]).path, 200)

    async def think(self) -> None:
        low, high = self.think_range
        if high > 0:
            await asyncio.sleep(self.rng.uniform(low, high))


def task_path(ref: str) -> str:
    return f"/tasks/{quote(ref, safe=':@')}"


def step_form(html: str, rng: random.Random) -> dict[str, str] | None:
    """The fields a person would post to take a step the task page offers."""
    forms = {m.group(1): m.group(2) for m in _FORM.finditer(html)}
    trigger = next((t for t in PREFERRED if t in forms), None)
    if trigger is None:
        trigger = "comment" if "comment" in forms else None
    if trigger is None:
        return None
    body = forms[trigger]
    data = dict(_HIDDEN.findall(body))
    data.update(trigger=trigger, note=f"Tải thử {rng.randrange(10**6)}", at="")
    required = [t for t in _INPUT.findall(body) if " required" in t and "field_" in t]
    inputs = [*required]
    choose_one = (
        body.split("<fieldset>", 1)[1].split("</fieldset>", 1)[0] if "<fieldset>" in body else ""
    )
    if choose_one:
        inputs += _INPUT.findall(choose_one)[:1]
    for tag in inputs:
        name = _FIELD.search(tag)
        if name:
            numeric = 'inputmode="numeric"' in tag
            data[name.group(1)] = (
                f"{dt.date.today():%d/%m/%Y}" if numeric else f"TT-{rng.randrange(10**6)}"
            )
    return data if "csrf_token" in data and "version" in data else None


async def sign_in(client: httpx2.AsyncClient, user: VirtualUser, tally: Tally) -> bool:
    """The sign-in form's CSRF token, then the name and password posted with it."""
    try:
        form = await client.get("/signin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        started = time.perf_counter()
        answer = await client.post(
            "/signin",
            data={
                "csrf_token": token.group(1) if token else "",
                "name": user.name,
                "password": user.password,
                "next": "/",
            },
        )
    except httpx2.HTTPError as exc:
        tally.record("sign-in", None, f"{type(exc).__name__}")
        return False
    ok = answer.status_code == 303 and answer.headers.get("location") == "/"
    tally.record(
        "sign-in", time.perf_counter() - started, None if ok else f"HTTP {answer.status_code}"
    )
    return ok


def _client(base: str) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        base_url=base,
        follow_redirects=False,
        timeout=REQUEST_TIMEOUT,
        headers={"User-Agent": "dondoc-bench-load"},
        limits=httpx2.Limits(max_connections=1),
    )


async def _one_user(
    base: str,
    user: VirtualUser,
    seed: int,
    budget: Budget,
    tally: Tally,
    think: tuple[float, float],
    everyone_in: asyncio.Barrier,
) -> None:
    rng = random.Random(seed)
    pages, weights = list(MIX), list(MIX.values())
    async with _client(base) as client:
        signed_in = await sign_in(client, user, tally)
        # The pages are timed once every user has signed in: twenty password checks at once
        # (argon2, on purpose slow) are the morning's first minute, timed on their own row,
        # not the pages people then work on for hours.
        await everyone_in.wait()
        if not signed_in:
            return
        budget.restart()
        browser = Browser(client, user, rng, tally, budget, think)
        # The users start spread over one think time, not all on the same millisecond.
        await asyncio.sleep(rng.uniform(0, think[1]))
        try:
            while True:
                await browser.visit(rng.choices(pages, weights)[0])
                await browser.think()
        except OutOfBudget:
            return


async def run_users(
    base: str,
    users: list[VirtualUser],
    *,
    requests: int,
    seconds: float,
    think: tuple[float, float],
    seed: int,
) -> tuple[Tally, float]:
    """Every user at once until ``requests`` are sent or ``seconds`` have passed."""
    tally = Tally()
    budget = Budget(requests, seconds)
    everyone_in = asyncio.Barrier(len(users))
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _one_user(base, u, seed * 1000 + i, budget, tally, think, everyone_in)
            for i, u in enumerate(users)
        )
    )
    return tally, time.perf_counter() - started


async def run_solo(
    base: str,
    user: VirtualUser,
    page: str,
    count: int,
    seed: int,
    signed_in: Callable[[], None] = lambda: None,
) -> Tally:
    """One user asking for one page ``count`` times in a row, nothing else on the board.

    ``signed_in`` is called once signed in: the server's CPU is read from there on,
    without the password check.
    """
    tally = Tally()
    async with _client(base) as client:
        if not await sign_in(client, user, tally):
            return tally
        signed_in()
        browser = Browser(client, user, random.Random(seed), tally, Budget(count * 3, 300))
        try:
            for _ in range(count):
                await browser.visit(page)
        except OutOfBudget:
            pass
    return tally
