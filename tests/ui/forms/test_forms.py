"""Add/edit forms: generated and hand-made dialogs validate next to the field, save all or nothing,
and can be driven entirely from the keyboard (offscreen)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDateEdit, QDialog, QLabel, QWidget

from cpe_desktop.db.models import Attachment, CpeRecord, License, RecordCredit, Reminder, User
from cpe_desktop.services import (
    credentials,
    custom_fields,
    licenses,
    records,
    requirements,
    users,
)
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.editing import entities
from cpe_desktop.services.editing.entities import FORM_SPECS
from cpe_desktop.ui.forms import registry
from cpe_desktop.ui.forms.form_dialog import FormDialog
from cpe_desktop.ui.forms.inputs import date_format
from cpe_desktop.ui.forms.record_form import RecordForm
from tests.helpers import samples

pytestmark = pytest.mark.gui
PDF = b"%PDF-1.4\n%%EOF\n"
TEXAS = {"credential": "CPA", "jurisdiction": "Texas", "issued_on": "2010-05-01"}
RECORD = {
    "title": "Ethics",
    "completed_on": "2026-03-02",
    "delivery_method": "Group Live",
    "credits": [{"field": "Regulatory Ethics", "credits": 4}],
}


def _shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    with qtbot.waitActive(dialog):  # shortcuts and focus need the active window
        dialog.activateWindow()
    return dialog


def _select(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


@pytest.mark.parametrize("entity", sorted(FORM_SPECS))
def test_every_form_opens_for_create_and_edit(qtbot, people, entity):
    spec = FORM_SPECS[entity]
    create = _shown(qtbot, FormDialog(people.as_admin, spec))
    assert create.windowTitle().startswith("Add ")
    assert [f.key for f in create.fields] == [f.key for f in spec.fields if not f.edit_only]
    pk = samples.add_sample(entity, people.as_admin, people.ann)
    edit = _shown(qtbot, FormDialog(people.as_admin, spec, pk))
    assert edit.windowTitle().startswith("Edit ")
    data, _ = edit.collect()
    assert data, "an edit form shows the stored values"
    assert edit.save(), edit.form_error.text() + str(
        {k: v.text() for k, v in edit.error_labels.items() if v.text()}
    )
    assert edit.result() == QDialog.DialogCode.Accepted
    assert edit.outcome is not None and edit.outcome.value.get_id() == pk


def test_loaded_values_fill_the_inputs(qtbot, people):
    pk = licenses.create_license(people.as_ann, TEXAS).value.license_id
    dialog = _shown(qtbot, FormDialog(people.as_admin, FORM_SPECS["license"], pk))
    assert dialog.inputs["jurisdiction"].value() == "Texas"
    assert dialog.inputs["issued_on"].value() == dt.date(2010, 5, 1)
    assert dialog.inputs["expires_on"].value() is None
    assert dialog.inputs["user_id"].value() == people.ann.user_id


def test_invalid_email_shows_its_error_next_to_the_field_and_saves_nothing(qtbot, people):
    dialog = _shown(qtbot, FormDialog(people.as_admin, FORM_SPECS["user"]))
    qtbot.keyClicks(dialog.inputs["name"].widget, "Cy Young")
    qtbot.keyClicks(dialog.inputs["email"].widget, "not-an-email")
    before = User.select().count()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    label = dialog.error_labels["email"]
    assert label.isVisible()
    assert label.text().startswith("Email")
    assert "not an email address" in label.text()
    assert label.property("role") == "field-error"
    assert dialog.inputs["email"].widget.accessibleDescription() == label.text()
    assert not dialog.error_labels["name"].isVisible()
    assert dialog.isVisible() and dialog.outcome is None
    assert User.select().count() == before


def test_required_fields_are_checked_as_you_type(qtbot, people):
    dialog = _shown(qtbot, FormDialog(people.as_admin, FORM_SPECS["credential"]))
    name = dialog.inputs["name"].widget
    assert not dialog.error_labels["name"].isVisible()
    qtbot.keyClicks(name, "X")
    name.clear()
    assert dialog.error_labels["name"].isVisible()
    assert dialog.error_labels["name"].text() == "Name is required"
    qtbot.keyClicks(name, "Y")
    assert not dialog.error_labels["name"].isVisible()


def test_valid_license_saves_with_its_custom_value(qtbot, people):
    field = custom_fields.define_field(
        people.as_admin, {"entity": "license", "field_name": "Seat", "field_type": "integer"}
    ).value
    key = f"custom:{field.custom_field_id}"
    dialog = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["license"]))
    assert "user_id" not in dialog.inputs  # a member's form has no holder picker
    _select(dialog.inputs["credential_id"].widget, credentials.by_code("CPA").credential_id)
    qtbot.keyClicks(dialog.inputs["jurisdiction"].widget.lineEdit(), "Texas")
    qtbot.keyClicks(dialog.inputs[key].widget, "12")
    qtbot.keyClick(dialog.inputs[key].widget, Qt.Key.Key_Return)  # Enter presses Save
    assert dialog.result() == QDialog.DialogCode.Accepted
    license_ = License.get_by_id(dialog.outcome.value.license_id)
    assert (license_.user_id, license_.jurisdiction) == (people.ann.user_id, "Texas")
    assert custom_fields.values_for("license", license_.license_id) == {"Seat": 12}


def test_bad_custom_value_is_shown_next_to_it_and_nothing_is_saved(qtbot, people):
    field = custom_fields.define_field(
        people.as_admin, {"entity": "license", "field_name": "Renewal", "field_type": "date"}
    ).value
    custom_fields.update_field(people.as_admin, field.custom_field_id, {"required": True})
    key = f"custom:{field.custom_field_id}"
    dialog = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["license"]))
    _select(dialog.inputs["credential_id"].widget, credentials.by_code("CPA").credential_id)
    dialog.inputs["jurisdiction"].set_value("Texas")
    assert not dialog.save()
    assert dialog.error_labels[key].text() == "Renewal is required"
    assert License.select().count() == 0


def test_server_side_errors_land_next_to_their_fields(qtbot, people):
    dialog = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["license"]))
    _select(dialog.inputs["credential_id"].widget, credentials.by_code("CPA").credential_id)
    dialog.inputs["jurisdiction"].set_value("Texas")
    issued = dialog.inputs["issued_on"]
    issued.focus[0].setChecked(True)
    issued.set_value(dt.date(2020, 1, 1))
    dialog.inputs["expires_on"].set_value(dt.date(2019, 1, 1))
    assert not dialog.save()
    assert "must not be before the issue date" in dialog.error_labels["expires_on"].text()
    assert License.select().count() == 0


def test_permission_problems_show_above_the_form(qtbot, people):
    pk = credentials.by_code("CPA").credential_id
    dialog = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["credential"], pk))
    assert not dialog.save()
    assert dialog.form_error.isVisible()
    assert "administrator" in dialog.form_error.text()


def test_blank_password_on_edit_keeps_the_password(qtbot, people):
    users.update_user(people.as_admin, people.ann.user_id, {"password": "correct horse"})
    dialog = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["user"], people.ann.user_id))
    assert "role" not in dialog.inputs and "active" not in dialog.inputs
    assert dialog.save()
    assert User.get_by_id(people.ann.user_id).password_hash is not None


def test_interval_is_enabled_only_for_every_n_days(qtbot, people):
    dialog = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["reminder"]))
    interval = dialog.inputs["interval_days"]
    assert not interval.widget.isEnabled()
    _select(dialog.inputs["frequency"].widget, "every_n_days")
    assert interval.widget.isEnabled()
    qtbot.keyClicks(interval.widget, "14x")  # digits only
    assert interval.value() == "14"
    qtbot.keyClicks(dialog.inputs["message"].widget, "Look at the dashboard")
    assert dialog.save()
    reminder = Reminder.get_by_id(dialog.outcome.value.reminder_id)
    assert (reminder.interval_days, reminder.user_id) == (14, people.ann.user_id)


def test_dates_follow_the_locale_with_four_digit_years(qtbot, people):
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    try:
        assert date_format() == "M/d/yyyy"
        dialog = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["license"]))
        edit = dialog.inputs["issued_on"].widget.findChild(QDateEdit)
        assert edit.displayFormat() == "M/d/yyyy"
        assert edit.calendarPopup()
    finally:
        QLocale.setDefault(QLocale.c())


def _tab_through(qtbot, dialog: QDialog, stop: QWidget) -> list[QWidget]:
    """The widgets Tab visits, from the first focused one to ``stop`` (repeats folded: a date
    edit takes one Tab per date section, as Qt date edits do)."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    seen = [QApplication.focusWidget()]
    for _ in range(200):
        if seen[-1] is stop:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is not seen[-1]:
            seen.append(QApplication.focusWidget())
    return seen


