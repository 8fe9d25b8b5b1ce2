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
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from cpe_desktop.db.models import Email, Notification, User, database
from cpe_desktop.services import preferences, rows
from cpe_desktop.services.changes import AUDIT, EMAILS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.smtp_delivery import (
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
    "MAX_ATTEMPTS",
    "SendSummary",
    "SmtpSettings",
    "TestResult",
    "Transport",
    "accounts_due",
    "next_attempt_due",
    "queue_email",
    "queue_notification_email",
    "send_due",
    "send_test",
    "smtp_settings",
]

PENDING, SENT, FAILED = "pending", "sent", "failed"
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
    """When the earliest pending email is due (naive UTC), to schedule the next send run."""
    query = Email.select(Email.next_attempt_at).where(Email.status == PENDING)
    if not ctx.actor.is_admin:
        query = query.where(Email.user == ctx.actor.user_id)
    first = query.order_by(Email.next_attempt_at.asc(nulls="first")).first()
    if first is None:
        return None
    return first.next_attempt_at or ctx.now()


def _due_query(ctx: ServiceContext):
    due = Email.select().where(
        (Email.status == PENDING)
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
) -> SendSummary:
    """Send every pending email that is due, through the firm's mail server.

    ``password_for`` is asked once per mail account per run, only where a user name is set; None
    means "no password known" and counts as a failed attempt. No transaction is held while
    talking to a server.
    """
    due = _due_query(ctx).select(Email.email_id)
    ids = [row.email_id for row in due.order_by(Email.next_attempt_at, Email.email_id)]
    summary = SendSummary()
    settings: SmtpSettings | None = None
    passwords: dict[SmtpSettings, str | None] = {}
    for index, email_id in enumerate(ids):
        queued = Email.get_or_none(Email.email_id == email_id)
        if queued is None or queued.status != PENDING:
            continue  # removed or sent by someone else meanwhile
        if progress is not None:
            progress(index * 100 // len(ids), f"Sending “{queued.subject}” to {queued.recipient}")
        if settings is None:
            settings = smtp_settings(ctx)
        if settings.needs_password and settings not in passwords:
            passwords[settings] = password_for(settings)
        try:
            message = build_message(
                settings, queued.recipient, queued.subject, queued.body, ctx.clock.now()
            )
            deliver(settings, passwords.get(settings), message, transport)
        except MailFailure as failure:
            if _record_failure(ctx, email_id, str(failure)):
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


def _record_sent(ctx: ServiceContext, email_id: int) -> None:
    with database.atomic():
        row = Email.get_or_none(Email.email_id == email_id)
        if row is None:
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


def _record_failure(ctx: ServiceContext, email_id: int, reason: str) -> bool:
    """Note a failed attempt; True when this was the last one allowed (now ``failed``)."""
    with database.atomic():
        row = Email.get_or_none(Email.email_id == email_id)
        if row is None:
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
