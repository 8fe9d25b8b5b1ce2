"""Licenses: a credential held in a jurisdiction, validated field by field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpe_desktop.db.models import Credential, License, StateRequirement, User
from cpe_desktop.services import licenses
from cpe_desktop.services.errors import ValidationError
from tests.helpers.atlantis_rule import add_atlantis_rule

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


# --- tracking, opening balance and home jurisdiction (ARCHITECTURE.md §4)
# --------------------------

ATLANTIS = {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2008-03-01"}


def _rule(jurisdiction: str, **columns) -> StateRequirement:
    """A requirement row written directly, with the schema 4 columns the test needs."""
    now = dt.datetime(2026, 1, 1)
    return StateRequirement.create(
        state_name=jurisdiction,
        credential=Credential.get(Credential.code == "CPA"),
        total_credits_required=80,
        ethics_credits_required=4,
        created_at=now,
        updated_at=now,
        **columns,
    )


def test_a_new_license_is_tracked_from_the_start_of_its_current_period(people):
    """Atlantis periods are calendar years: a license issued in 2008 and entered on 15 June
    2026 is tracked from 1 January 2026, so 2008-2025 are never judged."""
    add_atlantis_rule(people)
    license_ = licenses.create_license(people.as_ann, ATLANTIS).value
    assert License.get_by_id(license_.license_id).tracked_from == dt.date(2026, 1, 1)


def test_a_license_without_a_rule_is_tracked_from_today(people):
    license_ = licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Nowhere"}
    ).value
    assert License.get_by_id(license_.license_id).tracked_from == dt.date(2026, 6, 15)


def test_the_holder_may_track_earlier_history_and_an_opening_balance(people):
    add_atlantis_rule(people)
    data = {
        **ATLANTIS,
        "tracked_from": "2020-01-01",
        "opening_hours": "12.5",
        "opening_ethics_hours": 2,
        "home_jurisdiction": "Lemuria",
    }
    license_ = License.get_by_id(licenses.create_license(people.as_ann, data).value.license_id)
    assert (
        license_.tracked_from,
        license_.opening_hours,
        license_.opening_ethics_hours,
        license_.home_jurisdiction,
    ) == (dt.date(2020, 1, 1), Decimal("12.5"), Decimal(2), "Lemuria")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"opening_hours": -1}, "opening_hours", "at least 0"),
        ({"opening_hours": 1001}, "opening_hours", "at most 1000"),
        ({"opening_hours": "lots"}, "opening_hours", ""),
        ({"opening_hours": 2, "opening_ethics_hours": 3}, "opening_ethics_hours", "more than"),
        ({"opening_ethics_hours": 1}, "opening_ethics_hours", "more than"),
        ({"home_jurisdiction": "x" * 101}, "home_jurisdiction", "100"),
        ({"home_jurisdiction": "atlantis"}, "home_jurisdiction", "another jurisdiction"),
        ({"tracked_from": "2026-02-30"}, "tracked_from", ""),
    ],
)
def test_bad_tracking_values_are_refused_naming_the_field(people, change, field, words):
    with pytest.raises(ValidationError) as err:
        licenses.create_license(people.as_ann, {**ATLANTIS, **change})
    assert field in err.value.errors and words in err.value.errors[field]
    assert License.select().count() == 0


def test_an_update_is_checked_with_what_the_license_holds(people):
    license_ = licenses.create_license(
        people.as_ann, {**ATLANTIS, "opening_hours": 10, "opening_ethics_hours": 4}
    ).value
    with pytest.raises(ValidationError) as err:
        licenses.update_license(people.as_ann, license_.license_id, {"opening_hours": 3})
    assert "opening_ethics_hours" in err.value.errors
    assert License.get_by_id(license_.license_id).opening_hours == Decimal(10)
    licenses.update_license(
        people.as_ann, license_.license_id, {"opening_hours": 6, "home_jurisdiction": "Mu"}
    )
    stored = License.get_by_id(license_.license_id)
    assert (stored.opening_hours, stored.home_jurisdiction) == (Decimal(6), "Mu")


def test_suggested_period_for_birth_year_parity(people):
    """California-style (16 CCR 87(a)): periods end on the last day of the birth month in years
    of the birth year's parity. Born May 1980 (even), on 15 June 2026: the period that ended
    31 May 2026 is over, the current one ends 31 May 2028."""
    _rule(
        "Calisota",
        reporting_period_years=2,
        period_basis="birth_month",
        cycle_anchor="birth_year_parity",
    )
    found = licenses.suggested_period(
        people.as_ann, "CPA", "Calisota", dt.date(2011, 3, 1), "1", dt.date(1980, 5, 14)
    )
    assert (found.period_start, found.period_end) == (dt.date(2026, 6, 1), dt.date(2028, 5, 31))
    assert found.note == (
        "Calisota: periods end on the last day of your birth month in years of the same "
        "parity as your birth year."
    )
    without_birth = licenses.suggested_period(people.as_ann, "CPA", "Calisota", None, None, None)
    assert without_birth.period_end is None
    assert "birth date" in without_birth.note


def test_suggested_period_asks_the_holder_when_only_they_know(people):
    credential_id = Credential.get(Credential.code == "CPA").credential_id
    _rule("Oz", reporting_period_years=3, cycle_anchor="holder_supplied")
    found = licenses.suggested_period(people.as_ann, credential_id, "Oz")
    assert found.period_end is None and "renewal notice" in found.note
    told = licenses.suggested_period(
        people.as_ann, credential_id, "Oz", period_end_override=dt.date(2027, 6, 30)
    )
    assert (told.period_start, told.period_end) == (dt.date(2024, 7, 1), dt.date(2027, 6, 30))


def test_suggested_period_without_a_rule_says_so(people):
    found = licenses.suggested_period(people.as_ann, "CPA", "Nowhere")
    assert found.period_end is None and "no requirement rule" in found.note


def test_a_member_may_set_their_own_birth_date(people):
    from cpe_desktop.services import users

    users.update_user(people.as_ann, people.ann.user_id, {"birth_date": "1980-05-14"})
    assert User.get_by_id(people.ann.user_id).birth_date == dt.date(1980, 5, 14)


def test_period_note_for_a_rolling_window_ending_with_the_birth_month():
    """Texas (22 TAC 523.112): 120 hours in the three years ending with the license, which
    renews each year at the end of the birth month: the note says a window, not a cycle."""
    from cpe_desktop.rules.compliance import Rule
    from cpe_desktop.services.licenses import period_note

    rule = Rule(period_years=3, period_basis="rolling", cycle_anchor="birth_month")
    assert period_note(rule, "Texas") == (
        "Texas: the 3 years ending on the last day of your birth month, judged each year when "
        "your license renews."
    )
