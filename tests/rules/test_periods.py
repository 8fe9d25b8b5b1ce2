"""The current reporting period for every period basis, worked out by hand (ARCHITECTURE.md §4 step
1).

Each row gives the rule, the license facts and the as-of date, and the period a person would
find with a calendar; the comment says how. Previous and ethics periods, ``Period`` itself and
the properties are in ``test_period_chains.py``.
"""

from __future__ import annotations

import pytest

from cpe_desktop.rules.periods import MissingInformation, Period, current_period
from tests.helpers.compliance_cases import D
from tests.helpers.compliance_cases import period_license as lic
from tests.helpers.compliance_cases import period_rule as rule

# --- current_period, table-driven -----------------------------------------------------------------

CASES = [
    # id, rule, license, birth date, as of, expected start, expected end
    ("calendar 1y", rule("calendar", 1), lic(), None, "2026-06-15", "2026-01-01", "2026-12-31"),
    # (2026 - 2024) % 3 = 2: the cycle began in 2024; its last day still belongs to it.
    (
        "calendar 3y last day",
        rule("calendar", 3, cycle_anchor_year=2024),
        lic(),
        None,
        "2026-12-31",
        "2024-01-01",
        "2026-12-31",
    ),
    (
        "calendar 3y next cycle",
        rule("calendar", 3, cycle_anchor_year=2024),
        lic(),
        None,
        "2027-01-01",
        "2027-01-01",
        "2029-12-31",
    ),
    # Anchor after the date: (2022 - 2025) % 2 = 1, so the cycle began in 2021.
    (
        "calendar anchor later",
        rule("calendar", 2, cycle_anchor_year=2025),
        lic(),
        None,
        "2022-07-01",
        "2021-01-01",
        "2022-12-31",
    ),
    # No anchor: the issue year 2011; (2026 - 2011) % 3 = 0.
    (
        "calendar issue year",
        rule("calendar", 3),
        lic("2011-08-20"),
        None,
        "2026-03-01",
        "2026-01-01",
        "2028-12-31",
    ),
    # Neither anchor nor issue date: the as-of year starts a cycle.
    (
        "calendar no facts",
        rule("calendar", 3),
        lic(),
        None,
        "2026-03-01",
        "2026-01-01",
        "2028-12-31",
    ),
    # July-June years are named by the calendar year they begin in.
    (
        "fiscal Jun 30",
        rule("fiscal", 1, period_start_month=7),
        lic(),
        None,
        "2026-06-30",
        "2025-07-01",
        "2026-06-30",
    ),
    (
        "fiscal Jul 1",
        rule("fiscal", 1, period_start_month=7),
        lic(),
        None,
        "2026-07-01",
        "2026-07-01",
        "2027-06-30",
    ),
    # Illinois-like: Oct-Sep trienniums from Oct 2024 (anchor 2024).
    (
        "fiscal 3y",
        rule("fiscal", 3, period_start_month=10, cycle_anchor_year=2024),
        lic(),
        None,
        "2027-09-30",
        "2024-10-01",
        "2027-09-30",
    ),
    # Sep 30 2024 is in fiscal 2023; (2023 - 2024) % 3 = 2, so the cycle began in fiscal 2021.
    (
        "fiscal 3y before anchor",
        rule("fiscal", 3, period_start_month=10, cycle_anchor_year=2024),
        lic(),
        None,
        "2024-09-30",
        "2021-10-01",
        "2024-09-30",
    ),
    # Wisconsin-like Dec-Nov years, anchor 2025: Nov 30 2025 is in fiscal 2024, cycle from 2023.
    (
        "fiscal December",
        rule("fiscal", 2, period_start_month=12, cycle_anchor_year=2025),
        lic(),
        None,
        "2025-11-30",
        "2023-12-01",
        "2025-11-30",
    ),
    # No anchor: the issue year 2021 starts cycles in July 2021; May 2023 is in fiscal 2022.
    (
        "fiscal issue year",
        rule("fiscal", 2, period_start_month=7),
        lic("2021-03-10"),
        None,
        "2023-05-01",
        "2021-07-01",
        "2023-06-30",
    ),
    # Born in May, issued 2015: periods end May 31 of odd years; May 31 2025 has passed.
    (
        "birth month",
        rule("birth_month", 2),
        lic("2015-01-10"),
        "1980-05-14",
        "2026-06-15",
        "2025-06-01",
        "2027-05-31",
    ),
    (
        "birth month last day",
        rule("birth_month", 2),
        lic("2015-01-10"),
        "1980-05-14",
        "2027-05-31",
        "2025-06-01",
        "2027-05-31",
    ),
    (
        "birth month day after",
        rule("birth_month", 2),
        lic("2015-01-10"),
        "1980-05-14",
        "2027-06-01",
        "2027-06-01",
        "2029-05-31",
    ),
    # Born 29 Feb, anchor 2024: ends on the last day of February of even years (2026: the 28th).
    (
        "birth month February",
        rule("birth_month", 2, cycle_anchor_year=2024),
        lic(),
        "1984-02-29",
        "2027-01-10",
        "2026-03-01",
        "2028-02-29",
    ),
    # December birthdays: the period is the calendar year.
    (
        "birth month December",
        rule("birth_month", 1),
        lic(),
        "1970-12-05",
        "2026-12-31",
        "2026-01-01",
        "2026-12-31",
    ),
    (
        "birth month January",
        rule("birth_month", 3, cycle_anchor_year=2024),
        lic(),
        "1990-01-20",
        "2024-02-01",
        "2024-02-01",
        "2027-01-31",
    ),
    # One-year birth-month periods need no issue date (every year ends one).
    (
        "birth month 1y",
        rule("birth_month", 1),
        lic(),
        "1990-08-20",
        "2026-03-01",
        "2025-09-01",
        "2026-08-31",
    ),
    # Issued 15 May 2019, two-year terms: 2019, 2021, 2023, 2025 ...
    (
        "license date",
        rule("license_date", 2),
        lic("2019-05-15"),
        None,
        "2026-06-01",
        "2025-05-15",
        "2027-05-14",
    ),
    # Issued 29 Feb 2020: in common years the anniversary is 1 March.
    (
        "license date Feb 29 a",
        rule("license_date", 1),
        lic("2020-02-29"),
        None,
        "2025-02-28",
        "2024-02-29",
        "2025-02-28",
    ),
    (
        "license date Feb 29 b",
        rule("license_date", 1),
        lic("2020-02-29"),
        None,
        "2025-03-01",
        "2025-03-01",
        "2026-02-28",
    ),
    (
        "license date Feb 29 c",
        rule("license_date", 1),
        lic("2020-02-29"),
        None,
        "2028-02-29",
        "2028-02-29",
        "2029-02-28",
    ),
    # Before the issue date the chain runs backwards: 2015-01-31 .. 2018-01-30.
    (
        "license date before issue",
        rule("license_date", 3),
        lic("2018-01-31"),
        None,
        "2017-06-01",
        "2015-01-31",
        "2018-01-30",
    ),
    # Rolling: the three years ending on the next 31 December.
    ("rolling", rule("rolling", 3), lic(), None, "2026-06-15", "2024-01-01", "2026-12-31"),
    # Rolling with July-June years: the three years ending on the next 30 June.
    (
        "rolling fiscal Jun",
        rule("rolling", 3, period_start_month=7),
        lic(),
        None,
        "2026-06-15",
        "2023-07-01",
        "2026-06-30",
    ),
    (
        "rolling fiscal Jul",
        rule("rolling", 3, period_start_month=7),
        lic(),
        None,
        "2026-07-01",
        "2024-07-01",
        "2027-06-30",
    ),
    # Rolling with the holder's deadline (31 May, every year): the window ends on its next one.
    (
        "rolling override",
        rule("rolling", 3),
        lic(override="2026-05-31"),
        None,
        "2026-03-01",
        "2023-06-01",
        "2026-05-31",
    ),
    (
        "rolling override after",
        rule("rolling", 3),
        lic(override="2026-05-31"),
        None,
        "2026-07-01",
        "2024-06-01",
        "2027-05-31",
    ),
    (
        "rolling override before",
        rule("rolling", 3),
        lic(override="2026-05-31"),
        None,
        "2024-01-15",
        "2021-06-01",
        "2024-05-31",
    ),
    # Override: the N years ending on it, whatever the basis says.
    (
        "override",
        rule("calendar", 3, cycle_anchor_year=2024),
        lic(override="2027-06-30"),
        None,
        "2026-01-10",
        "2024-07-01",
        "2027-06-30",
    ),
    (
        "override passed",
        rule("calendar", 3, cycle_anchor_year=2024),
        lic(override="2027-06-30"),
        None,
        "2027-07-01",
        "2027-07-01",
        "2030-06-30",
    ),
    (
        "override long passed",
        rule("calendar", 2),
        lic(override="2020-12-31"),
        None,
        "2026-02-01",
        "2025-01-01",
        "2026-12-31",
    ),
    # Month end kept: 28 Feb 2027 + 1 year ends on 29 Feb 2028.
    (
        "override month end",
        rule("fiscal", 1, period_start_month=3),
        lic(override="2027-02-28"),
        None,
        "2028-01-01",
        "2027-03-01",
        "2028-02-29",
    ),
    (
        "override month end 2y",
        rule("license_date", 2),
        lic(override="2027-02-28"),
        None,
        "2026-01-01",
        "2025-03-01",
        "2027-02-28",
    ),
    # With a deadline the birth date is not needed.
    (
        "override birth month",
        rule("birth_month", 2),
        lic(override="2027-03-31"),
        None,
        "2026-10-01",
        "2025-04-01",
        "2027-03-31",
    ),
]


@pytest.mark.parametrize(
    ("the_rule", "license", "birth", "as_of", "start", "end"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_current_period(the_rule, license, birth, as_of, start, end):
    period = current_period(the_rule, license, D(birth) if birth else None, D(as_of))
    assert period == Period(D(start), D(end))
    assert period.contains(D(as_of))


@pytest.mark.parametrize(
    ("the_rule", "license", "missing"),
    [
        (rule("birth_month", 2, cycle_anchor_year=2024), lic("2010-01-01"), "birth date"),
        (rule("license_date", 2), lic(), "issue date"),
        (rule("fiscal", 1), lic(), "fiscal year start month"),
    ],
)
def test_missing_information_names_the_fact(the_rule, license, missing):
    with pytest.raises(MissingInformation) as caught:
        current_period(the_rule, license, None, D("2026-01-01"))
    assert caught.value.missing == missing
    assert missing.split()[0] in str(caught.value)
    assert isinstance(caught.value, ValueError)
