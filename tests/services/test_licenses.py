"""Licenses: a credential held in a jurisdiction, validated field by field."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import License
from cpe_desktop.services import licenses
from cpe_desktop.services.errors import ValidationError

TEXAS = {
    "credential": "cpa",
    "jurisdiction": "Texas",
    "license_number": "12345",
    "issued_on": "2010-05-01",
    "expires_on": "2027-05-31",
}


def test_create_license_for_self_by_credential_code(people):
    outcome = licenses.create_license(people.as_ann, TEXAS)
    license_ = License.get_by_id(outcome.value.license_id)
    assert (license_.user_id, license_.credential.code, license_.status) == (
        people.ann.user_id,
        "CPA",
        "active",
    )
    assert {"licenses", "audit"} == set(outcome.changes.kinds)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credential": "ZZZ"}, "credential"),
        ({"jurisdiction": ""}, "jurisdiction"),
        ({"issued_on": "2010-13-01"}, "issued_on"),
        ({"expires_on": "2009-01-01"}, "expires_on"),
        ({"status": "sleeping"}, "status"),
        ({"credential_id": 9999, "credential": None}, "credential_id"),
        ({"user_id": 9999}, "user_id"),
    ],
)
def test_bad_licenses_are_refused_naming_the_field(people, change, field):
    data = {k: v for k, v in {**TEXAS, **change}.items() if v is not None}
    with pytest.raises(ValidationError) as err:
        licenses.create_license(people.as_admin, data)
    assert field in err.value.errors
    assert License.select().count() == 0


def test_update_checks_dates_against_stored_values(people):
    license_ = licenses.create_license(people.as_ann, TEXAS).value
    with pytest.raises(ValidationError) as err:
        licenses.update_license(people.as_ann, license_.license_id, {"expires_on": "2001-01-01"})
    assert "expires_on" in err.value.errors
    licenses.update_license(
        people.as_ann, license_.license_id, {"period_end_override": "2026-12-31"}
    )
    assert str(License.get_by_id(license_.license_id).period_end_override) == "2026-12-31"
