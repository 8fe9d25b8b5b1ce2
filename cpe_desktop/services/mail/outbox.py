"""Email delivery of notifications: a queue in the ``emails`` table and a sender that retries.

Notifications may also go out by SMTP. Queuing is a quick database write that any
part of the program may do; sending is slow network work, so it happens in :func:`send_due`, run by
the task queue off the GUI thread. Every email goes through the firm's mail server (the
``smtp_*`` firm settings an administrator sets, ``preferences.FIRM_SETTINGS``) to its owner's own
address, and only when its owner chose email ("Notify me by"). The password comes from a callback
(the credential store, or a prompt where there is none): it is never written to the database or
the log.

A failed attempt leaves the email ``pending`` with the reason in plain words in ``error`` and the
next try pushed back (1 min, 5 min, 30 min, 2 h, 12 h); after :data:`MAX_ATTEMPTS` it becomes
``failed`` for good. Every status change is one transaction with its audit entry.

Several desks (programs on other computers sharing a PostgreSQL server, or several processes on
one SQLite file) each run a sender. Each email is *claimed* before it is sent: one short
transaction moves it from ``pending`` to ``sending`` with a conditional UPDATE that names the
state it read (status, attempts, next attempt), so of two desks racing for it exactly one
changes a row and sends; the other sees a row count of 0 and moves on. On PostgreSQL the loser's
UPDATE waits for the winner's commit and then matches nothing; on SQLite write transactions are
serialised, so it reads the claimed row. A claim lasts :data:`CLAIM_TIMEOUT` (kept in
``next_attempt_at``, the claiming desk named in the claim's audit entry): the message is handed
to the server outside any transaction, then the email is marked ``sent``. A claim that outlives
its timeout belongs to a desk that died or hung mid-send and may be claimed again. So each email
goes out once, except when a desk dies after the server accepted the message and before it
marked the email sent: then it goes out a second time (at least once, not exactly once). Every
message carries a Message-ID made from the email's row, the same on every attempt, which mail
programs use to recognise the repeat.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cpe_desktop.db.models import Email, Notification, User, database
from cpe_desktop.services import preferences
from cpe_desktop.services.changes import AUDIT, EMAILS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.mail.smtp import (
    DEFAULT_TRANSPORT,
    MailFailure,
    SmtpSettings,
    TestResult,
    Transport,
    build_message,
    deliver,
    send_test,
)

__all__ = [
    "BACKOFF",
    "CLAIM_TIMEOUT",
    "MAX_ATTEMPTS",
    "SendSummary",
    "SmtpSettings",
    "TestResult",
    "Transport",
    "accounts_due",
    "claim_email",
    "next_attempt_due",
    "queue_email",
    "queue_notification_email",
    "send_due",
    "send_test",
    "smtp_settings",
]

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
# How long a desk's claim on an email lasts; past it, another desk may claim the email again.
# Far longer than one delivery can take (each SMTP step times out after 15 s).
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
# This process, as it names itself in the audit entries of its claims.
THIS_DESK = f"{socket.gethostname()} (process {os.getpid()})"
# How long to wait after the 1st, 2nd, ... failed attempt before trying again.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
EMAIL_METHODS = frozenset({"email", "tray_and_email"})
CHANGED = Changes.of(EMAILS, AUDIT)

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


@dataclass
class SendSummary:
    """What one :func:`send_due` run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        return CHANGED if self.sent or self.retrying or self.failed else Changes()

    def describe(self) -> str:
        return f"{self.sent} sent, {self.retrying} to retry later, {self.failed} given up"


# --- queuing --------------------------------------------------------------------------------


def smtp_settings(ctx: ServiceContext) -> SmtpSettings:
    """The firm's mail server (one for everyone, set by an administrator)."""
    return SmtpSettings.from_preferences(preferences.get_firm_settings(ctx))


def queue_email(ctx: ServiceContext, user_id: int, subject: str, body: str) -> Outcome[Email]:
    """Put an email to ``user_id``'s own address in the queue; :func:`send_due` sends it."""
    ctx.require_owner(user_id, "send email")
    subject = (subject or "").strip()
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = "is required"
    elif len(subject) > 255 or any(ord(ch) < 32 for ch in subject):
        errors["subject"] = "must be one line of at most 255 characters"
    if not (body or "").strip():
        errors["body"] = "is required"
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        user = rows.get_or_missing(User, user_id, "person")
        if not user.email:
            raise ValidationError("user_id", "has no email address to send to")
        queued = rows.create(
            ctx,
            Email,
            {
                "user": user_id,
                "subject": subject,
                "body": body,
                "status": PENDING,
                "recipient": user.email,
                "attempts": 0,
                "next_attempt_at": ctx.now(),
            },
            "email",
        )
    return Outcome(queued, CHANGED)


