"""Deadline warnings: notifications made automatically as a reporting period's end draws near.

The scheduler runs :func:`check_deadlines` once a day, at start, and a moment after the person's
licenses, records, rules, birth date or lead days change (``ui/reminder_session.py``, so a license
just added is warned about at once). It may run it any number of times more, because every
warning carries a ``dedupe_key`` naming what it warns about, so each is made once. Two kinds:

- ``deadline``: the period (or a separate ethics period) ends within one of the person's
  ``reminder_lead_days`` (default 90, 30, 7 days) with hours still missing; one per license,
  period end and threshold. Only the tightest threshold reached is used, so someone who first
  opens the program 25 days before the end gets the 30-day warning, not the 90-day one as well.
- ``status``: the license is ``at_risk`` or ``overdue``; one per license, period and status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cpe_desktop.db.models import Notification, database
from cpe_desktop.rules.facts import Evaluation
from cpe_desktop.rules.wording import overdue_text
from cpe_desktop.services import compliance, notifications, preferences
from cpe_desktop.services.changes import Changes, Outcome
from cpe_desktop.services.context import ServiceContext

WARNED_STATUSES = ("at_risk", "overdue")


@dataclass(frozen=True)
class _Deadline:
    end: dt.date
    days_left: int
    key: str  # "period" | "ethics"


def license_name(item: compliance.LicenseStatus) -> str:
    """How a license is named in messages: ``CPA — Texas``."""
    return f"{item.license.credential.code} \u2014 {item.license.jurisdiction}"


def _days_text(days: int) -> str:
    if days == 0:
        return "the last day"
    return f"{days} day{'' if days == 1 else 's'} left"


def _deadlines(ev: Evaluation) -> list[_Deadline]:
    """The ends coming up with hours missing: the period's, and the ethics period's if apart.
    None while the period is a guess (the holder has not said when it ends)."""
    if ev.period_guessed:
        return []
    same_end = ev.ethics_period_end == ev.period_end
    needed = max(ev.shortfall_total, ev.shortfall_technical)
    if same_end:
        needed = max(needed, ev.shortfall_ethics)
    found = []
    if needed > 0:
        found.append(_Deadline(ev.period_end, ev.days_left, "period"))
    if not same_end and ev.shortfall_ethics > 0:
        found.append(_Deadline(ev.ethics_period_end, ev.ethics_days_left, "ethics"))
    return found


def _threshold(days_left: int, lead_days: tuple[int, ...]) -> int | None:
    """The tightest lead time already reached, or None when the end is still further off."""
    reached = [days for days in lead_days if days_left <= days]
    return min(reached) if reached else None


def _status_message(name: str, ev: Evaluation) -> str:
    """The card's sentence, after what is overdue (history said apart, only where tracked)."""
    headline = ev.headline()
    overdue = overdue_text(ev)
    if ev.status == "overdue" and overdue:
        return f"{name}: {overdue}. {headline}."
    return f"{name} is at risk: {headline[0].lower()}{headline[1:]}."


def check_deadlines(
    ctx: ServiceContext, user_id: int, as_of: dt.date
) -> Outcome[list[Notification]]:
    """Make the deadline and status warnings due for ``user_id``'s licenses as of ``as_of``.

    Returns the notifications made by this call (none when each was made before).
    """
    lead_days = tuple(preferences.get_preferences(ctx, user_id)["reminder_lead_days"])
    made: list[Notification] = []
    changes = Changes()
    with database.atomic():
        for item in compliance.evaluate_licenses(ctx, user_id, as_of):
            ev = item.evaluation
            if ev is None:
                continue
            name = license_name(item)
            license_id = item.license.license_id
            wanted: list[tuple[str, str, str]] = []
            for due in _deadlines(ev):
                threshold = _threshold(due.days_left, lead_days)
                if threshold is None:
                    continue
                # The dashboard's sentence, with the time left to this deadline.
                message = f"{name}: {ev.headline()} ({_days_text(due.days_left)})."
                key = f"deadline:{license_id}:{due.key}:{due.end.isoformat()}:{threshold}"
                wanted.append(("deadline", message, key))
            if ev.status in WARNED_STATUSES:
                key = f"status:{license_id}:{ev.period_end.isoformat()}:{ev.status}"
                wanted.append(("status", _status_message(name, ev), key))
            for kind, message, key in wanted:
                outcome = notifications.create_notification(
                    ctx,
                    {
                        "user_id": user_id,
                        "message": message,
                        "kind": kind,
                        "license_id": license_id,
                        "dedupe_key": key,
                    },
                )
                if outcome.value is not None:
                    made.append(outcome.value)
                changes |= outcome.changes
    return Outcome(made, changes)
