"""The application controller: switching people, and File › Import / Export from the window."""

from __future__ import annotations

import json

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from cpe_desktop.app import Controller
from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services import records
from tests.interchange_data import two_people_document


def _answer(handle):
    def poke():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poke)
            return
        handle(dialog)

    QTimer.singleShot(0, poke)


def test_switch_user_rebuilds_the_window_for_the_new_person(qtbot, people, clock):
    controller = Controller("test.db", clock)
    _answer(
        lambda dialog: (
            dialog.account.setCurrentIndex(dialog.account.findData("ada@example.com")),
            dialog.sign_in(),
        )
    )
    assert controller.start()
    first = controller.window
    qtbot.addWidget(first)
    assert first.admin_tabs is not None

    _answer(
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
    _answer(lambda dialog: dialog.sign_in())
    assert controller.start()
    window = controller.window
    qtbot.addWidget(window)
    _answer(lambda dialog: dialog.reject())
    window.switch_action.trigger()
    assert controller.window is window and window.isVisible()


def test_import_and_export_from_the_file_menu(qtbot, people, clock, tmp_path, monkeypatch):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(two_people_document()), encoding="utf-8")
    target = tmp_path / "out.csv"
    controller = Controller("test.db", clock)
    _answer(
        lambda dialog: (
            dialog.account.setCurrentIndex(dialog.account.findData("ada@example.com")),
            dialog.sign_in(),
        )
    )
    controller.start()
    window = controller.window
    qtbot.addWidget(window)
    tab = window.show_table("records")
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    window.import_action.trigger()
    assert told and told[-1].startswith("Imported")
    imported = CpeRecord.select().count()
    assert imported > 0 and tab.model.rowCount() == imported  # the tab refreshed itself

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.export_action.trigger()
    assert target.exists() and "Exported" in told[-1]
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) > imported  # header plus at least one line per record
    assert records.list_records(people.as_admin)[0].title in target.read_text(encoding="utf-8-sig")
