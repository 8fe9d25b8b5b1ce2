"""The record form and multi-day programs: an optional "Started on" day, the per-day warning shown
beside the credits while typing, and Save going ahead with it (offscreen)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services import records
from cpe_desktop.ui.forms.record_form import RecordForm

pytestmark = pytest.mark.gui

CONFERENCE = {
    "title": "Spring conference",
    "started_on": "2026-03-02",
    "completed_on": "2026-03-05",
    "delivery_method": "Group Live",
    "credits": [{"field": "Taxes", "credits": 30}],
}


def _shown(qtbot, form: RecordForm) -> RecordForm:
    qtbot.addWidget(form)
    with qtbot.waitExposed(form):
        form.show()
    return form


def _select(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def _set_date(edit, day: dt.date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


def _conference(qtbot, form: RecordForm, credits: str) -> None:
    qtbot.keyClicks(form.inputs["title"].widget, "Spring conference")
    _select(form.inputs["delivery_method"].widget, "Group Live")
    _set_date(form.inputs["completed_on"].widget, dt.date(2026, 3, 5))
    _select(form.grid.field_combo(0), "Taxes")
    qtbot.keyClicks(form.grid.credits_edit(0), credits)


def test_started_on_is_empty_by_default_and_saves_a_one_day_program(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_ann))
    box, edit = form.inputs["started_on"].focus
    assert not box.isChecked() and not edit.isEnabled()
    assert edit.text() == "Not set"
    _conference(qtbot, form, "8")
    assert not form.grid.warning_label.isVisible()
    assert form.save()
    assert CpeRecord.get_by_id(form.outcome.value.record_id).started_on is None


def test_thirty_credits_warn_beside_the_credits_until_the_first_day_is_given(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_ann))
    _conference(qtbot, form, "30")
    warning = form.grid.warning_label
    assert warning.isVisible()
    assert (
        "30.0 credits over 1 day is more than 10 a day; if the program ran several days, "
        "enter its first day." in warning.text()
    )
    assert "Warnings do not stop saving" in warning.text()

    box, edit = form.inputs["started_on"].focus
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert box.isChecked() and edit.isEnabled()
    assert edit.date() == QDate(2026, 3, 5)  # ticked, it starts at the last day
    assert warning.isVisible()  # still one day
    _set_date(edit, dt.date(2026, 3, 2))
    assert not warning.isVisible()  # 30 credits over 4 days: 7.5 a day

    assert form.save()
    stored = CpeRecord.get_by_id(form.outcome.value.record_id)
    assert (stored.started_on, stored.completed_on) == (dt.date(2026, 3, 2), dt.date(2026, 3, 5))
    assert form.outcome.warnings == ()


def test_the_per_day_warning_does_not_block_save(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_ann))
    _conference(qtbot, form, "30")
    assert form.grid.warning_label.isVisible()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    stored = CpeRecord.get_by_id(form.outcome.value.record_id)
    assert stored.started_on is None
    assert form.outcome.warnings == (
        "30.0 credits over 1 day is more than 10 a day; if the program ran several days, "
        "enter its first day.",
    )


def test_a_college_course_is_not_warned_about(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_ann))
    _conference(qtbot, form, "45")
    assert form.grid.warning_label.isVisible()
    _select(form.inputs["delivery_method"].widget, "College Course")
    assert not form.grid.warning_label.isVisible()
    assert form.save()


def test_a_first_day_after_the_last_is_refused_next_to_the_field(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_ann))
    _conference(qtbot, form, "8")
    box, edit = form.inputs["started_on"].focus
    box.setChecked(True)
    _set_date(edit, dt.date(2026, 3, 6))
    assert not form.save()
    assert form.isVisible()
    label = form.labels["started_on"]
    assert label.isVisible()
    assert "2026-03-06 is after the program's last day (2026-03-05)" in label.text()
    assert CpeRecord.select().count() == 0
    _set_date(edit, dt.date(2026, 3, 4))
    assert form.save()


def test_editing_loads_and_clears_the_first_day(qtbot, people):
    record = records.create_record(people.as_ann, CONFERENCE).value
    form = _shown(qtbot, RecordForm(people.as_ann, record_id=record.record_id))
    box, edit = form.inputs["started_on"].focus
    assert box.isChecked() and edit.date() == QDate(2026, 3, 2)
    assert not form.grid.warning_label.isVisible()
    box.setChecked(False)  # it was a one-day program after all
    assert "more than 10 a day" in form.grid.warning_label.text()
    assert form.save()
    assert CpeRecord.get_by_id(record.record_id).started_on is None