def test_tab_visits_every_input_in_layout_order(qtbot, people):
    dialog = _shown(qtbot, FormDialog(people.as_admin, FORM_SPECS["license"]))
    dialog.inputs["issued_on"].focus[0].setChecked(True)  # its date edit becomes a stop too
    expected = [w for f in dialog.fields for w in dialog.inputs[f.key].focus if w.isEnabled()]
    seen = _tab_through(qtbot, dialog, dialog.save_button)
    assert seen == [*expected, dialog.save_button]


def test_record_form_tab_order_visits_every_input(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_admin))
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(form.inputs["title"].widget, Qt.Key.Key_A, ctrl_shift)
    assert form.grid.count() == 2
    expected = [w for w in form.focus_chain() if w.isEnabled()]
    form.inputs["user_id"].widget.setFocus()
    seen = _tab_through(qtbot, form, expected[-1])
    assert seen == expected
    assert form.grid.credits_edit(1) in seen
    assert form.inputs["notes"].widget in seen


def _fill_record(qtbot, form: RecordForm) -> None:
    qtbot.keyClicks(form.inputs["title"].widget, "Tax update 2026")
    qtbot.keyClicks(form.inputs["sponsor"].widget, "ACME CPE")
    qtbot.keyClicks(form.inputs["sponsor_id"].widget, "103456")
    _select(form.inputs["delivery_method"].widget, "Group Live")
    _select(form.grid.field_combo(0), "Taxes")
    qtbot.keyClicks(form.grid.credits_edit(0), "2")


