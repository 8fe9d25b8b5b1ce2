"""The reminder scheduler, driven by the tests' clock: reminders fire when the clock reaches them,
once for everything missed, are held while paused, and deadline warnings come once a day without
repeating themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QTimer

from cpe_desktop.db.models import Notification, Reminder
from cpe_desktop.scheduler.reminder_jobs import ReminderScheduler
from cpe_desktop.services import records, reminders
from cpe_desktop.services.errors import ValidationError
from tests.helpers.atlantis_rule import add_atlantis_rule, atlantis_license

SECOND = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def scheduler(people, qtbot):
    """Ann's reminder scheduler, with every signal it sends recorded."""
    made = ReminderScheduler(people.as_ann)
    made.notes = []
    made.changes = []
    made.notificationCreated.connect(made.notes.append)
    made.changed.connect(made.changes.append)
    yield made
    made.shutdown()


def _reminder(ctx, moment, frequency="daily", message="Log the ethics webinar", **extra):
    data = {"message": message, "frequency": frequency, "next_reminder": moment}
    return reminders.create_reminder(ctx, data | extra).value


def _local(clock) -> dt.datetime:
    return reminders.local_now(clock)


def _stored(reminder) -> Reminder:
    return Reminder.get_by_id(reminder.reminder_id)


def test_a_reminder_fires_when_the_clock_reaches_it_and_moves_on(scheduler, people, clock, qtbot):
    due = _local(clock) + SECOND
    reminder = _reminder(people.as_ann, due)
    scheduler.start()
    # The alarm rings about a second later, but by the injected clock it is not yet time.
    with qtbot.assertNotEmitted(scheduler.notificationCreated, wait=1500):
        pass
    assert Notification.select().count() == 0
    clock.advance(SECOND)
    with qtbot.waitSignal(scheduler.notificationCreated, timeout=5000) as fired:
        pass
    note = Notification.get_by_id(fired.args[0])
    assert (note.user_id, note.kind, note.message) == (
        people.ann.user_id,
        "reminder",
        "Log the ethics webinar",
    )
    assert _stored(reminder).next_reminder == due + DAY
    assert any({"notifications", "reminders"} <= set(c.kinds) for c in scheduler.changes)
    job_id = f"reminder:{reminder.reminder_id}"
    qtbot.waitUntil(lambda: scheduler.scheduler.get_job(job_id) is not None, timeout=5000)


def test_reminders_due_while_closed_fire_exactly_once_at_start(scheduler, people, clock, qtbot):
    yesterday = _local(clock) - DAY - dt.timedelta(minutes=30)
    daily = _reminder(people.as_ann, yesterday)
    weekly = _reminder(people.as_ann, yesterday - 3 * 7 * DAY, frequency="weekly", message="Plan")
    scheduler.start()
    qtbot.waitUntil(lambda: len(scheduler.notes) == 2, timeout=5000)
    with qtbot.assertNotEmitted(scheduler.notificationCreated, wait=500):
        scheduler.sync()
    assert Notification.select().count() == 2
    assert _stored(daily).next_reminder == yesterday + 2 * DAY
    assert _stored(weekly).next_reminder == yesterday + 7 * DAY


def test_pause_holds_reminders_until_resume_then_fires_each_once(scheduler, people, clock, qtbot):
    reminder = _reminder(people.as_ann, _local(clock) - 3 * DAY)
    with qtbot.waitSignal(scheduler.pausedChanged):
        scheduler.pause(clock.now() + dt.timedelta(hours=1))
    assert scheduler.paused_until == clock.now() + dt.timedelta(hours=1)
    scheduler.start()
    with qtbot.assertNotEmitted(scheduler.notificationCreated, wait=500):
        pass
    assert Notification.select().count() == 0
    with qtbot.waitSignals([scheduler.pausedChanged, scheduler.notificationCreated], timeout=5000):
        scheduler.resume()
    assert scheduler.paused_until is None
    with qtbot.assertNotEmitted(scheduler.notificationCreated, wait=300):
        pass
    assert Notification.select().count() == 1
    assert _stored(reminder).next_reminder > _local(clock)


def test_a_pause_ends_when_the_clock_passes_its_end(scheduler, people, clock, qtbot):
    _reminder(people.as_ann, _local(clock) + dt.timedelta(minutes=10))
    scheduler.pause(_local(clock) + dt.timedelta(hours=1))  # a naive time is local
    scheduler.start()
    clock.advance(dt.timedelta(hours=2))  # the reminder came due during the pause
    with qtbot.waitSignals([scheduler.pausedChanged, scheduler.notificationCreated], timeout=5000):
        scheduler.sync()
    assert scheduler.paused_until is None
    assert Notification.select().count() == 1


