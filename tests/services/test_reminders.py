"""Reminders: validated field by field, owned by one person, audited once per change."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cpe_desktop.db.models import AuditLog, Reminder
from cpe_desktop.services import licenses, reminders
from cpe_desktop.services.errors import NotFound, PermissionDenied, ValidationError

WEEKLY = {
    "message": "Log this week's webinars",
    "frequency": "weekly",
    "next_reminder": "2026-07-01",
}


def _audits(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action))


def test_create_defaults_to_the_actor_and_nine_in_the_morning(people):
    outcome = reminders.create_reminder(people.as_ann, WEEKLY)
    stored = Reminder.get_by_id(outcome.value.reminder_id)
    assert stored.user_id == people.ann.user_id
    assert stored.next_reminder == dt.datetime(2026, 7, 1, 9, 0)
    assert stored.active is True
    assert stored.interval_days is None
    assert set(outcome.changes.kinds) == {"reminders", "audit"}
    [entry] = _audits("create reminder")
    assert entry.user_id == people.ann.user_id
    assert json.loads(entry.after_json)["message"] == WEEKLY["message"]


def test_datetime_text_is_kept_to_the_minute(people):
    data = WEEKLY | {"next_reminder": "2026-07-01T17:45"}
    reminder = reminders.create_reminder(people.as_ann, data).value
    assert Reminder.get_by_id(reminder.reminder_id).next_reminder == dt.datetime(2026, 7, 1, 17, 45)


def test_aware_datetime_becomes_local_wall_clock_time():
    moment = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    assert reminders.parse_moment(moment) == moment.astimezone().replace(tzinfo=None)
    assert reminders.parse_moment(dt.date(2026, 1, 2)) == dt.datetime(2026, 1, 2, 9, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"message": ""}, "message"),
        ({"message": "x" * 1001}, "message"),
        ({"frequency": "hourly"}, "frequency"),
        ({"frequency": None}, "frequency"),
        ({"next_reminder": "tomorrow"}, "next_reminder"),
        ({"next_reminder": ""}, "next_reminder"),
        ({"frequency": "every_n_days"}, "interval_days"),
        ({"frequency": "every_n_days", "interval_days": 0}, "interval_days"),
        ({"frequency": "every_n_days", "interval_days": 3651}, "interval_days"),
        ({"frequency": "daily", "interval_days": 3}, "interval_days"),
        ({"active": "perhaps"}, "active"),
        ({"license_id": 9999}, "license_id"),
        ({"license_id": 2**70}, "license_id"),
        ({"user_id": 2**70}, "user_id"),
        ({"user_id": 9999}, "user_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_reminders_are_refused_naming_the_field(people, change, field):
    data = {k: v for k, v in (WEEKLY | change).items() if v is not None}
    with pytest.raises(ValidationError) as err:
        reminders.create_reminder(people.as_admin, data)
    assert field in err.value.errors
    assert Reminder.select().count() == 0
    assert _audits("create reminder") == []


def test_message_of_exactly_1000_characters_is_accepted(people):
    reminders.create_reminder(people.as_ann, WEEKLY | {"message": "x" * 1000})
    assert Reminder.select().count() == 1


def test_every_n_days_keeps_its_interval(people):
    data = WEEKLY | {"frequency": "every_n_days", "interval_days": "3650"}
    reminder = reminders.create_reminder(people.as_ann, data).value
    assert Reminder.get_by_id(reminder.reminder_id).interval_days == 3650


def test_license_must_belong_to_the_same_person(people):
    texas = {"credential": "CPA", "jurisdiction": "Texas"}
    bobs = licenses.create_license(people.as_bob, texas).value
    anns = licenses.create_license(people.as_ann, texas).value
    with pytest.raises(ValidationError) as err:
        reminders.create_reminder(people.as_ann, WEEKLY | {"license_id": bobs.license_id})
    assert "license_id" in err.value.errors
    reminder = reminders.create_reminder(people.as_ann, WEEKLY | {"license_id": anns.license_id})
    assert Reminder.get_by_id(reminder.value.reminder_id).license_id == anns.license_id


def test_members_cannot_create_for_others_but_admins_can(people):
    with pytest.raises(PermissionDenied):
        reminders.create_reminder(people.as_ann, WEEKLY | {"user_id": people.bob.user_id})
    assert Reminder.select().count() == 0
    made = reminders.create_reminder(people.as_admin, WEEKLY | {"user_id": people.bob.user_id})
    assert made.value.user_id == people.bob.user_id


def test_system_actor_must_name_the_person(system, people):
    with pytest.raises(ValidationError) as err:
        reminders.create_reminder(system, WEEKLY)
    assert "user_id" in err.value.errors


def test_update_is_partial_audited_and_checks_the_result(people):
    reminder = reminders.create_reminder(people.as_ann, WEEKLY).value
    with pytest.raises(ValidationError) as err:
        reminders.update_reminder(
            people.as_ann, reminder.reminder_id, {"frequency": "every_n_days"}
        )
    assert "interval_days" in err.value.errors
    assert Reminder.get_by_id(reminder.reminder_id).frequency == "weekly"
    reminders.update_reminder(
        people.as_ann, reminder.reminder_id, {"frequency": "every_n_days", "interval_days": 10}
    )
    reminders.update_reminder(people.as_ann, reminder.reminder_id, {"frequency": "monthly"})
    stored = Reminder.get_by_id(reminder.reminder_id)
    assert (stored.frequency, stored.interval_days, stored.message) == (
        "monthly",
        None,
        WEEKLY["message"],
    )
    entries = _audits("update reminder")
    assert len(entries) == 2
    assert json.loads(entries[-1].before_json)["interval_days"] == 10


def test_others_cannot_see_change_or_delete(people):
    reminder = reminders.create_reminder(people.as_ann, WEEKLY).value
    with pytest.raises(PermissionDenied):
        reminders.get_reminder(people.as_bob, reminder.reminder_id)
    with pytest.raises(PermissionDenied):
        reminders.update_reminder(people.as_bob, reminder.reminder_id, {"message": "mine"})
    with pytest.raises(PermissionDenied):
        reminders.delete_reminder(people.as_bob, reminder.reminder_id)
    assert Reminder.get_by_id(reminder.reminder_id).message == WEEKLY["message"]
    assert reminders.get_reminder(people.as_admin, reminder.reminder_id).reminder_id


def test_delete_writes_one_audit_entry(people):
    reminder = reminders.create_reminder(people.as_ann, WEEKLY).value
    outcome = reminders.delete_reminder(people.as_ann, reminder.reminder_id)
    assert "reminders" in outcome.changes
    assert Reminder.select().count() == 0
    [entry] = _audits("delete reminder")
    assert entry.after_json is None
    with pytest.raises(NotFound):
        reminders.delete_reminder(people.as_ann, reminder.reminder_id)


def test_list_shows_members_only_their_own_soonest_first(people):
    reminders.create_reminder(people.as_ann, WEEKLY | {"next_reminder": "2026-09-01"})
    reminders.create_reminder(people.as_ann, WEEKLY | {"next_reminder": "2026-08-01"})
    reminders.create_reminder(people.as_bob, WEEKLY | {"active": False})
    anns = reminders.list_reminders(people.as_ann)
    assert [r.next_reminder.month for r in anns] == [8, 9]
    assert len(reminders.list_reminders(people.as_admin)) == 3
    assert len(reminders.list_reminders(people.as_admin, active_only=True)) == 2
    with pytest.raises(PermissionDenied):
        reminders.list_reminders(people.as_ann, people.bob.user_id)


def _anchor(reminder) -> int | None:
    return Reminder.get_by_id(reminder.reminder_id).anchor_day


def test_only_monthly_and_yearly_reminders_keep_a_day_of_the_month(people):
    def made(frequency, **extra):
        data = WEEKLY | {"frequency": frequency, "next_reminder": "2026-08-31"} | extra
        return reminders.create_reminder(people.as_ann, data).value

    assert _anchor(made("monthly")) == 31
    assert _anchor(made("yearly")) == 31
    for frequency in ("once", "daily", "weekly"):
        assert _anchor(made(frequency)) is None
    assert _anchor(made("every_n_days", interval_days=3)) is None


def test_changing_the_frequency_sets_or_clears_the_day(people):
    ctx = people.as_ann
    reminder = reminders.create_reminder(ctx, WEEKLY | {"next_reminder": "2026-08-31"}).value
    reminders.update_reminder(ctx, reminder.reminder_id, {"frequency": "monthly"})
    assert _anchor(reminder) == 31
    reminders.update_reminder(ctx, reminder.reminder_id, {"frequency": "yearly"})
    assert _anchor(reminder) == 31
    reminders.update_reminder(ctx, reminder.reminder_id, {"frequency": "daily"})
    assert _anchor(reminder) is None
    entry = _audits("update reminder")[-1]
    assert json.loads(entry.before_json)["anchor_day"] == 31
    assert json.loads(entry.after_json)["anchor_day"] is None


def test_the_day_kept_is_not_an_input(people):
    with pytest.raises(ValidationError) as err:
        reminders.create_reminder(people.as_ann, WEEKLY | {"anchor_day": 31})
    assert "anchor_day" in err.value.errors
