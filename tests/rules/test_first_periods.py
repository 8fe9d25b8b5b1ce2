"""New licensees (ARCHITECTURE.md §4): what each kind of ``first_period`` asks, case by case, each
worked by hand from the board rule cited in its note.
"""

from __future__ import annotations

import pytest

from cpe_desktop.rules.compliance import evaluate
from cpe_desktop.rules.first_period import whole_months
from tests.helpers.compliance_cases import D, H, lic, period_rule, rec

ILLINOIS = period_rule(
    "fiscal",
    3,
    period_start_month=10,
    cycle_anchor="fixed",
    cycle_anchor_year=2024,
    total_hours=120,
    ethics_hours=4,
    first_period="exempt",
)
MISSOURI = period_rule(
    "calendar", 1, cycle_anchor="annual", total_hours=40, first_period="starts_next_period"
)
CALIFORNIA = period_rule(
    "birth_month",
    2,
    cycle_anchor="birth_year_parity",
    total_hours=80,
    ethics_hours=4,
    annual_min_hours=20,
    technical_min_hours=40,
    first_period="prorate",
    first_period_hours_per_unit=20,
    first_period_unit_months=6,
    first_period_ethics=0,
)
OREGON = period_rule(
    "fiscal",
    2,
    period_start_month=7,
    cycle_anchor="license_number_parity",
    total_hours=80,
    ethics_hours=4,
    first_period="prorate",
    first_period_hours_per_unit=3,
    first_period_unit_months=1,
    first_period_counts_issue_month=True,
)
NORTH_CAROLINA = period_rule(
    "calendar",
    1,
    cycle_anchor="annual",
    total_hours=40,
    ethics_hours=1,
    first_period="table",
    first_period_unit_months=3,
    first_period_table=(40, 30, 20, 10),
)
TEXAS = period_rule(
    "rolling",
    3,
    cycle_anchor="birth_month",
    total_hours=120,
    ethics_hours=4,
    ethics_period_years=2,
    ethics_state_specific=True,
    first_period="ramp",
    first_period_table=(0, 0, 20, 60, 100),
    first_period_ethics=0,
)
NEW_JERSEY = period_rule(
    "calendar",
    3,
    cycle_anchor="fixed",
    cycle_anchor_year=2024,
    total_hours=120,
    ethics_hours=4,
    ethics_state_specific=True,
    first_period="exempt",
    first_period_ethics=4,
)

