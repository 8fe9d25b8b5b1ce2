"""Reminders a person sets for themselves: a message, when it next fires, and how it repeats.

This module keeps the ``reminders`` table right (validation, permissions, audit) and says what
firing one means (:func:`fire_reminder`: a notification plus the move to the next occurrence);
*when* to fire is the scheduler's job. ``next_reminder`` is the person's local wall-clock time,
stored naive: a reminder "at 9 in the morning" stays at 9 when the laptop travels or the clocks
change. A bare date means 09:00 that day; an aware datetime is converted to the machine's local
time.

Monthly and yearly reminders keep the day of the month they were set for: one set for 31 January
fires on 29 February (28 in a common year), then on 31 March. That day is the row's
``anchor_day`` (see :func:`anchor_day_for`): set on create, kept while the reminder moves from
occurrence to occurrence or other fields are edited, and replaced by the new date's day when a
person changes the date. It is None for every other frequency, which has no use for it. The
audit log records these changes but is never read back: it may be pruned or exported.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from cpe_desktop.clock import Clock
from cpe_desktop.db.models import License, Notification, Reminder, database
from cpe_desktop.services import notifications
from cpe_desktop.services.changes import AUDIT, REMINDERS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
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
        values["anchor_day"] = anchor_day_for(values["frequency"], values["next_reminder"])
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
        # Forms send every field back: only a date that really changed moves the anchor.
        moment = values.get("next_reminder", reminder.next_reminder)
        kept = reminder.anchor_day if moment == reminder.next_reminder else None
        values["anchor_day"] = anchor_day_for(frequency, moment, kept)
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


_STEP_DAYS = {"daily": 1, "weekly": 7}
_STEP_MONTHS = {"monthly": 1, "yearly": 12}


def local_now(clock: Clock) -> dt.datetime:
    """The clock's moment as the machine's local wall-clock time, naive, as reminders are kept."""
    return clock.now().astimezone().replace(tzinfo=None)


def _anchors(day: int, moment: dt.datetime) -> bool:
    """Whether a series kept on ``day`` of the month can fall on ``moment``."""
    last = calendar.monthrange(moment.year, moment.month)[1]
    return 1 <= day <= 31 and min(day, last) == moment.day


def anchor_day_for(frequency: str, moment: dt.datetime, kept: int | None = None) -> int | None:
    """The ``anchor_day`` a reminder repeating at ``frequency`` and due at ``moment`` stores.

    None unless it repeats monthly or yearly; then ``kept`` (the day it kept so far) while the
    series can still fall on ``moment``, else ``moment``'s own day: the day a person picks.
    """
    if frequency not in _STEP_MONTHS:
        return None
    if kept is not None and _anchors(kept, moment):
        return kept
    return moment.day


def _shift_months(moment: dt.datetime, months: int, anchor_day: int) -> dt.datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(anchor_day, last))


def next_occurrence(
    frequency: str,
    moment: dt.datetime,
    interval_days: int | None,
    after: dt.datetime,
    *,
    anchor_day: int | None = None,
) -> dt.datetime | None:
    """The first occurrence of the series through ``moment`` that is strictly after ``after``.

    Occurrences are ``moment`` itself and, for a repeating reminder, every step from it in
    wall-clock time (the time of day never moves). Monthly and yearly steps land on
    ``anchor_day`` (default: ``moment``'s day), clamped to the month's last day, so 31 January
    gives 29 February, then 31 March; 29 February yearly gives 28 February in common years.
    A one-off reminder has no occurrence after its own moment (None); None too when the next
    occurrence would lie beyond year 9999. ValueError for an unknown frequency or interval.
    """
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    if frequency == EVERY_N_DAYS and (interval_days is None or interval_days < 1):
        raise ValueError("every_n_days needs interval_days of at least 1")
    day = moment.day if anchor_day is None else anchor_day
    if not _anchors(day, moment):
        raise ValueError(f"a series on day {anchor_day} cannot fall on {moment.date()}")
    if moment > after:
        return moment
    if frequency == "once":
        return None
    try:
        if frequency in _STEP_MONTHS:
            step = _STEP_MONTHS[frequency]
            months_apart = (after.year - moment.year) * 12 + after.month - moment.month
            k = max(1, months_apart // step)  # never past the answer; at most two steps short
            while (candidate := _shift_months(moment, k * step, day)) <= after:
                k += 1
            return candidate
        # Not None: every_n_days without an interval was refused above.
        step_days = dt.timedelta(days=_STEP_DAYS.get(frequency) or interval_days)  # type: ignore[arg-type]
        return moment + ((after - moment) // step_days + 1) * step_days
    except (OverflowError, ValueError):  # beyond the last representable year
        return None


def is_due(reminder_id: int, now_local: dt.datetime) -> bool:
    """Whether the reminder still exists, is switched on and has come due by ``now_local``
    (local wall-clock time, see :func:`local_now`): the scheduler asks before it fires one."""
    reminder = Reminder.get_or_none(Reminder.reminder_id == reminder_id)
    return reminder is not None and reminder.active and reminder.next_reminder <= now_local


def fire_reminder(
    ctx: ServiceContext, reminder_id: int, now_local: dt.datetime
) -> Outcome[Notification | None]:
    """Fire a due reminder, in one transaction: store its notification and move it on.

    ``now_local`` is the local wall-clock time (see :func:`local_now`). However many occurrences
    passed unseen (the program closed, the laptop asleep), one notification is made, for the
    occurrence stored, and ``next_reminder`` moves to the first occurrence after ``now_local``;
    a one-off reminder is switched off instead. A reminder not yet due, or switched off, is left
    alone (value None, no changes).

    Several desks may fire the same reminder at once (programs sharing a PostgreSQL server, or
    processes on one SQLite file): the occurrence is claimed first, by an UPDATE that moves
    ``next_reminder`` on only while it still holds the occurrence read. Exactly one desk changes
    the row and makes the notification; the others change nothing and get None, as for a
    reminder not yet due. The notification's ``dedupe_key`` names the occurrence besides.
    """
    with database.atomic():
        reminder = rows.get_or_missing(Reminder, reminder_id, "reminder")
        ctx.require_owner(reminder.user_id, "fire the reminders")
        occurrence = reminder.next_reminder
        if not reminder.active or occurrence > now_local:
            return Outcome(None, Changes())
        anchor = anchor_day_for(reminder.frequency, occurrence, reminder.anchor_day)
        following = next_occurrence(
            reminder.frequency, occurrence, reminder.interval_days, now_local, anchor_day=anchor
        )
        values: dict[str, Any] = (
            {"active": False}
            if following is None
            else {"next_reminder": following, "anchor_day": anchor}
        )
        # The version moves too, so a reminder form opened before the firing cannot save the
        # old occurrence back (services/editing.save_entity refuses it as changed meanwhile).
        claimed = (
            Reminder.update(**values, row_version=Reminder.row_version + 1)
            .where(
                (Reminder.reminder_id == reminder_id)
                & (Reminder.active == True)  # noqa: E712
                & (Reminder.next_reminder == occurrence)
            )
            .execute()
        )
        if claimed != 1:
            return Outcome(None, Changes())  # another desk fired this occurrence
        created = notifications.create_notification(
            ctx,
            {
                "user_id": reminder.user_id,
                "message": reminder.message,
                "kind": "reminder",
                "license_id": reminder.license_id,
                "dedupe_key": f"reminder:{reminder.reminder_id}:{occurrence.isoformat()}",
            },
        )
        # The row already holds these values; the shared helper stamps it and writes the audit
        # (on the version the claim left).
        reminder.row_version += 1
        rows.update(ctx, reminder, values, "reminder", after_extra={"fired": occurrence})
    return Outcome(created.value, CHANGED | created.changes)
