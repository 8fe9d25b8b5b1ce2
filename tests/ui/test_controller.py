"""The application controller: switching people, and File › Import / Export from the window."""

from __future__ import annotations

import json
from pathlib import Path

import peewee
from PySide6.QtWidgets import QFileDialog, QMessageBox

from cpe_desktop.db.models import CpeRecord, TaskQueue, database
from cpe_desktop.services import records
from cpe_desktop.ui.controller import Controller
from tests.helpers.interchange_documents import two_people_document
from tests.helpers.modal_dialogs import answer_next_dialog, sign_in

WAIT_MS = 10000


def test_switch_user_rebuilds_the_window_for_the_new_person(qtbot, people, clock):
    controller = Controller("test.db", clock)
    answer_next_dialog(
        lambda dialog: (
            dialog.account.setCurrentIndex(dialog.account.findData("ada@example.com")),
            dialog.sign_in(),
        )
    )
    assert controller.start()
    first = controller.window
    qtbot.addWidget(first)
    assert first.admin_tabs is not None

    answer_next_dialog(
        lambda dialog: (
            dialog.account.setCurrentIndex(dialog.account.findData("ann@example.com")),
            dialog.sign_in(),
        )
    )
    first.switch_action.trigger()
    second = controller.window
    qtbot.addWidget(second)
    assert second is not first and second.ctx.actor.user_id == people.ann.user_id
    assert second.admin_tabs is None  # Ann is a member
    assert not first.isVisible()


def test_switch_user_cancelled_keeps_the_current_window(qtbot, people, clock):
    controller = Controller("test.db", clock)
    answer_next_dialog(lambda dialog: dialog.sign_in())
    assert controller.start()
    window = controller.window
    qtbot.addWidget(window)
    answer_next_dialog(lambda dialog: dialog.reject())
    window.switch_action.trigger()
    assert controller.window is window and window.isVisible()


def _started_as_ada(qtbot, clock):
    """The program started on test.db with Ada (an administrator) signed in."""
    controller = Controller("test.db", clock)
    answer_next_dialog(
        lambda dialog: (
            dialog.account.setCurrentIndex(dialog.account.findData("ada@example.com")),
            dialog.sign_in(),
        )
    )
    controller.start()
    qtbot.addWidget(controller.window)
    return controller, controller.window


def test_import_and_export_from_the_file_menu(qtbot, people, clock, tmp_path, monkeypatch):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(two_people_document()), encoding="utf-8")
    target = tmp_path / "out.csv"
    controller, window = _started_as_ada(qtbot, clock)
    tab = window.show_table("records")
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        window.import_action.trigger()  # runs as a task; the window is told when it ends
    assert told and told[-1].startswith("Imported")
    assert window.task_status is not None and window.task_status.isHidden()
    imported = CpeRecord.select().count()
    assert imported > 0 and tab.model.rowCount() == imported  # the tab refreshed itself

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        window.export_action.trigger()
    assert target.exists() and "Exported" in told[-1]
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) > imported  # header plus at least one line per record
    assert records.list_records(people.as_admin)[0].title in target.read_text(encoding="utf-8-sig")
    tasks = {row.task_name: row.status for row in TaskQueue.select()}
    assert tasks == {"Importing": "completed", "Exporting": "completed"}


def test_a_refused_import_says_why_and_the_task_is_failed(
    qtbot, people, clock, tmp_path, monkeypatch
):
    source = tmp_path / "bad.json"
    source.write_text("{not json", encoding="utf-8")
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ada@example.com")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        window.import_action.trigger()
    row = TaskQueue.get()
    assert row.status == "failed" and warned == [row.message]
    assert "bad.json" in row.message
    assert CpeRecord.select().count() == 0


def test_back_up_now_runs_as_a_task(qtbot, people, clock, monkeypatch):
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ada@example.com")
    told, warned = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        controller.backup_now(window)
    row = TaskQueue.get()
    assert row.task_name == "Backing up the database"
    if not isinstance(database.obj, peewee.SqliteDatabase):
        # a server database is backed up with the server's own tools, and the person is told so
        assert row.status == "failed" and warned == [row.message] and "pg_dump" in row.message
        return
    assert row.status == "completed" and warned == []
    backup = Path(told[0].removeprefix("The database was backed up to ").removesuffix("."))
    assert backup.is_file() and backup.stat().st_size > 0


def test_a_member_may_not_back_up_the_database(qtbot, people, clock, monkeypatch):
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ann@example.com")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    controller.backup_now(window)
    assert warned == ["Only an administrator can back up the database."]
    assert TaskQueue.select().count() == 0


def test_file_import_keeps_the_good_records_and_writes_the_report(
    qtbot, people, clock, tmp_path, monkeypatch
):
    """File › Import of a log with one bad row: choosing "import the good records" in the
    wizard stores them through the window's task and writes the not-imported report."""
    source = tmp_path / "log.csv"
    source.write_text(
        "Date,Course,Format,Field,Hours\n"
        "2025-01-02,Fine,Group Live,Taxes,2\n"
        "2025-01-03,Bad hours,Group Live,Taxes,-1\n",
        encoding="utf-8",
    )
    report = tmp_path / "left.csv"
    controller, window = _started_as_ada(qtbot, clock)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
    answer_next_dialog(lambda wizard: (wizard.pane.skip_bad_button.click(), wizard.accept()))
    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        window.import_action.trigger()
    assert [r.title for r in CpeRecord.select()] == ["Fine"]
    assert report.exists() and "Bad hours" in report.read_text(encoding="utf-8-sig")
    assert told and told[-1].startswith("Imported 1 record")
