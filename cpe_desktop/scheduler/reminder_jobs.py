"""The signed-in person's reminders and deadline warnings, fired on time from the Qt event loop.

The ``reminders`` table is the source of truth: jobs are rebuilt from it at :meth:`start`, on
:meth:`ReminderScheduler.sync` (the app calls it whenever reminders change) and after every job,
so nothing the scheduler holds can disagree with what the person sees. What firing means lives in
the services (``reminders.fire_reminder``, ``deadlines.check_deadlines``); the jobs only decide
*when*, and they are short because they run on the GUI thread.

Time comes from the injected clock (``ctx.clock``). APScheduler keeps real time and offers no way
to give it another clock, so it is used as an alarm: each job is armed after the delay the clock
gives until its moment, and when it rings the clock is asked again whether the moment has come
(a timer ringing early, or a test clock that has not moved, re-arms instead of firing). A test
moves a ``FixedClock`` and calls :meth:`~ReminderScheduler.sync`, as the operating system's
clock moves and the timer rings in real use.

Missed occurrences: a reminder that came due while the program was closed or the computer asleep
fires once, not once per occurrence missed, and then moves to its next occurrence in the future.

Pause ("do not disturb until ..."): reminders and deadline warnings coming due during a pause are
held, not dropped, and each fires once when the pause ends or :meth:`resume` is called; someone
who silences reminders for a meeting still wants to hear about them afterwards, once. The pause
is kept in memory only: a restart ends it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import peewee
from PySide6.QtCore import QObject, Qt, Signal, Slot

from cpe_desktop.scheduler.qt_scheduler import SingleTimerQtScheduler
from cpe_desktop.services import deadlines, reminders
from cpe_desktop.services.changes import Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError

log = logging.getLogger(__name__)

DEADLINE_JOB = "deadlines"
PAUSE_END_JOB = "pause-end"
RELOAD_JOB = "reload"
REMINDER_JOB_PREFIX = "reminder:"
# Deadline warnings are looked for at start and then each day just after local midnight.
DEADLINE_CHECK_TIME = dt.time(0, 1)
# After the database refused (locked by another program, unreachable server), try again.
RETRY_AFTER = dt.timedelta(minutes=1)


class ReminderScheduler(QObject):
    """Fires the signed-in person's reminders and deadline warnings (see the module docstring).

    ``ctx.actor`` is the signed-in person; ``ctx.clock`` the clock every decision is made by.
    """

    notificationCreated = Signal(int)  # a notification's id, once it is stored
    changed = Signal(object)  # services.changes.Changes, for the app's bus
    pausedChanged = Signal()
    _reloadRequested = Signal()  # queued: jobs never rebuild the job store while it runs them

    def __init__(self, ctx: ServiceContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if ctx.actor.user_id is None:
            raise ValueError("reminders are fired for a signed-in person, not for the system")
        self._ctx = ctx
        self._user_id: int = ctx.actor.user_id
        self._scheduler = SingleTimerQtScheduler(parent=self)
        self._paused_until: dt.datetime | None = None  # aware UTC, on ctx.clock
        self._next_deadline_check: dt.datetime | None = None  # aware UTC, on ctx.clock
        self._last_deadline_check: dt.date | None = None
        self._retry_at: dict[int, dt.datetime] = {}  # reminders the database refused to fire
        self._in_job = False
        self._reload_pending = False
        self._reloadRequested.connect(self._reload, Qt.ConnectionType.QueuedConnection)

    # -- public API ---------------------------------------------------------------------------

    @property
    def scheduler(self) -> SingleTimerQtScheduler:
        """The APScheduler underneath (one QTimer; real time)."""
        return self._scheduler

    @property
    def running(self) -> bool:
        return self._scheduler.running

    @property
    def paused_until(self) -> dt.datetime | None:
        """When the current pause ends (timezone-aware, UTC), or None when not paused."""
        return self._paused_until

    @property
    def last_deadline_check(self) -> dt.date | None:
        """The day deadline warnings were last looked for, or None before the first time."""
        return self._last_deadline_check

    def start(self) -> None:
        """Load the jobs; what came due while the program was closed fires (once each) and the
        deadline warnings are checked as soon as the event loop runs."""
        if self.running:
            return
        self._scheduler.start()
        self._next_deadline_check = self._ctx.clock.now()
        self._request_reload()

    def sync(self) -> None:
        """Rebuild the jobs from the reminders table and the clock's current time."""
        if self.running:
            self._request_reload()

    def check_deadlines_soon(self) -> None:
        """Look for deadline warnings now (the data they come from changed: a license added, a
        record logged), besides the check at start and each day; held while paused."""
        if self.running:
            self._next_deadline_check = self._ctx.clock.now()
            self._request_reload()

    def pause(self, until: dt.datetime) -> None:
        """Hold reminders and deadline warnings until ``until`` (naive: local wall-clock time)."""
        moment = until.astimezone(dt.UTC)  # a naive datetime is taken as local time
        if moment <= self._ctx.clock.now():
            raise ValidationError("until", "must be later than now")
        self._paused_until = moment
        self.pausedChanged.emit()
        self.sync()

    def resume(self) -> None:
        """End a pause now: whatever was held fires, once each."""
        if self._paused_until is None:
            return
        self._paused_until = None
        self.pausedChanged.emit()
        self.sync()

    def shutdown(self) -> None:
        """Stop firing; jobs in flight finish (they run on this thread, so none is)."""
        if self.running:
            self._scheduler.shutdown(wait=False)

    # -- building the jobs ----------------------------------------------------------------------

    def _request_reload(self) -> None:
        if self._in_job:
            self._queue_reload()
        else:
            self._reload()

    def _queue_reload(self) -> None:
        if not self._reload_pending:
            self._reload_pending = True
            self._reloadRequested.emit()

    @Slot()
    def _reload(self) -> None:
        self._reload_pending = False
        if not self.running:
            return
        try:
            due = [
                (r.reminder_id, r.next_reminder)
                for r in reminders.list_reminders(self._ctx, self._user_id, active_only=True)
            ]
        except peewee.DatabaseError:
            log.warning("Could not read the reminders; trying again shortly", exc_info=True)
            self._arm(RELOAD_JOB, self._reload_job, self._ctx.clock.now() + RETRY_AFTER)
            return
        self._scheduler.remove_all_jobs()
        for reminder_id, moment in due:
            at = moment.astimezone(dt.UTC)  # a naive reminder time is local wall-clock time
            at = max(at, self._retry_at.get(reminder_id, at))
            job_id = f"{REMINDER_JOB_PREFIX}{reminder_id}"
            self._arm(job_id, self._reminder_job, at, reminder_id)
        if self._next_deadline_check is not None:
            self._arm(DEADLINE_JOB, self._deadline_job, self._next_deadline_check)
        if self._paused_until is not None:
            self._arm(PAUSE_END_JOB, self._reload_job, self._paused_until, hold=False)

    def _arm(
        self,
        job_id: str,
        func: Callable[..., None],
        moment: dt.datetime,
        *args: Any,
        hold: bool = True,
    ) -> None:
        """Add a job ringing when ``ctx.clock`` reaches ``moment`` (or the pause ends)."""
        if hold and self._paused_until is not None:
            moment = max(moment, self._paused_until)
        delay = max(moment - self._ctx.clock.now(), dt.timedelta(0))
        # The scheduler's own timeline is real time: the alarm rings after the clock's delay.
        run_date = dt.datetime.now(dt.UTC) + delay
        self._scheduler.add_job(
            func, "date", run_date=run_date, args=args, id=job_id, replace_existing=True
        )

    # -- the jobs: on the GUI thread, inside the scheduler's round ------------------------------
    # A job never rebuilds the job store itself (APScheduler removes the job that ran after it
    # returns, which would remove a same-named replacement): it asks for a queued reload.

    def _as_job(self, work: Callable[..., None], *args: Any) -> None:
        self._in_job = True
        try:
            if not self._held():
                work(*args)
        finally:
            self._in_job = False
            self._queue_reload()

    def _held(self) -> bool:
        """True while paused; a pause whose end the clock has reached is ended here."""
        if self._paused_until is None:
            return False
        if self._ctx.clock.now() < self._paused_until:
            return True
        self._paused_until = None
        self.pausedChanged.emit()
        return False

    def _reminder_job(self, reminder_id: int) -> None:
        self._as_job(self._fire, reminder_id)

    def _deadline_job(self) -> None:
        self._as_job(self._check_deadlines)

    def _reload_job(self) -> None:
        self._as_job(lambda: None)  # a pause's end, or a retry: the reload does the work

    def _fire(self, reminder_id: int) -> None:
        now_local = reminders.local_now(self._ctx.clock)
        try:
            if not reminders.is_due(reminder_id, now_local):
                return  # gone, switched off, or not yet due by the clock: the reload re-arms
            outcome = reminders.fire_reminder(self._ctx, reminder_id, now_local)
        except Exception:  # the database refused, or a bug: logged, retried, never a busy loop
            log.exception("Reminder %s could not fire; trying again later", reminder_id)
            self._retry_at[reminder_id] = self._ctx.clock.now() + RETRY_AFTER
            return
        self._retry_at.pop(reminder_id, None)
        self._publish(outcome.changes, [] if outcome.value is None else [outcome.value])

    def _check_deadlines(self) -> None:
        clock = self._ctx.clock
        today = clock.today()
        try:
            outcome = deadlines.check_deadlines(self._ctx, self._user_id, today)
        except Exception:
            log.exception("Deadline warnings could not be checked; trying again later")
            self._next_deadline_check = clock.now() + RETRY_AFTER
            return
        self._last_deadline_check = today
        tomorrow = reminders.local_now(clock).date() + dt.timedelta(days=1)
        next_check = dt.datetime.combine(tomorrow, DEADLINE_CHECK_TIME)
        self._next_deadline_check = next_check.astimezone(dt.UTC)
        self._publish(outcome.changes, outcome.value)

    def _publish(self, changes: Changes, notes: list[reminders.Notification]) -> None:
        if changes:
            self.changed.emit(changes)
        for note in notes:
            self.notificationCreated.emit(note.notification_id)
