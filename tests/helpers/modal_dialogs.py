"""Driving modal dialogs from tests: a dialog's exec() blocks, so the answer is queued first and
given once the dialog is the active modal widget."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def answer_next_dialog(handle) -> None:
    """Call ``handle(dialog)`` with the next modal dialog, once it is showing."""

    def poke():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poke)
            return
        handle(dialog)

    QTimer.singleShot(0, poke)


def sign_in(qtbot, controller, email: str):
    """Start ``controller`` and pick ``email`` in the sign-in dialog; the window it shows."""
    answer_next_dialog(
        lambda dialog: (
            dialog.account.setCurrentIndex(dialog.account.findData(email)),
            dialog.sign_in(),
        )
    )
    assert controller.start()
    qtbot.addWidget(controller.window)
    return controller.window


def with_dialog(action, handle):
    """Run ``action`` (which opens a modal dialog) and ``handle(dialog)`` once it is up; a failure
    inside ``handle`` closes the dialog and is raised here, so a test can never hang on it. The
    dialog is closed too if ``handle`` leaves it open. Returns the dialog."""
    seen, errors = [], []

    def poke():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poke)
            return
        seen.append(dialog)
        try:
            handle(dialog)
        except BaseException as exc:
            errors.append(exc)
        if dialog.isVisible():
            dialog.reject()

    QTimer.singleShot(0, poke)
    action()
    if errors:
        raise errors[0]
    assert seen, "no dialog opened"
    return seen[0]
