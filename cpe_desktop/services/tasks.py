"""Tracked tasks: the ``task_queue`` row that follows one piece of long work from start to end.

Imports, exports, reports, backups and email sending run off the window's thread; each gets a row
here so the Task Queue tab (and, after a crash, the next start) can tell what happened to it:
``pending`` when asked for, ``in_progress`` while it runs, then ``completed`` or ``failed`` with a
message in plain words.

Audit: these calls write the row directly, without audit entries. The row *is* the record of the
task (who asked, when, how far it got, how it ended), and an audit entry per progress tick would
bury the real changes in noise. The work a task does (an import, say) audits its own changes as
usual. Each call is a single statement, so it is atomic on its own; called inside the work's own
transaction (progress reported mid-import), it becomes part of that transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cpe_desktop.db.errors import classify
from cpe_desktop.db.models import TaskQueue
from cpe_desktop.services.changes import TASKS, Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing.rows import get_or_missing
from cpe_desktop.services.errors import ServiceError

PENDING = "pending"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
FAILED = "failed"
STATUSES = (PENDING, IN_PROGRESS, COMPLETED, FAILED)
UNFINISHED = (PENDING, IN_PROGRESS)

ABANDONED_MESSAGE = "Stopped when the program closed unexpectedly"
TASK_CHANGES = Changes.of(TASKS)

Progress = Callable[[int, str], None]
"""How long work reports how far it got: ``progress(percent, message)``, percent 0..100."""


def create_task(ctx: ServiceContext, name: str) -> int:
    """Record a new pending task for the acting person; its id."""
    name = " ".join(str(name).split())[:255] or "Task"
    task = TaskQueue.create(
        task_name=name,
        status=PENDING,
        scheduled_at=ctx.now(),
        user=ctx.actor.user_id,
        progress=0,
    )
    return task.task_id


def start_task(ctx: ServiceContext, task_id: int) -> None:
    """The task has begun running."""
    _own(ctx, task_id)
    TaskQueue.update(status=IN_PROGRESS, started_at=ctx.now(), progress=0).where(
        TaskQueue.task_id == task_id
    ).execute()


def report_progress(ctx: ServiceContext, task_id: int, percent: int, message: str = "") -> None:
    """How far a running task got (clamped to 0..100); a non-empty ``message`` replaces the last.

    A task no longer in progress (finished, or marked failed by a later start) is left as it is.
    """
    _own(ctx, task_id)
    values: dict = {TaskQueue.progress: clamp_percent(percent)}
    if message:
        values[TaskQueue.message] = message
    TaskQueue.update(values).where(
        (TaskQueue.task_id == task_id) & (TaskQueue.status == IN_PROGRESS)
    ).execute()


def complete_task(ctx: ServiceContext, task_id: int, message: str) -> None:
    """The task finished; ``message`` says what it did."""
    _finish(ctx, task_id, COMPLETED, message, progress=100)


def fail_task(ctx: ServiceContext, task_id: int, message: str) -> None:
    """The task stopped on an error; ``message`` says why in plain words (``failure_message``)."""
    _finish(ctx, task_id, FAILED, message)


def fail_abandoned(ctx: ServiceContext, *, older_than: dt.timedelta | None = None) -> int:
    """Mark tasks a previous run left pending or in progress as failed; how many there were.

    Call at start, before this run has started any task. ``older_than`` limits it to tasks asked
    for at least that long ago: on a database shared by several computers another one may be
    running a task right now, and only a stale one can be known to be abandoned.
    """
    ctx.require_admin("mark abandoned tasks as failed")
    now = ctx.now()
    condition = TaskQueue.status.in_(UNFINISHED)
    if older_than is not None:
        condition &= TaskQueue.scheduled_at <= now - older_than
    return (
        TaskQueue.update(status=FAILED, completed_at=now, message=ABANDONED_MESSAGE)
        .where(condition)
        .execute()
    )


def failure_message(exc: BaseException) -> str:
    """What went wrong, in words for the Task Queue tab: never a traceback."""
    if isinstance(exc, ServiceError):
        return str(exc) or "The task was refused."
    friendly = classify(exc)
    if friendly is not None:
        return str(friendly)
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return (
        f"Something unexpected went wrong ({type(exc).__name__}); the details are in the log file."
    )


def describe_result(result: object) -> str:
    """A finished task's message: the result's own ``describe()`` when it has one."""
    describe = getattr(result, "describe", None)
    if callable(describe):
        text = describe()
        if isinstance(text, str) and text:
            return text
    return "Done"


def clamp_percent(percent: int | float) -> int:
    return max(0, min(100, int(percent)))


def _finish(
    ctx: ServiceContext, task_id: int, status: str, message: str, progress: int | None = None
) -> None:
    _own(ctx, task_id)
    values: dict = {
        TaskQueue.status: status,
        TaskQueue.completed_at: ctx.now(),
        TaskQueue.message: message,
    }
    if progress is not None:
        values[TaskQueue.progress] = progress
    TaskQueue.update(values).where(TaskQueue.task_id == task_id).execute()


def _own(ctx: ServiceContext, task_id: int) -> TaskQueue:
    task = get_or_missing(TaskQueue, task_id, "task")
    if task.user_id is not None:
        ctx.require_owner(task.user_id, "change the tasks")
    return task
