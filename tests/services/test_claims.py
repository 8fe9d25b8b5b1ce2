"""Claims that let several desks share one database (ARCHITECTURE.md, "Several desks"): of two
or more contexts racing for one email, one reminder occurrence or one deduplicated notification,
exactly one does the work and the others change nothing and raise nothing.

Each race is tried two ways: with threads on connections of their own released together (on
PostgreSQL they really interleave; SQLite serialises write transactions), and step by step, the
loser having read the row before the winner wrote it, which is the case the conditional UPDATE is
for. The multi-process version is ``tests/multi_desk/``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

from cpe_desktop.db.models import AuditLog, Email, Notification, Reminder, database
from cpe_desktop.services import notifications, preferences, reminders
from cpe_desktop.services.editing import rows
from cpe_desktop.services.mail import outbox as mail
from cpe_desktop.services.mail.outbox import CLAIM_TIMEOUT, Transport
from tests.helpers.mail_doubles import SmtpServer

RACERS = 6
QUICK = Transport(timeout=5.0)


def _race(work) -> list:
    """Run ``work(n)`` in RACERS threads, each on a connection of its own, started together."""
    start = threading.Barrier(RACERS)
    results: list = [None] * RACERS

    def run(n: int) -> None:
        database.connect(reuse_if_open=True)
        try:
            start.wait()
            results[n] = work(n)
        except Exception as exc:
            results[n] = exc
        finally:
            database.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _queued(people, server_port: int = 25) -> Email:
    preferences.set_firm_settings(
        people.as_admin,
        {
            "smtp_host": "127.0.0.1",
            "smtp_port": server_port,
            "smtp_security": "none",
            "smtp_sender": "cpe-tracker@firm.example",
        },
    )
    return mail.queue_email(people.as_ann, people.ann.user_id, "Deadline", "Texas: 30 days").value


def _claims(email_id: int) -> list[dict]:
    entries = AuditLog.select().where(
        (AuditLog.entity == "email") & (AuditLog.entity_id == str(email_id))
    )
    pictures = [json.loads(e.after_json) for e in entries.order_by(AuditLog.log_id)]
    return [p for p in pictures if p.get("status") == "sending"]


def test_racing_desks_claim_an_email_once(people):
    queued = _queued(people)

    results = _race(lambda n: mail.claim_email(people.as_ann, queued.email_id, desk=f"desk {n}"))

    assert not [r for r in results if isinstance(r, Exception)]
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    row = Email.get_by_id(queued.email_id)
    assert row.status == "sending" and row.next_attempt_at == winners[0].next_attempt_at
    [claim] = _claims(queued.email_id)
    assert claim["claimed_by"].startswith("desk ")


def test_a_desk_that_read_the_email_before_another_claimed_it_loses(people, monkeypatch):
    queued = _queued(people)
    read_by_b = Email.get_by_id(queued.email_id)  # desk B reads: pending, due

    assert mail.claim_email(people.as_ann, queued.email_id, desk="desk A") is not None
    monkeypatch.setattr(Email, "get_or_none", lambda *args: read_by_b)
    assert mail.claim_email(people.as_ann, queued.email_id, desk="desk B") is None
    monkeypatch.undo()

    assert [c["claimed_by"] for c in _claims(queued.email_id)] == ["desk A"]
    assert Email.get_by_id(queued.email_id).status == "sending"


def test_a_claim_that_ran_out_is_sent_by_another_desk(people, clock):
    with SmtpServer() as server:
        queued = _queued(people, server.port)
        claimed = mail.claim_email(people.as_ann, queued.email_id, desk="desk A")  # then A dies
        claim_ends = claimed.next_attempt_at
        assert claim_ends == clock.now().replace(tzinfo=None) + CLAIM_TIMEOUT

        clock.advance(CLAIM_TIMEOUT - dt.timedelta(seconds=1))
        send = dict(password_for=lambda account: None, transport=QUICK, desk="desk B")
        assert mail.send_due(people.as_admin, **send).sent == 0  # A's claim still runs
        assert mail.next_attempt_due(people.as_admin) == claim_ends  # B's sender wakes then

        clock.advance(dt.timedelta(seconds=1))
        assert mail.send_due(people.as_admin, **send).sent == 1
        assert len(server.messages) == 1
        claims = _claims(queued.email_id)
        assert [c["claimed_by"] for c in claims] == ["desk A", "desk B"]
        assert claims[1]["claim_expired"] == claim_ends.isoformat()

    # Desk A comes back and reports its own attempt: the email is B's, already sent.
    assert mail._record_failure(people.as_admin, queued.email_id, claim_ends, "timed out") is False
    mail._record_sent(people.as_admin, queued.email_id)
    row = Email.get_by_id(queued.email_id)
    assert (row.status, row.attempts, row.error) == ("sent", 1, None)
    assert mail.send_due(people.as_admin, **send).sent == 0


def test_the_same_message_id_on_every_attempt(people, clock):
    with SmtpServer() as server:
        queued = _queued(people, server.port)
        server.inbox.refuse = "451 4.3.0 Try again later"
        send = dict(password_for=lambda account: None, transport=QUICK)
        assert mail.send_due(people.as_admin, **send).retrying == 1
        server.inbox.refuse = None
        clock.advance(mail.BACKOFF[0])
        assert mail.send_due(people.as_admin, **send).sent == 1
        [message] = server.messages
    assert message["Message-ID"].startswith(f"<cpe-tracker.email-{queued.email_id}.")
    assert message["Message-ID"] == (
        f"<{mail._message_key(Email.get_by_id(queued.email_id))}@firm.example>"
    )


def _daily_reminder(people) -> Reminder:
    return reminders.create_reminder(
        people.as_ann,
        {"message": "Log courses", "frequency": "daily", "next_reminder": "2026-06-15 09:00"},
    ).value


def test_racing_desks_fire_a_reminder_occurrence_once(people, clock):
    reminder = _daily_reminder(people)
    now_local = dt.datetime(2026, 6, 15, 9, 30)

    results = _race(
        lambda n: reminders.fire_reminder(people.as_ann, reminder.reminder_id, now_local)
    )

    assert not [r for r in results if isinstance(r, Exception)]
    made = [r.value for r in results if r.value is not None]
    assert len(made) == 1 and sum(bool(r.changes) for r in results) == 1
    assert Notification.select().count() == 1
    assert Reminder.get_by_id(reminder.reminder_id).next_reminder == dt.datetime(2026, 6, 16, 9)


def test_a_desk_that_read_the_occurrence_before_another_fired_it_does_nothing(people, monkeypatch):
    reminder = _daily_reminder(people)
    read_by_b = Reminder.get_by_id(reminder.reminder_id)
    now_local = dt.datetime(2026, 6, 15, 9, 30)

    assert reminders.fire_reminder(people.as_ann, reminder.reminder_id, now_local).value
    monkeypatch.setattr(rows, "get_or_missing", lambda *args: read_by_b)
    outcome = reminders.fire_reminder(people.as_ann, reminder.reminder_id, now_local)
    monkeypatch.undo()

    assert outcome.value is None and not outcome.changes
    assert Notification.select().count() == 1
    fired = AuditLog.select().where(
        (AuditLog.entity == "reminder") & (AuditLog.action == "update reminder")
    )
    assert fired.count() == 1


def _warning(people, key: str = "deadline:1:period:2026-12-31:30") -> dict:
    return {
        "user_id": people.ann.user_id,
        "message": "CPA — Atlantis: Need 4 h by 31 Dec 2026 (30 days left).",
        "kind": "deadline",
        "dedupe_key": key,
    }


def test_racing_desks_make_a_deduplicated_notification_once(people):
    results = _race(lambda n: notifications.create_notification(people.as_ann, _warning(people)))

    assert not [r for r in results if isinstance(r, Exception)]
    assert len([r for r in results if r.value is not None]) == 1
    assert Notification.select().count() == 1
    created = AuditLog.select().where(AuditLog.action == "create notification")
    assert created.count() == 1


def test_a_notification_another_desk_made_meanwhile_is_skipped_without_spoiling_the_transaction(
    people, clock
):
    """The insert after the look-up, when the key came in between: nothing is added, and the
    caller's transaction goes on (on PostgreSQL a failed insert would abort all of it)."""
    first = notifications.create_notification(people.as_ann, _warning(people)).value
    values = {
        "user": people.ann.user_id,
        "message": "the same warning, made by a second desk",
        "kind": "deadline",
        "dedupe_key": first.dedupe_key,
        "status": "pending",
        "created_at": clock.now().replace(tzinfo=None),
    }
    with database.atomic():
        assert notifications._create_once(people.as_ann, values, first.dedupe_key) is None
        later = notifications.create_notification(
            people.as_ann, _warning(people, "status:1:2026-12-31:at_risk")
        ).value
    assert [
        n.notification_id for n in Notification.select().order_by(Notification.notification_id)
    ] == [
        first.notification_id,
        later.notification_id,
    ]
    assert Notification.get_by_id(first.notification_id).message == first.message


def test_racing_desks_share_out_the_emails_due(people):
    """With several emails due, desks share them out: each email claimed by exactly one."""
    emails = [
        mail.queue_email(people.as_ann, people.ann.user_id, f"Deadline {n}", "Texas").value
        for n in range(12)
    ]
    _queued(people)

    def claim_all(n: int) -> list[int]:
        return [
            e.email_id
            for e in emails
            if mail.claim_email(people.as_admin, e.email_id, desk=f"desk {n}") is not None
        ]

    results = _race(claim_all)

    assert not [r for r in results if isinstance(r, Exception)]
    claimed = sorted(email_id for result in results for email_id in result)
    assert claimed == sorted(e.email_id for e in emails)
