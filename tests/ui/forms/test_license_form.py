"""The license form asks, in plain words, what makes the first answer right (ARCHITECTURE.md §4):
when the current reporting period ends (the rule's date pre-filled, its note beside it, following
the license's facts as they change), where tracking starts, and the hours already earned.

As of the fixture clock (15 Jun 2026). Georgia CPA: licenses expire on 31 December of odd years
(Ga. Comp. R. & Regs. 20-10-.02) and CPE is judged over the two calendar years before, so the
current period is 1 Jan 2026 – 31 Dec 2027 and a new license is tracked from 1 Jan 2026. CMA
(IMA): one calendar year, 1 Jan – 31 Dec 2026.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QDialog

from cpe_desktop.db.models import License
from cpe_desktop.services import credentials, licenses
from cpe_desktop.services.editing.forms import LICENSE_LABELS
from cpe_desktop.ui.forms import registry
from cpe_desktop.ui.forms.license_form import EARLIER_TEXT, LicenseForm

pytestmark = pytest.mark.gui


def _shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def _label_of(dialog: LicenseForm, key: str) -> str:
    layout_label = dialog.inputs[key].focus[-1].accessibleName()
    return layout_label


def _choose(dialog: LicenseForm, code: str, jurisdiction: str, issued: dt.date) -> None:
    cpa = credentials.by_code(code).credential_id
    dialog.inputs["credential_id"].set_value(cpa)
    dialog.inputs["jurisdiction"].set_value(jurisdiction)
    dialog.inputs["issued_on"].set_value(issued)


def test_the_form_asks_for_the_period_end_tracking_start_and_opening_balance(qtbot, people):
    dialog = _shown(qtbot, LicenseForm(people.as_ann))
    for key, question in LICENSE_LABELS.items():
        assert _label_of(dialog, key) == question
        assert dialog.inputs[key].widget.isVisibleTo(dialog)
    assert LICENSE_LABELS["period_end_override"] == "When does your current reporting period end?"
    assert dialog.earlier.text() == EARLIER_TEXT
    assert "Your reporting period" in dialog.sections


def test_the_rule_s_period_end_is_pre_filled_with_its_note_and_follows_changes(qtbot, people):
    dialog = _shown(qtbot, LicenseForm(people.as_ann))
    _choose(dialog, "CPA", "Georgia", dt.date(2008, 3, 1))
    end = dialog.inputs["period_end_override"]
    assert end.current() == dt.date(2027, 12, 31)
    note = dialog.notes["period_end_override"]
    assert note.isVisibleTo(dialog) and note.text().startswith("Georgia:")
    # Tracking starts with the current period unless the holder enters history too.
    assert dialog.inputs["tracked_from"].current() == dt.date(2026, 1, 1)
    assert not dialog.inputs["tracked_from"].widget.isEnabled()

    _choose(dialog, "CMA", "IMA", dt.date(2008, 3, 1))
    assert note.text().startswith("IMA:")
    assert end.current() == dt.date(2026, 12, 31)
    dialog.earlier.setChecked(True)
    assert dialog.inputs["tracked_from"].widget.isEnabled()


def test_a_date_of_ones_own_is_kept_and_the_rule_s_date_is_not_stored(qtbot, people):
    dialog = _shown(qtbot, LicenseForm(people.as_ann))
    _choose(dialog, "CPA", "Georgia", dt.date(2008, 3, 1))
    data, _ = dialog.collect()
    assert data["period_end_override"] is None  # the rule's own date keeps following the rule
    dialog.inputs["period_end_override"].set_value(dt.date(2027, 6, 30))
    assert "your date is used instead" in dialog.notes["period_end_override"].text()
    dialog.inputs["issued_on"].set_value(dt.date(2009, 3, 1))  # a typed date is not replaced
    assert dialog.inputs["period_end_override"].current() == dt.date(2027, 6, 30)


def test_saving_stores_the_answers(qtbot, people):
    dialog = _shown(qtbot, LicenseForm(people.as_ann))
    _choose(dialog, "CPA", "Georgia", dt.date(2008, 3, 1))
    dialog.earlier.setChecked(True)
    dialog.inputs["tracked_from"].set_value(dt.date(2023, 1, 1))
    dialog.inputs["opening_hours"].set_value("12.5")
    dialog.inputs["opening_ethics_hours"].set_value("2")
    dialog.inputs["home_jurisdiction"].set_value("Florida")
    assert dialog.save(), dialog.form_error.text()
    saved = License.get_by_id(dialog.outcome.value.license_id)
    assert saved.tracked_from == dt.date(2023, 1, 1)
    assert saved.opening_hours == Decimal("12.5")
    assert saved.opening_ethics_hours == Decimal("2")
    assert saved.home_jurisdiction == "Florida"
    assert saved.period_end_override is None


def test_editing_keeps_an_earlier_tracking_start_and_an_own_period_end(qtbot, people):
    pk = licenses.create_license(
        people.as_ann,
        {
            "credential": "CPA",
            "jurisdiction": "Georgia",
            "issued_on": "2008-03-01",
            "tracked_from": "2021-01-01",
            "period_end_override": "2027-06-30",
        },
    ).value.license_id
    dialog = _shown(qtbot, LicenseForm(people.as_ann, pk))
    assert dialog.earlier.isChecked()
    assert dialog.inputs["tracked_from"].current() == dt.date(2021, 1, 1)
    assert dialog.inputs["period_end_override"].current() == dt.date(2027, 6, 30)
    assert dialog.save(), dialog.form_error.text()
    saved = License.get_by_id(pk)
    assert (saved.tracked_from, saved.period_end_override) == (
        dt.date(2021, 1, 1),
        dt.date(2027, 6, 30),
    )


def test_opening_ethics_above_the_hours_is_refused_next_to_the_field(qtbot, people):
    dialog = _shown(qtbot, LicenseForm(people.as_ann))
    _choose(dialog, "CPA", "Georgia", dt.date(2008, 3, 1))
    dialog.inputs["opening_hours"].set_value("2")
    dialog.inputs["opening_ethics_hours"].set_value("4")
    assert not dialog.save()
    assert dialog.error_labels["opening_ethics_hours"].isVisibleTo(dialog)
    assert not License.select().exists()


def test_the_registry_opens_the_license_form_on_the_field_asked_for(qtbot, people):
    pk = licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Georgia"}
    ).value.license_id
    dialog = registry.make_editor(None, "licenses", people.as_ann, pk, focus="period_end_override")
    assert isinstance(dialog, LicenseForm)
    _shown(qtbot, dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    assert dialog.focusWidget() in dialog.inputs["period_end_override"].focus


def test_the_questions_name_the_holder_when_the_license_is_someone_elses(qtbot, people):
    """An administrator entering Ann's license is asked about Ann's period, not "your" one; for
    their own license (and after choosing themselves as holder) it says "your" again."""
    made = licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Ohio"})
    form = _shown(qtbot, LicenseForm(people.as_admin, made.value.license_id))
    name = people.ann.name
    titles = {box.title() for box in form.sections.values()}
    assert {f"{name}'s reporting period", f"Where {name} mainly works"} <= titles
    cell = form.cells["period_end_override"].parentWidget()
    label = form.sections["Your reporting period"].layout().labelForField(cell)
    assert label.text() == f"When does {name}'s current reporting period end?"
    form.inputs["user_id"].set_value(people.admin.user_id)
    assert label.text() == "When does your current reporting period end?"
    assert form.sections["Your reporting period"].title() == "Your reporting period"
    own = _shown(qtbot, LicenseForm(people.as_ann, made.value.license_id))
    assert own.sections["Your reporting period"].title() == "Your reporting period"
