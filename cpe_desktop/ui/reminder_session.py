"""Everything that runs in the background for the signed-in person: their reminder scheduler,
the delivery of what it raises (tray, window banner, email), and the tray's pause and unread dot.

Why this module exists: the controller signs people in and out; this object is built for one
person and torn down when they leave, so a switched-out person's reminders never fire into the
next person's window.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from cpe_desktop.scheduler.reminder_jobs import ReminderScheduler
from cpe_desktop.services import notifications
from cpe_desktop.services.changes import (
    LICENSES,
    NOTIFICATIONS,
    PREFERENCES,
    RECORDS,
    REMINDERS,
    REQUIREMENTS,
    USERS,
    Changes,
)
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.reminders import local_now
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.delivery import Delivery, MailSender, ask_password_with
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.notifier import Notifier, choose_notifier, tray_is_available
from cpe_desktop.ui.tray import Tray, pause_until_tomorrow

log = logging.getLogger(__name__)

# What deadline warnings are worked out from: licenses, records, the rules, the holder's birth
# date, their lead days. A change to any of them is checked again once the changes settle.
DEADLINE_KINDS = frozenset({LICENSES, RECORDS, REQUIREMENTS, USERS, PREFERENCES})
DEADLINE_SETTLE_MS = 400  # an import or a bulk delete publishes once; typing a form, not at all


class ReminderSession(QObject):
    """Reminders, notifications and email for one signed-in person.

    ``tray`` is None where the desktop has no system tray; ``submit`` is the task runner's.
    ``notifier`` replaces the tray/window choice (tests).
    """

    def __init__(
        self,
        ctx: ServiceContext,
        bus: ChangeBus,
        window: MainWindow,
        tray: Tray | None,
        submit: Callable[..., object],
        *,
        notifier: Notifier | None = None,
        tray_available: Callable[[], bool] = tray_is_available,
    ) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.bus = bus
        self.window = window
        self.tray = tray
        self._fixed_notifier = notifier
        self._tray_available = tray_available
        self.mail = MailSender(ctx, bus, submit, ask_password_with(lambda: self.window), self)
        self.delivery = Delivery(ctx, bus, self.notifier, self.mail, self)
        self.scheduler = ReminderScheduler(ctx, self)
        self.scheduler.changed.connect(bus.publish)
        self.scheduler.notificationCreated.connect(self.delivery.deliver)
        self.scheduler.pausedChanged.connect(self._show_pause)
        # One deadline check after a burst of changes, on this thread (one person's licenses
        # take milliseconds to evaluate).
        self.stopped = False
        self._deadline_timer = QTimer(self)
        self._deadline_timer.setSingleShot(True)
        self._deadline_timer.setInterval(DEADLINE_SETTLE_MS)
        self._deadline_timer.timeout.connect(self.scheduler.check_deadlines_soon)
        bus.changed.connect(self._on_changes)
        if tray is not None:
            tray.pauseRequested.connect(self.pause)
            tray.resumeRequested.connect(self.scheduler.resume)

    def notifier(self) -> Notifier:
        if self._fixed_notifier is not None:
            return self._fixed_notifier
        icon = self.tray.icon if self.tray is not None else None
        return choose_notifier(
            icon, lambda: self.window, lambda: self.window.banner, available=self._tray_available
        )

    def start(self) -> None:
        self.scheduler.start()
        self.mail.send_now()  # anything left unsent last time
        self._show_unread()

    def stop(self) -> None:
        """The person signed out or the program is closing: nothing more fires for them. Once;
        a second call does nothing."""
        if self.stopped:
            return
        self.stopped = True
        self.bus.changed.disconnect(self._on_changes)
        if self.tray is not None:
            self.tray.pauseRequested.disconnect(self.pause)
            self.tray.resumeRequested.disconnect(self.scheduler.resume)
        self.mail.timer.stop()
        self._deadline_timer.stop()
        self.scheduler.shutdown()

    def pause(self, length: dt.timedelta | None) -> None:
        """Pause reminders for ``length``, or until tomorrow morning when None."""
        now = local_now(self.ctx.clock)
        until = now + length if length is not None else pause_until_tomorrow(now)
        self.scheduler.pause(until)

    def _show_pause(self) -> None:
        until = self.scheduler.paused_until
        local = until.astimezone().replace(tzinfo=None) if until is not None else None
        if self.tray is not None:
            self.tray.set_paused(local)
        self.window.statusBar().showMessage(
            f"Reminders paused until {local:%H:%M}" if local else "Reminders resumed", 8000
        )

    def _on_changes(self, changes: Changes) -> None:
        if REMINDERS in changes:
            self.scheduler.sync()
        if NOTIFICATIONS in changes:
            self._show_unread()
        if changes.kinds & DEADLINE_KINDS:
            self._deadline_timer.start()  # restarts: one check when the changes settle

    def _show_unread(self) -> None:
        if self.tray is None or self.ctx.actor.user_id is None:
            return
        try:
            self.tray.set_unread(notifications.unread_count(self.ctx, self.ctx.actor.user_id))
        except Exception:
            log.warning("could not count unread notifications", exc_info=True)
