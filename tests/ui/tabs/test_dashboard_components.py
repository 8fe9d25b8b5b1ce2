"""Requirement components on the dashboard card (ARCHITECTURE.md §4): beside the headline bars,
every other applicable component with what counts, what it asks and whether it is met, most missing
first; an alternative says which option is met; the license form's "Your work" boxes decide which
components apply.

Shipped rules, as of the fixture clock (15 Jun 2026); licenses issued in 2010, so no first
period is reduced, and tracked from the start of their current period.

- CPA Florida (Fla. Admin. Code 61H1-33.003): 80 h per 2 years ending 30 June of even years, 4 of
  them Florida ethics, at least 8 h of accounting and auditing. Period 1 Jul 2024 – 30 Jun 2026.
  80 h of Taxes and 4 h of Florida ethics: the total and ethics are met, A&A is 0 of 8.
- CPA New York (8 NYCRR 70.9(b)(2)): 40 h each calendar year, or 24 h in one recognised subject
  (the concentration option). 24 h of Taxes in 2026: the taxation option is met, so the 40 h
  total is not missing.
- CPA California (16 CCR 87): 80 h per 2 years ending with the birth month (May) in years of
  the birth year's parity (1980: even), so 1 Jun 2026 – 31 May 2028; 24 h of accounting and
  auditing only for licensees who perform attest work (16 CCR 87(d)).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpe_desktop.services import credentials, licenses, records, users
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.forms.license_form import LicenseForm
from cpe_desktop.ui.tabs.dashboard_tab import DashboardTab
from cpe_desktop.ui.widgets.hours_bar import HoursBar

pytestmark = pytest.mark.gui

ATTEST = "24 h accounting and auditing if you perform attest work"


def _license(ctx, jurisdiction, **more):
    data = {"credential": "CPA", "jurisdiction": jurisdiction, "issued_on": "2010-02-01"}
    return licenses.create_license(ctx, data | more).value


def _record(ctx, day, field, credits, ethics=None):
    records.create_record(
        ctx,
        {
            "title": f"{field} {day}",
            "completed_on": day,
            "delivery_method": "Group Live",
            "ethics_jurisdiction": ethics,
            "credits": [{"field": field, "credits": credits}],
        },
    )


def _dashboard(qtbot, ctx, bus=None):
    tab = DashboardTab(ctx, bus or ChangeBus())
    qtbot.addWidget(tab)
    tab.resize(1300, 900)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def _card(tab, jurisdiction):
    (card,) = [c for c in tab.cards if c.item.license.jurisdiction == jurisdiction]
    return card


def _rows(card) -> dict[str, tuple[str, str]]:
    """Each component row: label -> (numbers, state)."""
    if card.components is None:
        return {}
    found = {}
    for name, numbers, state in card.components.rows:
        text = numbers.numbers() if isinstance(numbers, HoursBar) else numbers.text()
        found[name.text()] = (text, state.text())
    return found


def test_florida_without_accounting_and_auditing_is_not_complete(qtbot, people):
    _license(people.as_ann, "Florida")
    _record(people.as_ann, "2025-03-10", "Taxes", 80)
    _record(people.as_ann, "2025-04-10", "Regulatory Ethics", 4, "Florida")
    card = _card(_dashboard(qtbot, people.as_ann), "Florida")
    assert card.status_label.text() != "Complete"  # 15 days left, 8 h missing: at risk
    assert card.bars["total"].counted == Decimal(84) and card.bars["total"].met
    assert card.components_title.text() == "Also required"
    rows = _rows(card)
    assert rows["8 h accounting and auditing"] == ("0 of 8 h", "8 h missing")
    # The most missing comes first; a cap nothing went over is said in one line at the end.
    assert card.components.rows[0][0].text() == "8 h accounting and auditing"
    assert "Published materials do not count" in card.components.quiet_label.text()
    assert "8 h accounting and auditing: 0 of 8 h, 8 h missing" in (
        card.components.accessibleDescription()
    )


def test_new_york_concentration_option_met(qtbot, people):
    _license(people.as_ann, "New York")
    _record(people.as_ann, "2026-03-10", "Taxes", 24)
    card = _card(_dashboard(qtbot, people.as_ann), "New York")
    rows = _rows(card)
    assert rows["24 h in taxation"] == ("24 of 24 h", "met — New York's concentration option")
    # The 40 h total is not missing: the bar is drawn as met and says why.
    total = card.bars["total"]
    assert (total.counted, total.required, total.met) == (Decimal(24), Decimal(40), True)
    assert total.detail == "Not needed in full: New York's concentration option is met"
    # The other options are not listed one by one.
    assert "40 h in any recognized subjects" not in rows
    assert "options not needed (New York's concentration option is met)" in (
        card.components.quiet_label.text()
    )


def test_new_york_without_an_option_met_lists_each(qtbot, people):
    _license(people.as_ann, "New York")
    _record(people.as_ann, "2026-03-10", "Taxes", 10)
    card = _card(_dashboard(qtbot, people.as_ann), "New York")
    rows = _rows(card)
    assert rows["24 h in taxation"] == (
        "10 of 24 h",
        "14 h missing — New York's concentration option (or another option)",
    )
    general = rows["40 h in any recognized subjects"][1]
    assert general.startswith("30 h missing — New York's general")
    # Most missing first: the 40 h option comes before the 24 h ones.
    assert card.components.rows[0][0].text() == "40 h in any recognized subjects"


def test_attest_work_ticked_on_the_license_form_adds_its_component(qtbot, people):
    users.update_user(people.as_ann, people.ann.user_id, {"birth_date": "1980-05-12"})
    license_ = _license(people.as_ann, "California")
    _record(people.as_ann, "2026-06-10", "Auditing", 10)
    bus = ChangeBus()
    tab = _dashboard(qtbot, people.as_ann, bus)
    assert ATTEST not in _rows(_card(tab, "California"))

    form = LicenseForm(people.as_ann, license_.license_id)
    qtbot.addWidget(form)
    assert not form.attributes.isHidden()
    boxes = form.attributes.boxes
    assert boxes["performs_attest"].text() == (
        "I perform attest work (audits, reviews, compilations)"
    )
    assert not boxes["performs_attest"].isChecked()
    boxes["performs_attest"].setChecked(True)
    assert form.save()
    bus.publish(form.outcome)
    assert licenses.attributes_of(licenses.get_license(people.as_ann, license_.license_id)) == [
        "performs_attest"
    ]
    assert _rows(_card(tab, "California"))[ATTEST] == ("10 of 24 h", "14 h missing")

    # Opened again, the box is ticked; unticked and saved, the component goes.
    again = LicenseForm(people.as_ann, license_.license_id)
    qtbot.addWidget(again)
    assert again.attributes.boxes["performs_attest"].isChecked()
    again.attributes.boxes["performs_attest"].setChecked(False)
    assert again.save()
    bus.publish(again.outcome)
    assert ATTEST not in _rows(_card(tab, "California"))


def test_the_boxes_follow_the_jurisdiction(qtbot, people):
    form = LicenseForm(people.as_ann)
    qtbot.addWidget(form)
    assert form.attributes.isHidden()  # no rule chosen yet
    form.inputs["credential_id"].set_value(credentials.by_code("CPA").credential_id)
    form.inputs["jurisdiction"].set_value("California")
    assert "performs_attest" in form.attributes.boxes and not form.attributes.isHidden()
    form.inputs["jurisdiction"].set_value("Texas")
    assert form.attributes.isHidden() and form.attributes.value() == []
    form.inputs["issued_on"].set_value(dt.date(2010, 2, 1))
    assert form.save()  # saved with no attributes
    assert licenses.attributes_of(form.outcome.value) == []