CASES = [
    pytest.param(
        ILLINOIS,
        dict(jurisdiction="Illinois", issued="2026-06-15"),
        "2026-12-05",
        ("exempt", H(0), H(0)),
        # 225 ILCS 450/16(d): exempt for the first renewal period after the license is issued;
        # the period 1 Oct 2024-30 Sep 2027 contains the issue date.
        id="exempt: Illinois first renewal",
    ),
    pytest.param(
        ILLINOIS,
        dict(jurisdiction="Illinois", issued="2026-06-15"),
        "2027-12-05",
        None,
        # The next period (1 Oct 2027-30 Sep 2030) asks the full 120 hours.
        id="exempt: Illinois second period is full",
    ),
    pytest.param(
        MISSOURI,
        dict(jurisdiction="Missouri", issued="2026-04-10"),
        "2026-12-05",
        ("starts_next_period", H(0), None),
        # 20 CSR 2010-4.010(1): the rules apply to licensees who hold a license for an entire
        # calendar year; 2026, the year of licensure, asks nothing.
        id="starts_next_period: Missouri year of licensure",
    ),
    pytest.param(
        CALIFORNIA,
        dict(jurisdiction="California", issued="2025-03-15", birth="1980-05-14"),
        "2026-01-10",
        ("prorate", H(40), H(0)),
        # 16 CCR 87.1(b): 20 hours for each full six months from issue to the first expiration.
        # Born 1980 (even): the first expiration is 31 May 2026. 15 Mar 2025 to 31 May 2026 is
        # 14 full months, two full six-month spans: 40 hours. 87.1(c): the 4 ethics hours only
        # when 80 are required.
        id="prorate: California 20 per full six months",
    ),
    pytest.param(
        OREGON,
        dict(jurisdiction="Oregon", issued="2026-03-20", number="1000"),
        "2026-05-01",
        ("prorate", H(12), H(4)),
        # OAR 801-040-0100(1): 3 hours a month from the month of issuance (inclusive) to the end
        # of the renewal period. Even number: the period ends 30 Jun 2026. March to June is 4
        # months: 12 hours; the ethics hours are not prorated.
        id="prorate: Oregon 3 a month counting the month of issue",
    ),
    pytest.param(
        NORTH_CAROLINA,
        dict(jurisdiction="North Carolina", issued="2026-08-12"),
        "2026-12-05",
        ("table", H(20), H(1)),
        # 21 NCAC 08G .0401(d): a certificate approved July-September needs 1,000 minutes that
        # year: 20 hours. Jan 1 to Aug 12 holds two whole quarters: entry 2 of (40, 30, 20, 10).
        id="table: North Carolina by quarter of issue",
    ),
    pytest.param(
        TEXAS,
        dict(jurisdiction="Texas", issued="2023-06-10", birth="1975-08-03"),
        "2025-12-05",
        ("ramp", H(60), H(0)),
        # 22 TAC 523.112(c): the license period containing the issue date (ends Aug 2023) and
        # the first full one (Sep 2023-Aug 2024) ask nothing; the second 20; the third 60; the
        # fourth 100; then 120. As of Dec 2025 the window ends 31 Aug 2026: the third.
        id="ramp: Texas third license period",
    ),
    pytest.param(
        TEXAS,
        dict(jurisdiction="Texas", issued="2023-06-10", birth="1975-08-03"),
        "2028-12-05",
        None,
        # The window ending 31 Aug 2029 is the sixth: the full 120 hours.
        id="ramp: Texas after the ramp",
    ),
    pytest.param(
        NEW_JERSEY,
        dict(jurisdiction="New Jersey", issued="2025-05-01"),
        "2026-12-05",
        ("exempt", H(0), H(4)),
        # N.J.S.A. 45:2B-68c: no CPE for the initial renewal, but the 4-hour New Jersey law and
        # ethics course is still asked of a new licensee.
        id="exempt with ethics: New Jersey",
    ),
]


@pytest.mark.parametrize(("rule", "license_kw", "as_of", "expected"), CASES)
def test_first_period_asks_what_the_board_asks(rule, license_kw, as_of, expected):
    result = evaluate(rule, lic(**license_kw), [], D(as_of))
    if expected is None:
        assert result.first_period is None
        assert result.required_total == rule.total_hours
        return
    kind, total, ethics = expected
    assert result.first_period is not None
    assert (result.first_period.kind, result.required_total) == (kind, total)
    if ethics is not None:
        assert result.required_ethics == ethics


def test_exempt_first_period_is_complete_and_says_so():
    """An Illinois CPA licensed June 2026 was shown at risk for 120 hours; now: complete."""
    result = evaluate(ILLINOIS, lic("Illinois", issued="2026-06-15"), [], D("2026-12-05"))
    assert result.status == "complete"
    assert result.first_period.description == "exempt"
    assert result.headline() == "Nothing due in the first period, which ends 30 Sep 2027"


def test_prorated_period_shrinks_the_technical_minimum_and_skips_unheld_years():
    """California, 40 of 80 hours asked: the 40-hour technical minimum becomes 20, and the
    annual minimum is not asked of the year that began before the license was issued."""
    result = evaluate(
        CALIFORNIA,
        lic("California", issued="2025-03-15", birth="1980-05-14"),
        [rec("2025-09-01", ("Taxes", "40"))],
        D("2026-01-10"),
    )
    assert result.required_technical == H(20)
    assert [y.year_start for y in result.annual] == [D("2025-06-01")]
    assert result.status == "complete"
    assert result.first_period.description == "prorated, 40 h"


def test_new_jersey_new_licensee_still_needs_the_ethics_course():
    result = evaluate(NEW_JERSEY, lic("New Jersey", issued="2025-05-01"), [], D("2026-12-05"))
    assert result.status == "at_risk"
    assert result.headline() == "Need 4 h of New Jersey ethics by 31 Dec 2026"


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2025-03-15", "2026-06-01", 14),
        ("2025-03-01", "2026-07-01", 16),
        ("2026-01-01", "2026-08-12", 7),
        ("2026-08-12", "2026-01-01", 0),
        ("2024-01-31", "2024-02-29", 0),
    ],
)
def test_whole_months(start, end, months):
    assert whole_months(D(start), D(end)) == months
