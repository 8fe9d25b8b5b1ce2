"""The window's start: the application object, the one-instance lock, the database opened (a
damaged one rescued from a backup when the person agrees), friendly words when it cannot start,
then the :class:`~cpe_desktop.ui.controller.Controller` that signs someone in."""

from __future__ import annotations

import argparse
import functools
import linecache
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QCoreApplication, QLocale, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from cpe_desktop import __version__
from cpe_desktop.log import setup_logging
from cpe_desktop.services.connection import (
    DatabaseEnvironmentError,
    classify,
    describe_database,
    located,
    resolve_target,
)
from cpe_desktop.ui import crash
from cpe_desktop.ui.controller import Controller
from cpe_desktop.ui.dates import use_locale_dates
from cpe_desktop.ui.first_paint import after_first_paint
from cpe_desktop.ui.gc_guard import MainThreadCollector
from cpe_desktop.ui.icons import app_icon
from cpe_desktop.ui.single_instance import SingleInstance
from cpe_desktop.ui.theme import (
    STYLE_NAME,
    apply_theme,
    outline_indicators,
    outline_indicators_later,
    prepare_application,
)

log = logging.getLogger(__name__)

ORGANIZATION = "CPE Tracker"
APPLICATION = "CPE Tracker"


def make_application() -> QApplication:
    existing = QApplication.instance()
    if existing is not None:
        return cast(QApplication, existing)  # tests own theirs
    prepare_application()
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    # In Fusion from the start (apply_theme installs it too, once the window has been painted,
    # edged: ui/theme.outline_indicators_later).
    app = QApplication([*sys.argv[:1], "-style", STYLE_NAME])
    QGuiApplication.setDesktopFileName("cpe-tracker")
    use_readable_locale()
    use_locale_dates()  # one date format in every sentence, the same as the date inputs'
    return app


def use_readable_locale() -> None:
    """Without a configured locale (LANG unset gives Qt's "C"), dates would read "25 11 2026";
    fall back to US English, the convention of the boards this program serves."""
    if QLocale().language() == QLocale.Language.C:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def _open_or_rescue(open_database: Callable[..., Any], db_path: str | None, target: str):
    """``open_database(db_path)``; when the SQLite file is damaged, first offer to restore the
    newest good backup (the damaged file is kept aside), then open the restored database. None
    when the person chose Quit instead."""
    try:
        return open_database(db_path)
    except DatabaseEnvironmentError as exc:
        from cpe_desktop.startup import damaged_file, restore_damaged
        from cpe_desktop.ui.dialogs.backups_dialog import offer_restore_on_damage

        db_file = damaged_file(target, exc)
        if db_file is None:
            raise

        def restore(source: Path) -> str:
            return restore_damaged(db_file, source)

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
    if not instance.claim(listen=False):
        if instance.forwarded:
            log.info("another window has this database open; asked it to come forward")
        else:
            _tell_already_open(instance)
        return 0
    # The socket later launches knock on (they keep knocking for a few seconds) is opened once
    # the window has been painted, or at the event loop's first turn when that is a dialog's
    # (signing in, a damaged database): someone may start the program again while it waits.
    # The check boxes' edges are drawn from then on too, and the window's cycle collector
    # (ui/gc_guard.py) starts: its first collection, of everything the start made, comes after
    # the paint (until then Python's own waits too, cli._cycles_collected_later).
    window_up: list[QWidget] = []
    collector = MainThreadCollector(app)  # cycles are freed on this thread, never a worker's

    def after_paint(*, unless_window_up: bool = False) -> None:
        if unless_window_up and window_up:
            return
        collector.start()
        if instance.claimed:  # (not after giving up)
            outline_indicators(app)
            instance.listen()

    QTimer.singleShot(0, functools.partial(after_paint, unless_window_up=True))
    # The audit log's newest entries are checked once the window has been painted
    # (Controller.after_start).
    opening = functools.partial(open_database, check_audit_log=False)
    try:
        db = _open_or_rescue(opening, args.db, target)
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
    outline_indicators_later()  # (ui/theme.py) until the first window, or a dialog, is up
    try:
        return _show_window(app, db, instance, after_paint, window_up)
    finally:
        outline_indicators(app)  # however the start ended (nothing to do once painted)


def _show_window(
    app: QApplication,
    db: Any,
    instance: SingleInstance,
    after_paint: Callable[[], None],
    window_up: list[QWidget],
) -> int:
    """The person chosen, their window shown, the event loop run; its exit code (0 when they
    cancelled)."""
    apply_theme(app, "system")
    controller = Controller(
        describe_database(db), automatic_backups=True, background_after_paint=True
    )
    instance.activated.connect(controller.bring_to_front)
    if not controller.start():
        instance.close()
        return 0
    assert controller.window is not None
    window_up.append(controller.window)
    after_first_paint(controller.window, after_paint)
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
    from PySide6.QtWidgets import QMessageBox

    friendly = classify(exc)
    if friendly is None:
        raise exc
    log.warning("cannot start: %s", exc)
    QMessageBox.critical(None, "CPE Tracker cannot start", str(located(friendly, target)))
    return 1


def _tell_already_open(instance: SingleInstance) -> None:
    from PySide6.QtWidgets import QMessageBox

    holder = f" ({instance.holder.describe()})" if instance.holder is not None else ""
    QMessageBox.information(
        None,
        "CPE Tracker is already open",
        f"CPE Tracker already has this database open{holder}, and that window did not come "
        "forward. Close it (or wait for it to finish), then start CPE Tracker again. If it is "
        f"not running anywhere, delete the lock file {instance.lock_file} and try again.",
    )