def test_record_form_warns_live_blocks_zero_and_saves_when_fixed(qtbot, people, tmp_path):
    form = _shown(qtbot, RecordForm(people.as_ann))
    assert "user_id" not in form.inputs
    _fill_record(qtbot, form)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(form.grid.credits_edit(0), Qt.Key.Key_A, ctrl_shift)
    assert form.grid.count() == 2
    assert QApplication.focusWidget() is form.grid.field_combo(1)
    _select(form.grid.field_combo(1), "Accounting")
    qtbot.keyClicks(form.grid.credits_edit(1), "1.3")
    assert form.grid.warning_label.isVisible()
    assert "Line 2 (Accounting): 1.3 is not a multiple" in form.grid.warning_label.text()
    assert form.grid.total_label.text() == "Total: 3.3 credits"
    form.grid.credits_edit(1).clear()
    qtbot.keyClicks(form.grid.credits_edit(1), "0")
    assert not form.grid.warning_label.isVisible()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.grid.error_label.isVisible()
    assert form.grid.error_label.text() == "Line 2: Credits must be more than zero."
    assert form.grid.credits_edit(1).property("invalid") == "true"
    assert form.grid.credits_edit(0).property("invalid") != "true"
    assert form.isVisible()
    assert CpeRecord.select().count() == 0
    form.grid.credits_edit(1).clear()
    qtbot.keyClicks(form.grid.credits_edit(1), "1.3")
    assert form.grid.credits_edit(1).property("invalid") == "false"
    source = tmp_path / "cert.pdf"
    source.write_bytes(PDF)
    assert form.set_certificate_file(source)
    assert form.certificate_name.text().startswith("cert.pdf")
    assert form.save()
    record = CpeRecord.get_by_id(form.outcome.value.record_id)
    assert record.user_id == people.ann.user_id
    assert form.outcome.warnings and "1.3" in form.outcome.warnings[0]
    assert {"records", "attachments"} <= set(form.outcome.changes.kinds)
    assert sorted((c.field_of_study, c.credits) for c in record.credits) == [
        ("Accounting", Decimal("1.3")),
        ("Taxes", Decimal("2")),
    ]
    assert record.sponsor_id == "103456"
    assert attachments.path_of(record.attachment).read_bytes() == PDF


def test_certificate_is_rolled_back_with_a_refused_record(qtbot, people, tmp_path):
    form = _shown(qtbot, RecordForm(people.as_ann))
    _fill_record(qtbot, form)
    form.inputs["title"].widget.setText("x" * 301)
    source = tmp_path / "cert.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    assert form.set_certificate_file(source)
    assert not form.save()
    assert "at most 300 characters" in form.labels["title"].text()
    assert Attachment.select().count() == 0
    assert CpeRecord.select().count() == 0


def test_wrong_certificate_type_is_refused_when_chosen(qtbot, people, tmp_path):
    form = _shown(qtbot, RecordForm(people.as_ann))
    source = tmp_path / "notes.pdf"
    source.write_text("hello")
    assert not form.set_certificate_file(source)
    assert form.certificate_path is None
    assert "not a PDF, PNG or JPEG" in form.certificate_error.text()


def test_dropping_a_file_on_the_form_chooses_it(qtbot, people, tmp_path):
    form = _shown(qtbot, RecordForm(people.as_ann))
    source = tmp_path / "dropped.pdf"
    source.write_bytes(PDF)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(source))])
    mime.setText(str(source))  # file managers offer the path as text too
    target = form.inputs["title"].widget  # a text field must not swallow the file
    how = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(5, 5), *how)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(target, QDropEvent(QPointF(5, 5), *how))
    assert form.certificate_path == source
    assert form.certificate_name.text().startswith("dropped.pdf")
    assert form.inputs["title"].widget.text() == ""


