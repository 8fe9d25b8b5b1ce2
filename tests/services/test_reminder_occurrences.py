"""When a reminder comes round again, and what firing one does: one notification for the
occurrence, the reminder moved to its next future occurrence, month ends and leap days kept
(by the reminder's own ``anchor_day``, whatever the audit log holds)."""

from __future__ import annotations

import calendar
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpe_desktop.db.models import AuditLog, Notification, Reminder
from cpe_desktop.services import licenses, notifications, reminders
from cpe_desktop.services.errors import PermissionDenied
from cpe_desktop.services.reminders import FREQUENCIES, next_occurrence

D = dt.datetime


@pytest.mark.parametrize(
    ("frequency", "moment", "interval", "after", "anchor", "expected"),
    [
        # once: its own moment while still ahead, then nothing
        ("once", D(2026, 6, 15, 9), None, D(2026, 6, 15, 8), None, D(2026, 6, 15, 9)),
        ("once", D(2026, 6, 15, 9), None, D(2026, 6, 15, 9), None, None),
        # strictly after: an occurrence at `after` itself does not count
        ("daily", D(2026, 6, 15, 9), None, D(2026, 6, 15, 9), None, D(2026, 6, 16, 9)),
        ("daily", D(2026, 6, 1, 9), None, D(2026, 6, 15, 9, 30), None, D(2026, 6, 16, 9)),
        ("daily", D(2026, 2, 28, 9), None, D(2026, 2, 28, 9), None, D(2026, 3, 1, 9)),
        ("daily", D(2028, 2, 28, 9), None, D(2028, 2, 28, 9), None, D(2028, 2, 29, 9)),
        (
            "daily",
            D(2026, 12, 31, 23, 59),
            None,
            D(2026, 12, 31, 23, 59),
            None,
            D(2027, 1, 1, 23, 59),
        ),
        ("weekly", D(2026, 12, 29, 9), None, D(2026, 12, 29, 9), None, D(2027, 1, 5, 9)),
        ("weekly", D(2026, 1, 1, 9), None, D(2026, 6, 15, 9, 30), None, D(2026, 6, 18, 9)),
        ("every_n_days", D(2026, 2, 25, 9), 10, D(2026, 2, 25, 9), None, D(2026, 3, 7, 9)),
        ("every_n_days", D(2028, 2, 25, 9), 10, D(2028, 2, 25, 9), None, D(2028, 3, 6, 9)),
        ("every_n_days", D(2026, 1, 1, 9), 3650, D(2026, 1, 1, 9), None, D(2035, 12, 30, 9)),
        # monthly: clamped to the month's end, the day kept where the month has it
        ("monthly", D(2026, 1, 31, 9), None, D(2026, 1, 31, 9), None, D(2026, 2, 28, 9)),
        ("monthly", D(2028, 1, 31, 9), None, D(2028, 1, 31, 9), None, D(2028, 2, 29, 9)),
        ("monthly", D(2028, 2, 29, 9), None, D(2028, 2, 29, 9), 31, D(2028, 3, 31, 9)),
        ("monthly", D(2028, 2, 29, 9), None, D(2028, 2, 29, 9), None, D(2028, 3, 29, 9)),
        ("monthly", D(2026, 1, 31, 9), None, D(2026, 4, 15, 12), None, D(2026, 4, 30, 9)),
        ("monthly", D(2026, 1, 31, 9), None, D(2026, 4, 30, 9), None, D(2026, 5, 31, 9)),
        ("monthly", D(2026, 8, 31, 9), None, D(2026, 8, 31, 9), None, D(2026, 9, 30, 9)),
        ("monthly", D(2026, 9, 30, 9), None, D(2026, 9, 30, 9), 31, D(2026, 10, 31, 9)),
        (
            "monthly",
            D(2026, 12, 15, 17, 45),
            None,
            D(2026, 12, 15, 17, 45),
            None,
            D(2027, 1, 15, 17, 45),
        ),
        ("monthly", D(2026, 6, 15, 9), None, D(2026, 6, 15, 8), None, D(2026, 6, 15, 9)),
        # yearly: 29 February falls on the 28th in common years and comes back in leap years
        ("yearly", D(2028, 2, 29, 9), None, D(2028, 2, 29, 9), None, D(2029, 2, 28, 9)),
        ("yearly", D(2029, 2, 28, 9), None, D(2029, 2, 28, 9), 29, D(2030, 2, 28, 9)),
        ("yearly", D(2031, 2, 28, 9), None, D(2031, 2, 28, 9), 29, D(2032, 2, 29, 9)),
        ("yearly", D(2024, 2, 29, 9), None, D(2027, 6, 1), None, D(2028, 2, 29, 9)),
        ("yearly", D(2026, 12, 31, 9), None, D(2026, 12, 31, 9), None, D(2027, 12, 31, 9)),
        # nothing representable after year 9999
        ("yearly", D(9999, 6, 1, 9), None, D(9999, 6, 1, 9), None, None),
    ],
)
def test_next_occurrence(frequency, moment, interval, after, anchor, expected):
    assert next_occurrence(frequency, moment, interval, after, anchor_day=anchor) == expected