def test_a_pause_must_end_in_the_future(scheduler, clock):
    with pytest.raises(ValidationError) as err:
        scheduler.pause(clock.now())
    assert "until" in err.value.errors
    assert scheduler.paused_until is None


def test_jobs_follow_the_reminders_table(scheduler, people, clock, qtbot):
    scheduler.start()
    later = _reminder(people.as_ann, _local(clock) + dt.timedelta(hours=3))
    off = _reminder(people.as_ann, _local(clock) - DAY, active=False)
    _reminder(people.as_bob, _local(clock) - DAY, message="Bob's")  # not Ann's to fire
    due_now = _reminder(people.as_ann, _local(clock) - SECOND, frequency="once")
    with qtbot.waitSignal(scheduler.notificationCreated, timeout=5000):
        scheduler.sync()
    assert [n.message for n in Notification.select()] == ["Log the ethics webinar"]
    assert _stored(due_now).active is False
    assert _stored(off).next_reminder < _local(clock)
    reminders.delete_reminder(people.as_ann, later.reminder_id)
    scheduler.sync()
    qtbot.waitUntil(lambda: not scheduler.scheduler.get_job(f"reminder:{later.reminder_id}"))
    assert [job.id for job in scheduler.scheduler.get_jobs()] == ["deadlines"]


def test_the_scheduler_keeps_a_single_qtimer(scheduler, people, clock, qtbot):
    timer = scheduler.scheduler.timer
    scheduler.start()
    for round_ in range(4):
        _reminder(people.as_ann, _local(clock) - SECOND, message=f"round {round_}")
        _reminder(people.as_ann, _local(clock) + dt.timedelta(hours=round_ + 1))
        with qtbot.waitSignal(scheduler.notificationCreated, timeout=5000):
            scheduler.sync()
        clock.advance(dt.timedelta(minutes=5))
    assert len(scheduler.notes) == 4
    assert scheduler.findChildren(QTimer) == [timer]
    assert scheduler.scheduler.timer is timer
    qtbot.waitUntil(timer.isActive, timeout=5000)  # armed for the next reminder, still one timer


def _ann_with_a_license(people):
    add_atlantis_rule(people)
    atlantis_license(people.as_ann)
    course = {
        "title": "Tax update",
        "completed_on": "2026-06-01",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 16}],
    }
    records.create_record(people.as_ann, course)


def test_deadline_warnings_come_once_over_30_days(scheduler, people, clock, qtbot):
    _ann_with_a_license(people)  # 4 hours short of 20; 90 days before the end on 2 Oct
    clock.set(dt.datetime(2026, 9, 20, 9, 30, tzinfo=dt.UTC))
    scheduler.start()
    qtbot.waitUntil(lambda: scheduler.last_deadline_check == clock.today(), timeout=5000)
    for _ in range(30):
        clock.advance(DAY)
        scheduler.sync()  # the day is over: the daily check is due
        qtbot.waitUntil(lambda: scheduler.last_deadline_check == clock.today(), timeout=5000)
    assert scheduler.last_deadline_check == dt.date(2026, 10, 20)
    notes = list(Notification.select().order_by(Notification.notification_id))
    assert [n.kind for n in notes] == ["deadline", "status"]
    assert notes[0].message == (
        "CPA — Atlantis: Need 4 h, 2 of them ethics, by 31 Dec 2026 (90 days left)."
    )
    assert scheduler.notes == [n.notification_id for n in notes]
    assert sum("notifications" in c for c in scheduler.changes) == 2


def test_deadline_checks_wait_for_the_end_of_a_pause(scheduler, people, clock, qtbot):
    _ann_with_a_license(people)
    clock.set(dt.datetime(2026, 10, 5, 9, 30, tzinfo=dt.UTC))
    scheduler.pause(clock.now() + dt.timedelta(hours=1))
    scheduler.start()
    with qtbot.assertNotEmitted(scheduler.notificationCreated, wait=500):
        pass
    assert scheduler.last_deadline_check is None
    with qtbot.waitSignal(scheduler.notificationCreated, timeout=5000):
        scheduler.resume()
    qtbot.waitUntil(
        lambda: len(scheduler.notes) == 2, timeout=5000
    )  # the 90-day warning and the at-risk one


def test_after_shutdown_nothing_fires(scheduler, people, clock, qtbot):
    scheduler.start()
    scheduler.shutdown()
    assert not scheduler.running
    _reminder(people.as_ann, _local(clock) - DAY)
    with qtbot.assertNotEmitted(scheduler.notificationCreated, wait=300):
        scheduler.sync()
    assert not scheduler.scheduler.timer.isActive()


def test_the_system_cannot_have_reminders_fired(system):
    with pytest.raises(ValueError):
        ReminderScheduler(system)
