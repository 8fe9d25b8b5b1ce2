"""APScheduler on the Qt event loop with one QTimer that is re-armed, never piled up.

The stock ``QtScheduler`` arms its wake-up with ``QTimer.singleShot(ms, callable)``, which returns
None on PySide6: the scheduler cannot cancel what it armed, so every ``wakeup()`` (each added,
changed or removed job) leaves one more timer behind, and the scheduler ends up waking dozens of
times per job. This subclass owns exactly one single-shot QTimer: arming restarts it, having no
job stops it.

Configured for a desktop program whose jobs are short: the debug executor runs them on the Qt
main thread (no locking against the GUI), ``coalesce=True`` and ``misfire_grace_time=None`` make a
job that came due while the computer slept run once when it wakes, and jobs live in memory (the
database tables they come from are the source of truth).

Time: APScheduler 3.11 reads the system time itself (``datetime.now()`` inside
``BaseScheduler._process_jobs`` and ``_real_add_job``, with no hook to replace it), so this class
runs in real time. Code that works on an injected :class:`~cpe_desktop.clock.Clock` (tests,
simulations) decides due-ness from its clock and uses the scheduler only as a precise alarm; see
``reminder_jobs``. Usable on its own too::

    scheduler = SingleTimerQtScheduler()
    scheduler.add_job(func, "date", run_date=moment)
    scheduler.start()
"""

from __future__ import annotations

import math
from typing import Any

from apscheduler.executors.debug import DebugExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.qt import QtScheduler
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from shiboken6 import isValid

# QTimer takes a signed 32-bit number of milliseconds (about 24.8 days); a longer wait wakes the
# scheduler once in between, which finds nothing due and re-arms for the rest.
MAX_WAIT_MS = 2**31 - 1


class _TimerHost(QObject):
    """Owns the one timer; ``arm`` may be emitted from any thread (queued to the timer's own)."""

    arm = Signal(object)  # milliseconds to wait, or None to stop

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.setObjectName("SingleTimerQtScheduler")
        self.timer = QTimer(self)
        self.timer.setObjectName("SingleTimerQtScheduler.timer")
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.arm.connect(self._arm)

    @Slot(object)
    def _arm(self, msec: int | None) -> None:
        if msec is None:
            self.timer.stop()
        else:
            self.timer.start(msec)  # restarts an active timer: one pending wake-up at most


class SingleTimerQtScheduler(QtScheduler):
    """A ``QtScheduler`` that keeps a single QTimer (see the module docstring).

    ``parent``: the QObject the timer's host belongs to (it then lives in that object's thread
    and is deleted with it); without one, the host belongs to the creating thread. Other keyword
    arguments are APScheduler's and override the defaults here.
    """

    def __init__(self, gconfig: dict | None = None, *, parent: QObject | None = None, **options):
        self._host = _TimerHost(parent)
        self._host.timer.timeout.connect(self._process_jobs)
        job_defaults = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}
        job_defaults.update(options.pop("job_defaults", {}))
        settings: dict[str, Any] = {
            "executors": {"default": DebugExecutor()},
            "jobstores": {"default": MemoryJobStore()},
            "job_defaults": job_defaults,
        }
        settings.update(options)
        super().__init__(gconfig or {}, **settings)

    @property
    def timer(self) -> QTimer:
        """The one timer that wakes the scheduler."""
        return self._host.timer

    # QtScheduler.shutdown() and wakeup() call these two; so does its _process_jobs, with the
    # wait APScheduler worked out until the next job.
    def _start_timer(self, wait_seconds: float | None) -> None:
        if wait_seconds is None:
            self._stop_timer()
            return
        msec = min(math.ceil(max(wait_seconds, 0) * 1000), MAX_WAIT_MS)
        self._emit_arm(msec)

    def _stop_timer(self) -> None:
        self._emit_arm(None)

    def _emit_arm(self, msec: int | None) -> None:
        if isValid(self._host):  # the parent may already have been deleted at exit
            self._host.arm.emit(msec)

    def _process_jobs(self) -> None:
        if self.running:  # a wake-up queued just before shutdown() finds nothing to do
            super()._process_jobs()
