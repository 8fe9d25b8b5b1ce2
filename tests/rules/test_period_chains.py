"""Previous and ethics periods, ``Period`` itself, and the properties every period keeps.

Expected periods are worked out by hand with a calendar (the comment says how); Hypothesis then
checks, for any rule, license and date, that the period contains the date, periods follow on
without gaps and the years of a period tile it.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpe_desktop.rules.compliance import LicenseFacts, Rule
from cpe_desktop.rules.periods import (
    PERIOD_BASES,
    Period,
    add_years,
    anchor_is_assumed,
    current_period,
    ethics_period,
    previous_ethics_period,
    previous_period,
)
from tests.helpers.compliance_cases import D
from tests.helpers.compliance_cases import period_license as lic
from tests.helpers.compliance_cases import period_rule as rule

SETTINGS = settings(max_examples=300, deadline=None, database=None)


# --- Previous and ethics periods ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("the_rule", "license", "birth", "as_of", "back", "start", "end"),
    [
        # 2024-2026 now; 2021-2023 before it; 2018-2020 before that.
        (
            rule("calendar", 3, cycle_anchor_year=2024),
            lic(),
            None,
            "2026-06-01",
            1,
            "2021-01-01",
            "2023-12-31",
        ),
        (
            rule("calendar", 3, cycle_anchor_year=2024),
            lic(),
            None,
            "2026-06-01",
            2,
            "2018-01-01",
            "2020-12-31",
        ),
        # Rolling: the window that ended on the previous 31 December (overlapping this one).
        (rule("rolling", 3), lic(), None, "2026-06-01", 1, "2023-01-01", "2025-12-31"),
        (rule("rolling", 3), lic(), None, "2026-06-01", 2, "2022-01-01", "2024-12-31"),
        (
            rule("birth_month", 2),
            lic("2015-01-10"),
            "1980-05-14",
            "2026-06-15",
            1,
            "2023-06-01",
            "2025-05-31",
        ),
        (
            rule("license_date", 1),
            lic("2020-02-29"),
            None,
            "2025-03-01",
            1,
            "2024-02-29",
            "2025-02-28",
        ),
        # No facts: the cycle guessed from the as-of year stays the same one step back.
        (rule("calendar", 3), lic(), None, "2026-06-01", 1, "2023-01-01", "2025-12-31"),
        (
            rule("rolling", 3),
            lic(override="2026-05-31"),
            None,
            "2026-07-01",
            1,
            "2023-06-01",
            "2026-05-31",
        ),
    ],
)
def test_previous_period(the_rule, license, birth, as_of, back, start, end):
    birth_date = D(birth) if birth else None
    found = previous_period(the_rule, license, birth_date, D(as_of), back)
    assert found == Period(D(start), D(end))


@pytest.mark.parametrize(
    ("the_rule", "license", "as_of", "start", "end", "previous_start", "previous_end"),
    [
        # Texas-like: 3-year rolling, ethics every 2 years ending on the same reporting date.
        (rule("rolling", 3, ethics_period_years=2), lic(), "2026-06-15",
         "2025-01-01", "2026-12-31", "2024-01-01", "2025-12-31"),
        # New York-like: yearly hours, ethics over 3 years aligned to the issue year 2012:
        # (2026 - 2012) % 3 = 2, so 2024-2026.
        (rule("calendar", 1, ethics_period_years=3), lic("2012-04-01"), "2026-06-15",
         "2024-01-01", "2026-12-31", "2021-01-01", "2023-12-31"),
        # Virginia-like: 3-year rolling, ethics every year.
        (rule("rolling", 3, ethics_period_years=1), lic(), "2026-06-15",
         "2026-01-01", "2026-12-31", "2025-01-01", "2025-12-31"),
        # Connecticut-like: July years; ethics over 3 fiscal years from the first July on or
        # after the issue date (2015): Feb 2026 is fiscal 2025, (2025 - 2015) % 3 = 1, so
        # from July 2024.
        (rule("fiscal", 1, period_start_month=7, ethics_period_years=3), lic("2015-06-01"),
         "2026-02-01", "2024-07-01", "2027-06-30", "2021-07-01", "2024-06-30"),
        # Unset: the ethics period is the reporting period.
        (rule("calendar", 2, cycle_anchor_year=2025), lic(), "2026-06-15",
         "2025-01-01", "2026-12-31", "2023-01-01", "2024-12-31"),
        # A deadline: 2 years of ethics ending on it (the reporting period is 3 years).
        (rule("calendar", 3, ethics_period_years=2), lic(override="2027-06-30"), "2026-01-10",
         "2025-07-01", "2027-06-30", "2023-07-01", "2025-06-30"),
    ],
)  # fmt: skip
def test_ethics_period(the_rule, license, as_of, start, end, previous_start, previous_end):
    assert ethics_period(the_rule, license, None, D(as_of)) == Period(D(start), D(end))
    found = previous_ethics_period(the_rule, license, None, D(as_of))
    assert found == Period(D(previous_start), D(previous_end))


def test_anchor_is_assumed_only_without_any_fact():
    assert anchor_is_assumed(rule("calendar", 3), lic())
    assert anchor_is_assumed(rule("calendar", 1, ethics_period_years=3), lic())
    assert not anchor_is_assumed(rule("calendar", 1), lic())
    assert not anchor_is_assumed(rule("calendar", 3), lic("2010-01-01"))
    assert not anchor_is_assumed(rule("calendar", 3, cycle_anchor_year=2024), lic())
    assert not anchor_is_assumed(rule("calendar", 3), lic(override="2026-12-31"))
    assert not anchor_is_assumed(rule("rolling", 3), lic())


# --- Period itself --------------------------------------------------------------------------------


def test_period_contains_and_days_left():
    year = Period(D("2026-01-01"), D("2026-12-31"))
    assert year.contains(D("2026-01-01")) and year.contains(D("2026-12-31"))
    assert not year.contains(D("2025-12-31")) and not year.contains(D("2027-01-01"))
    assert year.days_left(D("2026-12-31")) == 0
    assert year.days_left(D("2026-12-30")) == 1
    assert year.days_left(D("2026-10-03")) == 89  # 28 + 30 + 31 days of Oct-Dec
    assert year.days_left(D("2027-03-01")) == 0


@pytest.mark.parametrize(
    ("start", "end", "spans"),
    [
        ("2024-01-01", "2026-12-31", [("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31"),
                                      ("2026-01-01", "2026-12-31")]),
        # From 29 Feb: the common years run from 1 March, without drifting.
        ("2024-02-29", "2028-02-28", [("2024-02-29", "2025-02-28"), ("2025-03-01", "2026-02-28"),
                                      ("2026-03-01", "2027-02-28"), ("2027-03-01", "2028-02-28")]),
        ("2025-06-01", "2027-05-31", [("2025-06-01", "2026-05-31"), ("2026-06-01", "2027-05-31")]),
        # A period shorter than a year is one clipped span.
        ("2026-01-01", "2026-03-31", [("2026-01-01", "2026-03-31")]),
    ],
)  # fmt: skip
def test_years(start, end, spans):
    expected = tuple(Period(D(a), D(b)) for a, b in spans)
    assert Period(D(start), D(end)).years() == expected


def test_years_are_worked_out_once_per_period():
    """``years()`` is kept per period (``periods._YEARS``): an equal period gets the very same
    tuple, a period with the same start and another end (or the same end and another start)
    its own years, each as worked out afresh."""
    from cpe_desktop.rules import periods

    periods._YEARS.clear()
    first = Period(D("2024-02-29"), D("2028-02-28"))
    assert first.years() is Period(D("2024-02-29"), D("2028-02-28")).years()
    for start, end in (
        ("2024-02-29", "2026-02-27"),
        ("2024-02-29", "2025-01-31"),
        ("2025-02-28", "2028-02-28"),
    ):
        other = Period(D(start), D(end))
        assert other.years() == other._years() != first.years()
    assert first.years() == first._years()


def test_period_is_frozen_and_checked():
    period = Period(D("2026-01-01"), D("2026-12-31"))
    with pytest.raises(FrozenInstanceError):
        period.start = D("2025-01-01")  # type: ignore[misc]
    with pytest.raises(ValueError, match="before it starts"):
        Period(D("2026-01-02"), D("2026-01-01"))


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        ("2024-02-29", 1, "2025-03-01"),
        ("2024-02-29", 4, "2028-02-29"),
        ("2024-02-29", -1, "2023-03-01"),
        ("2026-01-31", 2, "2028-01-31"),
        ("2026-12-31", -3, "2023-12-31"),
    ],
)
def test_add_years(day, years, expected):
    assert add_years(D(day), years) == D(expected)


# --- Properties -----------------------------------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
rules = st.builds(
    Rule,
    period_years=st.integers(1, 5),
    period_basis=st.sampled_from(PERIOD_BASES),
    period_start_month=st.one_of(st.none(), st.integers(1, 12)),
    cycle_anchor_year=st.one_of(st.none(), st.integers(1990, 2060)),
    ethics_period_years=st.one_of(st.none(), st.integers(1, 5)),
)
licenses = st.builds(
    LicenseFacts,
    license_id=st.just(1),
    credential=st.just("CPA"),
    jurisdiction=st.just("Texas"),
    issued_on=st.one_of(st.none(), days),
    period_end_override=st.one_of(st.none(), days),
)


def _usable(the_rule: Rule, license: LicenseFacts) -> tuple[Rule, LicenseFacts]:
    """Supply the one fact a basis cannot do without (tested separately above)."""
    if the_rule.period_basis == "fiscal" and the_rule.period_start_month is None:
        the_rule = Rule(period_years=the_rule.period_years, period_basis="calendar")
    if the_rule.period_basis == "license_date" and license.issued_on is None:
        license = LicenseFacts(1, "CPA", "Texas", issued_on=date(2001, 2, 28))
    return the_rule, license


@SETTINGS
@given(rules, licenses, days, days)
def test_periods_contain_the_date_and_follow_on(the_rule, license, birth, as_of):
    the_rule, license = _usable(the_rule, license)
    current = current_period(the_rule, license, birth, as_of)
    before = previous_period(the_rule, license, birth, as_of)
    assert current.contains(as_of)
    # Every period is exactly N years: N one-year spans, the last one ending on the period end.
    spans = current.years()
    assert len(spans) == the_rule.period_years
    assert spans[0].start == current.start and spans[-1].end == current.end
    for first, second in zip(spans, spans[1:], strict=False):
        assert first.end + timedelta(days=1) == second.start
    if the_rule.period_basis == "rolling":
        # Rolling windows step back one reporting year.
        assert before.end < current.end and before.years()[-1].end == before.end
        assert before.end + timedelta(days=1) == current.years()[-1].start
    else:
        assert before.end + timedelta(days=1) == current.start
    ethics = ethics_period(the_rule, license, birth, as_of)
    assert ethics.contains(as_of)
    assert len(ethics.years()) == (the_rule.ethics_period_years or the_rule.period_years)


@SETTINGS
@given(days, st.integers(-50, 50))
def test_add_years_lands_on_the_same_day_or_1_march(day, years):
    moved = add_years(day, years)
    assert moved.year == day.year + years
    if (moved.month, moved.day) != (day.month, day.day):
        assert (day.month, day.day, moved.month, moved.day) == (2, 29, 3, 1)
