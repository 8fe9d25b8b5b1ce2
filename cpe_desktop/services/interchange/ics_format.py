"""Deadlines and reminders as an iCalendar (``.ics``) file for the person's own calendar.

Each license's current reporting period ends on a deadline: it becomes an all-day event whose
description says what is required, what counts so far and what is still missing (the compliance
engine's numbers as of today). Each active reminder becomes an event at its next time, repeating
as the reminder does. UIDs are derived from what the event is about (the person, the license, the
reminder), so exporting again and importing into the same calendar updates events instead of
doubling them. DTSTAMP comes from the injected clock.

A deadline carries one alarm (VALARM, TRIGGER -P{n}D) for each of its holder's
``reminder_lead_days`` (Preferences › Reminders, 90, 30 and 7 days unless changed), so the
calendar warns when the program itself would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cpe_desktop import __version__
from cpe_desktop.db.models import Reminder, User
from cpe_desktop.services import compliance, preferences
from cpe_desktop.services import reminders as reminders_service
from cpe_desktop.services.compliance import LicenseStatus
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.interchange.common import (
    ExportSummary,
    _count,
    _join,
    people_for_export,
    write_file,
)

PRODID = f"-//CPE Tracker//CPE Tracker {__version__}//EN"
UID_DOMAIN = "cpe-tracker.invalid"
# The scheduler's frequencies as RFC 5545 recurrence rules; "once" does not repeat.
RRULE_FREQ = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}
EVERY_N_DAYS = reminders_service.EVERY_N_DAYS


@dataclass
class CalendarExportSummary(ExportSummary):
    """What a calendar export wrote: deadlines, reminders, and licenses with no deadline."""

    deadlines: int = 0
    reminders: int = 0
    without_rule: int = 0

    def describe(self) -> str:
        parts = [_count(self.deadlines, "deadline"), _count(self.reminders, "reminder")]
        text = f"Exported {_join(parts)} of {_count(self.people, 'person', 'people')}"
        text += f" to {self.path}."
        if self.without_rule:
            have = "has" if self.without_rule == 1 else "have"
            text += (
                f" {_count(self.without_rule, 'license')} {have} no requirement rule, "
                "so no deadline."
            )
        return text


def _uid(*parts: object) -> str:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:24]
    return f"{digest}@{UID_DOMAIN}"


def _hours(value: Decimal | None) -> str:
    if value is None:
        return "-"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def deadline_description(item: LicenseStatus) -> str:
    """Required against counted hours, and what is still short, for one license."""
    ev = item.evaluation
    assert ev is not None
    lic = item.license
    number = f", license {lic.license_number}" if lic.license_number else ""
    lines = [
        f"{lic.credential.code} {lic.jurisdiction}{number} ({item.user.name})",
        f"Reporting period {ev.period_start.isoformat()} to {ev.period_end.isoformat()}.",
        f"Status on {ev.as_of.isoformat()}: {ev.status.replace('_', ' ')}.",
    ]
    if ev.required_total is not None:
        lines.append(
            f"Total: {_hours(ev.required_total)} h required, {_hours(ev.counted_total)} h "
            f"counted, {_hours(ev.shortfall_total)} h short."
        )
    if ev.required_ethics is not None:
        lines.append(
            f"Ethics: {_hours(ev.required_ethics)} h required, {_hours(ev.counted_ethics)} h "
            f"counted, {_hours(ev.shortfall_ethics)} h short (ethics period ends "
            f"{ev.ethics_period_end.isoformat()})."
        )
    if ev.required_technical is not None:
        lines.append(
            f"Technical: {_hours(ev.required_technical)} h required, "
            f"{_hours(ev.counted_technical)} h counted, {_hours(ev.shortfall_technical)} h short."
        )
    if ev.status != "complete":
        lines.append(ev.shortfall_text())
    lines.append("Rules change; your board has the final word.")
    return "\n".join(lines)


def _deadline_event(
    item: LicenseStatus, stamp: dt.datetime, several: bool, lead_days: tuple[int, ...] = ()
):
    from icalendar import Alarm, Event

    ev = item.evaluation
    assert ev is not None
    lic = item.license
    summary = f"CPE deadline: {lic.credential.code} — {lic.jurisdiction}"
    if several:
        summary += f" ({item.user.name})"
    event = Event()
    which = lic.license_number or lic.license_id
    uid = _uid("deadline", item.user.email, lic.credential.code, lic.jurisdiction, which)
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", ev.period_end)
    event.add("dtend", ev.period_end + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", deadline_description(item))
    event.add("transp", "TRANSPARENT")  # an all-day deadline does not make the person busy
    event.add("categories", ["CPE"])
    for days in sorted(set(lead_days), reverse=True):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        when = "1 day" if days == 1 else f"{days} days"
        alarm.add("description", f"{summary} in {when}")
        alarm.add("trigger", -dt.timedelta(days=days))  # before the all-day event's start
        event.add_component(alarm)
    return event


def _reminder_event(reminder: Reminder, user: User, stamp: dt.datetime, several: bool):
    from icalendar import Alarm, Event

    message = reminder.message.strip()
    first_line = message.splitlines()[0] if message else "Reminder"
    summary = f"CPE reminder: {first_line[:120]}"
    if several:
        summary += f" ({user.name})"
    event = Event()
    event.add("uid", _uid("reminder", user.email, reminder.reminder_id))
    event.add("dtstamp", stamp)
    # Wall-clock time without a zone ("floating"): 9:00 stays 9:00 wherever the laptop is.
    event.add("dtstart", reminder.next_reminder)
    event.add("duration", dt.timedelta(minutes=15))
    event.add("summary", summary)
    event.add("description", message)
    event.add("categories", ["CPE"])
    rule = recurrence(
        reminder.frequency,
        reminder.interval_days,
        anchor_day=reminder.anchor_day,
        month=reminder.next_reminder.month,
    )
    if rule is not None:
        event.add("rrule", rule)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", first_line[:120])
    alarm.add("trigger", dt.timedelta(0))
    event.add_component(alarm)
    return event


def recurrence(
    frequency: str,
    interval_days: int | None,
    *,
    anchor_day: int | None = None,
    month: int | None = None,
) -> dict[str, object] | None:
    """A reminder's repetition as an RRULE value; None for a one-time reminder.

    A monthly or yearly series kept on the 29th, 30th or 31st falls on the month's last day when
    the month is shorter, as the program fires it; plain FREQ=MONTHLY would instead skip those
    months (RFC 5545 drops invalid dates), so the rule names the day explicitly.
    """
    if frequency == EVERY_N_DAYS:
        return {"freq": "DAILY", "interval": interval_days or 1}
    freq = RRULE_FREQ.get(frequency)
    if not freq:
        return None
    rule: dict[str, object] = {"freq": freq}
    if frequency in ("monthly", "yearly") and anchor_day is not None and anchor_day >= 29:
        if anchor_day == 31:
            rule["bymonthday"] = [-1]
        else:
            rule["bymonthday"] = list(range(28, anchor_day + 1))
            rule["bysetpos"] = [-1]
        if frequency == "yearly" and month is not None:
            rule["bymonth"] = [month]
    return rule


def export_calendar(
    ctx: ServiceContext,
    path: Path,
    user_email: str | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> CalendarExportSummary:
    """Write the deadlines and active reminders of everyone the actor may see (or of
    ``user_email``) to ``path`` as an iCalendar file."""
    from icalendar import Calendar

    people = people_for_export(ctx, user_email)
    several = len(people) > 1
    stamp = ctx.clock.now().astimezone(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "CPE deadlines")
    summary = CalendarExportSummary(Path(path), "ics", people=len(people))
    for number, user in enumerate(people):
        if progress is not None:
            progress(90 * number // max(len(people), 1), f"Judging the licenses of {user.email}…")
        items = sorted(
            compliance.evaluate_licenses(ctx, user.user_id, ctx.clock.today()),
            key=lambda item: (item.license.credential.code, item.license.jurisdiction),
        )
        lead_days = tuple(preferences.get_preferences(ctx, user.user_id)["reminder_lead_days"])
        for item in items:
            if item.evaluation is None:
                summary.without_rule += 1
                continue
            calendar.add_component(_deadline_event(item, stamp, several, lead_days))
            summary.deadlines += 1
        for reminder in reminders_service.list_reminders(ctx, user.user_id, active_only=True):
            calendar.add_component(_reminder_event(reminder, user, stamp, several))
            summary.reminders += 1
    write_file(Path(path), calendar.to_ical().decode("utf-8"))
    if progress is not None:
        progress(100, "Exported.")
    return summary