def test_credit_line_field_errors_and_ethics_jurisdiction(qtbot, people):
    licenses.create_license(people.as_ann, TEXAS)
    form = _shown(qtbot, RecordForm(people.as_ann))
    jurisdiction = form.inputs["ethics_jurisdiction"]
    assert not jurisdiction.widget.isEnabled()
    _fill_record(qtbot, form)
    row = form.grid.add_line()
    qtbot.keyClicks(form.grid.credits_edit(row), "2")
    assert not form.save()
    assert "Line 2 field of study" in form.grid.error_label.text()
    assert form.grid.field_combo(row).property("invalid") == "true"
    _select(form.grid.field_combo(row), "Behavioral Ethics")
    assert jurisdiction.widget.isEnabled()
    assert jurisdiction.value() == "Texas"  # pre-filled from the only license
    assert form.save()
    assert CpeRecord.get_by_id(form.outcome.value.record_id).ethics_jurisdiction == "Texas"


def test_record_edit_loads_lines_and_keeps_certificate(qtbot, people, tmp_path):
    source = tmp_path / "c.pdf"
    source.write_bytes(PDF)
    attachment = attachments.store_certificate(people.as_ann, people.ann.user_id, source).value
    record = records.create_record(
        people.as_ann, RECORD | {"attachment_id": attachment.attachment_id}
    ).value
    form = _shown(qtbot, RecordForm(people.as_admin, record_id=record.record_id))
    assert form.inputs["user_id"].value() == people.ann.user_id
    assert form.grid.lines() == [("Regulatory Ethics", "4")]
    assert form.certificate_name.text() == "c.pdf"
    form.inputs["title"].widget.setText("Ethics (renamed)")
    assert form.save()
    stored = CpeRecord.get_by_id(record.record_id)
    assert (stored.title, stored.attachment_id) == ("Ethics (renamed)", attachment.attachment_id)
    assert RecordCredit.select().count() == 1


def test_escape_cancels_without_saving(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_ann))
    qtbot.keyClicks(form.inputs["title"].widget, "Unsaved")
    qtbot.keyClick(form.inputs["title"].widget, Qt.Key.Key_Escape)
    assert form.result() == QDialog.DialogCode.Rejected
    assert not form.isVisible()
    assert form.outcome is None and CpeRecord.select().count() == 0


def test_registry_maps_tables_and_returns_none_when_cancelled(qtbot, people):
    assert {e.table for e in entities.EDITABLE} == registry.EDITABLE_TABLES
    assert {"records", "licenses", "custom_fields"} <= registry.EDITABLE_TABLES
    assert isinstance(registry.make_editor(None, "records", people.as_ann), RecordForm)
    editor = registry.make_editor(None, "requirements", people.as_admin)
    assert isinstance(editor, FormDialog) and editor.spec.entity == "requirement"
    with pytest.raises(ValueError):
        registry.make_editor(None, "audit_logs", people.as_admin)
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert registry.open_editor(None, "licenses", people.as_ann) is None


def test_registry_returns_the_outcome_when_saved(qtbot, people):
    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        dialog.inputs["code"].set_value("CFE2")
        dialog.inputs["name"].set_value("Fraud examiner")
        dialog.save_button.click()

    QTimer.singleShot(0, fill_and_save)
    outcome = registry.open_editor(None, "credentials", people.as_admin)
    assert outcome is not None and outcome.value.code == "CFE2"
    assert "credentials" in outcome.changes


def test_error_labels_are_plain_labels_hidden_until_needed(qtbot, people):
    dialog = _shown(qtbot, FormDialog(people.as_admin, FORM_SPECS["requirement"]))
    labels = dialog.findChildren(QLabel)
    errors = [label for label in labels if label.property("role") == "field-error"]
    assert len(errors) == len(dialog.fields) + 1  # one per field and one for the form
    assert not any(label.isVisible() for label in errors)


def test_requirement_form_edits_how_the_board_sets_periods(qtbot, people):
    """The Texas rule's ramp for new licensees (22 TAC 523.112(c)) and its birth-month window
    show in the requirement form, and a corrected table is saved."""
    texas = next(
        row
        for row in requirements.list_requirements()
        if row.state_name == "Texas" and row.credential.code == "CPA"
    )
    dialog = _shown(
        qtbot, registry.make_editor(None, "requirements", people.as_admin, texas.state_id)
    )
    assert dialog.inputs["cycle_anchor"].value() == "birth_month"
    assert dialog.inputs["first_period"].value() == "ramp"
    assert dialog.inputs["first_period_table"].value() == "0, 0, 20, 60, 100"
    dialog.inputs["first_period_table"].set_value("0, 0, 20, 60, 90")
    dialog.save_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    (stored,) = [r for r in requirements.list_requirements() if r.state_id == texas.state_id]
    assert requirements.to_interchange(stored)["first_period_table"] == [0, 0, 20, 60, 90]
