"""Asking for the mail password on a computer that has no password store to keep it in.

The SMTP password is never kept in the database, so where the operating system
offers no credential store the program asks for it when mail is about to be sent (and for
"Send test email"), and does not save the answer.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QWidget

from cpe_desktop.services.mail.smtp import SmtpSettings


def password_prompt(parent: QWidget | None, settings: SmtpSettings) -> QInputDialog:
    """The (not yet shown) dialog that asks for ``settings``' password."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Mail password")
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setLabelText(
        f"Password for the mail account {settings.user} on {settings.host}:\n"
        "This computer has no password store, so CPE Tracker does not save it."
    )
    dialog.setOkButtonText("Send")
    return dialog


def ask_smtp_password(parent: QWidget | None, settings: SmtpSettings) -> str | None:
    """Ask for the mail password; None when the person cancels."""
    dialog = password_prompt(parent, settings)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.textValue()
    finally:
        dialog.deleteLater()
