"""Long work off the window's thread: the task runner and its status-bar widget.

``TaskRunner.submit`` records a pending ``task_queue`` row, runs the work on a worker thread with
a database connection of its own (peewee keeps one per thread; the worker opens and closes it),
and brings progress, the result and any error back to the window's thread as signals and
callbacks. Tasks run one at a time, in the order asked for: SQLite lets one connection write at a
time, and two imports racing for that lock would only make one of them fail.

Progress is passed on whenever the percentage or the message changes (message-only changes at
most every ``MESSAGE_INTERVAL`` seconds); the row's progress is written only when the percentage
changes, so at most about a hundred writes per task.

Known limit (SQLite): while a task holds a write transaction (an import's), a write made on the
window's thread, including ``submit`` recording the next task, waits for it, up to the busy
timeout. tests/benchmarks/bench_gui_responsiveness.py measures this.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QEvent,
    QObject,
    QRunnable,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from cpe_desktop.services import connection, tasks
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.tasks import Progress
from cpe_desktop.ui.bus import ChangeBus

log = logging.getLogger(__name__)

T = TypeVar("T")
MESSAGE_INTERVAL = 0.1  # seconds between message-only progress updates

__all__ = ["Progress", "TaskRunner", "TaskStatusWidget"]


class _Task:
    """A task asked for, as the window follows it (a plain class: a dataclass is compiled at
    import, some 3 M instructions of the window's start)."""

    def __init__(
        self,
        name: str,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        self.name = name
        self.on_done = on_done
        self.on_error = on_error
        self.percent: int | None = None  # None until the work first reports
        self.message = ""
        self.running = False


class TaskRunner(QObject):
    """Runs tracked tasks on a worker thread; everything it emits arrives on the GUI thread."""

    started = Signal(int, str)  # task id, name
    progressed = Signal(int, int, str)  # task id, percent, message
    finished = Signal(int)  # task id
    failed = Signal(int, str)  # task id, message in plain words
    idle = Signal()  # nothing left running or waiting

    # From the worker thread; delivered to this object's thread (queued connections).
    _worker_started = Signal(int)
    _worker_progress = Signal(int, int, str)
    _worker_done = Signal(int, object)
    _worker_failed = Signal(int, object)

    def __init__(
        self,
        context: Callable[[], ServiceContext | None],
        bus: ChangeBus | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._bus = bus
        self._tasks: dict[int, _Task] = {}
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._wired = False  # the workers' signals: connected at the first task (_wire)

    # --- asking for work ------------------------------------------------------------------------

    def submit(
        self,
        name: str,
        work: Callable[[Progress], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run ``work(progress)`` as the task ``name`` (e.g. "Importing records"); its task id.

        ``on_done(result)`` / ``on_error(exception)`` are called on the GUI thread. Without
        ``on_error`` a failure is logged; the row says why in either case.
        """
        ctx = self._context()
        if ctx is None:
            raise RuntimeError("no one is signed in to run a task for")
        task_id = tasks.create_task(ctx, name)
        self._tasks[task_id] = _Task(name, on_done, on_error)
        self._wire()
        self._pool.start(_Job(self, ctx, task_id, work))
        self._publish()
        return task_id

    def _wire(self) -> None:
        """The workers' signals, queued to this thread; connected at the first task rather than
        with the window, before its first paint, as the connection type is a ``Qt`` enum (see
        ``ui/qt_numbers.py``)."""
        if self._wired:
            return
        from PySide6.QtCore import Qt

        queued = Qt.ConnectionType.QueuedConnection
        self._worker_started.connect(self._on_started, queued)
        self._worker_progress.connect(self._on_progress, queued)
        self._worker_done.connect(self._on_done, queued)
        self._worker_failed.connect(self._on_failed, queued)
        self._wired = True

    def wait_for_all(self, timeout_ms: int = 30000) -> bool:
        """Block until every task has ended and its callbacks have run; False on timeout.

        For shutdown and tests: the window does not repaint while this waits.
        """
        deadline = QDeadlineTimer(timeout_ms)
        while self._tasks and not deadline.hasExpired():
            self._pool.waitForDone(max(1, deadline.remainingTime()))
            # the workers' results wait in this thread's queue: deliver them now
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall.value)
        return not self._tasks

    # --- what is going on -----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def waiting_count(self) -> int:
        """Tasks asked for that have not started yet."""
        return sum(not task.running for task in self._tasks.values())

    def current(self) -> tuple[int, str, int | None, str] | None:
        """The running task as (id, name, percent or None, message), or None."""
        for task_id, task in self._tasks.items():
            if task.running:
                return task_id, task.name, task.percent, task.message
        return None

    # --- back on the GUI thread -----------------------------------------------------------------

    @Slot(int)
    def _on_started(self, task_id: int) -> None:
        task = self._tasks.get(task_id)
        if task is None:
            return
        task.running = True
        self.started.emit(task_id, task.name)
        self._publish()

    @Slot(int, int, str)
    def _on_progress(self, task_id: int, percent: int, message: str) -> None:
        task = self._tasks.get(task_id)
        if task is None:
            return
        task.percent, task.message = percent, message
        self.progressed.emit(task_id, percent, message)

    @Slot(int, object)
    def _on_done(self, task_id: int, result: object) -> None:
        task = self._tasks.pop(task_id, None)
        if task is None:
            return
        self._publish()
        self.finished.emit(task_id)
        self._after_end()
        if task.on_done is not None:
            task.on_done(result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: BaseException) -> None:
        task = self._tasks.pop(task_id, None)
        if task is None:
            return
        self._publish()
        self.failed.emit(task_id, tasks.failure_message(exc))
        self._after_end()
        if task.on_error is not None:
            task.on_error(exc)
        else:
            log.error("task %r failed", task.name, exc_info=(type(exc), exc, exc.__traceback__))

    def _after_end(self) -> None:
        if not self._tasks:
            self.idle.emit()

    def _publish(self) -> None:
        if self._bus is not None:
            self._bus.publish(tasks.TASK_CHANGES)


class _Job(QRunnable):
    """One task's run on the worker thread."""

    def __init__(
        self, runner: TaskRunner, ctx: ServiceContext, task_id: int, work: Callable[[Progress], Any]
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._ctx = ctx
        self._task_id = task_id
        self._work = work
        self._percent = -1
        self._message = ""
        self._message_at = 0.0

    def run(self) -> None:
        runner, task_id = self._runner, self._task_id
        try:
            connection.open_thread_connection()
            tasks.start_task(self._ctx, task_id)
            _emit(runner._worker_started, task_id)
            result = self._work(self._progress)
        except BaseException as exc:
            self._record(tasks.fail_task, tasks.failure_message(exc))
            self._close()
            _emit(runner._worker_failed, task_id, exc)
            return
        self._record(tasks.complete_task, tasks.describe_result(result))
        self._close()
        _emit(runner._worker_done, task_id, result)

    def _progress(self, percent: int, message: str = "") -> None:
        percent = tasks.clamp_percent(percent)
        message = str(message or "")
        moved = percent != self._percent
        if not moved:
            if message == self._message:
                return
            if time.monotonic() - self._message_at < MESSAGE_INTERVAL:
                return
        self._percent, self._message, self._message_at = percent, message, time.monotonic()
        if moved:
            try:
                tasks.report_progress(self._ctx, self._task_id, percent, message)
            except Exception:
                log.warning("could not record progress of task %s", self._task_id, exc_info=True)
        _emit(self._runner._worker_progress, self._task_id, percent, message)

    def _record(self, write: Callable[[ServiceContext, int, str], None], message: str) -> None:
        try:
            write(self._ctx, self._task_id, message)
        except Exception:
            log.warning("could not record the end of task %s", self._task_id, exc_info=True)

    def _close(self) -> None:
        try:
            connection.close_thread_connection()
        except Exception:
            log.warning("could not close the task thread's database connection", exc_info=True)


def _emit(signal: Any, *args: Any) -> None:
    """Tell the runner; at shutdown it may already be gone, and then nobody is listening."""
    try:
        signal.emit(*args)
    except RuntimeError:
        log.info("task finished after its runner was closed")


class TaskStatusWidget(QWidget):
    """The status bar's view of the running task: "Importing records… 40%" and a bar.

    Hidden while nothing runs. Before the work first reports, the bar just shows it is busy.
    """

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name = ""
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(160)
        self.bar.setAccessibleName("Task progress")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.hide()
        runner.started.connect(self._on_started)
        runner.progressed.connect(self._on_progress)
        runner.idle.connect(self.hide)
        current = runner.current()
        if current is not None:
            task_id, name, percent, message = current
            self._on_started(task_id, name)
            if percent is not None:
                self._on_progress(task_id, percent, message)

    @Slot(int, str)
    def _on_started(self, _task_id: int, name: str) -> None:
        self._name = name
        self.bar.setRange(0, 0)  # busy until the first report
        self._show_text(None, "")
        self.show()

    @Slot(int, int, str)
    def _on_progress(self, _task_id: int, percent: int, message: str) -> None:
        self.bar.setRange(0, 100)
        self.bar.setValue(percent)
        self._show_text(percent, message)
        self.show()

    def _show_text(self, percent: int | None, message: str) -> None:
        self.label.setText(f"{self._name}…" if percent is None else f"{self._name}… {percent}%")
        self.setToolTip(message)
