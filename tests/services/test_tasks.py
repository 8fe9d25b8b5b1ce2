"""Tracked tasks' rows: pending → in progress → completed / failed, and recovery after a crash."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from cpe_desktop.db.models import TaskQueue
from cpe_desktop.services import tasks
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.errors import PermissionDenied, ValidationError
from cpe_desktop.startup import open_database


def _row(task_id: int) -> TaskQueue:
    return TaskQueue.get_by_id(task_id)


def test_a_task_goes_from_pending_to_completed(people, clock):
    ctx = people.as_ann
    task_id = tasks.create_task(ctx, "Importing records.csv")
    row = _row(task_id)
    assert (row.task_name, row.status, row.progress) == ("Importing records.csv", "pending", 0)
    assert row.user_id == people.ann.user_id and row.scheduled_at == ctx.now()
    assert row.started_at is None and row.completed_at is None

    clock.advance(dt.timedelta(seconds=5))
    tasks.start_task(ctx, task_id)
    assert (_row(task_id).status, _row(task_id).started_at) == ("in_progress", ctx.now())

    tasks.report_progress(ctx, task_id, 40, "line 40 of 100")
    assert (_row(task_id).progress, _row(task_id).message) == (40, "line 40 of 100")
    tasks.report_progress(ctx, task_id, 55)  # no message: the last one stays
    assert (_row(task_id).progress, _row(task_id).message) == (55, "line 40 of 100")

    clock.advance(dt.timedelta(minutes=1))
    tasks.complete_task(ctx, task_id, "Imported 3 records.")
    row = _row(task_id)
    assert (row.status, row.progress, row.message) == ("completed", 100, "Imported 3 records.")
    assert row.completed_at == ctx.now()


def test_progress_is_clamped_to_0_to_100(people):
    task_id = tasks.create_task(people.as_admin, "Export")
    tasks.start_task(people.as_admin, task_id)
    tasks.report_progress(people.as_admin, task_id, 250)
    assert _row(task_id).progress == 100
    tasks.report_progress(people.as_admin, task_id, -3)
    assert _row(task_id).progress == 0


def test_progress_after_the_end_leaves_the_row_alone(people):
    task_id = tasks.create_task(people.as_admin, "Export")
    tasks.start_task(people.as_admin, task_id)
    tasks.fail_task(people.as_admin, task_id, "The disk is full.")
    tasks.report_progress(people.as_admin, task_id, 90, "late")
    row = _row(task_id)
    assert (row.status, row.progress, row.message) == ("failed", 0, "The disk is full.")


def test_a_failed_task_keeps_its_message_and_end_time(people, clock):
    task_id = tasks.create_task(people.as_bob, "Importing bad.csv")
    tasks.start_task(people.as_bob, task_id)
    tasks.report_progress(people.as_bob, task_id, 30)
    tasks.fail_task(people.as_bob, task_id, "line 3, credits: must be a number")
    row = _row(task_id)
    assert (row.status, row.progress) == ("failed", 30)
    assert row.message == "line 3, credits: must be a number"
    assert row.completed_at == clock.now().replace(tzinfo=None)


def test_a_member_cannot_change_another_persons_task(people):
    task_id = tasks.create_task(people.as_ann, "Export")
    with pytest.raises(PermissionDenied):
        tasks.start_task(people.as_bob, task_id)
    tasks.start_task(people.as_admin, task_id)  # an administrator may
    assert _row(task_id).status == "in_progress"


def test_unfinished_tasks_of_a_previous_run_are_marked_failed(people, clock):
    ctx = people.as_admin
    waiting = tasks.create_task(ctx, "Waiting")
    running = tasks.create_task(ctx, "Running")
    tasks.start_task(ctx, running)
    done = tasks.create_task(ctx, "Done")
    tasks.complete_task(ctx, done, "Exported 2 records.")

    clock.advance(dt.timedelta(hours=1))
    assert tasks.fail_abandoned(ServiceContext(SYSTEM, clock)) == 2

    for task_id in (waiting, running):
        row = _row(task_id)
        assert (row.status, row.message) == ("failed", tasks.ABANDONED_MESSAGE)
        assert row.completed_at == clock.now().replace(tzinfo=None)
    assert (_row(done).status, _row(done).message) == ("completed", "Exported 2 records.")
    assert tasks.fail_abandoned(ServiceContext(SYSTEM, clock)) == 0


def test_on_a_shared_server_only_stale_tasks_count_as_abandoned(people, clock):
    ctx = people.as_admin
    old = tasks.create_task(ctx, "Old")
    clock.advance(dt.timedelta(hours=30))
    recent = tasks.create_task(ctx, "Another computer's, running now")
    tasks.start_task(ctx, recent)

    assert tasks.fail_abandoned(ServiceContext(SYSTEM, clock), older_than=dt.timedelta(days=1)) == 1
    assert (_row(old).status, _row(recent).status) == ("failed", "in_progress")


def test_only_an_administrator_marks_abandoned_tasks(people):
    with pytest.raises(PermissionDenied):
        tasks.fail_abandoned(people.as_ann)


def test_a_task_left_running_by_a_crash_is_failed_at_the_next_start(tmp_path):
    path = tmp_path / "crash.db"
    db = open_database(path)
    ctx = ServiceContext(SYSTEM)
    task_id = tasks.create_task(ctx, "Importing big.csv")
    tasks.start_task(ctx, task_id)
    tasks.report_progress(ctx, task_id, 60, "line 600 of 1000")
    db.close()  # the program died here

    db = open_database(path, recover_tasks=False)  # e.g. a command run beside the window
    assert _row(task_id).status == "in_progress"
    db.close()

    db = open_database(path)
    row = _row(task_id)
    db.close()
    assert (row.status, row.progress) == ("failed", 60)
    assert row.message == "Stopped when the program closed unexpectedly"


def test_failure_messages_are_plain_words():
    assert tasks.failure_message(ValidationError("line 3, credits", "must be a number")) == (
        "line 3, credits: must be a number"
    )
    locked = tasks.failure_message(sqlite3.OperationalError("database is locked"))
    assert locked.startswith("The database is busy: another program")
    missing = tasks.failure_message(FileNotFoundError(2, "No such file or directory", "/x.csv"))
    assert missing == "No such file or directory: /x.csv"
    bug = tasks.failure_message(ZeroDivisionError("division by zero"))
    assert bug.startswith("Something unexpected went wrong (ZeroDivisionError)")
    assert "log file" in bug and "Traceback" not in bug


def test_a_finished_tasks_message_comes_from_its_result():
    class Summary:
        def describe(self) -> str:
            return "Imported 2 records."

    assert tasks.describe_result(Summary()) == "Imported 2 records."
    assert tasks.describe_result(None) == "Done"
