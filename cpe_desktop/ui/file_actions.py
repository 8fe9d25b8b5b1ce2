"""The File menu's long work: import, export, backing up and restoring, each run as a task off
the window's thread, and the automatic backup at close.

A mixin of :class:`~cpe_desktop.ui.controller.Controller`, which holds the signed-in session;
kept apart so each file holds one thing. MainWindow calls these by name (``actions``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import shiboken6
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from cpe_desktop.services import connection, preferences
from cpe_desktop.services.changes import TASKS
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.ui import crash
from cpe_desktop.ui.task_runner import Progress, TaskRunner

if TYPE_CHECKING:
    from cpe_desktop.clock import Clock
    from cpe_desktop.ui.bus import ChangeBus
    from cpe_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Changes that are no reason for a backup at close: the task list's own rows.
BOOKKEEPING_KINDS = frozenset({TASKS})


class FileActions:
    """Import, export, backups and restore for the signed-in person (administrators for backups)."""

    # Set by the controller.
    ctx: ServiceContext | None
    clock: Clock
    bus: ChangeBus
    tasks: TaskRunner
    window: MainWindow | None
    automatic_backups: bool
    database_location: str
    _changed_since_start: bool

    @property
    def signed_in(self) -> ServiceContext:
        """``ctx``, for the menu actions: they exist only while someone is signed in."""
        return cast(ServiceContext, self.ctx)

    if TYPE_CHECKING:  # the controller's; a restore ends by asking who signs in next

        def switch_user(self) -> None: ...

    def import_data(self, parent: QWidget) -> None:
        from PySide6.QtWidgets import QFileDialog

        from cpe_desktop.services.interchange import import_file
        from cpe_desktop.ui.dialogs.import_wizard import ask_import_choice

        name, _ = QFileDialog.getOpenFileName(
            parent,
            "Import",
            str(Path.home()),
            "CPE Tracker files (*.json *.zip *.csv *.xlsx);;Whole account (*.json *.zip);;"
            "CPE records spreadsheet (*.csv *.xlsx)",
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".csv", ".xlsx"):

            def import_whole(progress: Progress) -> Any:
                _copy_before_import(self.clock)
                return import_file(self.signed_in, path, progress=progress)

            self._run_file_task(parent, "importing", import_whole)
            return
        # A spreadsheet's columns are chosen and checked in the wizard before anything runs.
        choice = ask_import_choice(self.signed_in, path, parent)
        if choice is None:
            return
        # The choice carries the values given for every row and whether to import only the
        # good records (with the not-imported report).

        def import_chosen(progress: Progress) -> Any:
            _copy_before_import(self.clock)
            return choice.run(self.signed_in, progress)

        self._run_file_task(parent, "importing", import_chosen)

    def export_data(self, parent: QWidget) -> None:
        from PySide6.QtWidgets import QFileDialog

        from cpe_desktop.services.interchange import export_file

        filters = {
            "json": "Whole account (*.json)",
            "zip": "Whole account with certificates (*.zip)",
            "csv": "CPE records spreadsheet (*.csv)",
            "xlsx": "CPE records workbook (*.xlsx)",
            "ics": "Deadlines and reminders calendar (*.ics)",
        }
        name, chosen = QFileDialog.getSaveFileName(
            parent,
            "Export",
            str(Path.home() / "cpe-tracker-export.json"),
            ";;".join(filters.values()),
        )
        if not name:
            return
        suffix = Path(name).suffix.lower().lstrip(".")
        if suffix in filters:
            fmt = suffix  # the name typed wins over the filter left selected
        else:
            fmt = next((key for key, text in filters.items() if text == chosen), "json")
            if not suffix:
                name += f".{fmt}"
        user = None
        ctx = self.signed_in
        if not ctx.actor.is_admin:
            from cpe_desktop.services.users import get_user

            user = get_user(ctx, ctx.actor.user_id).email  # type: ignore[arg-type]  # signed in
        self._run_file_task(
            parent,
            "exporting",
            lambda progress: export_file(
                self.signed_in, Path(name), fmt, user_email=user, progress=progress
            ),
        )

    def backup_now(self, parent: QWidget) -> None:
        """Copy the database to a dated file in the backups folder, as a task."""
        from cpe_desktop.services.backups import maintenance
        from cpe_desktop.services.errors import PermissionDenied

        if self.ctx is None or not self.ctx.actor.is_admin:
            crash.show_error(
                parent, PermissionDenied("Only an administrator can back up the database.")
            )
            return

        def done(target: Path) -> None:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(
                self._live(parent), "CPE Tracker", f"The database was backed up to {target}."
            )

        self.tasks.submit(
            "Backing up the database",
            lambda progress: maintenance.backup(connection.current_database()),
            on_done=done,
            on_error=lambda exc: crash.show_error(self._live(parent), exc, "backing up"),
        )

    # --- backups (services/backups/; ui/dialogs/backups_dialog.py) ------------------------------

    def _note_change(self, changes: object) -> None:
        """Data changed since the last backup: the backup at close will be made. A task's own
        row in the task list (any export or backup is one) is bookkeeping, not data."""
        kinds = getattr(changes, "kinds", None)
        if kinds is None or kinds - BOOKKEEPING_KINDS:
            self._changed_since_start = True

    def show_backups(self, parent: QWidget):
        """File › Backups… and File › Restore…: the list, Back up now, Restore… (administrators)."""
        from PySide6.QtCore import Qt  # (after the first paint: see ui/qt_numbers.py)

        from cpe_desktop.services.backups import automatic as backups
        from cpe_desktop.services.errors import PermissionDenied
        from cpe_desktop.ui.dialogs.backups_dialog import BackupsDialog

        if self.ctx is None or not self.ctx.actor.is_admin:
            crash.show_error(
                parent, PermissionDenied("Only an administrator can back up or restore.")
            )
            return None
        db_file = connection.database_file()
        dialog = BackupsDialog(
            db_file,
            connection.describe_database(),
            back_up=lambda then: self._back_up_then(parent, then),
            restore=lambda path: self.restore_backup(parent, path),
            keep=backups.keep_policy() if db_file is not None else None,
            save_keep=self._save_backup_keep,
            parent=parent,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _back_up_then(self, parent: QWidget, then: Callable[[], None]) -> None:
        from cpe_desktop.services.backups import maintenance

        def done(target: Path) -> None:
            then()
            if self.window is not None:
                self.window.statusBar().showMessage(f"Backed up to {target}", 8000)

        def failed(exc: BaseException) -> None:
            then()
            crash.show_error(self._live(parent), exc, "backing up")

        self.tasks.submit(
            "Backing up the database",
            lambda progress: maintenance.backup(connection.current_database()),
            on_done=done,
            on_error=failed,
        )

    def _save_backup_keep(self, policy) -> None:
        assert self.ctx is not None and self.ctx.actor.user_id is not None
        keep = (policy.daily, policy.weekly, policy.monthly)
        outcome = preferences.set_preferences(
            self.ctx, self.ctx.actor.user_id, {"backup_keep": keep}
        )
        self.bus.publish(outcome)

    def restore_backup(self, parent: QWidget, source: Path) -> int:
        """Put the backup ``source`` back (a task; the current database is saved aside first),
        then open the restored database as at start and ask who is signing in."""
        from cpe_desktop.services.backups import maintenance

        db_file = connection.database_file()

        def done(message: str) -> None:
            from PySide6.QtWidgets import QMessageBox

            from cpe_desktop.startup import reopen

            reopen(db_file)  # migrates an older backup, marks it, loads shipped data
            self.database_location = connection.describe_database()
            QMessageBox.information(
                self._live(parent), "Backup restored", f"{message}\n\nPlease sign in again."
            )
            self.bus.publish(None)
            self.switch_user()  # the old view out of sight while someone signs in again

        return self.tasks.submit(
            "Restoring a backup",
            lambda progress: maintenance.restore(connection.current_database(), source),
            on_done=done,
            on_error=lambda exc: crash.show_error(self._live(parent), exc, "restoring"),
        )

    def _automatic_backup_failed(self, exc: BaseException) -> None:
        log.warning("automatic backup failed: %s", exc)
        if self.window is not None:
            self.window.statusBar().showMessage(f"The automatic backup failed: {exc}", 30000)

    def back_up_on_close(self) -> None:
        """Leaving after changes: an automatic backup (older ones rotated), on this thread."""
        from PySide6.QtCore import Qt  # (after the first paint: see ui/qt_numbers.py)

        from cpe_desktop.services.backups import automatic as backups

        if not (self.automatic_backups and self._changed_since_start):
            return
        if connection.database_file() is None or self.tasks.busy:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            backups.automatic_backup(
                connection.current_database(), self.clock, backups.keep_policy()
            )
            self._changed_since_start = False
        except Exception:
            log.warning("automatic backup at close failed", exc_info=True)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _run_file_task(self, parent: QWidget, doing: str, call: Callable[[Progress], Any]) -> int:
        """Run ``call(progress)`` as a tracked task off the window's thread (its id); when it
        ends, publish what changed and show its summary, or the error in the right words."""

        def done(summary: Any) -> None:
            from PySide6.QtWidgets import QMessageBox

            self.bus.publish(getattr(summary, "changes", None))
            QMessageBox.information(self._live(parent), "CPE Tracker", summary.describe())

        def failed(exc: BaseException) -> None:
            crash.show_error(self._live(parent), exc, doing)

        return self.tasks.submit(doing[:1].upper() + doing[1:], call, on_done=done, on_error=failed)

    def _live(self, parent: QWidget | None) -> QWidget | None:
        """``parent`` if it still exists (a task can outlive the window that asked for it)."""
        if parent is not None and shiboken6.isValid(parent):
            return parent
        return self.window


def _copy_before_import(clock: Clock) -> None:
    """A checked copy of the database before an import changes it (SQLite only)."""
    from cpe_desktop.services.backups import automatic as backups

    backups.copy_before_import(connection.current_database(), clock.now())
