"""The window on a full disk: an import that does not fit is told in words ("The disk is full
... nothing that was already saved was lost"), not with the crash dialog; a start on a disk so
full the database cannot even be opened normally says so in a dialog and does not start."""

from __future__ import annotations

import argparse
import logging
import sys

import peewee
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from cpe_desktop.db.models import CpeRecord, TaskQueue
from cpe_desktop.ui import launch
from cpe_desktop.ui.controller import Controller
from tests.helpers import full_disk_cli
from tests.helpers.disk_full import records_csv
from tests.helpers.modal_dialogs import sign_in

WAIT_MS = 20000


@pytest.fixture
def dialogs(monkeypatch):
    """Every message box shown: (kind, title, text); the crash dialog is ``exec``."""
    shown = []
    for kind in ("critical", "warning", "information"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            lambda parent, title, text, *rest, kind=kind: shown.append((kind, title, text)),
        )
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: shown.append(("crash", box.windowTitle(), box.text()))
    )
    return shown


@pytest.fixture
def new_connections_are_full(monkeypatch):
    """Each connection made from now on may not grow the database (the task's included)."""
    real = peewee.SqliteDatabase._add_conn_hooks

    def hooks(self, conn):
        real(self, conn)
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(peewee.SqliteDatabase, "_add_conn_hooks", hooks)


def test_an_import_on_a_full_disk_says_the_disk_is_full(
    qtbot, people, clock, tmp_path, monkeypatch, dialogs, new_connections_are_full
):
    if not isinstance(people.admin._meta.database.obj, peewee.SqliteDatabase):
        pytest.skip("max_page_count is SQLite's")
    source = records_csv(tmp_path / "big.csv", 3000)
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ada@example.com")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    monkeypatch.setattr(
        "cpe_desktop.ui.dialogs.import_wizard.ask_import_choice",
        lambda ctx, path, parent: _all_rows_for_ada(ctx, path),
    )
    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        window.import_action.trigger()

    ((kind, title, text),) = dialogs
    assert (kind, title) == ("critical", "Database problem")
    assert text.startswith("The disk is full") and "nothing that was already saved" in text
    assert CpeRecord.select().count() == 0
    assert TaskQueue.get().status == "failed"


def _all_rows_for_ada(ctx, path):
    """The import wizard's answer: every row, as Ada's records."""
    from types import SimpleNamespace

    from cpe_desktop.services.interchange import import_file

    return SimpleNamespace(
        run=lambda ctx_, progress: import_file(
            ctx_, path, user_email="ada@example.com", progress=progress
        )
    )


@pytest.fixture
def started(monkeypatch):
    """run_gui's lasting effects put back: the exception hook and the log handlers."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    handlers = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers[:]:
        if handler not in handlers:
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_a_start_on_a_full_disk_says_so(qtbot, tmp_path, dialogs, started, monkeypatch):
    from cpe_desktop.startup import open_database

    db_path = tmp_path / "data" / "cpe-tracker.db"
    open_database(str(db_path)).close()  # a database written before the disk filled up
    hooks = peewee.SqliteDatabase._add_conn_hooks
    monkeypatch.setattr(peewee.SqliteDatabase, "_add_conn_hooks", hooks)  # put back after
    full_disk_cli.install()

    code = launch.run_gui(argparse.Namespace(db=str(db_path), command=None))

    assert code == 1
    ((kind, title, text),) = dialogs
    assert (kind, title) == ("critical", "CPE Tracker cannot start")
    assert text.startswith("The disk holding the database is full. Free some space")
