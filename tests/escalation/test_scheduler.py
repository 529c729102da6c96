"""The scheduler's jobs: registered with the right triggers, and they do their work when fired."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from cli.schedule import digest_job, dispatch_job, sweep_job
from cli.schedule import jobs as dondoc_jobs
from engine.scheduler import build_scheduler
from tests.escalation.helpers import counts

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2015, 3, 16)


def fixed_day() -> dt.date:
    return DAY


def test_the_four_jobs_are_registered_with_ids_and_generous_misfire_handling() -> None:
    sched = build_scheduler(dondoc_jobs(sessionmaker(), clock=fixed_day))
    assert isinstance(sched, BlockingScheduler)
    jobs = {job.id: job for job in sched.get_jobs()}
    assert set(jobs) == {"sweep", "reminders", "weekly-digest", "dispatch"}
    for job in jobs.values():
        assert job.misfire_grace_time == 3600
        assert job.coalesce is True
        assert job.max_instances == 1
    assert str(sched.timezone) == "Asia/Ho_Chi_Minh"


def test_the_triggers_fire_hourly_daily_at_seven_weekly_on_monday_and_every_minute() -> None:
    jobs = {
        job.id: job
        for job in build_scheduler(dondoc_jobs(sessionmaker(), clock=fixed_day)).get_jobs()
    }
    sunday = dt.datetime(2015, 3, 15, 12, 0, tzinfo=HCM)
    assert sunday.strftime("%A") == "Sunday"
    digest_at = jobs["weekly-digest"].trigger.get_next_fire_time(None, sunday)
    assert digest_at == dt.datetime(2015, 3, 16, 7, 30, tzinfo=HCM)
    assert digest_at.strftime("%A") == "Monday"
    assert digest_at.utcoffset() == dt.timedelta(hours=7)
    remind_at = jobs["reminders"].trigger.get_next_fire_time(None, sunday)
    assert remind_at == dt.datetime(2015, 3, 16, 7, 0, tzinfo=HCM)
    assert jobs["sweep"].trigger.interval == dt.timedelta(hours=1)
    assert jobs["dispatch"].trigger.interval == dt.timedelta(minutes=1)


def test_adding_a_job_again_under_its_id_replaces_it_instead_of_doubling_it() -> None:
    # APScheduler only deduplicates jobs once they reach the job store, i.e.
    # after start(): a restarted scheduler re-registering its jobs keeps four.
    sched = build_scheduler(
        dondoc_jobs(sessionmaker(), clock=fixed_day), scheduler_cls=BackgroundScheduler
    )
    sched.start(paused=True)
    try:
        for job in sched.get_jobs():
            sched.add_job(job.func, job.trigger, id=job.id, replace_existing=True)
        assert sorted(job.id for job in sched.get_jobs()) == [
            "dispatch",
            "reminders",
            "sweep",
            "weekly-digest",
        ]
    finally:
        sched.shutdown(wait=True)


def test_the_sweep_job_writes_escalations(kon_tum: sessionmaker[Session]) -> None:
    assert sweep_job(kon_tum, fixed_day) == 39
    assert counts(kon_tum) == (39, 13)
    assert sweep_job(kon_tum, fixed_day) == 0


def test_a_running_background_scheduler_fires_the_sweep(kon_tum: sessionmaker[Session]) -> None:
    sched = build_scheduler(
        dondoc_jobs(kon_tum, clock=fixed_day), scheduler_cls=BackgroundScheduler
    )
    done = threading.Event()
    outcome: list[JobExecutionEvent] = []

    def listen(event: JobExecutionEvent) -> None:
        if event.job_id == "sweep":
            outcome.append(event)
            done.set()

    sched.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    sched.start(paused=True)
    try:
        for job in sched.get_jobs():
            if job.id != "sweep":
                job.pause()
        sched.get_job("sweep").modify(next_run_time=dt.datetime.now(HCM))
        sched.resume()
        assert done.wait(timeout=60), "the sweep job never ran"
    finally:
        sched.shutdown(wait=True)
    assert outcome[0].exception is None
    assert outcome[0].retval == 39
    assert counts(kon_tum) == (39, 13)


def test_the_weekly_digest_and_dispatch_jobs_queue_and_send_through_the_scheduler_calls(
    kon_tum: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The jobs are called exactly as the scheduler calls them (with lang), so a
    # signature drift between the scheduler and the digest code fails here.
    monkeypatch.setenv("DONDOC_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.delenv("DONDOC_SMTP_URL", raising=False)
    monkeypatch.setenv("DONDOC_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    queued = digest_job(kon_tum, fixed_day, lang="en")
    assert queued > 0
    assert dispatch_job(kon_tum) == queued
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == queued


def test_scheduler_run_stops_cleanly_on_sigterm(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "dondoc"), "--db", db_url, "scheduler", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Scheduler running on ")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out.strip().endswith("Scheduler stopped.")
    assert "Traceback" not in err
