"""Getting each new notification to its person: on screen, by email, or both, as they chose.

Why this module exists: the scheduler only stores notifications; this is where the person's
"Notify me by" preference is honoured. On-screen delivery goes through the :class:`Notifier`;
email is queued in the ``emails`` table and sent in the background, retried with back-off. The
mail password is fetched on the GUI thread (it may mean asking the person) before the sending
task starts, because a worker thread must never open a dialog.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from cpe_desktop.services import notifications, preferences
from cpe_desktop.services.changes import Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.mail import outbox as mail
from cpe_desktop.services.mail import password as smtp_password
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.notifier import Notifier

log = logging.getLogger(__name__)

TITLES = {
    "reminder": "CPE reminder",
    "deadline": "CPE deadline approaching",
    "status": "CPE compliance status",
    "system": "CPE Tracker",
}
ON_SCREEN = ("tray", "tray_and_email")
BY_EMAIL = ("email", "tray_and_email")
BALLOON_CHARS = 160  # a tray balloon is a glance; the whole text stays in the Notifications tab
MAX_WAIT_MS = 6 * 60 * 60 * 1000  # re-check at least this often; a QTimer cannot wait for days


class MailSender(QObject):
    """Sends due email as a background task, one run at a time, and wakes again for retries.

    ``submit(name, work, on_done, on_error)`` is the task runner's submit; ``ask_password``
    is asked on the GUI thread when the computer has no credential store.
    """

    def __init__(
        self,
        ctx: ServiceContext,
        bus: ChangeBus,
        submit: Callable[..., object],
        ask_password: Callable[[mail.SmtpSettings], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bus = bus
        self._submit = submit
        self._ask = ask_password
        self._remembered: dict[tuple[str, str], str] = {}  # for this session only, never saved
        self._running = False
        self._again = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.send_now)

    def password_for(self, account: mail.SmtpSettings) -> str | None:
        saved = smtp_password.get_password(account.user, account.host)
        if saved is not None:
            return saved
        key = (account.user, account.host)
        if key not in self._remembered and not smtp_password.store_available():
            typed = self._ask(account)
            if typed:
                self._remembered[key] = typed
        return self._remembered.get(key)

    def send_now(self) -> None:
        if self._running:
            self._again = True  # one run at a time: the same email is never sent twice
            return
        try:
            due = _naive_utc(mail.next_attempt_due(self.ctx))
            accounts = mail.accounts_due(self.ctx)  # only those that log in
        except Exception:
            log.exception("could not read the email queue")
            return
        if due is None or due > self._now():
            self._schedule_next()
            return
        passwords = {account: self.password_for(account) for account in accounts}
        self._running = True
        self._submit(
            "Sending email",
            lambda progress: mail.send_due(self.ctx, password_for=passwords.get, progress=progress),
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, summary: mail.SendSummary) -> None:
        self._running = False
        self.bus.publish(Outcome(None, summary.changes))
        self._after_run()

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        log.error("sending email failed: %s", exc)
        self._after_run()

    def _after_run(self) -> None:
        if self._again:
            self._again = False
            self.send_now()
        else:
            self._schedule_next()

    def _now(self) -> dt.datetime:
        return (
            self.ctx.now().astimezone(dt.UTC).replace(tzinfo=None)
        )  # as the emails table keeps it

    def _schedule_next(self) -> None:
        due = _naive_utc(mail.next_attempt_due(self.ctx))
        if due is None:
            self.timer.stop()
            return
        wait_ms = max(0, int((due - self._now()).total_seconds() * 1000))
        self.timer.start(min(wait_ms, MAX_WAIT_MS))


def glance(message: str, limit: int = BALLOON_CHARS) -> str:
    """``message`` short enough for a balloon: cut after a whole clause ("; "), else a word."""
    text = " ".join(message.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rfind("; ")
    if cut < limit // 3:
        cut = head.rfind(" ")
    return head[: cut if cut > 0 else limit].rstrip(" ;,") + " … (more in Notifications)"


def _naive_utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


class Delivery(QObject):
    """Delivers a stored notification as its owner chose (``notification_method``)."""

    def __init__(
        self,
        ctx: ServiceContext,
        bus: ChangeBus,
        notifier: Callable[[], Notifier],
        mail_sender: MailSender | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bus = bus
        self._notifier = notifier
        self.mail_sender = mail_sender

    def deliver(self, note_id: int) -> None:
        try:
            note = notifications.get_notification(self.ctx, note_id)
            method = preferences.get_preferences(self.ctx, note.user_id)["notification_method"]
        except Exception:
            log.warning("notification %s could not be delivered", note_id, exc_info=True)
            return
        changes = Changes()
        if method in ON_SCREEN:
            self._notifier().notify(TITLES.get(note.kind, "CPE Tracker"), glance(note.message))
            changes = changes | notifications.mark_delivered(self.ctx, note_id, "shown").changes
        if method in BY_EMAIL:
            queued = mail.queue_notification_email(self.ctx, note_id)
            changes = changes | queued.changes
            if queued.value is not None:
                if method not in ON_SCREEN:
                    changes = (
                        changes | notifications.mark_delivered(self.ctx, note_id, "emailed").changes
                    )
                if self.mail_sender is not None:
                    self.mail_sender.send_now()
        self.bus.publish(Outcome(None, changes))


def ask_password_with(
    parent: Callable[[], QWidget | None],
) -> Callable[[mail.SmtpSettings], str | None]:
    from cpe_desktop.ui.dialogs.smtp_password_prompt import ask_smtp_password

    return lambda account: ask_smtp_password(parent(), account)
