"""Schema 3: ``reminders.anchor_day``, the day of the month a monthly or yearly reminder keeps.

A reminder set for 31 January fires on 28 February and must come back to the 31st in March;
``next_reminder`` alone cannot say so once it sits on the 28th. Schema 2 programs kept that day
in the audit log's after-pictures; from schema 3 it is a column, and nothing reads the log.

Existing monthly/yearly reminders get ``next_reminder``'s day. The one case where that day may
be a clamped one (a month's last day) is settled once, here, from the newest audit entries the
schema 2 program wrote for the reminder, where they still exist; elsewhere the day stands.
Other frequencies keep None.

The step uses small models of its own, with only the columns it touches, so later changes to
the live models cannot change what it does.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json

import peewee
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations

_SERIES = ("monthly", "yearly")
# As far back as the schema 2 program looked for the day it had stored.
_LOOKBACK = 20


class _Reminder(peewee.Model):
    reminder_id = peewee.AutoField()
    frequency = peewee.CharField()
    next_reminder = peewee.DateTimeField()
    anchor_day = peewee.SmallIntegerField(null=True)

    class Meta:
        table_name = "reminders"


class _AuditEntry(peewee.Model):
    log_id = peewee.AutoField()
    entity = peewee.CharField(null=True)
    entity_id = peewee.CharField(null=True)
    after_json = peewee.TextField(null=True)

    class Meta:
        table_name = "audit_logs"


def _fits(day: int, moment: dt.datetime) -> bool:
    """Whether a series kept on ``day`` of the month can fall on ``moment``."""
    last = calendar.monthrange(moment.year, moment.month)[1]
    return 1 <= day <= 31 and min(day, last) == moment.day


def _recorded_anchor(reminder: _Reminder) -> int | None:
    """The day the schema 2 program recorded for ``reminder`` while its date is unchanged."""
    entries = (
        _AuditEntry.select(_AuditEntry.after_json)
        .where(
            (_AuditEntry.entity == "reminder")
            & (_AuditEntry.entity_id == str(reminder.reminder_id))
        )
        .order_by(_AuditEntry.log_id.desc())
        .limit(_LOOKBACK)
    )
    stored = reminder.next_reminder.isoformat()
    for entry in entries:
        try:
            picture = json.loads(entry.after_json) if entry.after_json else {}
        except ValueError:
            return None
        if not isinstance(picture, dict) or picture.get("next_reminder") != stored:
            return None  # the date was set by hand since: its own day is the anchor
        anchor = picture.get("anchor_day")
        if isinstance(anchor, int) and _fits(anchor, reminder.next_reminder):
            return anchor
    return None


def _anchor(reminder: _Reminder) -> int:
    moment = reminder.next_reminder
    if moment.day == calendar.monthrange(moment.year, moment.month)[1]:
        return _recorded_anchor(reminder) or moment.day
    return moment.day


def apply(db: peewee.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    run_operations(
        migrator.add_column("reminders", "anchor_day", peewee.SmallIntegerField(null=True))
    )
    with db.bind_ctx([_Reminder, _AuditEntry]):
        series = list(_Reminder.select().where(_Reminder.frequency.in_(_SERIES)))
        for reminder in series:
            _Reminder.update(anchor_day=_anchor(reminder)).where(
                _Reminder.reminder_id == reminder.reminder_id
            ).execute()
