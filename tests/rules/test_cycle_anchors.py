"""Which years a cycle ends in (ARCHITECTURE.md §4): one case per ``cycle_anchor``, each citing the
board rule it encodes. Every case asks for the current period as of a date and compares it with the
period the board's own wording gives, worked out by hand in the case's note.
"""

from __future__ import annotations

import pytest

from cpe_desktop.rules.compliance import evaluate
from cpe_desktop.rules.periods import MissingInformation, current_period
from tests.helpers.compliance_cases import D, lic, period_rule, rec

CASES = [
    pytest.param(
        period_rule("calendar", 2, cycle_anchor="issue_year"),
        dict(issued="2011-03-01"),
        "2026-12-05",
        ("2025-01-01", "2026-12-31"),
        id="issue_year: two-year cycles from the issue year (2011-2012, ..., 2025-2026)",
    ),
    pytest.param(
        period_rule("calendar", 2, cycle_anchor="fixed", cycle_anchor_year=2024),
        dict(issued="2011-03-01"),
        "2026-12-05",
        ("2026-01-01", "2027-12-31"),
        # Georgia Rule 20-11-.02: biennium Jan 1 of even years to Dec 31 of odd years,
        # whatever the issue year.
        id="fixed: Georgia biennium starts in even years",
    ),
    pytest.param(
        period_rule("birth_month", 2, cycle_anchor="birth_year_parity"),
        dict(issued="2011-03-01", birth="1980-05-14"),
        "2026-12-05",
        ("2026-06-01", "2028-05-31"),
        # California B&P Code 5070.5 and NASBA's California page: the license expires on the
        # last day of the birth month in years of the birth year's parity. Born 1980 (even):
        # ends 31 May 2026, then 31 May 2028. The issue year (2011, odd) plays no part.
        id="birth_year_parity: California, born in an even year, ends in even years",
    ),
    pytest.param(
        period_rule("birth_month", 2, cycle_anchor="birth_year_parity"),
        dict(issued="2010-03-01", birth="1981-11-02"),
        "2026-12-05",
        ("2025-12-01", "2027-11-30"),
        id="birth_year_parity: born in an odd year, ends in odd years",
    ),
    pytest.param(
        period_rule("calendar", 2, cycle_anchor="birth_year_parity"),
        dict(issued="2015-08-01", birth="1985-02-10"),
        "2026-12-05",
        ("2026-01-01", "2027-12-31"),
        # Nebraska: born in an odd year, the permit renews 30 June of even years and the CPE
        # period is the two calendar years before the renewal year, so it ends in odd years.
        id="birth_year_parity: Nebraska calendar biennium ends in the birth year's parity",
    ),
    pytest.param(
        period_rule("fiscal", 2, period_start_month=7, cycle_anchor="license_number_parity"),
        dict(issued="2012-09-01", number="CPA-01234"),
        "2026-12-05",
        ("2026-07-01", "2028-06-30"),
        # Kansas: biennium 1 July-30 June; an even certificate number ends in even years.
        id="license_number_parity: Kansas even number ends 30 June of even years",
    ),
    pytest.param(
        period_rule("calendar", 2, cycle_anchor="license_number_parity"),
        dict(issued="2012-09-01", number="7"),
        "2026-12-05",
        ("2026-01-01", "2027-12-31"),
        # Tennessee: biennium of calendar years; odd numbers renew 31 December of odd years.
        id="license_number_parity: Tennessee odd number ends in odd years",
    ),
    pytest.param(
        period_rule("calendar", 2, cycle_anchor="license_number_parity", cycle_parity_offset=1),
        dict(issued="2012-09-01", number="11233"),
        "2026-12-05",
        ("2025-01-01", "2026-12-31"),
        # Kentucky (201 KAR 1:190): odd-numbered licenses renew in odd years and their CPE
        # period is the two calendar years BEFORE the renewal year, so it ends in even years.
        id="license_number_parity with offset: Kentucky odd number ends in even years",
    ),
    pytest.param(
        period_rule("rolling", 3, cycle_anchor="birth_month"),
        dict(issued="2008-05-01", birth="1975-08-03"),
        "2026-12-05",
        ("2024-09-01", "2027-08-31"),
        # Texas 22 TAC 523.112: 120 hours in the three years ending with the license period,
        # and the license ends on the last day of the birth month each year.
        id="birth_month: Texas rolling window ends with the birth month",
    ),
    pytest.param(
        period_rule("calendar", 1, cycle_anchor="annual"),
        dict(issued="2011-03-01"),
        "2026-12-05",
        ("2026-01-01", "2026-12-31"),
        # North Carolina 21 NCAC 08G .0401: 40 hours by 31 December each year.
        id="annual: every calendar year",
    ),
    pytest.param(
        period_rule("calendar", 3, cycle_anchor="holder_supplied"),
        dict(issued="2011-03-01", override="2027-12-31"),
        "2026-12-05",
        ("2025-01-01", "2027-12-31"),
        # EA (Circular 230 10.6(d)): the cycle follows the last digit of the SSN, which only the
        # holder knows; the period they give is the three years ending on it.
        id="holder_supplied: the period the holder gave",
    ),
]


