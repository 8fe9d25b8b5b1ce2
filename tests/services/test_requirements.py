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