@pytest.mark.parametrize(
    ("frequency", "interval", "anchor"),
    [
        ("hourly", None, None),
        ("every_n_days", None, None),
        ("every_n_days", 0, None),
        ("monthly", None, 3),  # a series on the 3rd never falls on the 15th
        ("monthly", None, 31),  # nor one on the 31st (it would be the 30th)
    ],
)
def test_impossible_series_are_refused(frequency, interval, anchor):
    with pytest.raises(ValueError):
        next_occurrence(frequency, D(2026, 6, 15, 9), interval, D(2026, 6, 15), anchor_day=anchor)


STEP_DAYS = {"daily": 1, "weekly": 7}


@st.composite
def series(draw):
    frequency = draw(st.sampled_from(FREQUENCIES))
    moment = draw(st.datetimes(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)))
    after = moment + draw(
        st.timedeltas(min_value=dt.timedelta(days=-400), max_value=dt.timedelta(days=20000))
    )
    interval = draw(st.integers(1, 3650)) if frequency == "every_n_days" else None
    anchor = None
    if frequency in ("monthly", "yearly"):
        # a day later than the moment's only when the moment is its month's last day
        last = calendar.monthrange(moment.year, moment.month)[1]
        anchor = draw(st.none() | st.integers(moment.day, 31 if moment.day == last else moment.day))
    return frequency, moment, interval, after, anchor


@settings(max_examples=400, deadline=None, database=None)
@given(series())
def test_next_occurrence_is_the_first_one_strictly_after(case):
    frequency, moment, interval, after, anchor = case
    found = next_occurrence(frequency, moment, interval, after, anchor_day=anchor)
    if frequency == "once":
        assert found == (moment if moment > after else None)
        return
    assert found is not None and found > after
    assert found.time() == moment.time()
    if found == moment:
        return
    step = STEP_DAYS.get(frequency) or interval
    if step:
        assert (found - moment).days % step == 0
        assert found - dt.timedelta(days=step) <= after  # none skipped
    else:
        day = anchor or moment.day
        months = 12 if frequency == "yearly" else 1
        assert found.day == min(day, calendar.monthrange(found.year, found.month)[1])
        assert (found.year * 12 + found.month - moment.year * 12 - moment.month) % months == 0
        assert _months_before(found, months, day) <= after  # none skipped


def _months_before(moment, months, day):
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    return moment.replace(
        year=year, month=month + 1, day=min(day, calendar.monthrange(year, month + 1)[1])
    )


# -- firing, on the database ------------------------------------------------------------------


def _reminder(ctx, moment, frequency="daily", **extra):
    data = {"message": "Log this week's webinars", "frequency": frequency, "next_reminder": moment}
    return reminders.create_reminder(ctx, data | extra).value


def _stored(reminder):
    return Reminder.get_by_id(reminder.reminder_id)


