"""Attaching and opening a record's certificate from the form: the file picker, the system
viewer, and the files the form refuses (too big) or keeps only as a label (path-like names);
the same certificate attached to two records is stored once."""

from __future__ import annotations

import hashlib
import os

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices

from cpe_desktop import paths
from cpe_desktop.db.models import Attachment, CertificateContent, CpeRecord
from cpe_desktop.services import records
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.ui.forms import certificate_files
from cpe_desktop.ui.forms.record_form import RecordForm
from tests.helpers.certificate_pdfs import NANO_LEARNING, QAS_SELF_STUDY

pytestmark = pytest.mark.gui


def _form(qtbot, ctx, **kwargs) -> RecordForm:
    form = RecordForm(ctx, **kwargs)
    qtbot.addWidget(form)
    with qtbot.waitExposed(form):
        form.show()
    with qtbot.waitActive(form):
        form.activateWindow()
    return form


def test_attach_certificate_button_opens_a_file_picker(qtbot, people, tmp_path, monkeypatch):
    form = _form(qtbot, people.as_ann)
    source = QAS_SELF_STUDY.write(tmp_path)
    asked = []

    def pick(parent, caption, folder, filters):
        asked.append((caption, filters))
        return str(source), filters

    monkeypatch.setattr(certificate_files.QFileDialog, "getOpenFileName", pick)
    assert form.choose_button.text() == "Attach certificate\u2026"
    qtbot.mouseClick(form.choose_button, Qt.MouseButton.LeftButton)
    assert asked and "*.pdf" in asked[0][1]
    assert form.certificate_path == source
    assert form.inputs["sponsor"].value() == "Summit Self-Study CPE, Inc."


def test_open_certificate_shows_the_chosen_then_the_stored_file(
    qtbot, people, tmp_path, monkeypatch
):
    shown: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: shown.append(url) or True)
    form = _form(qtbot, people.as_ann)
    assert not form.open_button.isEnabled()
    source = NANO_LEARNING.write(tmp_path)
    form.set_certificate_file(source)
    form.prefill.confirm_all()
    assert form.open_button.isEnabled()
    qtbot.mouseClick(form.open_button, Qt.MouseButton.LeftButton)
    assert shown == [QUrl.fromLocalFile(str(source))]
    assert form.save()
    stored = attachments.path_of(CpeRecord.get_by_id(form.outcome.value.record_id).attachment)
    edit = _form(qtbot, people.as_ann, record_id=form.outcome.value.record_id)
    qtbot.mouseClick(edit.open_button, Qt.MouseButton.LeftButton)
    assert shown[-1] == QUrl.fromLocalFile(str(stored))
    stored.unlink()  # the data folder lost the file
    CertificateContent.delete().execute()  # and a server's copy: lost everywhere
    qtbot.mouseClick(edit.open_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 2
    assert "is missing; attach the certificate again" in edit.certificate_error.text()


def test_an_oversize_certificate_is_refused_in_the_form(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    source = tmp_path / "huge.pdf"
    source.write_bytes(NANO_LEARNING.pdf())
    os.truncate(source, attachments.MAX_BYTES + 1)
    assert not form.set_certificate_file(source)
    assert form.certificate_path is None and form.prefill.pending() == []
    assert form.certificate_error.text() == (
        "Certificate: 'huge.pdf' is 20.0 MB; certificates may be at most 20 MB"
    )


def test_a_path_like_file_name_is_kept_only_as_a_label(qtbot, people, tmp_path):
    source = tmp_path / "..\\..\\Windows\\evil.pdf"  # one odd but legal name on this system
    source.write_bytes(NANO_LEARNING.pdf())
    form = _form(qtbot, people.as_ann)
    assert form.set_certificate_file(source)
    form.prefill.confirm_all()
    assert form.save()
    attachment = Attachment.get_by_id(form.outcome.value.attachment_id)
    assert attachment.original_name == "evil.pdf"
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert attachments.path_of(attachment) == paths.attachments_dir() / sha[:2] / f"{sha}.pdf"


def test_the_same_certificate_attached_twice_is_stored_once(qtbot, people, tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "copy of a.pdf"
    first.write_bytes(NANO_LEARNING.pdf())
    second.write_bytes(NANO_LEARNING.pdf())
    saved = []
    for source in (first, second):
        form = _form(qtbot, people.as_ann)
        form.set_certificate_file(source)
        form.prefill.confirm_all()
        assert form.save()
        saved.append(form.outcome.value)
    assert saved[0].attachment_id == saved[1].attachment_id
    assert len([p for p in paths.attachments_dir().rglob("*") if p.is_file()]) == 1
    assert len(records.list_records(people.as_ann)) == 2


def test_a_picture_is_attached_but_fills_nothing(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    picture = tmp_path / "certificate.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    assert form.set_certificate_file(picture)
    assert form.certificate_path == picture and form.prefill.pending() == []
    assert "pictures cannot pre-fill the form" in form.prefill.message.text()
