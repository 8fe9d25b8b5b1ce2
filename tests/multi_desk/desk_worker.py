"""One desk of the multi-desk tests: a separate process doing a day's background work.

It does what a desk's scheduler and mail sender do, through the same services, with the day's
moment given by the test: fire the reminders that are due, look for deadline warnings for every
person, queue an email for each notification this desk made (as ``ui/delivery.py`` does for the
notifications its own scheduler made), then send the due email as every person in turn.

Run as ``python desk_worker.py '<json settings>'``; each line read from stdin is the moment of a
simulated day (ISO, UTC) and the answer is one line of JSON with what this desk did that day.
"quit" ends it. Every error is caught and reported in the answer, never raised, so the test sees
all of them. No Qt: this is the service layer only.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.models import Reminder, User
from cpe_desktop.services import deadlines, reminders
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.mail import outbox as mail
from cpe_desktop.services.mail.smtp import Transport

TRANSPORT = Transport(timeout=10.0)


def _no_password(settings) -> None:
    return None


def run_day(desk: str, moment: dt.datetime) -> dict:
    clock = FixedClock(moment)
    now_local = reminders.local_now(clock)
    today = clock.today()
    errors: list[str] = []
    done = {"fired": 0, "warnings": 0, "queued": 0, "sent": 0, "retrying": 0, "failed": 0}
    people = list(User.select().where(User.active == True).order_by(User.user_id))  # noqa: E712
    ctx = {user.user_id: ServiceContext(Actor.for_user(user), clock) for user in people}
    made: list[tuple[int, int]] = []  # (owner, notification id) made by this desk

    def attempt(what: str, work):
        try:
            return work()
        except Exception:  # reported to the test, which fails on any
            errors.append(f"{desk} {today} {what}: {traceback.format_exc(limit=6)}")
            return None

    due = (
        Reminder.select(Reminder.reminder_id, Reminder.user)
        .where((Reminder.active == True) & (Reminder.next_reminder <= now_local))  # noqa: E712
        .order_by(Reminder.reminder_id)
    )
    for row in list(due):
        outcome = attempt(
            f"reminder {row.reminder_id}",
            lambda row=row: reminders.fire_reminder(ctx[row.user_id], row.reminder_id, now_local),
        )
        if outcome is not None and outcome.value is not None:
            done["fired"] += 1
            made.append((row.user_id, outcome.value.notification_id))
    for user in people:
        outcome = attempt(
            f"deadlines of {user.user_id}",
            lambda user=user: deadlines.check_deadlines(ctx[user.user_id], user.user_id, today),
        )
        for note in outcome.value if outcome is not None else []:
            done["warnings"] += 1
            made.append((user.user_id, note.notification_id))
    for owner, note_id in made:
        queued = attempt(
            f"queue {note_id}",
            lambda owner=owner, note_id=note_id: mail.queue_notification_email(ctx[owner], note_id),
        )
        if queued is not None and queued.value is not None:
            done["queued"] += 1
    for user in people:
        summary = attempt(
            f"send as {user.user_id}",
            lambda user=user: mail.send_due(
                ctx[user.user_id], password_for=_no_password, transport=TRANSPORT, desk=desk
            ),
        )
        if summary is not None:
            done["sent"] += summary.sent
            done["retrying"] += summary.retrying
            done["failed"] += summary.failed
            errors.extend(f"{desk} {today} mail: {problem}" for problem in summary.problems)
    return {"desk": desk, "day": today.isoformat(), **done, "errors": errors}


def main() -> int:
    settings = json.loads(sys.argv[1])
    connect = {}
    if settings.get("schema"):
        connect["options"] = f"-c search_path={settings['schema']}"
    db = make_database(settings["target"], **connect)
    bind(db)
    db.connect()
    print(json.dumps({"ready": settings["desk"]}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if line == "quit":
            break
        moment = dt.datetime.fromisoformat(line)
        print(json.dumps(run_day(settings["desk"], moment)), flush=True)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