def test_firing_stores_a_notification_and_moves_to_the_next_day(people):
    texas = licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Texas"})
    license_id = texas.value.license_id
    reminder = _reminder(people.as_ann, D(2026, 6, 15, 9), license_id=license_id)
    outcome = reminders.fire_reminder(people.as_ann, reminder.reminder_id, D(2026, 6, 15, 9, 30))
    note = Notification.get_by_id(outcome.value.notification_id)
    assert (note.user_id, note.message, note.kind) == (
        people.ann.user_id,
        "Log this week's webinars",
        "reminder",
    )
    assert note.license_id == license_id
    assert note.dedupe_key == f"reminder:{reminder.reminder_id}:2026-06-15T09:00:00"
    assert _stored(reminder).next_reminder == D(2026, 6, 16, 9)
    assert _stored(reminder).active is True
    assert {"notifications", "reminders", "audit"} <= set(outcome.changes.kinds)
    entries = AuditLog.select().where(AuditLog.user == people.ann.user_id)
    actions = [e.action for e in entries.order_by(AuditLog.log_id)]
    assert actions[-2:] == ["create notification", "update reminder"]
    after = json.loads(entries.order_by(AuditLog.log_id.desc()).first().after_json)
    assert after["fired"] == "2026-06-15T09:00:00"


def test_a_week_missed_gives_one_notification_not_seven(people):
    reminder = _reminder(people.as_ann, D(2026, 6, 8, 9))
    reminders.fire_reminder(people.as_ann, reminder.reminder_id, D(2026, 6, 15, 9, 30))
    assert Notification.select().count() == 1
    assert _stored(reminder).next_reminder == D(2026, 6, 16, 9)


def test_a_one_off_reminder_switches_itself_off(people):
    reminder = _reminder(people.as_ann, D(2026, 6, 15, 9), frequency="once")
    reminders.fire_reminder(people.as_ann, reminder.reminder_id, D(2026, 6, 15, 9, 30))
    stored = _stored(reminder)
    assert (stored.active, stored.next_reminder) == (False, D(2026, 6, 15, 9))
    again = reminders.fire_reminder(people.as_ann, reminder.reminder_id, D(2026, 6, 16))
    assert again.value is None and not again.changes
    assert Notification.select().count() == 1


def test_a_reminder_not_yet_due_is_left_alone(people):
    reminder = _reminder(people.as_ann, D(2026, 6, 15, 10))
    audits = AuditLog.select().count()
    outcome = reminders.fire_reminder(people.as_ann, reminder.reminder_id, D(2026, 6, 15, 9, 59))
    assert outcome.value is None and not outcome.changes
    assert Notification.select().count() == 0
    assert AuditLog.select().count() == audits
    assert _stored(reminder).next_reminder == D(2026, 6, 15, 10)


def _fire_each(ctx, reminder, count):
    """Fire ``count`` times, each an hour after the occurrence; the dates it moved through."""
    seen = []
    for _ in range(count):
        due = _stored(reminder).next_reminder
        reminders.fire_reminder(ctx, reminder.reminder_id, due + dt.timedelta(hours=1))
        seen.append(_stored(reminder).next_reminder.date())
    return seen


@pytest.mark.parametrize(("year", "february_end"), [(2028, 29), (2027, 28)])
def test_monthly_on_the_31st_comes_back_to_the_31st_after_february(people, year, february_end):
    reminder = _reminder(people.as_ann, D(year, 1, 31, 9), frequency="monthly")
    assert _stored(reminder).anchor_day == 31
    assert _fire_each(people.as_ann, reminder, 4) == [
        dt.date(year, 2, february_end),
        dt.date(year, 3, 31),
        dt.date(year, 4, 30),
        dt.date(year, 5, 31),
    ]
    assert _stored(reminder).anchor_day == 31
    assert Notification.select().count() == 4


@pytest.mark.parametrize("year", [2028, 2027])
def test_the_day_kept_does_not_depend_on_the_audit_log(people, year):
    """The log may be pruned or exported; the series goes on the same without it."""
    ctx = people.as_ann
    kept = _reminder(ctx, D(year, 1, 31, 9), frequency="monthly")
    pruned = _reminder(ctx, D(year, 1, 31, 9), frequency="monthly")
    _fire_each(ctx, kept, 1)
    _fire_each(ctx, pruned, 1)
    AuditLog.delete().where(
        (AuditLog.entity == "reminder") & (AuditLog.entity_id == str(pruned.reminder_id))
    ).execute()
    assert _fire_each(ctx, pruned, 2) == _fire_each(ctx, kept, 2)
    assert _stored(pruned).next_reminder.date() == dt.date(year, 4, 30)
    AuditLog.delete().execute()
    assert _fire_each(ctx, pruned, 1) == [dt.date(year, 5, 31)]


