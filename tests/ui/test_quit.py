"""Leaving the program: the backup at close runs only after the data changed, never because of
the program's own bookkeeping (a task's row in the task list), and quitting stops the person's
background work without waiting on it. How long leaving takes is measured by
tests/benchmarks/bench_quit.py, not asserted here."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from cpe_desktop.db.database import sqlite_file
from cpe_desktop.db.models import database
from cpe_desktop.services import records
from cpe_desktop.services.backups import automatic as backups
from cpe_desktop.ui.controller import Controller
from tests.helpers.modal_dialogs import sign_in

WAIT_MS = 10000
RECORD = {
    "title": "Tax update",
    "completed_on": "2026-02-01",
    "delivery_method": "Group Live",
    "credits": [{"field": "Taxes", "credits": 2}],
}


@pytest.fixture
def backups_made(people, monkeypatch):
    if sqlite_file(database.obj) is None:
        pytest.skip("backups at close are of a SQLite file")
    made = []
    monkeypatch.setattr(backups, "automatic_backup", lambda *args, **kwargs: made.append(args))
    return made


def _controller(qtbot, clock):
    controller = Controller("test.db", clock, automatic_backups=True)
    quitting = QCoreApplication.instance().aboutToQuit
    sign_in(qtbot, controller, "ada@example.com")
    return controller, quitting


def test_a_task_alone_is_no_reason_for_a_backup_at_close(qtbot, people, clock, backups_made):
    controller, quitting = _controller(qtbot, clock)
    try:
        # A task that changes nothing but its own row in the task list (an export, say).
        with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
            controller.tasks.submit("Looking", lambda progress: None)
        controller.back_up_on_close()
        assert backups_made == []

        outcome = records.create_record(people.as_admin, RECORD)
        controller.bus.publish(outcome)
        controller.back_up_on_close()
        assert len(backups_made) == 1
        controller.back_up_on_close()  # nothing changed since that backup
        assert len(backups_made) == 1
    finally:
        quitting.disconnect(controller.back_up_on_close)
