"""Five desks, one database, thirty days: each notification and each email exactly once.

Five separate processes (``desk_worker.py``, the service layer without Qt) share one database:
a PostgreSQL schema on the server named by CPE_TEST_POSTGRES_URL (skipped without one), or one
SQLite file. The test moves a fixed clock through 30 simulated days; each day it tells every desk
the day's moment at once and waits until all have answered, so on each day all five fire the same
reminders, look for the same deadline warnings and send from the same email queue at the same
time. Mail goes to a real SMTP server on 127.0.0.1.

Expected: the reminders' 48 occurrences (counted by hand below) and the deadline warnings one desk
alone makes (a reference run in this process, on a SQLite file of its own), each stored once (by
dedupe key), each queued as one email, each email sent once (its Message-ID names the email row)
and never a worker error.
"""

from __future__ import annotations

import collections
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.db.models import Email, Notification, database
from cpe_desktop.services import licenses, preferences, records, reminders, requirements, users
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext
from cpe_desktop.services.shipped_data import load_shipped_requirements
from tests.helpers.mail_doubles import SmtpServer
from tests.helpers.postgres import POSTGRES_URL, drop_postgres_schema, postgres_schema_database

DESKS = 5
DAYS = 30
FIRST_DAY = dt.date(2026, 9, 20)
MOMENT = dt.time(9, 30)  # each simulated day's moment, UTC (the desks run with TZ=UTC)
WORKER = Path(__file__).with_name("desk_worker.py")
ROOT = Path(__file__).resolve().parents[2]
SENDER = "cpe-tracker@firm.example"

# (owner, message, frequency, interval, first occurrence) and how often each fires in the 30 days
# from 20 Sep to 19 Oct at 09:30, counted by hand.
REMINDERS = (
    ("ann", "Log this week's courses", "daily", None, "2026-09-20 09:00", 30),
    ("ann", "Weekly review", "weekly", None, "2026-09-20 09:00", 5),  # 20, 27 Sep, 4, 11, 18 Oct
    ("bob", "Every third day", "every_n_days", 3, "2026-09-21 09:00", 10),  # 21 Sep … 18 Oct
    ("bob", "Renewal form", "once", None, "2026-10-01 09:00", 1),
    ("ada", "Month end", "monthly", None, "2026-09-30 09:00", 1),  # 30 Oct is after the last day
    ("ada", "Missed while closed", "once", None, "2026-09-19 17:00", 1),
)
REMINDER_FIRINGS = sum(item[-1] for item in REMINDERS)  # 48


def _days() -> list[dt.datetime]:
    first = dt.datetime.combine(FIRST_DAY, MOMENT, dt.UTC)
    return [first + dt.timedelta(days=n) for n in range(DAYS)]


def _set_up_firm(smtp_port: int) -> dict[str, int]:
    """Three people who all chose email too, licenses with deadlines inside the 30 days, the
    reminders above; the firm's mail server is the test's."""
    clock = FixedClock(dt.datetime.combine(FIRST_DAY - dt.timedelta(days=1), MOMENT, dt.UTC))
    system = ServiceContext(SYSTEM, clock)
    migrate(database)
    load_shipped_requirements(system)
    people = {
        "ada": users.create_user(system, {"name": "Ada Admin", "email": "ada@example.com"}),
        "ann": users.create_user(
            system, {"name": "Ann Member", "email": "ann@example.com", "role": "member"}
        ),
        "bob": users.create_user(
            system, {"name": "Bob Member", "email": "bob@example.com", "role": "member"}
        ),
    }
    ids = {name: made.value.user_id for name, made in people.items()}
    ctx = {name: ServiceContext(Actor.for_user(made.value), clock) for name, made in people.items()}
    preferences.set_firm_settings(
        ctx["ada"],
        {
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_security": "none",
            "smtp_sender": SENDER,
        },
    )
    for name in ids:
        preferences.set_preferences(ctx[name], ids[name], {"notification_method": "tray_and_email"})
    requirements.create_requirement(
        ctx["ada"],
        {
            "credential": "CPA",
            "jurisdiction": "Atlantis",
            "total_hours": 20,
            "period_years": 1,
            "ethics_hours": 2,
            "period_basis": "calendar",
        },
    )
    atlantis = {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2025-01-01"}
    # Ann: 16 of 20 hours, the calendar year ends 31 Dec: the 90-day warning comes on 2 Oct.
    licenses.create_license(ctx["ann"], dict(atlantis))
    records.create_record(
        ctx["ann"],
        {
            "title": "Taxes",
            "completed_on": "2026-06-01",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": 16}],
        },
    )
    # Bob: nothing yet, his period ends 25 Oct (35 days on): the 90-, 30- and 7-day warnings.
    licenses.create_license(ctx["bob"], {**atlantis, "period_end_override": "2026-10-25"})
    # Ada: nothing yet, her period ends 5 Oct, within the 30 days.
    licenses.create_license(ctx["ada"], {**atlantis, "period_end_override": "2026-10-05"})
    for owner, message, frequency, interval, first, _ in REMINDERS:
        data = {"message": message, "frequency": frequency, "next_reminder": first}
        if interval:
            data["interval_days"] = interval
        reminders.create_reminder(ctx[owner], data)
    return ids


def _load_worker():
    spec = importlib.util.spec_from_file_location("desk_worker", WORKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference_warnings(tmp_path: Path) -> collections.Counter:
    """The deadline and status warnings one desk alone makes in the 30 days, by kind."""
    worker = _load_worker()
    db = make_database(str(tmp_path / "reference.db"))
    bind(db)
    db.connect()
    try:
        with SmtpServer() as server:
            _set_up_firm(server.port)
            for moment in _days():
                report = worker.run_day("reference", moment)
                assert report["errors"] == []
        warnings = Notification.select().where(Notification.kind != "reminder")
        return collections.Counter(note.dedupe_key for note in warnings)
    finally:
        db.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared(request, tmp_path):
    """Where the desks meet: what they connect to, the PostgreSQL schema or None, and this
    process's own connection to it."""
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip("CPE_TEST_POSTGRES_URL names no PostgreSQL server")
        db, schema = postgres_schema_database()
        target = POSTGRES_URL
    else:
        target = str(tmp_path / "shared.db")
        db, schema = make_database(target), None
    yield target, schema, db
    if not db.is_closed():
        db.close()
    if schema:
        drop_postgres_schema(schema)


class Desks:
    """The worker processes, driven in lockstep one simulated day at a time."""

    def __init__(self, target: str, schema: str | None, logs: Path) -> None:
        env = {**os.environ, "TZ": "UTC", "PYTHONPATH": str(ROOT)}
        self.processes = []
        self.log_files = []
        for n in range(1, DESKS + 1):
            self.log_files.append((logs / f"desk-{n}.log").open("w"))
            settings = json.dumps({"target": target, "schema": schema, "desk": f"desk-{n}"})
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, str(WORKER), settings],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=self.log_files[-1],
                    text=True,
                    cwd=ROOT,
                    env=env,
                )
            )
        self.logs = logs
        for process in self.processes:
            assert "ready" in self._answer(process)

    def _answer(self, process) -> dict:
        line = process.stdout.readline()
        if not line:
            process.wait(10)
            stderr = "\n".join(p.read_text() for p in self.logs.glob("desk-*.log"))
            raise AssertionError(f"a desk stopped (exit {process.returncode}):\n{stderr}")
        return json.loads(line)

    def day(self, moment: dt.datetime) -> list[dict]:
        for process in self.processes:  # every desk gets the day before any answers
            process.stdin.write(moment.isoformat() + "\n")
            process.stdin.flush()
        return [self._answer(process) for process in self.processes]

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.stdin.write("quit\n")
                process.stdin.close()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()
        for file in self.log_files:
            file.close()


