"""What the user sees when something goes wrong: plain words for database trouble they can fix,
and for anything else a crash dialog that names the log file holding the details."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QWidget

from cpe_desktop.log import log_path, logging_to_error_output
from cpe_desktop.services.connection import classify
from cpe_desktop.services.errors import ServiceError
from cpe_desktop.ui import connection_watch

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException, doing: str = "") -> None:
    """Tell the user about ``exc`` in the right words (service refusal, database trouble, bug)."""
    from PySide6.QtWidgets import QMessageBox

    what = f" while {doing}" if doing else ""
    if connection_watch.report(exc):  # the server went away: the banner says so, no dialog
        return
    if isinstance(exc, ServiceError):
        QMessageBox.warning(parent, "CPE Tracker", str(exc))
        return
    friendly = classify(exc)
    if friendly is not None:
        log.warning("database problem%s: %s", what, exc)
        QMessageBox.critical(parent, "Database problem", str(friendly))
        return
    log.error("unexpected error%s", what, exc_info=(type(exc), exc, exc.__traceback__))
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("CPE Tracker hit a problem")
    box.setText(
        f"Something unexpected went wrong{what}. Your saved data is safe; the last change may "
        "not have been saved."
    )
    if logging_to_error_output():
        box.setInformativeText(
            "No log file could be written (the data folder cannot be written to), so the "
            "details are below. Please send them to support if this happens again."
        )
    else:
        box.setInformativeText(
            f"The details were written to the log file:\n{log_path()}\n\n"
            "Please send that file to support if this happens again."
        )
    box.setDetailedText(f"{type(exc).__name__}: {exc}")
    box.exec()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if QApplication.instance() is None:
        log.error("unexpected error", exc_info=(kind, exc, tb))
        sys.__excepthook__(kind, exc, tb)
        return
    show_error(QApplication.activeWindow(), exc)


def install() -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the dialogs above."""
    sys.excepthook = _excepthook
