"""The desktop program's wiring: one instance per database, the database opened (with friendly
errors), the person chosen, the main window shown, and the menu actions that need the whole app."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from cpe_desktop import __version__
from cpe_desktop.clock import Clock, SystemClock
from cpe_desktop.db.database import describe, resolve_target
from cpe_desktop.db.errors import DatabaseEnvironmentError
from cpe_desktop.log import setup_logging
from cpe_desktop.services import preferences
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.ui import crash
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.dialogs.about import show_about
from cpe_desktop.ui.dialogs.preferences_dialog import PreferencesDialog
from cpe_desktop.ui.forms.registry import open_editor
from cpe_desktop.ui.icons import app_icon
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.session import choose_user, context_for
from cpe_desktop.ui.single_instance import SingleInstance
from cpe_desktop.ui.theme import apply_theme, prepare_application

log = logging.getLogger(__name__)

ORGANIZATION = "CPE Tracker"
APPLICATION = "CPE Tracker"


def make_application() -> QApplication:
    existing = QApplication.instance()
    if existing is not None:
        return existing  # tests own theirs
    prepare_application()
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(sys.argv[:1])
    QGuiApplication.setDesktopFileName("cpe-tracker")
    use_readable_locale()
    return app


def use_readable_locale() -> None:
    """Without a configured locale (LANG unset gives Qt's "C"), dates would read "25 11 2026";
    fall back to US English, the convention of the boards this program serves."""
    if QLocale().language() == QLocale.Language.C:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


class Controller:
    """Holds the signed-in session and answers the menu actions that reach beyond one tab."""

    def __init__(self, database_location: str, clock: Clock | None = None) -> None:
        self.database_location = database_location
        self.clock = clock or SystemClock()
        self.bus = ChangeBus()
        self.window: MainWindow | None = None
        self.ctx: ServiceContext | None = None

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
        self.window.show()
        if old is not None:
            old.hide()
            old.deleteLater()
        return True

    def switch_user(self) -> None:
        self.start(self.window, switching=True)

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
        assert self.ctx is not None and self.ctx.actor.user_id is not None
        dialog = PreferencesDialog(self.ctx, self.ctx.actor.user_id, parent)
        if dialog.exec() and dialog.outcome is not None:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, dialog.outcome.value["theme"])
            self.bus.publish(dialog.outcome)

    def import_data(self, parent: QWidget) -> None:
        from cpe_desktop.services.interchange import import_file

        name, _ = QFileDialog.getOpenFileName(
            parent, "Import", str(Path.home()), "CPE Tracker files (*.json *.csv)"
        )
        if not name:
            return
        self._run_file_task(parent, "importing", lambda: import_file(self.ctx, Path(name)))

    def export_data(self, parent: QWidget) -> None:
        from cpe_desktop.services.interchange import export_file

        name, chosen = QFileDialog.getSaveFileName(
            parent,
            "Export",
            str(Path.home() / "cpe-tracker-export.json"),
            "Whole account (*.json);;CPE records spreadsheet (*.csv)",
        )
        if not name:
            return
        fmt = "csv" if name.lower().endswith(".csv") or "csv" in chosen else "json"
        user = None
        if not self.ctx.actor.is_admin:
            from cpe_desktop.services.users import get_user

            user = get_user(self.ctx, self.ctx.actor.user_id).email
        self._run_file_task(
            parent, "exporting", lambda: export_file(self.ctx, Path(name), fmt, user_email=user)
        )

    def _run_file_task(self, parent: QWidget, doing: str, call) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            summary = call()
        except Exception as exc:  # noqa: BLE001 - reported in the right words
            QApplication.restoreOverrideCursor()
            crash.show_error(parent, exc, doing)
            return
        QApplication.restoreOverrideCursor()
        self.bus.publish(getattr(summary, "changes", None))
        QMessageBox.information(parent, "CPE Tracker", summary.describe())


def run_gui(args: argparse.Namespace) -> int:
    from cpe_desktop.startup import open_database

    setup_logging()
    app = make_application()
    app.setWindowIcon(app_icon())
    crash.install()
    target = resolve_target(args.db)
    instance = SingleInstance(target)
    if instance.notify_running():
        log.info("another window has this database open; asked it to come forward")
        return 0
    instance.listen()
    try:
        db = open_database(args.db)
    except DatabaseEnvironmentError as exc:
        QMessageBox.critical(None, "CPE Tracker cannot open its database", str(exc))
        return 1
    apply_theme(app, "system")
    controller = Controller(describe(db))
    instance.activated.connect(controller.bring_to_front)
    if not controller.start():
        return 0
    code = app.exec()
    instance.close()
    db.close()
    return code
