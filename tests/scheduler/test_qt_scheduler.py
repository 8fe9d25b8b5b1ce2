"""The Qt scheduler wrapper: one QTimer re-armed rather than piled up, jobs on the GUI thread, and
a job that came due while the computer slept run once when it wakes."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading

from apscheduler.jobstores.base import JobLookupError
from PySide6.QtCore import QObject, QThread, QTimer

from cpe_desktop.scheduler.qt_scheduler import SingleTimerQtScheduler


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_runs_a_date_job_on_the_qt_thread(qtbot, qapp):
    scheduler = SingleTimerQtScheduler()
    ran_on: list[QThread] = []
    scheduler.add_job(lambda: ran_on.append(QThread.currentThread()), "date", run_date=_now())
    scheduler.start()
    try:
        qtbot.waitUntil(lambda: bool(ran_on), timeout=5000)
        assert ran_on == [qapp.thread()]
        assert scheduler.get_jobs() == []
        assert not scheduler.timer.isActive()  # nothing left to wait for
    finally:
        scheduler.shutdown()


def test_keeps_one_timer_through_many_job_changes(qtbot):
    owner = QObject()
    scheduler = SingleTimerQtScheduler(parent=owner)
    timer = scheduler.timer
    scheduler.start()
    try:
        for round_ in range(5):
            far = _now() + dt.timedelta(hours=round_ + 1)
            jobs = [scheduler.add_job(print, "date", run_date=far, id=f"j{i}") for i in range(8)]
            qtbot.waitUntil(lambda: timer.isActive() and timer.interval() > 1000, timeout=5000)
            for job in jobs:
                job.remove()
        scheduler.wakeup()  # removing jobs does not wake APScheduler; its next round finds none
        qtbot.waitUntil(lambda: not timer.isActive(), timeout=5000)
        assert owner.findChildren(QTimer) == [timer]
        assert scheduler.timer is timer
    finally:
        scheduler.shutdown()


def test_jobs_added_together_wake_the_scheduler_once(qtbot):
    scheduler = SingleTimerQtScheduler()
    wakes: list[int] = []
    scheduler.timer.timeout.connect(lambda: wakes.append(1))
    ran: list[int] = []
    scheduler.start()
    try:
        past = _now() - dt.timedelta(seconds=1)
        for i in range(5):
            scheduler.add_job(ran.append, "date", run_date=past, args=[i])
        qtbot.waitUntil(lambda: len(ran) == 5, timeout=5000)
        assert len(wakes) == 1
        assert not scheduler.timer.isActive()
    finally:
        scheduler.shutdown()


def test_a_job_missed_while_asleep_runs_once(qtbot):
    """Five hourly runs were missed (and a one-off a day ago): each runs once, not five times and
    not never (APScheduler's default grace time of one second would drop them)."""
    scheduler = SingleTimerQtScheduler()
    hourly: list[int] = []
    once: list[int] = []
    asleep_since = _now() - dt.timedelta(hours=5.5)
    scheduler.add_job(lambda: hourly.append(1), "interval", hours=1, next_run_time=asleep_since)
    scheduler.add_job(lambda: once.append(1), "date", run_date=_now() - dt.timedelta(days=1))
    scheduler.start()
    try:
        qtbot.waitUntil(lambda: bool(hourly and once), timeout=5000)
        assert (hourly, once) == ([1], [1])
        [job] = scheduler.get_jobs()
        assert job.coalesce is True and job.misfire_grace_time is None
        assert job.next_run_time > _now()
    finally:
        scheduler.shutdown()


def test_jobs_may_be_added_from_another_thread(qtbot, qapp):
    """The timer is re-armed on its own thread (Qt refuses timers started from elsewhere, and a
    Qt warning fails the test)."""
    scheduler = SingleTimerQtScheduler()
    scheduler.start()
    ran_on: list[QThread] = []
    try:
        worker = threading.Thread(
            target=lambda: scheduler.add_job(
                lambda: ran_on.append(QThread.currentThread()), "date", run_date=_now()
            )
        )
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(ran_on), timeout=5000)
        assert ran_on == [qapp.thread()]
    finally:
        scheduler.shutdown()


def test_shutdown_stops_the_timer(qtbot):
    scheduler = SingleTimerQtScheduler()
    scheduler.start()
    job = scheduler.add_job(print, "date", run_date=_now() + dt.timedelta(hours=1))
    qtbot.waitUntil(scheduler.timer.isActive, timeout=5000)
    scheduler.shutdown()
    assert not scheduler.timer.isActive()
    assert not scheduler.running
    with contextlib.suppress(JobLookupError):  # the job store was emptied with the shutdown
        job.remove()
