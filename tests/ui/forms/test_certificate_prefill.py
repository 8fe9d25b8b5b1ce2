"""Attaching a certificate to a new record: a PDF's text fills the empty fields, each marked
"From certificate — please check" until the user edits or confirms it; saving with marks left
asks first; what the user typed is never replaced; the file opens in the system's viewer."""

from __future__ import annotations

import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRectF, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
)
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QPushButton, QWidget

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.ui import theme
from cpe_desktop.ui.forms.certificate_prefill import NOTE
from cpe_desktop.ui.forms.record_form import RecordForm
from tests.helpers.certificate_pdfs import (
    BIG_FOUR_WEBCAST,
    LAYOUTS,
    NANO_LEARNING,
    QAS_SELF_STUDY,
    STATE_SOCIETY_SEMINAR,
    scanned_pdf,
)

pytestmark = pytest.mark.gui
FILLED = ("title", "sponsor", "sponsor_id", "completed_on", "delivery_method")
LABELS = ["Title", "Sponsor", "NASBA sponsor ID", "Completed on", "Delivery method"]


def _form(qtbot, ctx, **kwargs) -> RecordForm:
    form = RecordForm(ctx, **kwargs)
    qtbot.addWidget(form)
    with qtbot.waitExposed(form):
        form.show()
    with qtbot.waitActive(form):
        form.activateWindow()
    return form


def _badges(form: RecordForm) -> list[QLabel]:
    return [b for b in form.findChildren(QLabel) if NOTE in b.text() and b.isVisible()]


def _lines(layout) -> list[tuple[str, str]]:
    return [(field, str(credits)) for field, credits in layout.expected["fields"]]


def _answer(action, button_text: str, seen: list[QMessageBox]):
    """Run ``action``; click ``button_text`` in the message box it opens (recorded in ``seen``)."""

    def poke() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, poke)
            return
        seen.append(box)
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == button_text]
        button.click()

    QTimer.singleShot(0, poke)
    return action()


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_each_certificate_fills_the_form_and_marks_every_value(qtbot, people, tmp_path, layout):
    form = _form(qtbot, people.as_ann)
    assert form.set_certificate_file(layout.write(tmp_path))
    expected = layout.expected
    assert {key: form.inputs[key].value() for key in FILLED} == {k: expected[k] for k in FILLED}
    assert form.grid.lines() == _lines(layout)
    lines = [f"Credits line {n}" for n in range(1, len(expected["fields"]) + 1)]
    assert form.prefill.pending() == LABELS + lines
    assert len(_badges(form)) == len(FILLED) + 1  # one per input, one under the credits grid
    assert form.prefill.banner.isVisible() and form.prefill.confirm_button.isVisible()
    count = len(FILLED) + len(lines)
    assert form.prefill.message.text().startswith(f"{count} values from the certificate to check")
    sponsor_id = form.inputs["sponsor_id"].widget
    assert "Read from the certificate:" in sponsor_id.toolTip()
    assert expected["sponsor_id"] in sponsor_id.toolTip()
    assert NOTE in sponsor_id.accessibleDescription()


def test_dropping_a_certificate_fills_the_form(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(NANO_LEARNING.write(tmp_path)))])
    how = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    target = form.inputs["notes"].widget
    QApplication.sendEvent(target, QDragEnterEvent(QPoint(5, 5), *how))
    QApplication.sendEvent(target, QDropEvent(QPointF(5, 5), *how))
    assert form.inputs["title"].value() == "Lease Classification Basics"
    assert form.inputs["notes"].value() is None
    assert "Title" in form.prefill.pending()