def queue_notification_email(ctx: ServiceContext, notification_id: int) -> Outcome[Email | None]:
    """Queue an email copy of a notification when its owner chose email as a way to be told.

    Safe to call for every new notification: the value is None (nothing changed) when the owner's
    "Notify me by" setting does not include email or the account is switched off.
    """
    note = rows.get_or_missing(Notification, notification_id, "notification")
    ctx.require_owner(note.user_id, "email notifications")
    owner = rows.get_or_missing(User, note.user_id, "person")
    method = preferences.get_preferences(ctx, note.user_id)["notification_method"]
    if method not in EMAIL_METHODS or not owner.active:
        return Outcome(None, Changes())
    first_line = next((line for line in note.message.splitlines() if line.strip()), "")
    subject = f"CPE Tracker: {' '.join(first_line.split()) or 'notification'}"
    if len(subject) > 255:
        subject = subject[:254] + "…"
    body = (
        f"{note.message.strip()}\n\n"
        "-- \n"
        "Sent by CPE Tracker because your notification setting includes email.\n"
        'To stop these emails, choose "Desktop notification" for "Notify me by" in '
        "CPE Tracker's Preferences.\n"
    )
    return queue_email(ctx, note.user_id, subject, body)


def next_attempt_due(ctx: ServiceContext) -> dt.datetime | None:
    """When the earliest pending email is due (naive UTC), to schedule the next send run; for an
    email another desk is sending, when its claim runs out."""
    query = Email.select(Email.next_attempt_at).where(Email.status.in_((PENDING, SENDING)))
    if not ctx.actor.is_admin:
        query = query.where(Email.user == ctx.actor.user_id)
    first = query.order_by(Email.next_attempt_at.asc(nulls="first")).first()
    if first is None:
        return None
    return first.next_attempt_at or ctx.now()


def _due_query(ctx: ServiceContext):
    """Pending emails that are due, and emails whose desk's claim ran out."""
    due = Email.select().where(
        Email.status.in_((PENDING, SENDING))
        & (Email.next_attempt_at.is_null() | (Email.next_attempt_at <= ctx.now()))
    )
    if not ctx.actor.is_admin:
        due = due.where(Email.user == ctx.actor.user_id)
    return due


def accounts_due(ctx: ServiceContext) -> list[SmtpSettings]:
    """The mail accounts that the next :func:`send_due` will log in to, so the GUI can fetch
    or ask for their passwords on its own thread before sending in the background."""
    if not _due_query(ctx).exists():
        return []
    account = smtp_settings(ctx)
    return [account] if account.needs_password else []


# --- sending --------------------------------------------------------------------------------


