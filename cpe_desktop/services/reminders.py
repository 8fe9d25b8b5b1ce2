"""Reminders a person sets for themselves: a message, when it next fires, and how it repeats.

This module only keeps the ``reminders`` table right (validation, permissions, audit); firing them
is the scheduler's job. ``next_reminder`` is the person's local wall-clock time, stored naive: a
reminder "at 9 in the morning" stays at 9 when the laptop travels. A bare date means 09:00 that
day; an aware datetime is converted to the machine's local time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cpe_desktop.db.models import License, Reminder, database
from cpe_desktop.services import rows
from cpe_desktop.services.changes import AUDIT, REMINDERS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.validation import MISSING, Validator, present

FIELDS = (
    "user_id",
    "message",
    "frequency",
    "interval_days",
    "next_reminder",
    "active",
    "license_id",
)
EVERY_N_DAYS = "every_n_days"
FREQUENCIES = ("once", "daily", "weekly", "monthly", "yearly", EVERY_N_DAYS)
MAX_MESSAGE = 1000
MAX_INTERVAL_DAYS = 3650
DEFAULT_TIME = dt.time(9, 0)
MAX_ID = 2**31 - 1  # ids beyond a database integer are refused, not sent to the database
CHANGED = Changes.of(REMINDERS, AUDIT)


def parse_moment(value: Any) -> dt.datetime:
    """A naive local datetime from ISO text, a date (09:00) or a datetime; ValueError if not."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, DEFAULT_TIME)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                moment = dt.datetime.combine(dt.date.fromisoformat(text), DEFAULT_TIME)
            else:
                moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"must be a date and time written YYYY-MM-DD HH:MM (or a date), not {value!r}"
            ) from None
    else:
        raise ValueError("must be a date and time written YYYY-MM-DD HH:MM")
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _validate(ctx: ServiceContext, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    v = Validator(data, FIELDS, partial=partial)
    values: dict[str, Any] = {
        "message": v.text("message", required=True, max_length=MAX_MESSAGE),
        "frequency": v.choice("frequency", FREQUENCIES, required=True),
        "interval_days": v.integer("interval_days", minimum=1, maximum=MAX_INTERVAL_DAYS),
        "active": v.boolean("active") if v.has("active") else MISSING,
        "next_reminder": MISSING,
    }
    raw_next = data.get("next_reminder")
    if raw_next is None or (isinstance(raw_next, str) and not raw_next.strip()):
        if v.has("next_reminder") or not partial:
            v.error("next_reminder", "is required")
    else:
        try:
            values["next_reminder"] = parse_moment(raw_next)
        except ValueError as exc:
            v.error("next_reminder", str(exc))
    rows.read_owner(v, ctx, values, partial=partial)
    if v.has("license_id"):
        license_id = v.integer("license_id", minimum=1, maximum=MAX_ID)
        if (
            isinstance(license_id, int)
            and License.get_or_none(License.license_id == license_id) is None
        ):
            v.error("license_id", f"there is no license with id {license_id}")
        else:
            values["license"] = license_id
    v.done()
    values = present(values)
    if values.get("active") is None:
        values.pop("active", None)
    return values


def _check_consistency(reminder_user: int | None, frequency: Any, values: dict[str, Any]) -> None:
    """Cross-field rules, judged on the row as it will be after the change."""
    errors: dict[str, str] = {}
    interval = values.get("interval_days")
    if frequency == EVERY_N_DAYS and interval is None:
        errors["interval_days"] = "is required when the reminder repeats every N days"
    elif frequency != EVERY_N_DAYS and interval is not None:
        errors["interval_days"] = "is only used when the reminder repeats every N days"
    license_id = values.get("license")
    if license_id is not None:
        owner = License.get_by_id(license_id).user_id
        if owner != reminder_user:
            errors["license_id"] = "belongs to another person"
    if errors:
        raise ValidationError(errors)


def create_reminder(ctx: ServiceContext, data: dict[str, Any]) -> Outcome[Reminder]:
    with database.atomic():
        values = _validate(ctx, data, partial=False)
        values.setdefault("interval_days", None)
        _check_consistency(values["user"], values["frequency"], values)
        ctx.require_owner(values["user"], "add reminders")
        reminder = rows.create(ctx, Reminder, values, "reminder")
    return Outcome(reminder, CHANGED)


def update_reminder(
    ctx: ServiceContext, reminder_id: int, data: dict[str, Any]
) -> Outcome[Reminder]:
    with database.atomic():
        reminder = rows.get_or_missing(Reminder, reminder_id, "reminder")
        ctx.require_owner(reminder.user_id, "change the reminders")
        values = _validate(ctx, data, partial=True)
        if "user" in values:
            ctx.require_owner(values["user"], "move reminders")
        frequency = values.get("frequency", reminder.frequency)
        if "interval_days" not in values:
            # Switching away from "every N days" drops the interval it no longer uses.
            keep = reminder.interval_days if frequency == EVERY_N_DAYS else None
            values["interval_days"] = keep
        after = {"license": reminder.license_id} | values
        _check_consistency(values.get("user", reminder.user_id), frequency, after)
        rows.update(ctx, reminder, values, "reminder")
    return Outcome(reminder, CHANGED)


def delete_reminder(ctx: ServiceContext, reminder_id: int) -> Outcome[None]:
    with database.atomic():
        reminder = rows.get_or_missing(Reminder, reminder_id, "reminder")
        ctx.require_owner(reminder.user_id, "remove the reminders")
        rows.delete(ctx, reminder, "reminder")
    return Outcome(None, CHANGED)


def get_reminder(ctx: ServiceContext, reminder_id: int) -> Reminder:
    reminder = rows.get_or_missing(Reminder, reminder_id, "reminder")
    ctx.require_owner(reminder.user_id, "see the reminders")
    return reminder


def list_reminders(
    ctx: ServiceContext, user_id: int | None = None, *, active_only: bool = False
) -> list[Reminder]:
    """Reminders of ``user_id``, soonest first; with None the actor's own (an admin's: all)."""
    query = Reminder.select().order_by(Reminder.next_reminder, Reminder.reminder_id)
    if user_id is not None:
        ctx.require_owner(user_id, "see the reminders")
        query = query.where(Reminder.user == user_id)
    elif not ctx.actor.is_admin:
        query = query.where(Reminder.user == ctx.actor.user_id)
    if active_only:
        query = query.where(Reminder.active == True)  # noqa: E712
    return list(query)
