"""The Requirements view's components: an administrator adds, edits and deletes a rule's
components (ARCHITECTURE.md §4) through the dialog; each change is saved by the requirements service
with its audit entry, a wrong value is shown beside its field with nothing saved, and deleting asks
first. The rule used is the invented Atlantis one (tests/helpers/atlantis_rule.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from cpe_desktop.db.models import AuditLog, StateRequirement
from cpe_desktop.services import requirements
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.dialogs.components_dialog import ComponentForm, ComponentsDialog
from cpe_desktop.ui.main_window import MainWindow
from tests.helpers.atlantis_rule import add_atlantis_rule
from tests.helpers.modal_dialogs import with_dialog


@pytest.fixture
def rule(people):
    add_atlantis_rule(people)
    return StateRequirement.get(StateRequirement.state_name == "Atlantis")


def _audits() -> int:
    return AuditLog.select().where(AuditLog.entity == "requirement").count()


def _tick(form: ComponentForm, key: str, names: list[str]) -> None:
    for name, box in form.inputs[key].widget.boxes.items():
        box.setChecked(name in names)


def _fill_aa(form: ComponentForm) -> None:
    form.inputs["kind"].set_value("min")
    form.inputs["hours"].set_value("8")
    _tick(form, "fields", ["accounting_auditing"])
    form.inputs["label"].set_value("8 h accounting and auditing")
    form.inputs["source"].set_value("Atlantis Board Rule 1.2")


def test_add_edit_and_delete_a_component(qtbot, people, rule, monkeypatch):
    published = []
    dialog = ComponentsDialog(people.as_admin, rule.state_id, publish=published.append)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and not dialog.empty.isHidden()
    before = _audits()

    with_dialog(dialog.add, lambda form: (_fill_aa(form), form.save()))
    assert requirements.list_components(rule.state_id) == [
        {
            "kind": "min",
            "hours": 8,
            "fields": ["accounting_auditing"],
            "label": "8 h accounting and auditing",
            "source": "Atlantis Board Rule 1.2",
        }
    ]
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 3).text() == "accounting and auditing"
    assert _audits() == before + 1 and len(published) == 1
    assert StateRequirement.get_by_id(rule.state_id).user_edited

    def make_it_a_cycle(form):
        assert form.inputs["hours"].current() == "8"
        form.inputs["hours"].set_value("10")
        form.inputs["scope"].set_value("cycle")
        form.inputs["cycle_years"].set_value("3")
        form.save()

    dialog.table.selectRow(0)
    with_dialog(dialog.edit_current, make_it_a_cycle)
    (saved,) = requirements.list_components(rule.state_id)
    assert (saved["hours"], saved["scope"], saved["cycle_years"]) == (10, "cycle", 3)
    assert dialog.table.item(0, 4).text() == "Every 3 years"
    assert _audits() == before + 2

    # Deleting asks first: Cancel keeps it, Yes removes it.
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes])
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kw: (asked.append(args[2]), next(answers))[1]
    )
    dialog.table.selectRow(0)
    assert not dialog.delete_current()
    assert len(requirements.list_components(rule.state_id)) == 1
    assert "8 h accounting and auditing" in asked[0]
    dialog.table.selectRow(0)
    assert dialog.delete_current()
    assert requirements.list_components(rule.state_id) == []
    assert dialog.table.rowCount() == 0
    assert _audits() == before + 3 and len(published) == 3


def test_a_wrong_value_is_shown_beside_its_field_and_nothing_is_saved(qtbot, people, rule):
    dialog = ComponentsDialog(people.as_admin, rule.state_id)
    qtbot.addWidget(dialog)
    before = _audits()
    seen = {}

    def course_without_topic(form):
        form.inputs["kind"].set_value("course")
        form.inputs["hours"].set_value("2")
        assert not form.save()
        seen["topic"] = form.error_labels["topic"].text()
        seen["open"] = form.isVisible()
        form.inputs["kind"].set_value("max")
        form.inputs["hours"].set_value("")
        form.inputs["pct"].set_value("150")
        assert not form.save()
        seen["pct"] = form.error_labels["pct"].text()

    with_dialog(dialog.add, course_without_topic)
    assert "topic" in seen["topic"].lower() and seen["open"]
    assert seen["pct"].startswith("% of total")
    assert requirements.list_components(rule.state_id) == []
    assert _audits() == before


def test_the_form_offers_known_topics_and_license_attributes(qtbot, people, rule):
    requirements.set_components(
        people.as_admin,
        rule.state_id,
        [{"kind": "course", "hours": 2, "topic": "Atlantis Sea Law", "cycle_years": 4}],
    )
    dialog = ComponentsDialog(people.as_admin, rule.state_id)
    qtbot.addWidget(dialog)

    def look(form):
        topic = form.inputs["topic"].widget
        offered = [topic.itemText(i) for i in range(topic.count())]
        assert offered == requirements.known_topics() and "Atlantis Sea Law" in offered
        assert topic.currentText() == "Atlantis Sea Law" and topic.isEnabled()
        applies = form.inputs["applies_if"].widget
        texts = [applies.itemText(i) for i in range(applies.count())]
        assert texts[0] == "Always"
        assert "I perform attest work (audits, reviews, compilations)" in texts
        assert not form.inputs["factor"].widget.isEnabled()

    dialog.table.selectRow(0)
    with_dialog(dialog.edit_current, look)


def test_requirements_view_has_components_button_and_renamed_columns(qtbot, people, rule):
    window = MainWindow(people.as_admin, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    tab = window.tab("requirements")
    model = tab.model
    titles = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert "Checked against source" in titles and "Verified" not in titles
    assert "Confidence" in titles
    (button,) = [b for b in tab.row_buttons if b.text() == "Components…"]
    assert not button.isEnabled()
    tab.select_pks([rule.state_id])
    assert button.isEnabled()
    shown = with_dialog(button.click, lambda d: None)
    assert isinstance(shown, ComponentsDialog) and shown.state_id == rule.state_id


def test_members_have_no_components_button(qtbot, people):
    window = MainWindow(people.as_ann, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    # Members read the rules (tests/ui/tabs/test_member_requirements.py), never change their parts.
    assert window.tab("requirements").row_buttons == []


def test_a_long_label_shows_whole_in_the_list(qtbot, people, rule):
    dialog = ComponentsDialog(people.as_admin, rule.state_id, publish=lambda _outcome: None)
    qtbot.addWidget(dialog)
    label = "Instructor credit counts for at most 10 h of the period's total"

    def fill(form):
        _fill_aa(form)
        form.inputs["label"].set_value(label)
        form.save()

    with_dialog(dialog.add, fill)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.table.item(0, 0).text() == label
    assert dialog.table.columnWidth(0) >= dialog.table.sizeHintForColumn(0)
