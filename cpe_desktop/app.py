"""The desktop program's wiring: one instance per database, the database opened (with friendly
errors), the person chosen, the main window shown, and the menu actions that need the whole app."""

from __future__ import annotations

import argparse
import linecache
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from cpe_desktop import __version__
from cpe_desktop.clock import Clock, SystemClock
from cpe_desktop.db.database import describe, resolve_target
from cpe_desktop.db.errors import DatabaseEnvironmentError, classify, located
from cpe_desktop.log import setup_logging
from cpe_desktop.services import preferences
from cpe_desktop.services.changes import TASKS, USERS
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.ui import connection_watch, crash
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.dates import use_locale_dates
from cpe_desktop.ui.dialogs.about import show_about
from cpe_desktop.ui.first_paint import after_first_paint
from cpe_desktop.ui.forms.registry import open_editor
from cpe_desktop.ui.gc_guard import MainThreadCollector
from cpe_desktop.ui.icons import app_icon
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.notifier import tray_is_available
from cpe_desktop.ui.session import choose_user, context_for
from cpe_desktop.ui.single_instance import SingleInstance
from cpe_desktop.ui.tasks import Progress, TaskRunner
from cpe_desktop.ui.theme import apply_theme, prepare_application

if TYPE_CHECKING:  # imported when the reminders start, after the window's first paint
    from cpe_desktop.ui.live_refresh import LiveRefresh
    from cpe_desktop.ui.reminder_session import ReminderSession
    from cpe_desktop.ui.tray import Tray

log = logging.getLogger(__name__)

ORGANIZATION = "CPE Tracker"
# Changes that are no reason for a backup at close: the task list's own rows.
BOOKKEEPING_KINDS = frozenset({TASKS})
APPLICATION = "CPE Tracker"


def make_application() -> QApplication:
    existing = QApplication.instance()
    if existing is not None:
        return cast(QApplication, existing)  # tests own theirs
    prepare_application()
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(sys.argv[:1])
    QGuiApplication.setDesktopFileName("cpe-tracker")
    use_readable_locale()
    use_locale_dates()  # one date format in every sentence, the same as the date inputs'
    return app


def use_readable_locale() -> None:
    """Without a configured locale (LANG unset gives Qt's "C"), dates would read "25 11 2026";
    fall back to US English, the convention of the boards this program serves."""
    if QLocale().language() == QLocale.Language.C:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


