"""Attaching and opening a record's certificate file: the file picker and the system viewer.

The record form stores the file on Save (``services.certificates.store``); until then "Open
certificate" shows the file just chosen, afterwards the stored copy. Opening goes through the
desktop (``QDesktopServices``), so the user's own PDF or picture viewer shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.errors import ServiceError
from cpe_desktop.ui.forms.inputs import describe, show_message

if TYPE_CHECKING:
    from cpe_desktop.ui.forms.record_form import RecordForm

FILTER = "Certificates (*.pdf *.png *.jpg *.jpeg);;All files (*)"


def choose_file(parent: QWidget) -> Path | None:
    """The certificate file the user picks, or None."""
    path, _ = QFileDialog.getOpenFileName(parent, "Attach certificate", "", FILTER)
    return Path(path) if path else None


def open_button(form: RecordForm) -> QPushButton:
    """ "Open certificate": shows the attached file in the system's viewer."""
    button = QPushButton("Open certificate")
    button.setToolTip("Open the certificate with the program this computer uses for it")
    button.clicked.connect(lambda: open_certificate(form))
    return button


def open_certificate(form: RecordForm) -> bool:
    """Show the form's certificate (the file just chosen, else the stored one) in its viewer."""
    try:
        if form.certificate_path is not None:
            path = form.certificate_path
        elif form.attachment_id is not None:
            path = attachments.path_of(attachments.get_attachment(form.ctx, form.attachment_id))
        else:
            return False
    except ServiceError as exc:
        show_message(form.certificate_error, describe("Certificate", str(exc)))
        return False
    if not path.is_file():
        message = f"the file {path.name!r} is missing; attach the certificate again"
        show_message(form.certificate_error, describe("Certificate", message))
        return False
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        message = "no program on this computer opens this kind of file"
        show_message(form.certificate_error, describe("Certificate", message))
        return False
    return True
