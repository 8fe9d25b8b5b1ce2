"""The Backups view as an administrator uses it (File › Backups… / File › Restore…): the list shows
each backup's date, kind and size; Restore… asks first and Cancel changes nothing; a confirmed
restore puts the backup's data back and asks who signs in; automatic backups appear at start and
at close after changes; the damaged-database dialog restores the newest good backup; a data
folder inside Dropbox is warned about once."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox

from cpe_desktop.db.database import sqlite_file
from cpe_desktop.db.models import User, database
from cpe_desktop.services import preferences, users
from cpe_desktop.services.backups import automatic as backups
from cpe_desktop.services.backups import maintenance
from cpe_desktop.startup import open_database
from cpe_desktop.ui import launch
from cpe_desktop.ui.controller import Controller
from cpe_desktop.ui.dialogs.backups_dialog import BackupsDialog
from tests.helpers.modal_dialogs import answer_next_dialog, sign_in, with_dialog

WAIT_MS = 10000


@pytest.fixture
def on_sqlite(people):
    if sqlite_file(database.obj) is None:
        pytest.skip("backups are of a SQLite file (PostgreSQL: see test_postgresql_words)")
    return people


def _open_backups(qtbot, window) -> BackupsDialog:
    window.backups_action.trigger()
    dialog = window.findChild(BackupsDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def _column(dialog: BackupsDialog, column: int) -> list[str]:
    return [dialog.table.item(row, column).text() for row in range(dialog.table.rowCount())]


def _emails() -> list[str]:
    return sorted(u.email for u in User.select())


def test_the_list_shows_each_backup_with_date_kind_and_size(qtbot, on_sqlite, clock):
    automatic = backups.automatic_backup(database.obj, clock)
    manual = maintenance.backup(database.obj)
    window = sign_in(qtbot, Controller("test.db", clock), "ada@example.com")
    assert window.restore_action.isVisible() and window.backups_action.isVisible()

    dialog = _open_backups(qtbot, window)

    assert dialog.table.rowCount() == 2
    assert sorted(_column(dialog, 1)) == ["Automatic", "Manual"]
    assert sorted(_column(dialog, 3)) == sorted([automatic.path.name, manual.name])
    assert all(text.endswith(("KB", "MB")) for text in _column(dialog, 2))
    local = automatic.taken_at.astimezone()
    row = _column(dialog, 3).index(automatic.path.name)
    assert _column(dialog, 0)[row].endswith(f"{local:%H:%M}")
    assert dialog.restore_button.isEnabled()  # the newest is selected

    with qtbot.waitSignal(window.tasks.idle, timeout=WAIT_MS):
        dialog.back_up_button.click()
    assert dialog.table.rowCount() == 3  # Back up now's copy is listed at once
    dialog.close()


def test_restore_asks_first_and_cancel_changes_nothing(qtbot, on_sqlite, clock):
    backups.automatic_backup(database.obj, clock)
    users.create_user(on_sqlite.as_admin, {"name": "Cy", "email": "cy@example.com"})
    before = _emails()
    window = sign_in(qtbot, Controller("test.db", clock), "ada@example.com")
    dialog = _open_backups(qtbot, window)
    asked = []

    def cancel(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    with_dialog(dialog.restore_button.click, cancel)

    assert len(asked) == 1 and "Replace everything in the database" in asked[0]
    assert "before-restore backup" in asked[0]
    assert _emails() == before
    assert [b.kind for b in backups.list_backups(sqlite_file(database.obj))] == ["automatic"]
    assert dialog.isVisible()
    dialog.close()


def test_a_confirmed_restore_puts_the_backup_back_and_everyone_signs_in_again(
    qtbot, on_sqlite, clock, monkeypatch
):
    made = backups.automatic_backup(database.obj, clock)
    users.create_user(on_sqlite.as_admin, {"name": "Cy", "email": "cy@example.com"})
    controller = Controller("test.db", clock)
    answer_next_dialog(lambda sign: sign.sign_in())
    assert controller.start()
    window = controller.window  # replaced (and deleted) after the restore: not qtbot's to close
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    dialog = _open_backups(qtbot, window)

    def confirm(box: QMessageBox) -> None:
        (restore,) = [b for b in box.buttons() if b.text() == "Restore"]
        answer_next_dialog(lambda sign: sign.sign_in())  # the sign-in that follows
        restore.click()

    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        with_dialog(dialog.restore_button.click, confirm)
    qtbot.waitUntil(lambda: controller.window is not window, timeout=WAIT_MS)
    qtbot.addWidget(controller.window)

    assert told and told[0].startswith("Restored") and "Please sign in again" in told[0]
    assert "cy@example.com" not in _emails()
    assert made.path.is_file()
    kinds = [b.kind for b in backups.list_backups(sqlite_file(database.obj))]
    assert sorted(kinds) == ["automatic", "before-restore"]
    database.obj.close()


def test_members_have_no_backups_menu(qtbot, on_sqlite, clock):
    window = sign_in(qtbot, Controller("test.db", clock), "ann@example.com")
    assert not window.backups_action.isVisible()
    assert not window.restore_action.isVisible()


def test_postgresql_words(qtbot):
    """On a server database the view says in words why there is nothing to back up here."""
    dialog = BackupsDialog(
        None, "PostgreSQL database cpe on db:5432", back_up=lambda then: None, restore=print
    )
    qtbot.addWidget(dialog)
    assert "pg_dump" in dialog.intro.text() and "PostgreSQL" in dialog.intro.text()
    assert dialog.table.rowCount() == 0
    assert not dialog.back_up_button.isEnabled() and not dialog.restore_button.isEnabled()


def test_automatic_backups_at_start_and_at_close_after_changes(qtbot, on_sqlite, clock):
    db_file = sqlite_file(database.obj)
    controller = Controller("test.db", clock, automatic_backups=True)
    sign_in(qtbot, controller, "ada@example.com")
    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        controller.after_start()
    assert [b.kind for b in backups.list_backups(db_file)] == ["automatic"]

    controller.after_start()  # a second start the same day: none due, no task
    assert not controller.tasks.busy
    controller.back_up_on_close()  # nothing changed: no copy
    assert len(backups.list_backups(db_file)) == 1

    clock.advance(dt.timedelta(days=1))  # (the same day, rotation would keep only the newer)
    outcome = users.create_user(on_sqlite.as_admin, {"name": "Cy", "email": "cy@example.com"})
    controller.bus.publish(outcome)
    quitting = QCoreApplication.instance().aboutToQuit
    try:
        quitting.emit()  # the program ends, whichever way it was closed
    finally:
        quitting.disconnect(controller.back_up_on_close)
    listed = backups.list_backups(db_file)
    assert [b.kind for b in listed] == ["automatic", "automatic"]
    assert listed[0].taken_at == clock.now()
    con = sqlite3.connect(listed[0].path)
    assert ("cy@example.com",) in con.execute("SELECT email FROM users").fetchall()
    con.close()


def test_the_damaged_database_dialog_restores_the_newest_good_backup(
    qtbot, tmp_path, clock, monkeypatch
):
    live = tmp_path / "d" / "cpe-tracker.db"
    db = open_database(live)
    users.create_user(on_behalf(clock), {"name": "Ann", "email": "ann@example.com"})
    backups.automatic_backup(db, clock)
    db.close()
    live.write_bytes(os.urandom(100_000))
    damaged = live.read_bytes()
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    offered = []

    def choose_newest(box: QMessageBox) -> None:
        offered.append(box.text())
        (button,) = [b for b in box.buttons() if b.text().startswith("Restore the backup of")]
        button.click()

    opened = []
    with_dialog(
        lambda: opened.append(launch._open_or_rescue(open_database, str(live), str(live))),
        choose_newest,
    )

    assert "damaged" in offered[0] and "newest good backup" in offered[0]
    assert told and "damaged database" in told[0]
    (kept,) = Path(live.parent).glob("cpe-tracker.db.damaged-*[0-9]")
    assert kept.read_bytes() == damaged
    assert [u.email for u in User.select()] == ["ann@example.com"]
    opened[0].close()


def test_quit_in_the_damaged_database_dialog_leaves_the_file_as_it_was(qtbot, tmp_path):
    live = tmp_path / "cpe-tracker.db"
    live.write_bytes(os.urandom(50_000))
    damaged = live.read_bytes()
    opened = []

    def quit_(box: QMessageBox) -> None:
        assert "No good backup was found" in box.text()
        (button,) = [b for b in box.buttons() if b.text() == "Quit"]
        button.click()

    with_dialog(
        lambda: opened.append(launch._open_or_rescue(open_database, str(live), str(live))),
        quit_,
    )
    assert opened == [None]
    assert live.read_bytes() == damaged
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [live.name]


def on_behalf(clock):
    from cpe_desktop.services.context import SYSTEM, ServiceContext

    return ServiceContext(SYSTEM, clock)


def test_a_data_folder_in_dropbox_is_warned_about_once(qtbot, on_sqlite, clock, monkeypatch):
    controller = Controller("test.db", clock)
    sign_in(qtbot, controller, "ada@example.com")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    folder = Path("/home/ada/Dropbox/CPE Tracker")
    controller.warn_about_sync_folder(folder)
    controller.warn_about_sync_folder(folder)
    assert len(warned) == 1 and "Dropbox" in warned[0]
    prefs = preferences.get_preferences(on_sqlite.as_admin, on_sqlite.admin.user_id)
    assert prefs["sync_warning_shown_for"] == str(folder)
    controller.warn_about_sync_folder(Path("/home/ada/.local/share/CPE Tracker"))
    assert len(warned) == 1


def test_how_many_backups_to_keep_is_saved_from_the_view(qtbot, on_sqlite, clock):
    window = sign_in(qtbot, Controller("test.db", clock), "ada@example.com")
    dialog = _open_backups(qtbot, window)
    assert [box.value() for box in dialog.keep_boxes.values()] == [7, 4, 12]
    dialog.keep_boxes["daily"].setValue(14)
    dialog.keep_boxes["monthly"].setValue(24)
    dialog.save_keep_button.click()
    assert backups.keep_policy() == backups.KeepPolicy(14, 4, 24)
    prefs = preferences.get_preferences(on_sqlite.as_admin, on_sqlite.admin.user_id)
    assert prefs["backup_keep"] == (14, 4, 24)
    dialog.close()


def test_with_no_backups_the_note_stays_at_the_top_and_the_empty_words_under_it(qtbot, tmp_path):
    db_file = tmp_path / "cpe.db"
    db_file.write_bytes(b"")
    dialog = BackupsDialog(db_file, str(db_file), back_up=lambda then: None, restore=print)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.empty.isVisible() and not dialog.table.isVisible()
    line = dialog.fontMetrics().height()
    # The note is as tall as its lines (not stretched, its words floating in the middle of an
    # empty dialog), and the empty list's words start right under it.
    intro = dialog.intro
    assert intro.height() <= intro.heightForWidth(intro.width()) + line
    assert dialog.empty.geometry().top() - intro.geometry().bottom() < 2 * line
    assert dialog.empty.alignment() & Qt.AlignmentFlag.AlignTop
