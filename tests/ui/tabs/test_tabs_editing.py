"""Editing through the tabs as a person does: New… opens the form, a mistake shows next to its
field and saves nothing, Save adds the row to the table, Edit… changes it, Del removes it."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from cpe_desktop.db.models import CpeRecord, License
from cpe_desktop.services import credentials, licenses
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.forms.registry import open_editor
from cpe_desktop.ui.main_window import MainWindow
from tests.helpers.modal_dialogs import with_dialog


def _window(qtbot, ctx):
    window = MainWindow(ctx, ChangeBus(), database_location="test.db", editor=open_editor)
    qtbot.addWidget(window)
    return window


def _titles(tab):
    column = tab.model.column_index("title")
    return [tab.model.index(row, column).data() for row in range(tab.model.rowCount())]


def test_record_new_error_save_edit_delete(qtbot, people, monkeypatch):
    window = _window(qtbot, people.as_ann)
    tab = window.show_table("records")

    def first_try(form):
        form.inputs["title"].widget.setText("Ethics for Texas CPAs")
        form.inputs["delivery_method"].set_value("Group Live")
        form.grid.field_combo(0).setCurrentText("Regulatory Ethics")
        form.grid.credits_edit(0).setText("0")  # a mistake
        form.save()
        assert "more than zero" in form.grid.error_label.text()
        assert CpeRecord.select().count() == 0  # nothing saved yet
        form.grid.credits_edit(0).setText("4")
        form.save()

    with_dialog(window.new_record_action.trigger, first_try)
    assert _titles(tab) == ["Ethics for Texas CPAs"]
    assert tab.stack.currentWidget() is tab.view  # the empty state gave way to the table

    tab.select_pks([CpeRecord.get().record_id])

    def rename(form):
        form.inputs["title"].widget.setText("Texas ethics (4 hours)")
        form.save()

    with_dialog(window.edit_action.trigger, rename)
    assert _titles(tab) == ["Texas ethics (4 hours)"]

    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    tab.select_pks([CpeRecord.get().record_id])
    window.delete_action.trigger()
    assert CpeRecord.select().count() == 0 and tab.model.rowCount() == 0


def test_license_new_shows_error_then_saves(qtbot, people):
    window = _window(qtbot, people.as_ann)
    tab = window.show_table("licenses")

    def fill(dialog):
        dialog.save()  # nothing filled in
        assert dialog.error_labels["jurisdiction"].isVisible()
        assert License.select().count() == 0
        dialog.inputs["credential_id"].set_value(credentials.by_code("CPA").credential_id)
        dialog.inputs["jurisdiction"].set_value("Ohio")
        saved = dialog.save()
        shown = {k: lbl.text() for k, lbl in dialog.error_labels.items() if lbl.isVisible()}
        assert saved, shown

    with_dialog(tab.new_button.click, fill)
    assert License.select().count() == 1
    assert tab.model.rowCount() == 1
    column = tab.model.column_index("jurisdiction")
    assert tab.model.index(0, column).data() == "Ohio"


def test_read_only_tabs_offer_no_editing(qtbot, people):
    licenses.create_license(people.as_admin, {"credential": "CPA", "jurisdiction": "Ohio"})
    window = _window(qtbot, people.as_admin)
    for name in ("audit_logs", "activity_logs", "task_queue", "emails", "record_credits"):
        tab = window.tab(name)
        assert tab.spec.read_only
        assert tab.new_button.isHidden() and tab.edit_button.isHidden()
        assert tab.delete_button.isHidden()
    audit = window.show_table("audit_logs")
    audit.view.selectAll()
    window.delete_action.trigger()  # nothing happens, nothing asked
    assert audit.model.rowCount() > 0
