"""Worked scenarios on the shipped requirement rows, through the real command line: one JSON file
imported with ``cpe-tracker import`` (no requirement rows of its own: the shipped data decides),
then ``cpe-tracker status --json --as-of 2026-12-05``.

Each scenario is one person with one situation the board's rule speaks to (cycle years, a new
licensee, carryover, reciprocity, a multi-day program); the docstring of its test works the
answer out by hand from the cited rule. Licenses carry no ``tracked_from`` unless the scenario
says so: the import gives them the ARCHITECTURE.md §4 default, the start of the period holding the
holder's earliest record.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.cli_scenarios import import_and_status, record

AS_OF = "2026-12-05"


def _person(key: str, licenses: list[dict], records: list[dict], birth: str | None = None):
    return {
        "name": key.title(),
        "email": f"{key}@example.com",
        "role": "admin" if key == "california" else "member",
        "birth_date": birth,
        "licenses": [
            {"credential": "CPA", "license_number": None, "issued_on": None, "expires_on": None}
            | lic
            for lic in licenses
        ],
        "records": records,
    }


PEOPLE = [
    _person(
        "california",
        [{"jurisdiction": "California", "issued_on": "2011-04-01"}],
        [record("2026-07-10", "Taxes", 8)],
        birth="1980-05-14",
    ),
    _person(
        "illinois",
        [{"jurisdiction": "Illinois", "issued_on": "2026-06-15", "license_number": "065.123456"}],
        [record("2026-08-01", "Taxes", 4)],
    ),
    _person(
        "texas",
        [{"jurisdiction": "Texas", "issued_on": "2008-05-01"}],
        [
            record("2026-03-05", "Taxes", 30, started_on="2026-03-02", title="Tax conference"),
            record("2026-10-01", "Regulatory Ethics", 4, ethics_jurisdiction="Texas"),
        ],
        birth="1975-08-03",
    ),
    _person(
        "georgia",
        [{"jurisdiction": "Georgia", "issued_on": "2009-02-01"}],
        [
            record("2026-02-01", "Auditing", 20),
            record("2026-04-01", "Regulatory Ethics", 4, ethics_jurisdiction="Georgia"),
        ],
    ),
    _person(
        "michigan",
        [
            {
                "jurisdiction": "Michigan",
                "issued_on": "2005-01-01",
                "period_end_override": "2027-06-30",
                "tracked_from": "2024-07-01",
            }
        ],
        [
            *(record(f"2024-{m:02}-01", "Taxes", 20) for m in (9, 10, 11)),
            record("2025-10-01", "Taxes", 25),
        ],
    ),
    _person(
        "kentucky",
        [{"jurisdiction": "Kentucky", "issued_on": "2012-01-01", "license_number": "12345"}],
        [record("2026-01-15", "Taxes", 10)],
    ),
    _person(
        "kansas",
        [{"jurisdiction": "Kansas", "issued_on": "2012-01-01", "license_number": "4410"}],
        [record("2026-08-15", "Taxes", 10)],
    ),
    _person(
        "carolina",
        [{"jurisdiction": "North Carolina", "issued_on": "2026-08-12"}],
        [record("2026-09-15", "Taxes", 19), record("2026-09-16", "Regulatory Ethics", 1)],
    ),
    _person(
        "oregon",
        [{"jurisdiction": "Oregon", "issued_on": "2026-09-10", "license_number": "2002"}],
        [record("2026-10-01", "Taxes", 8)],
    ),
    _person(
        "florida",
        [
            {"jurisdiction": "Georgia", "issued_on": "2009-02-01"},
            {
                "jurisdiction": "Florida",
                "issued_on": "2010-03-01",
                "home_jurisdiction": "Georgia",
            },
        ],
        [
            *(record(f"2026-0{m}-10", "Auditing", 20) for m in (2, 3, 4, 5)),
            record("2026-06-01", "Regulatory Ethics", 4, ethics_jurisdiction="Georgia"),
            record("2026-05-15", "Regulatory Ethics", 4, ethics_jurisdiction="Florida"),
        ],
    ),
    _person(
        "agent",
        [{"credential": "EA", "jurisdiction": "IRS", "issued_on": "2015-06-01"}],
        [record("2026-05-01", "Taxes", 16)],
    ),
    _person(
        "jersey",
        [{"jurisdiction": "New Jersey", "issued_on": "2025-05-01"}],
        [record("2025-09-01", "Taxes", 8)],
    ),
]


@pytest.fixture(scope="module")
def status(tmp_path_factory) -> dict[str, list[dict[str, Any]]]:
    return import_and_status(tmp_path_factory.mktemp("scenarios"), PEOPLE, AS_OF)[AS_OF]


def _only(status, key: str) -> dict[str, Any]:
    (license,) = status[key]
    return license


def test_california_period_follows_birth_year_parity(status):
    """B&P Code 5070.5 and NASBA's California page: the license expires on the last day of the
    birth month in years of the birth year's parity; CPE is the two years before (16 CCR 87).
    Born May 1980 (even), licensed 2011 (odd): periods end 31 May of even years, so on
    5 Dec 2026 the period is 1 Jun 2026-31 May 2028 (the issue year would have said 2027).
    Tracking starts there (the earliest record, 10 Jul 2026, lies in it): nothing overdue.
    8 of 80 hours: 72 needed, 32 of the 40 technical and the 4 ethics among them. The 12
    technical hours of each year (16 CCR 87(a)) and the Regulatory Review are components."""
    license = _only(status, "california")
    assert (license["period_start"], license["period_end"]) == ("2026-06-01", "2028-05-31")
    assert license["period_guessed"] is False
    assert license["tracked_from"] == "2026-06-01"
    assert license["status"] != "overdue"
    assert license["shortfall_total"] == 72
    assert license["headline"].startswith("Need 72 h, 4 of them ethics, 32 of them technical")


def test_illinois_first_renewal_is_exempt(status):
    """225 ILCS 450/16(d): licensed CPAs are exempt for the first renewal period after the
    license is issued. Issued 15 Jun 2026, inside 1 Oct 2024-30 Sep 2027 (the fixed triennium):
    none of the 120 hours is required. The one hour of sexual harassment prevention training
    (20 ILCS 2105/2105-15.5) is asked of every licensee at renewal, so it stays: on track (the
    period ends in more than 90 days), not complete, and the sentence asks for that hour only."""
    license = _only(status, "illinois")
    assert (license["period_start"], license["period_end"]) == ("2024-10-01", "2027-09-30")
    assert license["first_period"]["kind"] == "exempt"
    assert (license["required_total"], license["status"]) == (0, "on_track")
    assert license["headline"] == (
        "Need 1 h of Illinois Sexual Harassment Prevention by 30 Sep 2027"
    )


def test_texas_old_license_with_this_years_records_and_a_four_day_conference(status):
    """22 TAC 523.112: 120 hours in the three years ending with the license period, which ends
    on the last day of the birth month (August): the window is 1 Sep 2024-31 Aug 2027, and at
    least 20 hours in each one-year period. Licensed 2008, so the ramp of (c) is long over.
    The earliest record (a 30-credit conference, 2-5 Mar 2026) lies in the reporting year
    1 Sep 2025-31 Aug 2026, where tracking starts: the window ending 31 Aug 2026 is not judged,
    and that reporting year met its 20 hours. 30 + 4 Texas ethics (523.130) = 34; 86 needed."""
    license = _only(status, "texas")
    assert (license["period_start"], license["period_end"]) == ("2024-09-01", "2027-08-31")
    assert license["tracked_from"] == "2025-09-01"
    assert license["status"] != "overdue"
    assert (license["counted_total"], license["counted_ethics"]) == (34, 4)
    judged = [y for y in license["annual"] if y["year_end"] == "2026-08-31"]
    assert judged == [
        {"year_start": "2025-09-01", "year_end": "2026-08-31", "required": 20, "earned": 30}
    ]
    assert license["headline"].startswith("Need 86 h")


def test_georgia_fixed_biennium(status):
    """Rule 20-11-.02: the biennium runs 1 Jan of even years to 31 Dec of odd years for every
    licensee, whatever the issue year (2009): on 5 Dec 2026 it is 2026-2027. 20 + 4 Georgia
    ethics = 24 of 80."""
    license = _only(status, "georgia")
    assert (license["period_start"], license["period_end"]) == ("2026-01-01", "2027-12-31")
    assert (license["counted_total"], license["counted_ethics"]) == (24, 4)
    assert license["status"] != "overdue"


def test_michigan_excess_hours_carry_into_the_next_year(status):
    """MICPA's summary of the Michigan rules: 40 hours each CPE year (1 Jul-30 Jun), and up to
    40 hours above it carry into the following year. The holder gave their period end
    (30 Jun 2027): the period is 1 Jul 2025-30 Jun 2027. 60 hours in Jul 2024-Jun 2025 carry
    20 into Jul 2025-Jun 2026, which earned 25: 45 of its 40, met. Counted: 25 + 20 = 45."""
    license = _only(status, "michigan")
    assert (license["period_start"], license["period_end"]) == ("2025-07-01", "2027-06-30")
    assert (license["carryover_in"], license["counted_total"]) == (20, 45)
    assert license["annual"][0]["earned"] == 25


def test_kentucky_odd_license_number_ends_in_even_years(status):
    """201 KAR 1:190 and the Kentucky board: odd-numbered licenses renew in odd years and the
    CPE period is the two calendar years before the renewal year. Number 12345 (odd): the
    period ending before the 2027 renewal is 1 Jan 2025-31 Dec 2026."""
    license = _only(status, "kentucky")
    assert (license["period_start"], license["period_end"]) == ("2025-01-01", "2026-12-31")


def test_kansas_even_certificate_number_ends_in_even_years(status):
    """Kansas: biennium 1 Jul-30 Jun; even certificate numbers end in even years. Number 4410:
    on 5 Dec 2026 the period is 1 Jul 2026-30 Jun 2028."""
    license = _only(status, "kansas")
    assert (license["period_start"], license["period_end"]) == ("2026-07-01", "2028-06-30")


def test_north_carolina_new_licensee_by_quarter_of_issue(status):
    """21 NCAC 08G .0401(d): a certificate approved July-September needs 1,000 minutes (20
    hours) that year instead of 2,000. Issued 12 Aug 2026; 19 + 1 ethics = 20: complete."""
    license = _only(status, "carolina")
    assert license["first_period"]["kind"] == "table"
    assert (license["required_total"], license["status"]) == (20, "complete")


def test_oregon_new_licensee_prorated_by_month(status):
    """OAR 801-040-0100(1): 3 hours a month from the month of issuance (inclusive) to the end of
    the renewal period. Number 2002 (even): the period is 1 Jul 2026-30 Jun 2028. Issued
    10 Sep 2026: September 2026 to June 2028 is 22 months, 66 hours."""
    license = _only(status, "oregon")
    assert (license["period_start"], license["period_end"]) == ("2026-07-01", "2028-06-30")
    assert license["first_period"]["kind"] == "prorate"
    assert license["required_total"] == 66


def test_florida_met_through_the_home_state_but_still_owes_florida_ethics(status):
    """Florida (61H1-33.003, reciprocity home_state_plus_ethics in the shipped row): a holder
    whose principal place of business is Georgia meets Florida's hours by meeting Georgia's,
    but the 4 hours of Florida board-approved ethics are still asked each period. Georgia: 80
    hours and 4 Georgia ethics in 2026; its status carries over. Florida's periods run 1 Jul
    2026-30 Jun 2028 (two years from July of the 2010 issue year): the Florida ethics taken
    15 May 2026 met the period that ended 30 Jun 2026, and 4 are owed in this one."""
    found = {lic["jurisdiction"]: lic for lic in status["florida"]}
    home, away = found["Georgia"], found["Florida"]
    assert away["met_through"] == "Georgia"
    assert away["shortfall_total"] == 0 and away["shortfall_ethics"] == 4
    assert away["status"] == home["status"] != "overdue"
    assert away["headline"].startswith("Met through the Georgia license; need 4 h of")


def test_enrolled_agent_is_asked_for_the_period_end(status):
    """Circular 230 10.6(d): an EA's three-year cycle follows the last digit of the SSN, which
    the program never asks for. Without the holder's period end the result says so."""
    license = _only(status, "agent")
    assert [i["missing"] for i in license["issues"] if i["kind"] == "missing_information"] == [
        "period_end"
    ]
    assert license["headline"] == "Tell us when the current reporting period ends"
    # No alarm from the stand-in period: 16 of 72 hours, but no deadline is known yet.
    assert (license["period_guessed"], license["status"]) == (True, "on_track")


def test_new_jersey_first_renewal_exempt_but_ethics(status):
    """N.J.S.A. 45:2B-68c: no CPE for the initial renewal. Issued 1 May 2025, inside the
    2024-2026 triennium: nothing required of the 120 hours."""
    license = _only(status, "jersey")
    assert (license["period_start"], license["period_end"]) == ("2024-01-01", "2026-12-31")
    assert license["first_period"]["kind"] == "exempt"
    assert license["required_total"] == 0
