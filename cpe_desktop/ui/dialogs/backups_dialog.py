"""File › Backups… and File › Restore…: the list of backups, Back up now, Restore… (confirmed
first), how many automatic backups to keep; and the offer to restore the newest good backup when
the database cannot be opened because it is damaged.

The work itself is the services' (``services/backups/automatic.py``,
``services/backups/maintenance.py``); copying and restoring run as tasks through the controller
(``ui/file_actions.py``), which the dialog is given as two callables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop import paths
from cpe_desktop.rules.wording import day_text
from cpe_desktop.services.backups import automatic as backups
from cpe_desktop.services.backups.automatic import Backup, KeepPolicy


def when_text(moment: dt.datetime) -> str:
    """A backup's time as the person reads it: their date format and local time."""
    local = moment.astimezone()
    return f"{day_text(local.date())} {local:%H:%M}"


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class BackupsDialog(QDialog):
    """The backups of the database: newest first, with Back up now and Restore…"""

    COLUMNS = ("Date", "Kind", "Size", "File")

    def __init__(
        self,
        db_file: Path | None,
        where: str,
        *,
        back_up: Callable[[Callable[[], None]], None],
        restore: Callable[[Path], object],
        keep: KeepPolicy | None = None,
        save_keep: Callable[[KeepPolicy], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.db_file = db_file
        self._back_up = back_up
        self._restore = restore
        self._save_keep = save_keep
        self.backups: list[Backup] = []
        layout = QVBoxLayout(self)

        if db_file is None:
            self.intro = QLabel(
                f"The database is {where}. Backups do not apply to it here: a PostgreSQL "
                "database is backed up on its server, with the server's own tools (pg_dump and "
                "pg_restore). CPE Tracker makes no copies of it."
            )
        else:
            self.intro = QLabel(
                "CPE Tracker backs the database up by itself: when it starts and the newest "
                "automatic backup is more than a day old, when it closes after changes, and "
                "before an import, a restore or an upgrade. Each copy is checked before it is "
                f"kept. Backups are in {paths.backups_dir()}."
            )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        layout.addWidget(self.table, 1)
        self.empty = QLabel("No backups yet. Back up now makes the first.")
        self.empty.setProperty("role", "muted")
        # In the list's place when there is none: it takes the list's room, its words at the top,
        # so the note above is not pushed down into the middle of an empty dialog.
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.empty, 1)

        self.keep_boxes: dict[str, QSpinBox] = {}
        if db_file is not None and save_keep is not None:
            row = QHBoxLayout()
            row.addWidget(QLabel("Keep automatic backups:"))
            policy = keep or KeepPolicy()
            for name, value in (
                ("daily", policy.daily),
                ("weekly", policy.weekly),
                ("monthly", policy.monthly),
            ):
                box = QSpinBox()
                box.setRange(1 if name == "daily" else 0, 1000)
                box.setValue(value)
                box.setAccessibleName(f"{name} backups to keep")
                self.keep_boxes[name] = box
                row.addWidget(box)
                row.addWidget(QLabel(name))
            self.save_keep_button = QPushButton("Save")
            self.save_keep_button.clicked.connect(self.save_keep)
            row.addWidget(self.save_keep_button)
            row.addStretch(1)
            layout.addLayout(row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.back_up_button = buttons.addButton(
            "Back up now", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button = buttons.addButton("Restore…", QDialogButtonBox.ButtonRole.ActionRole)
        self.other_file_button = buttons.addButton(
            "Restore from another file…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.back_up_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.other_file_button.clicked.connect(self.restore_other_file)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for button in (self.back_up_button, self.other_file_button):
            button.setEnabled(db_file is not None)
        self.resize(720, 420)
        self.refresh()

    def refresh(self) -> None:
        """Read the backups again (after Back up now, or a backup made meanwhile)."""
        self.backups = backups.list_backups(self.db_file) if self.db_file is not None else []
        self.table.setRowCount(len(self.backups))
        for row, item in enumerate(self.backups):
            cells = (
                when_text(item.taken_at),
                item.kind_label,
                size_text(item.size),
                item.path.name,
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(str(item.path))
                if column == 2:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, cell)
        self.table.setVisible(bool(self.backups))
        self.empty.setVisible(self.db_file is not None and not self.backups)
        if self.backups:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def back_up_now(self) -> None:
        self.back_up_button.setEnabled(False)

        def done() -> None:
            self.back_up_button.setEnabled(True)
            self.refresh()

        self._back_up(done)

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._confirm_and_restore(
                chosen.path,
                f"the {chosen.kind_label.lower()} backup of {when_text(chosen.taken_at)}",
            )

    def restore_other_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Restore from a backup file",
            str(paths.backups_dir()),
            "CPE Tracker backups (*.db *.bak);;All files (*)",
        )
        if name:
            self._confirm_and_restore(Path(name), Path(name).name)

    def _confirm_and_restore(self, path: Path, what: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Restore a backup?",
            f"Replace everything in the database with {what}?\n\n"
            "Whatever was entered after that backup is replaced, for everyone. The database as "
            "it is now is first saved as a before-restore backup, so this can be undone. "
            "Everyone then signs in again.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        restore = box.addButton("Restore", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        if box.clickedButton() is restore:
            self.accept()
            self._restore(path)

    def save_keep(self) -> None:
        if self._save_keep is None:
            return
        self._save_keep(
            KeepPolicy(*(self.keep_boxes[name].value() for name in ("daily", "weekly", "monthly")))
        )


def offer_restore_on_damage(
    db_file: Path, problem: str, restore: Callable[[Path], str], parent: QWidget | None = None
) -> bool:
    """The database cannot be opened because it is damaged: offer its newest good backup (or
    another file). True when a backup was restored, so the caller may open the database again.

    ``restore(path)`` does the restoring (``maintenance.restore``) and returns its message.
    """
    newest = backups.newest_restorable(db_file)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("CPE Tracker cannot open its database")
    if newest is not None:
        box.setText(
            f"{problem}\n\nThe newest good backup is the {newest.kind_label.lower()} backup of "
            f"{when_text(newest.taken_at)}. Restoring it puts back everything as it was then; "
            "the damaged file is kept aside, not deleted."
        )
        newest_button = box.addButton(
            "Restore the backup of " + when_text(newest.taken_at),
            QMessageBox.ButtonRole.AcceptRole,
        )
    else:
        box.setText(f"{problem}\n\nNo good backup was found in {paths.backups_dir()}.")
        newest_button = None
    other_button = box.addButton("Choose a backup file…", QMessageBox.ButtonRole.ActionRole)
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(newest_button or quit_button)
    box.exec()
    clicked = box.clickedButton()
    if newest is not None and newest_button is not None and clicked is newest_button:
        source = newest.path
    elif clicked is other_button:
        name, _ = QFileDialog.getOpenFileName(
            parent,
            "Restore from a backup file",
            str(paths.backups_dir()),
            "CPE Tracker backups (*.db *.bak);;All files (*)",
        )
        if not name:
            return False
        source = Path(name)
    else:
        return False
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        message = restore(source)
    except Exception as exc:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.critical(parent, "The backup was not restored", str(exc))
        return False
    QGuiApplication.restoreOverrideCursor()
    QMessageBox.information(parent, "Backup restored", message)
    return True
