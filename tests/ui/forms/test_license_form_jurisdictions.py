"""The license form's jurisdiction list follows the chosen credential (issue 15, item 11): only
the jurisdictions with a requirement rule for it are offered (CISA: its one global rule,
"ISACA"), and a jurisdiction without a rule says so ("No rule for CISA in Texas")."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QDialog

from cpe_desktop.services import credentials, licenses, requirements
from cpe_desktop.ui.forms.license_form import LicenseForm

pytestmark = pytest.mark.gui


def _shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def _id(code: str) -> int:
    return credentials.by_code(code).credential_id


def _offered(dialog: LicenseForm) -> list[str]:
    combo = dialog.inputs["jurisdiction"].widget
    assert isinstance(combo, QComboBox)
    return [combo.itemText(i) for i in range(combo.count())]


def test_the_service_lists_the_jurisdictions_with_a_rule_for_a_credential(seeded):
    assert requirements.jurisdictions_for(_id("CISA")) == ["ISACA"]
    assert requirements.jurisdictions_for(_id("CIA")) == ["IIA", "IIA (non-practicing)"]
    cpa = requirements.jurisdictions_for(_id("CPA"))
    assert "Texas" in cpa and "ISACA" not in cpa and cpa == sorted(set(cpa))
    everything = requirements.jurisdictions_for(None)
    assert set(cpa) | {"ISACA", "IIA"} <= set(everything)


def test_choosing_cisa_offers_its_one_rule_and_chooses_it(qtbot, people):
    dialog = _shown(qtbot, LicenseForm(people.as_ann))
    dialog.inputs["credential_id"].set_value(_id("CISA"))
    assert _offered(dialog) == ["ISACA"]
    assert dialog.inputs["jurisdiction"].value() == "ISACA"
    assert not dialog.notes["jurisdiction"].isVisibleTo(dialog)


def test_the_list_follows_the_credential_as_it_changes(qtbot, people):
    dialog = _shown(qtbot, LicenseForm(people.as_ann))
    dialog.inputs["credential_id"].set_value(_id("CPA"))
    offered = _offered(dialog)
    assert "Texas" in offered and "ISACA" not in offered and "IIA" not in offered
    dialog.inputs["jurisdiction"].set_value("Texas")

    dialog.inputs["credential_id"].set_value(_id("CISA"))  # Texas was CPA's choice
    assert dialog.inputs["jurisdiction"].value() == "ISACA"

    dialog.inputs["credential_id"].set_value(_id("CIA"))
    assert _offered(dialog) == ["IIA", "IIA (non-practicing)"]
    assert dialog.inputs["jurisdiction"].value() is None  # two to choose from: the person does

    dialog.inputs["credential_id"].set_value(_id("CPA"))
    assert dialog.inputs["jurisdiction"].value() is None
    assert "Texas" in _offered(dialog)


def test_a_jurisdiction_without_a_rule_says_why_and_is_kept(qtbot, people):
    dialog = _shown(qtbot, LicenseForm(people.as_ann))
    dialog.inputs["credential_id"].set_value(_id("CISA"))
    dialog.inputs["jurisdiction"].set_value("Texas")  # typed by hand
    note = dialog.notes["jurisdiction"]
    assert note.isVisibleTo(dialog)
    assert note.text().startswith("No rule for CISA in Texas")
    assert "ISACA" in note.text()
    assert dialog.inputs["jurisdiction"].value() == "Texas"
    dialog.inputs["jurisdiction"].set_value("ISACA")
    assert not note.isVisibleTo(dialog)


def test_an_edited_license_keeps_its_jurisdiction_even_without_a_rule(qtbot, people):
    stored = licenses.create_license(
        people.as_ann,
        {"user_id": people.ann.user_id, "credential": "CISA", "jurisdiction": "Texas"},
    ).value
    dialog = _shown(qtbot, LicenseForm(people.as_ann, stored.license_id))
    assert dialog.inputs["jurisdiction"].value() == "Texas"
    assert _offered(dialog) == ["ISACA"]
    assert dialog.notes["jurisdiction"].text().startswith("No rule for CISA in Texas")