def test_editing_a_value_clears_only_its_mark(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    form.set_certificate_file(QAS_SELF_STUDY.write(tmp_path))
    sponsor = form.inputs["sponsor"].widget
    sponsor.setFocus()
    qtbot.keyClick(sponsor, Qt.Key.Key_End)
    qtbot.keyClick(sponsor, Qt.Key.Key_Backspace)
    assert "Sponsor" not in form.prefill.pending()
    assert sponsor.toolTip() == ""  # its own (empty) tooltip is back
    qtbot.keyClick(form.grid.field_combo(1), Qt.Key.Key_Down)  # a keyboard choice is an edit
    assert form.prefill.pending() == [
        "Title",
        "NASBA sponsor ID",
        "Completed on",
        "Delivery method",
        "Credits line 1",
    ]
    assert len(_badges(form)) == 5  # four inputs and the grid's (line 1 is still unchecked)
    assert "5 values from the certificate to check" in form.prefill.message.text()


def test_removing_a_marked_credits_line_removes_its_mark(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    form.set_certificate_file(STATE_SOCIETY_SEMINAR.write(tmp_path))
    removed = form.grid.field_combo(1)
    removed.setFocus()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(form.grid.field_combo(1), Qt.Key.Key_R, ctrl_shift)  # Remove line
    assert form.grid.lines() == [("Taxes", "12.0"), ("Business Management & Organization", "2.0")]
    assert form.prefill.pending()[-2:] == ["Credits line 1", "Credits line 2"]
    assert form.prefill.message.text().startswith("7 values from the certificate to check")
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not shiboken6.isValid(removed)  # the line's widgets are gone
    form.prefill.confirm_all()
    assert form.prefill.pending() == [] and _badges(form) == []


def test_what_the_user_typed_is_never_replaced(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    qtbot.keyClicks(form.inputs["title"].widget, "My title")
    form.inputs["delivery_method"].set_value("Group Live")
    form.inputs["completed_on"].set_value(dt.date(2025, 1, 31))
    form.grid.field_combo(0).setCurrentIndex(form.grid.field_combo(0).findData("Auditing"))
    form.set_certificate_file(BIG_FOUR_WEBCAST.write(tmp_path))
    assert form.inputs["title"].value() == "My title"
    assert form.inputs["delivery_method"].value() == "Group Live"
    assert form.inputs["completed_on"].value() == dt.date(2025, 1, 31)
    assert form.grid.lines() == [("Auditing", "")]
    assert form.inputs["sponsor"].value() == "Harbor & Finch LLP"
    assert form.prefill.pending() == ["Sponsor", "NASBA sponsor ID"]
    assert "already filled in were left as they were" in form.prefill.message.text()


def test_saving_with_unchecked_values_asks_and_check_first_keeps_the_form(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    form.set_certificate_file(NANO_LEARNING.write(tmp_path))
    seen: list[QMessageBox] = []
    assert not _answer(form.save, "Check them first", seen)
    [box] = seen
    assert box.text() == "6 fields were filled from the certificate; have you checked them?"
    assert "Not yet checked: Title, Sponsor, NASBA sponsor ID" in box.informativeText()
    assert box.defaultButton().text() == "&Check them first"  # Enter does the careful thing
    assert box.escapeButton() is box.defaultButton()
    assert CpeRecord.select().count() == 0
    assert form.isVisible() and len(form.prefill.pending()) == 6
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.inputs["title"].widget)


def test_saying_yes_saves_what_the_certificate_said(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    source = NANO_LEARNING.write(tmp_path)
    form.set_certificate_file(source)
    seen: list[QMessageBox] = []
    assert _answer(form.save, "Yes, save", seen)
    record = CpeRecord.get_by_id(form.outcome.value.record_id)
    expected = NANO_LEARNING.expected
    assert (record.title, record.sponsor, record.sponsor_id) == (
        expected["title"],
        expected["sponsor"],
        expected["sponsor_id"],
    )
    assert (record.completed_on, record.delivery_method) == (
        expected["completed_on"],
        expected["delivery_method"],
    )
    assert [(c.field_of_study, c.credits) for c in record.credits] == expected["fields"]
    assert attachments.path_of(record.attachment).read_bytes() == source.read_bytes()


def test_confirm_button_clears_the_marks_and_save_does_not_ask(
    qtbot, people, tmp_path, monkeypatch
):
    form = _form(qtbot, people.as_ann)
    form.set_certificate_file(NANO_LEARNING.write(tmp_path))
    confirm = form.prefill.confirm_button
    assert confirm.text() == "Con&firm pre-filled values"
    assert confirm in [w for w in form.focus_chain() if w.isEnabled()]
    qtbot.keyClick(form, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)  # its mnemonic
    qtbot.waitUntil(lambda: form.prefill.pending() == [])  # a mnemonic animates the click
    assert _badges(form) == []
    assert form.prefill.message.text() == "All pre-filled values are checked."
    assert not confirm.isVisible()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail(f"asked: {box.text()}"))
    assert form.save()


def test_a_second_certificate_withdraws_the_unchecked_values_of_the_first(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    form.set_certificate_file(BIG_FOUR_WEBCAST.write(tmp_path))
    form.inputs["sponsor"].widget.setText("Typed by me")
    form.set_certificate_file(QAS_SELF_STUDY.write(tmp_path))
    assert form.inputs["sponsor"].value() == "Typed by me"
    assert form.inputs["title"].value() == "Individual Taxation Update 2025"
    assert form.inputs["delivery_method"].value() == "QAS Self Study"
    assert form.grid.lines() == _lines(QAS_SELF_STUDY)
    assert "Sponsor" not in form.prefill.pending() and "Title" in form.prefill.pending()


def test_a_scan_fills_nothing_and_says_why(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    source = tmp_path / "scan.pdf"
    source.write_bytes(scanned_pdf())
    assert form.set_certificate_file(source)
    assert form.prefill.pending() == [] and _badges(form) == []
    assert "no text layer" in form.prefill.message.text()
    assert form.prefill.banner.isVisible() and not form.prefill.confirm_button.isVisible()
    assert form.inputs["title"].value() is None


def test_a_certificate_printed_by_qt_with_embedded_fonts_fills_the_form(qtbot, people, tmp_path):
    path = tmp_path / "qt-certificate.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    writer.setResolution(72)
    painter = QPainter(writer)
    lines = [
        (24, True, "Certificate of Completion"),
        (12, False, "Awarded to Ann Member for successfully completing"),
        (18, True, "Governmental Audit Essentials"),
        (11, False, "Sponsor: Capitol CPE Partners        NASBA Sponsor ID: 131313"),
        (11, False, "Date Completed: 04/15/2025"),
        (11, False, "Field of Study: Auditing (Governmental) \u2013 3.0"),
        (11, False, "Delivery Method: Group Internet Based"),
    ]
    for number, (size, bold, text) in enumerate(lines):
        font = QFont("DejaVu Sans", size)
        font.setBold(bold)
        painter.setFont(font)
        painter.drawText(QRectF(40, 60 + number * 40, 700, 36), Qt.AlignmentFlag.AlignHCenter, text)
    painter.end()
    form = _form(qtbot, people.as_ann)
    form.set_certificate_file(path)
    assert {key: form.inputs[key].value() for key in FILLED} == {
        "title": "Governmental Audit Essentials",
        "sponsor": "Capitol CPE Partners",
        "sponsor_id": "131313",
        "completed_on": dt.date(2025, 4, 15),
        "delivery_method": "Group Internet Based",
    }
    assert form.grid.lines() == [("Auditing (Governmental)", "3.0")]


def test_tab_reaches_the_confirm_button_before_save(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    form.set_certificate_file(NANO_LEARNING.write(tmp_path))
    form.prefill.banner.show()
    form.open_button.setFocus()
    visited: list[QPushButton] = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert visited == [form.unlink_button, form.prefill.confirm_button, form.save_button]


def test_pressing_escape_in_the_question_keeps_the_form_open(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    form.set_certificate_file(NANO_LEARNING.write(tmp_path))

    def escape() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, escape)
            return
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    QTimer.singleShot(0, escape)
    assert not form.save()
    assert form.result() != QDialog.DialogCode.Accepted and CpeRecord.select().count() == 0


@pytest.fixture
def themed(qapp):
    """The application's look, given back after the test switches themes."""
    sheet, palette = qapp.styleSheet(), QPalette(qapp.palette())
    style = qapp.style().name() or "Fusion"
    yield qapp
    qapp.styleHints().setColorScheme(Qt.ColorScheme.Unknown)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    theme._state.preference, theme._state.scheme = "system", None


def _strongest_contrast(image: QImage, background: QColor) -> float:
    colours = {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}
    return max(theme.contrast_ratio(QColor.fromRgb(rgb), background) for rgb in colours)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_marks_are_readable_in_light_and_dark(qtbot, people, tmp_path, themed, scheme):
    theme.apply_theme(themed, scheme)
    form = _form(qtbot, people.as_ann)
    form.set_certificate_file(NANO_LEARNING.write(tmp_path))
    badge = _badges(form)[0]
    picture = badge.grab().toImage()
    background = QColor.fromRgb(picture.pixel(4, picture.height() // 2))
    assert _strongest_contrast(picture, background) >= 4.5  # the words on the badge
    sponsor = form.inputs["sponsor"].widget  # not focused: no focus frame
    outline = [w for w in form.findChildren(QWidget) if getattr(w, "target", None) is sponsor]
    assert len(outline) == 1 and outline[0].isVisible()
    ringed = form.grab(sponsor.geometry().translated(sponsor.parentWidget().mapTo(form, QPoint())))
    edge = ringed.toImage().copy(0, 0, 2, ringed.height())
    window = form.palette().color(QPalette.ColorRole.Base)
    assert _strongest_contrast(edge, window) >= 3  # WCAG's minimum for a control's outline