def test_five_desks_thirty_days_each_notification_and_email_once(shared, tmp_path):
    target, schema, db = shared
    expected_warnings = _reference_warnings(tmp_path)
    assert expected_warnings and max(expected_warnings.values()) == 1
    bind(db)
    db.connect()

    with SmtpServer() as server:
        _set_up_firm(server.port)
        database.close()  # the desks alone touch the database while they run
        desks = Desks(target, schema, tmp_path)
        try:
            reports = [report for moment in _days() for report in desks.day(moment)]
        finally:
            desks.close()
        messages = list(server.messages)

    database.connect()
    errors = [error for report in reports for error in report["errors"]]
    assert errors == []

    notes = list(Notification.select())
    by_key = collections.Counter(note.dedupe_key for note in notes)
    assert None not in by_key and max(by_key.values()) == 1  # each notification once
    reminder_keys = [key for key in by_key if key.startswith("reminder:")]
    warnings = collections.Counter(key for key in by_key if not key.startswith("reminder:"))
    assert len(reminder_keys) == REMINDER_FIRINGS
    per_reminder = collections.Counter(key.split(":")[1] for key in reminder_keys)
    assert sorted(per_reminder.values()) == sorted(item[-1] for item in REMINDERS)
    assert warnings == expected_warnings  # what one desk alone makes, no more, no less

    emails = list(Email.select())
    assert len(emails) == len(notes)  # each notification queued once (everyone chose email)
    assert {(e.status, e.attempts) for e in emails} == {("sent", 1)}
    received = collections.Counter(message["Message-ID"] for message in messages)
    assert len(messages) == len(emails) and max(received.values()) == 1  # each email sent once
    sent_ids = sorted(int(mid.split("email-")[1].split(".")[0]) for mid in received)
    assert sent_ids == sorted(e.email_id for e in emails)

    totals = collections.Counter()
    sent_by_desk = collections.Counter()
    for report in reports:
        totals.update({k: report[k] for k in ("fired", "warnings", "queued", "sent")})
        sent_by_desk[report["desk"]] += report["sent"]
    assert totals == {
        "fired": REMINDER_FIRINGS,
        "warnings": sum(expected_warnings.values()),
        "queued": len(emails),
        "sent": len(emails),
    }
    print(
        f"\n{DESKS} desks on {'PostgreSQL' if schema else 'one SQLite file'}, {DAYS} days: "
        f"notifications expected {REMINDER_FIRINGS + sum(expected_warnings.values())} "
        f"({REMINDER_FIRINGS} reminders, {sum(expected_warnings.values())} warnings), "
        f"stored {len(notes)}; emails queued {len(emails)}, SMTP messages {len(messages)}, "
        f"duplicates {len(messages) - len(received)}; "
        f"sent per desk {dict(sorted(sent_by_desk.items()))}"
    )
