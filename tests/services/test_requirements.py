"""Requirement rules: validation by interchange key, the rule in force, admin-only edits."""

from __future__ import annotations

import datetime as dt

import pytest

from cpe_desktop.db.models import StateRequirement
from cpe_desktop.services import requirements
from cpe_desktop.services.errors import PermissionDenied, ValidationError

RULE = {
    "credential": "CPA",
    "jurisdiction": "Atlantis",
    "total_hours": 40,
    "period_years": 1,
    "ethics_hours": 2,
    "period_basis": "calendar",
    "max_self_study_pct": 50,
    "source": "Atlantis Board rule 1",
    "verified_on": "2026-01-05",
}


def test_create_and_read_back_as_interchange(people):
    row = requirements.create_requirement(people.as_admin, RULE).value
    out = requirements.to_interchange(StateRequirement.get_by_id(row.state_id))
    assert {k: out[k] for k in RULE} == RULE
    assert out["annual_min_hours"] is None and row.origin == "user"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credential": "XYZ"}, "credential"),
        ({"period_basis": "lunar"}, "period_basis"),
        ({"period_basis": "fiscal"}, "period_start_month"),
        ({"period_start_month": 13}, "period_start_month"),
        ({"total_hours": "forty"}, "total_hours"),
        ({"total_hours": 40.5}, "total_hours"),
        ({"max_self_study_pct": 150}, "max_self_study_pct"),
        ({"carryover_max_hours": -1}, "carryover_max_hours"),
        ({"verified_on": "last year"}, "verified_on"),
        ({"period_years": None}, "period_years"),
        ({"state": "x"}, "state"),
        ({"cycle_anchor": "lunar"}, "cycle_anchor"),
        ({"cycle_parity_offset": 2}, "cycle_parity_offset"),
        ({"first_period": "half"}, "first_period"),
        ({"first_period_hours_per_unit": -1}, "first_period_hours_per_unit"),
        ({"first_period_unit_months": 0}, "first_period_unit_months"),
        ({"first_period_unit_months": 121}, "first_period_unit_months"),
        ({"first_period_counts_issue_month": "sometimes"}, "first_period_counts_issue_month"),
        ({"first_period_ethics": -2}, "first_period_ethics"),
        ({"first_period_table": [40, -1]}, "first_period_table"),
        ({"first_period_table": ["forty"]}, "first_period_table"),
        ({"first_period_table": {"a": 1}}, "first_period_table"),
        ({"carryover_scope": "forever"}, "carryover_scope"),
        ({"reciprocity": "everywhere"}, "reciprocity"),
        ({"first_period": "prorate", "first_period_unit_months": 6}, "first_period_hours_per_unit"),
        (
            {"first_period": "prorate", "first_period_hours_per_unit": 20},
            "first_period_unit_months",
        ),
        ({"first_period": "ramp"}, "first_period_table"),
        ({"first_period": "table", "first_period_table": [40, 0]}, "first_period_unit_months"),
    ],
)
def test_bad_rules_are_refused_naming_the_key(people, change, field):
    with pytest.raises(ValidationError) as err:
        requirements.create_requirement(people.as_admin, {**RULE, **change})
    assert field in err.value.errors


def test_members_cannot_edit_rules(people):
    rule = StateRequirement.get(StateRequirement.state_name == "Texas")
    with pytest.raises(PermissionDenied):
        requirements.update_requirement(people.as_ann, rule.state_id, {"total_hours": 1})
    with pytest.raises(PermissionDenied):
        requirements.create_requirement(people.as_ann, RULE)


def test_edit_marks_the_row_user_edited(people):
    rule = StateRequirement.get(StateRequirement.state_name == "Texas")
    requirements.update_requirement(people.as_admin, rule.state_id, {"notes": "checked"})
    assert StateRequirement.get_by_id(rule.state_id).user_edited is True


def test_rule_in_force_follows_effective_dates(people):
    old = requirements.create_requirement(people.as_admin, RULE).value
    new = requirements.create_requirement(
        people.as_admin, {**RULE, "total_hours": 60, "effective_from": "2025-01-01"}
    ).value
    cpa = old.credential_id
    assert requirements.find(cpa, "Atlantis", dt.date(2024, 6, 1)).state_id == old.state_id
    assert requirements.find(cpa, "Atlantis", dt.date(2025, 1, 1)).state_id == new.state_id
    assert requirements.find(cpa, "Nowhere", dt.date(2025, 1, 1)) is None


def test_upsert_replaces_same_credential_jurisdiction_and_date(people):
    requirements.upsert_requirement(people.as_admin, RULE)
    requirements.upsert_requirement(people.as_admin, {**RULE, "total_hours": 44})
    rows = StateRequirement.select().where(StateRequirement.state_name == "Atlantis")
    assert [r.total_credits_required for r in rows] == [44]


PERIODS = {
    "cycle_anchor": "birth_year_parity",
    "cycle_parity_offset": 0,
    "first_period": "prorate",
    "first_period_hours_per_unit": 20,
    "first_period_unit_months": 6,
    "first_period_counts_issue_month": False,
    "first_period_ethics": 0,
    "first_period_table": None,
    "carryover_scope": "period",
    "reciprocity": "home_state_plus_ethics",
}


def test_period_keys_are_stored_and_read_back(people):
    row = requirements.create_requirement(people.as_admin, {**RULE, **PERIODS}).value
    stored = StateRequirement.get_by_id(row.state_id)
    assert (stored.cycle_anchor, stored.first_period_unit_months) == ("birth_year_parity", 6)
    out = requirements.to_interchange(stored)
    assert {k: out[k] for k in PERIODS} == PERIODS


def test_a_ramp_table_is_stored_as_json_text_and_exported_as_a_list(people):
    ramp = {**RULE, "first_period": "ramp", "first_period_table": "0, 0, 20, 60, 100"}
    row = requirements.create_requirement(people.as_admin, ramp).value
    stored = StateRequirement.get_by_id(row.state_id)
    assert stored.first_period_table == "[0, 0, 20, 60, 100]"
    assert requirements.to_interchange(stored)["first_period_table"] == [0, 0, 20, 60, 100]
    # the same rule again (as a list) is no change
    again = requirements.upsert_requirement(
        people.as_admin, {**ramp, "first_period_table": [0, 0, 20, 60, 100]}
    )
    assert not again.changes


def test_editing_checks_the_first_period_against_the_stored_row(people):
    texas = StateRequirement.get(StateRequirement.state_name == "Texas")  # a ramp with its table
    requirements.update_requirement(people.as_admin, texas.state_id, {"first_period_ethics": 2})
    with pytest.raises(ValidationError) as err:
        requirements.update_requirement(people.as_admin, texas.state_id, {"first_period": "table"})
    assert "first_period_unit_months" in err.value.errors
    with pytest.raises(ValidationError) as err:
        requirements.update_requirement(
            people.as_admin, texas.state_id, {"first_period_table": None}
        )
    assert "first_period_table" in err.value.errors
    assert StateRequirement.get_by_id(texas.state_id).first_period == "ramp"
