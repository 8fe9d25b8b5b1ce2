"""The signed-in session: the person chosen, their main window shown, the background work
(reminders, tray, other desks' changes) started and stopped, Switch user and Quit, and the menu
actions that reach beyond one tab (the File menu's long work is in ``file_actions``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

import shiboken6
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from cpe_desktop.clock import Clock, SystemClock
from cpe_desktop.services import connection, preferences
from cpe_desktop.services.changes import USERS, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.ui import connection_watch
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.file_actions import FileActions
from cpe_desktop.ui.first_paint import after_first_paint
from cpe_desktop.ui.icons import app_icon
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.session import choose_user, context_for
from cpe_desktop.ui.task_runner import TaskRunner
from cpe_desktop.ui.theme import apply_theme

if TYPE_CHECKING:  # (QMessageBox: imported where used)
    from PySide6.QtWidgets import QMessageBox

    # imported when the reminders start, after the window's first paint
    from cpe_desktop.ui.live_refresh import LiveRefresh
    from cpe_desktop.ui.reminder_session import ReminderSession
    from cpe_desktop.ui.tray import Tray

log = logging.getLogger(__name__)


def open_editor(
    parent: QWidget | None,
    table_name: str,
    ctx: ServiceContext,
    pk: int | None = None,
    focus: str | None = None,
) -> Outcome | None:
    """The window's editor: ``ui/forms/registry.open_editor``, whose forms are imported when the
    first one opens (the start does not need them)."""
    from cpe_desktop.ui.forms.registry import open_editor as open_form

    return open_form(parent, table_name, ctx, pk, focus)


class Controller(FileActions):
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
            dashboard_after_paint=self.background_after_paint,
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
        from cpe_desktop.ui.notifier import tray_is_available
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
        from PySide6.QtCore import Qt  # (after the first paint: see ui/qt_numbers.py)
        from PySide6.QtWidgets import QMessageBox

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
        from PySide6.QtCore import Qt  # (after the first paint: see ui/qt_numbers.py)

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
        from cpe_desktop.ui.dialogs.about import show_about

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

    def after_start(self) -> None:
        """Once the window shows: the automatic backup when one is due, and the one-time
        warning about a data folder inside a syncing service's folder."""
        from cpe_desktop.services.backups import automatic as backups

        self.warn_about_audit_log()
        db_file = connection.database_file()
        if db_file is None or self.ctx is None:
            return  # PostgreSQL: backed up on its server
        self.warn_about_sync_folder(db_file.parent)
        if not self.automatic_backups or not backups.is_due(db_file, self.clock):
            return
        self.tasks.submit(
            "Automatic backup",
            lambda progress: backups.automatic_backup(
                connection.current_database(), self.clock, backups.keep_policy(), only_if_due=True
            ),
            on_done=lambda made: None,
            on_error=self._automatic_backup_failed,
        )

    def warn_about_audit_log(self) -> None:
        """The audit log's newest entries checked against their chain (what no longer matches,
        edited or removed outside the program, is logged); an administrator is told at once, and
        the Audit Log tab says exactly what."""
        from PySide6.QtCore import Qt  # (after the first paint: see ui/qt_numbers.py)
        from PySide6.QtWidgets import QMessageBox

        from cpe_desktop.services.audit import chain as audit_chain

        if self.window is None or self.ctx is None:
            return
        problems = audit_chain.check_at_start()
        if not problems or not self.ctx.actor.is_admin:
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

    def warn_about_sync_folder(self, folder: Path) -> None:
        """Tell once (per person and folder) that the data folder is inside Dropbox & co."""
        from PySide6.QtWidgets import QMessageBox

        from cpe_desktop.services.backups import automatic as backups

        warning = backups.sync_folder_warning(folder)
        if warning is None or self.ctx is None or self.ctx.actor.user_id is None:
            return
        user_id = self.ctx.actor.user_id
        if preferences.get_preferences(self.ctx, user_id)["sync_warning_shown_for"] == str(folder):
            return
        QMessageBox.warning(self.window, "The data folder is in a synced folder", warning)
        preferences.set_preferences(self.ctx, user_id, {"sync_warning_shown_for": str(folder)})


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