def send_due(
    ctx: ServiceContext,
    *,
    password_for: Callable[[SmtpSettings], str | None],
    progress: Progress | None = None,
    transport: Transport = DEFAULT_TRANSPORT,
    desk: str | None = None,
) -> SendSummary:
    """Send every pending email that is due, through the firm's mail server.

    ``password_for`` is asked once per mail account per run, only where a user name is set; None
    means "no password known" and counts as a failed attempt. Each email is claimed first
    (:func:`claim_email`), so another desk running this at the same time sends the others. No
    transaction is held while talking to a server.
    """
    due = _due_query(ctx).select(Email.email_id)
    ids = [row.email_id for row in due.order_by(Email.next_attempt_at, Email.email_id)]
    summary = SendSummary()
    settings: SmtpSettings | None = None
    passwords: dict[SmtpSettings, str | None] = {}
    for index, email_id in enumerate(ids):
        queued = claim_email(ctx, email_id, desk=desk)
        if queued is None:
            continue  # removed, sent, or claimed by another desk meanwhile
        claim = queued.next_attempt_at
        if progress is not None:
            progress(index * 100 // len(ids), f"Sending “{queued.subject}” to {queued.recipient}")
        if settings is None:
            settings = smtp_settings(ctx)
        if settings.needs_password and settings not in passwords:
            passwords[settings] = password_for(settings)
        try:
            message = build_message(
                settings,
                queued.recipient,  # type: ignore[arg-type]  # queue_email always sets one
                queued.subject,
                queued.body,
                ctx.clock.now(),
                message_key=_message_key(queued),
            )
            deliver(settings, passwords.get(settings), message, transport)
        except MailFailure as failure:
            if _record_failure(ctx, email_id, claim, str(failure)):
                summary.failed += 1
            else:
                summary.retrying += 1
            summary.problems.append(f"{queued.subject}: {failure}")
        else:
            _record_sent(ctx, email_id)
            summary.sent += 1
    if progress is not None:
        progress(100, f"Email: {summary.describe()}")
    return summary


def claim_email(ctx: ServiceContext, email_id: int, *, desk: str | None = None) -> Email | None:
    """Claim one due email for this desk, so that no other desk sends it; None when it is not
    due, gone, or another desk claimed it first.

    One short transaction: the row as read, then an UPDATE to ``sending`` that matches only that
    same state, so exactly one of several desks reading the same row changes it. The claim lasts
    :data:`CLAIM_TIMEOUT` (its end is the claimed row's ``next_attempt_at``); the audit entry
    names the desk (``desk``, default :data:`THIS_DESK`).
    """
    now = ctx.now()
    with database.atomic():
        row = Email.get_or_none(Email.email_id == email_id)
        if row is None or row.status not in (PENDING, SENDING) or not ctx.can_see(row.user_id):
            return None
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            return None  # not due yet, or another desk's claim still runs
        same_state = (
            (Email.email_id == email_id)
            & (Email.status == row.status)
            & (Email.attempts == row.attempts)
            & (
                Email.next_attempt_at.is_null()
                if row.next_attempt_at is None
                else (Email.next_attempt_at == row.next_attempt_at)
            )
        )
        claim = {"status": SENDING, "next_attempt_at": now + CLAIM_TIMEOUT}
        if Email.update(claim).where(same_state).execute() != 1:
            return None  # another desk claimed it (or changed it) since it was read
        taken_over = row.status == SENDING
        extra: dict[str, Any] = {"claimed_by": desk or THIS_DESK}
        if taken_over:
            extra["claim_expired"] = row.next_attempt_at
        rows.update(ctx, row, claim, "email", after_extra=extra)
    if taken_over:
        log.warning("email %s: the claim of another desk ran out; sending it from here", email_id)
    return row


def _message_key(queued: Email) -> str:
    """The left part of the message's Message-ID: the same for every attempt at this email."""
    created = queued.created_at.strftime("%Y%m%d%H%M%S") if queued.created_at else "0"
    return f"cpe-tracker.email-{queued.email_id}.{created}"


def _record_sent(ctx: ServiceContext, email_id: int) -> None:
    """The server took the message: the email is sent, whoever holds its claim by now."""
    with database.atomic():
        row = Email.get_or_none(Email.email_id == email_id)
        if row is None or row.status == SENT:
            return
        changes = {
            "status": SENT,
            "sent_at": ctx.now(),
            "attempts": row.attempts + 1,
            "error": None,
            "next_attempt_at": None,
        }
        rows.update(ctx, row, changes, "email")
    log.info("sent email %s", email_id)


def _record_failure(
    ctx: ServiceContext, email_id: int, claim: dt.datetime | None, reason: str
) -> bool:
    """Note a failed attempt; True when this was the last one allowed (now ``failed``).

    Only while this desk's claim (ending at ``claim``) still stands: an email another desk has
    claimed since, or sent, is theirs to account for.
    """
    with database.atomic():
        row = Email.get_or_none(Email.email_id == email_id)
        if row is None or row.status != SENDING or row.next_attempt_at != claim:
            log.info("email %s not sent from here: %s (another desk has it now)", email_id, reason)
            return False
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            changes = {
                "status": FAILED,
                "attempts": attempts,
                "error": f"Gave up after {attempts} attempts. {reason}",
                "next_attempt_at": None,
            }
        else:
            wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
            changes = {
                "status": PENDING,
                "attempts": attempts,
                "error": reason,
                "next_attempt_at": ctx.now() + wait,
            }
        rows.update(ctx, row, changes, "email")
    log.info("email %s not sent (attempt %s): %s", email_id, attempts, reason)
    return attempts >= MAX_ATTEMPTS