class Controller:
    """Holds the signed-in session and answers the menu actions that reach beyond one tab."""

    def __init__(
        self,
        database_location: str,
        clock: Clock | None = None,
        *,
        reminders: bool = True,
        automatic_backups: bool = False,
        background_after_paint: bool = False,
    ) -> None:
        self.database_location = database_location
        self.reminders = reminders  # tests of other things leave the scheduler off
        # The program starts the reminders (tray, scheduler, email) once the first window has
        # been painted (ui/first_paint.py); tests start them at once, inside the test.
        self.background_after_paint = background_after_paint
        # The program makes automatic backups (at start when due, at close after changes);
        # tests of other things leave them off.
        self.automatic_backups = automatic_backups
        self.clock = clock or SystemClock()
        self.bus = ChangeBus()
        self.window: MainWindow | None = None
        self.ctx: ServiceContext | None = None
        # Long work (imports, exports, backups) runs here, off the window's thread.
        self.tasks = TaskRunner(lambda: self.ctx, bus=self.bus)
        self.tray: Tray | None = None
        self.session: ReminderSession | None = None
        self.live: LiveRefresh | None = None  # other desks' changes (ui/live_refresh.py)
        self._told_about_tray = False
        self._changed_since_start = False
        self.bus.changed.connect(self._note_change)
        self._people: int | None = None  # active people, while an administrator is signed in
        self._offered_password = False
        self.password_offer: QMessageBox | None = None  # the offer on screen (tests answer it)
        self.bus.changed.connect(self._offer_password_after_new_person)
        app = QCoreApplication.instance()
        if automatic_backups and app is not None:
            # However the program ends (Quit, the last window closed, the session ending).
            app.aboutToQuit.connect(self.back_up_on_close)

    def start(self, parent: QWidget | None = None, *, switching: bool = False) -> bool:
        """Choose the person and show their window; False when they cancelled."""
        user = choose_user(self.clock, parent, switching=switching)
        if user is None:
            return False
        self.ctx = context_for(user, self.clock)
        prefs = preferences.get_preferences(self.ctx, user.user_id)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, prefs["theme"])
        old = self.window
        if old is not None:
            old.save_state()
        self.window = MainWindow(
            self.ctx,
            self.bus,
            database_location=self.database_location,
            editor=open_editor,
            actions=self,
        )
        self.window.setWindowIcon(app_icon())
        self.window.switchUserRequested.connect(self.switch_user)
        self.window.quitRequested.connect(self._leave)
        self.window.hiddenToTray.connect(self._tell_about_tray)
        connection_watch.install(self.window.connection_watch)  # a lost server: its banner
        self._note_people()
        window = self.window
        if self.background_after_paint:
            window.show()
            after_first_paint(window, lambda: self._start_background_for(window))
        else:
            self._start_background(window)
            window.show()
        if old is not None:
            old.hide()
            old.deleteLater()
        return True

    def _start_background_for(self, window: MainWindow) -> None:
        if window is self.window:  # (not a window already replaced by Switch user)
            self._start_background(window)

    def _start_background(self, window: MainWindow) -> None:
        """The tray (once) and this person's reminders (each sign-in; the last person's stop)."""
        from cpe_desktop.ui.live_refresh import LiveRefresh
        from cpe_desktop.ui.reminder_session import ReminderSession
        from cpe_desktop.ui.tray import Tray

        self._stop_background()
        if not self.reminders:
            return
        if self.tray is None and tray_is_available():
            self.tray = Tray()
            self.tray.openRequested.connect(self.bring_to_front)
            self.tray.quitRequested.connect(self.quit)
            self.tray.show()
        # With a tray the window closes to it; without one, closing the window quits, so the
        # program can never run on unreachable.
        window.close_to_tray = self.tray is not None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(self.tray is None)
        assert self.ctx is not None
        self.session = ReminderSession(self.ctx, self.bus, window, self.tray, self.tasks.submit)
        self.session.start()
        self.live = LiveRefresh(self.ctx, self.bus, window)
        self.live.start()

    def _stop_background(self) -> None:
        """The last person's reminders and live refresh (sign-out, switch, quit)."""
        if self.session is not None:
            self.session.stop()
            self.session = None
        if self.live is not None:
            self.live.stop()
            self.live = None

    def _tell_about_tray(self) -> None:
        if self.session is not None and not self._told_about_tray:
            self._told_about_tray = True
            self.session.notifier().notify(
                "CPE Tracker is still running",
                "Reminders will appear here. Choose Quit from this icon's menu to leave.",
            )

    def quit(self) -> None:
        """Quit from the tray: through the window, which asks about running tasks first."""
        if self.window is not None:
            self.window.quit()
        else:
            self._leave()

    def _leave(self) -> None:
        self.back_up_on_close()
        self._stop_background()
        if self.tray is not None:
            self.tray.hide()
        QApplication.quit()

    def switch_user(self) -> None:
        """Choose the next person with the last one's data out of sight; cancelled, the last
        person carries on where they were."""
        window = self.window
        title = hide_while_switching(window) if window is not None else ""
        if not self.start(window, switching=True) and window is not None:
            show_after_switch_cancelled(window, title)

    # --- a password for the administrator (offered, not forced) ---------------------------------

    def _note_people(self) -> None:
        """How many people use this database now (to notice when someone is added)."""
        from cpe_desktop.services import users

        self._offered_password = False
        self._people = None
        if self.ctx is not None and self.ctx.actor.is_admin:
            self._people = len(users.list_users(self.ctx, include_inactive=False))

    @property
    def signed_in(self) -> ServiceContext:
        """``ctx``, for the menu actions: they exist only while someone is signed in."""
        return cast(ServiceContext, self.ctx)

    def _offer_password_after_new_person(self, changes: object) -> None:
        """Someone was added while this administrator has no password: offer one, once a
        session. Without one, anyone at this computer can choose them in Switch user."""
        from cpe_desktop.services import users

        kinds: frozenset[str] = getattr(changes, "kinds", frozenset())
        if USERS not in kinds or self._people is None or self.ctx is None:
            return
        before = self._people
        self._people = len(users.list_users(self.ctx, include_inactive=False))
        if self._offered_password or self._people <= max(before, 1):
            return
        me = users.get_user(self.ctx, self.ctx.actor.user_id)  # type: ignore[arg-type]  # signed in
        if me.password_hash is not None:
            return
        self._offered_password = True
        QTimer.singleShot(0, self.offer_password)  # after the view that added them refreshed

    def offer_password(self) -> None:
        window = self.window
        if window is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Set a password for your account?",
            "Someone else now uses CPE Tracker here. Your administrator account has no "
            "password, so anyone at this computer can choose it in File › Switch user and see or "
            "change everyone's records.\n\nSet a password now? You can also set one later under "
            "Edit › Your details.",
            QMessageBox.StandardButton.NoButton,
            window,
        )
        set_password = box.addButton("Set a password…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(set_password)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(_result: int) -> None:
            if box.clickedButton() is set_password and shiboken6.isValid(window):
                window.edit_own_details("password")

        box.finished.connect(answered)
        box.open()  # modal to the window, without holding up whoever added the person
        self.password_offer = box

    def bring_to_front(self) -> None:
        if self.window is None:
            return
        self.window.setWindowState(
            (self.window.windowState() & ~Qt.WindowState.WindowMinimized)
            | Qt.WindowState.WindowActive
        )
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        QApplication.alert(self.window)

    # --- menu actions (MainWindow calls these by name) -----------------------------------------

    def about(self, parent: QWidget) -> None:
        show_about(parent, self.database_location)

    def edit_preferences(self, parent: QWidget) -> None:
        from cpe_desktop.ui.dialogs.preferences_dialog import PreferencesDialog

        assert self.ctx is not None and self.ctx.actor.user_id is not None
        dialog = PreferencesDialog(self.ctx, self.ctx.actor.user_id, parent)
        if dialog.exec() and dialog.outcome is not None:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, dialog.outcome.value["theme"])
            self.bus.publish(dialog.outcome)

    def import_data(self, parent: QWidget) -> None:
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
        from cpe_desktop.db.models import database
        from cpe_desktop.services.backups import maintenance
        from cpe_desktop.services.errors import PermissionDenied

        if self.ctx is None or not self.ctx.actor.is_admin:
            crash.show_error(
                parent, PermissionDenied("Only an administrator can back up the database.")
            )
            return

        def done(target: Path) -> None:
            QMessageBox.information(
                self._live(parent), "CPE Tracker", f"The database was backed up to {target}."
            )

        self.tasks.submit(
            "Backing up the database",
            lambda progress: maintenance.backup(database.obj),
            on_done=done,
            on_error=lambda exc: crash.show_error(self._live(parent), exc, "backing up"),
        )

    # --- backups (services/backups/automatic.py; ui/dialogs/backups_dialog.py)
    # ----------------------------

    def _note_change(self, changes: object) -> None:
        """Data changed since the last backup: the backup at close will be made. A task's own
        row in the task list (any export or backup is one) is bookkeeping, not data."""
        kinds = getattr(changes, "kinds", None)
        if kinds is None or kinds - BOOKKEEPING_KINDS:
            self._changed_since_start = True

    def show_backups(self, parent: QWidget):
        """File › Backups… and File › Restore…: the list, Back up now, Restore… (administrators)."""
        from cpe_desktop.db.database import sqlite_file
        from cpe_desktop.db.models import database
        from cpe_desktop.services.backups import automatic as backups
        from cpe_desktop.services.errors import PermissionDenied
        from cpe_desktop.ui.dialogs.backups_dialog import BackupsDialog

        if self.ctx is None or not self.ctx.actor.is_admin:
            crash.show_error(
                parent, PermissionDenied("Only an administrator can back up or restore.")
            )
            return None
        db_file = sqlite_file(database.obj)
        dialog = BackupsDialog(
            db_file,
            describe(database.obj),
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
        from cpe_desktop.db.models import database
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
            lambda progress: maintenance.backup(database.obj),
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
        from cpe_desktop.db.database import sqlite_file
        from cpe_desktop.db.models import database
        from cpe_desktop.services.backups import maintenance

        db_file = sqlite_file(database.obj)

        def done(message: str) -> None:
            from cpe_desktop.startup import open_database

            database.obj.close()  # this thread's connection to the file as it was
            open_database(db_file)  # migrates an older backup, marks it, loads shipped data
            self.database_location = describe(database.obj)
            QMessageBox.information(
                self._live(parent), "Backup restored", f"{message}\n\nPlease sign in again."
            )
            self.bus.publish(None)
            self.switch_user()  # the old view out of sight while someone signs in again

        return self.tasks.submit(
            "Restoring a backup",
            lambda progress: maintenance.restore(database.obj, source),
            on_done=done,
            on_error=lambda exc: crash.show_error(self._live(parent), exc, "restoring"),
        )

    def after_start(self) -> None:
        """Once the window shows: the automatic backup when one is due, and the one-time
        warning about a data folder inside a syncing service's folder."""
        from cpe_desktop.db.database import sqlite_file
        from cpe_desktop.db.models import database
        from cpe_desktop.services.backups import automatic as backups

        self.warn_about_audit_log()
        db_file = sqlite_file(database.obj)
        if db_file is None or self.ctx is None:
            return  # PostgreSQL: backed up on its server
        self.warn_about_sync_folder(db_file.parent)
        if not self.automatic_backups or not backups.is_due(db_file, self.clock):
            return
        self.tasks.submit(
            "Automatic backup",
            lambda progress: backups.automatic_backup(
                database.obj, self.clock, backups.keep_policy(), only_if_due=True
            ),
            on_done=lambda made: None,
            on_error=self._automatic_backup_failed,
        )

    def warn_about_audit_log(self) -> None:
        """An administrator is told at once when the audit log's newest entries no longer match
        their chain (edited or removed outside the program); the Audit Log tab says exactly what."""
        from cpe_desktop.services.audit import chain as audit_chain

        if self.window is None or self.ctx is None or not self.ctx.actor.is_admin:
            return
        problems = audit_chain.tail_problems()
        if not problems:
            return
        shown = "\n".join(f"• {problem}" for problem in problems[:5])
        more = f"\n… and {len(problems) - 5} more." if len(problems) > 5 else ""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "The audit log was changed outside CPE Tracker",
            "The audit log's newest entries no longer match their checksums:\n\n"
            f"{shown}{more}\n\nThe Audit Log tab checks the whole log (Check everything); "
            "`cpe-tracker check` does the same from the command line.",
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.audit_warning = box

    def _automatic_backup_failed(self, exc: BaseException) -> None:
        log.warning("automatic backup failed: %s", exc)
        if self.window is not None:
            self.window.statusBar().showMessage(f"The automatic backup failed: {exc}", 30000)

    def back_up_on_close(self) -> None:
        """Leaving after changes: an automatic backup (older ones rotated), on this thread."""
        from cpe_desktop.db.database import sqlite_file
        from cpe_desktop.db.models import database
        from cpe_desktop.services.backups import automatic as backups

        if not (self.automatic_backups and self._changed_since_start):
            return
        if sqlite_file(database.obj) is None or self.tasks.busy:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            backups.automatic_backup(database.obj, self.clock, backups.keep_policy())
            self._changed_since_start = False
        except Exception:
            log.warning("automatic backup at close failed", exc_info=True)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def warn_about_sync_folder(self, folder: Path) -> None:
        """Tell once (per person and folder) that the data folder is inside Dropbox & co."""
        from cpe_desktop.services.backups import automatic as backups

        warning = backups.sync_folder_warning(folder)
        if warning is None or self.ctx is None or self.ctx.actor.user_id is None:
            return
        user_id = self.ctx.actor.user_id
        if preferences.get_preferences(self.ctx, user_id)["sync_warning_shown_for"] == str(folder):
            return
        QMessageBox.warning(self.window, "The data folder is in a synced folder", warning)
        preferences.set_preferences(self.ctx, user_id, {"sync_warning_shown_for": str(folder)})

    def _run_file_task(self, parent: QWidget, doing: str, call: Callable[[Progress], Any]) -> int:
        """Run ``call(progress)`` as a tracked task off the window's thread (its id); when it
        ends, publish what changed and show its summary, or the error in the right words."""

        def done(summary: Any) -> None:
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


SWITCHING_TITLE = "CPE Tracker — who is next?"


def hide_while_switching(window: MainWindow) -> str:
    """Take the signed-in person's data out of sight (tabs, banner, status bar, name in the
    title) while the next person is chosen; the title it had, to put back."""
    title = window.windowTitle()
    cast(QWidget, window.centralWidget()).hide()  # (a main window has one)
    window.statusBar().hide()
    window.menuBar().setEnabled(False)
    window.setWindowTitle(SWITCHING_TITLE)
    return title


def show_after_switch_cancelled(window: MainWindow, title: str) -> None:
    window.setWindowTitle(title)
    window.menuBar().setEnabled(True)
    window.statusBar().show()
    cast(QWidget, window.centralWidget()).show()


def _copy_before_import(clock: Clock) -> None:
    """A checked copy of the database before an import changes it (SQLite only)."""
    from cpe_desktop.db.models import database
    from cpe_desktop.services.backups import automatic as backups

    backups.copy_before_import(database.obj, clock.now())


def _open_or_rescue(open_database: Callable[..., Any], db_path: str | None, target: str):
    """``open_database(db_path)``; when the SQLite file is damaged, first offer to restore the
    newest good backup (the damaged file is kept aside), then open the restored database. None
    when the person chose Quit instead."""
    from cpe_desktop.db.database import bind, make_database, sqlite_file
    from cpe_desktop.services.backups import maintenance
    from cpe_desktop.ui.dialogs.backups_dialog import offer_restore_on_damage

    try:
        return open_database(db_path)
    except DatabaseEnvironmentError as exc:
        db_file = sqlite_file(make_database(target)) if exc.kind == "corrupt" else None
        if db_file is None:
            raise

        def restore(source: Path) -> str:
            return maintenance.restore(bind(make_database(str(db_file))), source)

        if not offer_restore_on_damage(db_file, str(exc), restore):
            return None  # the problem was shown in that dialog, and Quit chosen
    return open_database(db_path)


NO_DISPLAY = (
    "CPE Tracker cannot open its window: there is no display here (neither DISPLAY nor "
    "WAYLAND_DISPLAY is set). Start it from a desktop session, or use the command line's "
    "commands instead (cpe-tracker --help)."
)


def missing_display(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """On Linux without X11 or Wayland, what to say instead of Qt's raw "could not load the Qt
    platform plugin xcb" abort; None where a window can open (or Qt was told which platform to
    use, ``QT_QPA_PLATFORM``: offscreen, vnc, …). Checked before the QApplication exists."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY


def run_gui(args: argparse.Namespace) -> int:
    """The window's start: logging, the one-instance lock, the database, the person, the window.

    Whatever stops the start (an unwritable data folder, a full disk, a database that cannot be
    used, another window holding the lock and not answering) is said in a dialog; a bug goes to
    the crash dialog."""
    from cpe_desktop.startup import open_database

    missing = missing_display()
    if missing is not None:
        print(missing, file=sys.stderr)
        return 1
    setup_logging()  # never raises: records go to stderr when the data folder cannot hold them
    app = make_application()
    app.setWindowIcon(app_icon())
    crash.install()
    try:
        target = resolve_target(args.db)
    except OSError as exc:  # the data folder cannot be created
        return _cannot_start(exc, "")
    instance = SingleInstance(target)
    if not instance.claim():
        if instance.forwarded:
            log.info("another window has this database open; asked it to come forward")
        else:
            _tell_already_open(instance)
        return 0
    try:
        db = _open_or_rescue(open_database, args.db, target)
    except (DatabaseEnvironmentError, OSError) as exc:
        instance.close()
        return _cannot_start(exc, target)
    if db is None:  # damaged, no backup restored: the damaged-database dialog said so
        instance.close()
        return 1
    if getattr(db, "opened_on_full_disk", False):
        # Readable only, and only by this connection: the window needs to write (and its tasks
        # need connections of their own), so it does not start.
        db.close()
        instance.close()
        return _cannot_start(FULL_AT_START, target)
    collector = MainThreadCollector(app)  # cycles are freed on this thread, never a worker's
    collector.start()
    apply_theme(app, "system")
    controller = Controller(describe(db), automatic_backups=True, background_after_paint=True)
    instance.activated.connect(controller.bring_to_front)
    if not controller.start():
        instance.close()
        return 0
    assert controller.window is not None
    after_first_paint(controller.window, controller.after_start)
    # PySide6's import hook reads the source of every module imported after it (looking for its
    # __feature__ switches) into linecache: about 16 MB of lines nothing else needs. Tracebacks
    # read them again from the files when they need them.
    after_first_paint(controller.window, linecache.clearcache)
    code = app.exec()
    instance.close()
    db.close()
    return code


FULL_AT_START = DatabaseEnvironmentError(
    "The disk holding the database is full. Free some space, then start CPE Tracker again; "
    "nothing that was already saved was lost.",
    kind="full",
)


def _cannot_start(exc: BaseException, target: str) -> int:
    """Say in a dialog why the program cannot start (a bug is raised to the crash dialog)."""
    friendly = classify(exc)
    if friendly is None:
        raise exc
    log.warning("cannot start: %s", exc)
    QMessageBox.critical(None, "CPE Tracker cannot start", str(located(friendly, target)))
    return 1


def _tell_already_open(instance: SingleInstance) -> None:
    holder = f" ({instance.holder.describe()})" if instance.holder is not None else ""
    QMessageBox.information(
        None,
        "CPE Tracker is already open",
        f"CPE Tracker already has this database open{holder}, and that window did not come "
        "forward. Close it (or wait for it to finish), then start CPE Tracker again. If it is "
        f"not running anywhere, delete the lock file {instance.lock_file} and try again.",
    )
