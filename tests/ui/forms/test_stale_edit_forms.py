"""Two desks with the same item open in a form: the second Save shows both versions and the
person keeps theirs, takes the other, or merges; nothing is ever silently overwritten."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from cpe_desktop.db.models import CpeRecord, License, RecordCredit
from cpe_desktop.services import licenses, records
from cpe_desktop.services.editing.entities import FORM_SPECS
from cpe_desktop.ui.dialogs.stale_edit_dialog import StaleEditDialog
from cpe_desktop.ui.forms.form_dialog import FormDialog
from cpe_desktop.ui.forms.record_form import RecordForm
from tests.helpers.modal_dialogs import with_dialog


def _shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _license(people):
    return licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Ohio", "license_number": "A-1"}
    ).value


def test_merging_keeps_the_other_desks_field_and_this_forms_field(qtbot, people):
    lic = _license(people)
    desk_a = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["license"], lic.license_id))
    desk_b = _shown(qtbot, FormDialog(people.as_admin, FORM_SPECS["license"], lic.license_id))
    desk_b.inputs["license_number"].set_value("B-2")
    assert desk_b.save()
    desk_a.inputs["jurisdiction"].set_value("Texas")
    shown = {}

    def merge(dialog: StaleEditDialog) -> None:
        shown["rows"] = {
            dialog.table.item(row, 0).text(): (
                dialog.table.item(row, 1).text(),
                dialog.table.item(row, 2).text(),
            )
            for row in range(dialog.table.rowCount())
        }
        shown["message"] = dialog.message.text()
        dialog.merge_button.click()

    saved = []
    with_dialog(lambda: saved.append(desk_a.save()), merge)
    assert saved == [True]
    # Both fields either desk changed were listed with both values; the merge kept each desk's.
    assert shown["rows"]["License number"] == ("A-1", "B-2")
    assert shown["rows"]["Jurisdiction"] == ("Texas", "Ohio")
    assert people.admin.name in shown["message"]
    stored = License.get_by_id(lic.license_id)
    assert (stored.jurisdiction, stored.license_number, stored.row_version) == ("Texas", "B-2", 3)


def test_taking_theirs_fills_the_form_and_saves_nothing(qtbot, people):
    lic = _license(people)
    desk_a = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["license"], lic.license_id))
    licenses.update_license(people.as_admin, lic.license_id, {"license_number": "B-2"})
    desk_a.inputs["license_number"].set_value("A-9")
    saved = []
    with_dialog(lambda: saved.append(desk_a.save()), lambda d: d.take_button.click())
    assert saved == [False] and desk_a.isVisible()
    assert desk_a.inputs["license_number"].value() == "B-2"
    assert "nothing of yours was saved" in desk_a.form_error.text()
    assert License.get_by_id(lic.license_id).license_number == "B-2"
    # A save now is on the version it was shown: it goes through.
    desk_a.inputs["license_number"].set_value("A-9")
    assert desk_a.save()
    assert License.get_by_id(lic.license_id).license_number == "A-9"


def test_going_back_to_the_form_leaves_the_stored_version_alone(qtbot, people):
    lic = _license(people)
    desk_a = _shown(qtbot, FormDialog(people.as_ann, FORM_SPECS["license"], lic.license_id))
    licenses.update_license(people.as_admin, lic.license_id, {"license_number": "B-2"})
    desk_a.inputs["license_number"].set_value("A-9")
    saved = []
    with_dialog(lambda: saved.append(desk_a.save()), lambda d: d.reject())
    assert saved == [False]
    assert desk_a.inputs["license_number"].value() == "A-9"  # the person's typing kept
    assert "after you opened it" in desk_a.form_error.text()
    assert License.get_by_id(lic.license_id).license_number == "B-2"


def test_a_record_form_keeps_mine_over_credits_saved_meanwhile(qtbot, people):
    record = records.create_record(
        people.as_ann,
        {
            "title": "Tax update",
            "completed_on": "2026-03-02",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": "4"}],
        },
    ).value
    form = _shown(qtbot, RecordForm(people.as_ann, record.record_id))
    records.update_record(
        people.as_admin, record.record_id, {"credits": [{"field": "Taxes", "credits": "6"}]}
    )
    form.inputs["title"].set_value("Tax update 2026")
    rows = {}

    def keep_mine(dialog: StaleEditDialog) -> None:
        rows.update(
            {
                dialog.table.item(r, 0).text(): dialog.table.item(r, 2).text()
                for r in range(dialog.table.rowCount())
            }
        )
        dialog.keep_button.click()

    saved = []
    with_dialog(lambda: saved.append(form.save()), keep_mine)
    assert saved == [True]
    assert rows == {"Title": "Tax update", "Credits": "Taxes 6"}
    stored = CpeRecord.get_by_id(record.record_id)
    credits = [
        (c.field_of_study, float(c.credits))
        for c in RecordCredit.select().where(RecordCredit.record == record.record_id)
    ]
    assert (stored.title, credits) == ("Tax update 2026", [("Taxes", 4.0)])