@pytest.mark.parametrize(("rule", "license_kw", "as_of", "expected"), CASES)
def test_current_period_follows_the_board(rule, license_kw, as_of, expected):
    period = current_period(rule, lic(**license_kw), lic(**license_kw).birth_date, D(as_of))
    assert (period.start, period.end) == (D(expected[0]), D(expected[1]))


@pytest.mark.parametrize(
    ("rule", "license_kw", "key"),
    [
        (period_rule("calendar", 3, cycle_anchor="holder_supplied"), {}, "period_end"),
        (period_rule("birth_month", 2, cycle_anchor="birth_year_parity"), {}, "birth_date"),
        (
            period_rule("calendar", 2, cycle_anchor="birth_year_parity"),
            dict(birth=None),
            "birth_date",
        ),
        (
            period_rule("calendar", 2, cycle_anchor="license_number_parity"),
            dict(number="none"),
            "license_number",
        ),
        (period_rule("rolling", 3, cycle_anchor="birth_month"), {}, "birth_date"),
    ],
)
def test_a_missing_fact_is_named(rule, license_kw, key):
    license = lic(**license_kw)
    with pytest.raises(MissingInformation) as caught:
        current_period(rule, license, license.birth_date, D("2026-12-05"))
    assert caught.value.key == key


def test_holder_supplied_without_a_date_asks_for_it_instead_of_guessing_silently():
    """The EA's cycle is set by an SSN digit: the result carries a missing_information issue
    keyed ``period_end`` and the headline asks for the date."""
    rule = period_rule("calendar", 3, cycle_anchor="holder_supplied", total_hours=72)
    result = evaluate(rule, lic("IRS", credential="EA"), [], D("2026-12-05"))
    asks = [i for i in result.issues if i.kind == "missing_information"]
    assert [i.missing for i in asks] == ["period_end"]
    assert result.headline() == "Tell us when the current reporting period ends"


def test_parity_without_a_birth_date_falls_back_and_says_so():
    """California without a birth date: the birth month is unknown; the result still comes
    (calendar years) with an issue asking for the birth date."""
    rule = period_rule("birth_month", 2, cycle_anchor="birth_year_parity", total_hours=80)
    result = evaluate(rule, lic("California", issued="2011-03-01"), [], D("2026-12-05"))
    assert [i.missing for i in result.issues] == ["birth_date"]
    assert (result.period_start, result.period_end) == (D("2025-01-01"), D("2026-12-31"))


def test_a_guessed_period_raises_no_alarm_and_judges_no_history():
    """An enrolled agent with 10 of 72 hours and no period end given: the stand-in period
    (calendar years) would end in 26 days, but no at-risk or overdue status is drawn from a
    guess; the headline asks for the period end instead."""
    rule = period_rule(
        "calendar", 3, cycle_anchor="holder_supplied", total_hours=72, annual_min_hours=16
    )
    records = [rec("2026-03-01", ("Taxes", "10"))]
    result = evaluate(
        rule, lic("IRS", credential="EA", issued="2010-01-01"), records, D("2026-12-05")
    )
    assert result.status == "on_track"
    assert result.previous is None
    assert result.headline() == "Tell us when the current reporting period ends"
    # Once the holder gives it, the real answer: 62 hours short with 26 days left.
    given = lic(
        "IRS", credential="EA", issued="2010-01-01", override="2026-12-31", tracked="2024-01-01"
    )
    assert evaluate(rule, given, records, D("2026-12-05")).status == "at_risk"