def test_editing_the_message_keeps_the_day_and_editing_the_date_moves_it(people):
    ctx = people.as_ann
    reminder = _reminder(ctx, D(2027, 1, 31, 9), frequency="monthly")
    _fire_each(ctx, reminder, 1)
    assert _stored(reminder).next_reminder == D(2027, 2, 28, 9)
    reminders.update_reminder(ctx, reminder.reminder_id, {"message": "Book the ethics course"})
    # a form sends the unchanged date back with the rest: the day is kept
    reminders.update_reminder(
        ctx, reminder.reminder_id, {"message": "Book it", "next_reminder": D(2027, 2, 28, 9)}
    )
    assert _stored(reminder).anchor_day == 31
    assert _fire_each(ctx, reminder, 1) == [dt.date(2027, 3, 31)]
    reminders.update_reminder(ctx, reminder.reminder_id, {"next_reminder": "2027-04-28"})
    assert _stored(reminder).anchor_day == 28
    assert _fire_each(ctx, reminder, 2) == [dt.date(2027, 5, 28), dt.date(2027, 6, 28)]


def test_a_date_moved_to_a_month_end_by_hand_anchors_there(people):
    ctx = people.as_ann
    reminder = _reminder(ctx, D(2027, 1, 31, 9), frequency="monthly")
    reminders.update_reminder(ctx, reminder.reminder_id, {"next_reminder": "2027-02-28"})
    assert _stored(reminder).anchor_day == 28
    assert _fire_each(ctx, reminder, 1) == [dt.date(2027, 3, 28)]


def test_a_row_without_its_day_falls_back_to_the_date_it_holds(people):
    """A row whose anchor_day was never filled (written by hand, say) repeats on its own day."""
    ctx = people.as_ann
    reminder = _reminder(ctx, D(2027, 2, 28, 9), frequency="monthly")
    Reminder.update(anchor_day=None).where(Reminder.reminder_id == reminder.reminder_id).execute()
    assert _fire_each(ctx, reminder, 1) == [dt.date(2027, 3, 28)]
    assert _stored(reminder).anchor_day == 28


def test_yearly_on_29_february_waits_for_the_next_leap_year(people):
    reminder = _reminder(people.as_ann, D(2028, 2, 29, 9), frequency="yearly")
    assert _fire_each(people.as_ann, reminder, 4) == [
        dt.date(2029, 2, 28),
        dt.date(2030, 2, 28),
        dt.date(2031, 2, 28),
        dt.date(2032, 2, 29),
    ]


def test_an_occurrence_already_notified_elsewhere_is_not_notified_twice(people):
    reminder = _reminder(people.as_ann, D(2026, 6, 15, 9))
    key = f"reminder:{reminder.reminder_id}:2026-06-15T09:00:00"
    notifications.create_notification(
        people.as_ann, {"user_id": people.ann.user_id, "message": "x", "dedupe_key": key}
    )
    outcome = reminders.fire_reminder(people.as_ann, reminder.reminder_id, D(2026, 6, 15, 9, 30))
    assert outcome.value is None
    assert Notification.select().count() == 1
    assert _stored(reminder).next_reminder == D(2026, 6, 16, 9)


def test_members_cannot_fire_someone_elses_reminder(people):
    reminder = _reminder(people.as_ann, D(2026, 6, 15, 9))
    with pytest.raises(PermissionDenied):
        reminders.fire_reminder(people.as_bob, reminder.reminder_id, D(2026, 6, 15, 9, 30))
    assert Notification.select().count() == 0
    assert _stored(reminder).next_reminder == D(2026, 6, 15, 9)


def test_local_now_is_the_clock_in_local_wall_clock_time(clock):
    assert reminders.local_now(clock) == clock.now().astimezone().replace(tzinfo=None)
    assert reminders.local_now(clock).tzinfo is None
