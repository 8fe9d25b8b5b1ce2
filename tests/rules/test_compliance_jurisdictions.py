"""The engine on the shipped requirement rows of real jurisdictions.

Each scenario loads its rule from ``resources/requirements/requirements.json`` (never restating
its numbers), quotes in a comment the part of the row's notes it exercises, checks that the row
still says so (``premise``), and compares with results worked out by hand in the comments.
"""

from __future__ import annotations

import pytest

from cpe_desktop.rules.compliance import CapResult, Evaluation, YearResult, evaluate
from tests.helpers.compliance_cases import NANO, QAS, D, H, lic, rec, shipped, shipped_row, spread


def premise(credential: str, jurisdiction: str, *phrases: str) -> None:
    """The row still says what the scenario relies on."""
    notes = shipped_row(credential, jurisdiction)["notes"]
    for phrase in phrases:
        assert phrase in notes, f"{credential} {jurisdiction} no longer says {phrase!r}"


def period(ev: Evaluation) -> tuple[str, str]:
    return ev.period_start.isoformat(), ev.period_end.isoformat()


def test_texas_rolling_window_and_state_ethics():
    # "Period: Rolling 3 years"; "Ethics: 4 every 2 years; Board-approved ... Texas Rules";
    # "Non-technical max 50%" (of 120 = 60); 20 a year.
    premise("CPA", "Texas", "Rolling 3 years", "4 every 2 years", "Non-technical max 50%")
    records = [
        *spread("2023-01-10", 8, "Taxes", "8"),  # 2023: 64
        rec("2023-09-01", ("Taxes", "6")),  # + 6 = 70
        *spread("2024-01-10", 2, "Taxes", "8"),  # 2024: 16
        rec("2024-05-01", ("Taxes", "6")),  # + 6
        rec("2024-10-01", ("Regulatory Ethics", "2"), tag="Texas"),  # + 2 = 24
        *spread("2025-01-10", 3, "Auditing", "8"),  # 2025: 24
        rec("2025-06-01", ("Regulatory Ethics", "2"), tag="Texas"),  # + 2 = 26
        *spread("2026-01-10", 3, "Accounting", "8"),  # 2026: 24
        *spread("2026-03-10", 3, "Personal Development", "8"),  # + 24
        rec("2026-05-01", ("Communications and Marketing", "7.5")),  # + 7.5
        rec("2026-06-01", ("Behavioral Ethics", "2")),  # + 2 (not Texas) = 57.5
    ]
    # Born in December: the license, and the window's reporting year, end on 31 December.
    license = lic("Texas", issued="2010-05-01", birth="1970-12-10")
    ev = evaluate(shipped("CPA", "Texas"), license, records, D("2026-08-01"))
    # 2024-2026: 24 + 26 + 57.5 = 107.5 of 120. Non-technical 24 + 7.5 + 2 = 33.5 <= 60;
    # nano learning at most 50 % (22 TAC 523.118(b)): none taken.
    assert period(ev) == ("2024-01-01", "2026-12-31")
    assert (ev.counted_total, ev.shortfall_total) == (H("107.5"), H("12.5"))
    assert ev.caps == (CapResult("nano", H(60), H(0)), CapResult("non_technical", H(60), H(0)))
    # Ethics 2025-2026: only the Texas 2 (the Behavioral Ethics is not tagged Texas).
    assert (ev.ethics_period_start, ev.counted_ethics, ev.shortfall_ethics) == (
        D("2025-01-01"),
        H(2),
        H(2),
    )
    assert [(y.earned, y.met) for y in ev.annual] == [(24, True), (26, True), (H("57.5"), None)]
    # The window ending 31 Dec 2025 had 70 + 24 + 26 = 120, and its ethics window (2024-2025)
    # the 2 + 2 Texas hours: nothing overdue. Pace: 12.5 x 944
    # days (366 + 365 + 212 + 1) = 11800 <= 107.5 x 152 days left = 16340.
    assert ev.previous is not None and ev.previous.made_up
    assert ev.status == "on_track"
    assert (
        ev.shortfall_text() == "12.5 more hours by 31 Dec 2026, 2 of them ethics (Texas-approved)"
    )


def test_texas_with_the_license_expiration_as_deadline():
    # 22 TAC 523.112: the window ends with the license, on the last day of the birth month
    # (cycle_anchor birth_month); the license's own expiration date gives the same window.
    # Ethics are the 2 years ending on the same date.
    assert shipped_row("CPA", "Texas")["cycle_anchor"] == "birth_month"
    by_birth = evaluate(shipped("CPA", "Texas"), lic(birth="1975-05-10"), [], D("2026-09-01"))
    assert period(by_birth) == ("2024-06-01", "2027-05-31")
    ev = evaluate(shipped("CPA", "Texas"), lic(override="2026-05-31"), [], D("2026-09-01"))
    assert period(ev) == ("2024-06-01", "2027-05-31")
    assert (ev.ethics_period_start, ev.ethics_period_end) == (D("2025-06-01"), D("2027-05-31"))
    assert [(y.year_start, y.year_end) for y in ev.annual][-1] == (D("2026-06-01"), D("2027-05-31"))


def test_california_birth_month_non_technical_cap_and_technical_minimum():
    # "license expires last day of birth month in 2nd year"; ">=40 technical per period (max 40
    # non-technical)"; "Carryover 0 (16 CCR 87(a): no carryover)".
    premise("CPA", "California", "last day of birth month", "max 40 non-technical", "Carryover 0")
    records = [
        *spread("2022-11-01", 10, "Taxes", "8"),  # previous period: 80
        rec("2023-06-01", ("Behavioral Ethics", "4")),
        *spread("2023-07-01", 2, "Auditing", "8"),  # previous: 100, 20 over (not carried)
        *spread("2024-11-01", 3, "Taxes", "10"),  # year 1: 30 technical
        *spread("2025-10-15", 5, "Personal Development", "8"),  # year 2: 40 (last 2 Feb 2026)
        rec("2026-03-01", ("Personal Development", "6"), rid=501),
        rec("2026-04-01", ("Behavioral Ethics", "4")),
    ]
    # Born in September of an even year: periods end 30 Sep of even years (B&P Code 5070.5).
    license = lic("California", issued="2014-03-01", birth="1984-09-10")
    ev = evaluate(shipped("CPA", "California"), license, records, D("2026-08-15"))
    assert period(ev) == ("2024-10-01", "2026-09-30")
    # Non-technical 40 + 6 + 4 = 50 > 40: 10 dropped, personal development (not ethics) first,
    # latest first: the 6 of 1 Mar, then 4 of the 8 of 2 Feb. Counted 30 + 40 = 70 of 80.
    assert ev.caps == (CapResult("non_technical", H(40), H(10)),)
    assert (ev.earned_total, ev.counted_total, ev.carryover_in) == (H(80), H(70), H(0))
    assert (ev.counted_technical, ev.shortfall_technical, ev.counted_ethics) == (H(30), H(10), H(4))
    assert 501 not in ev.counted_records
    assert ev.annual == (
        YearResult(D("2024-10-01"), D("2025-09-30"), H(20), H(30), True, True),
        YearResult(D("2025-10-01"), D("2026-09-30"), H(20), H(40), False, None),
    )
    assert (ev.days_left, ev.status) == (46, "at_risk")  # 16 + 30 days, hours missing
    assert ev.shortfall_text() == "10 more hours by 30 Sep 2026, all of them technical"


def test_new_york_yearly_hours_and_three_year_ethics():
    # "Ethics 4 per 3-year registration period -> ethics_period_years 3 ... aligns to the
    # license's issue year"; "Ethics marked state-specific".
    premise("CPA", "New York", "ethics_period_years 3", "Ethics marked state-specific")
    records = [
        rec("2022-05-01", ("Regulatory Ethics", "4"), tag="New York"),  # previous ethics period
        rec("2024-05-01", ("Regulatory Ethics", "2"), tag="New York"),
        *spread("2025-01-15", 5, "Taxes", "8"),  # 2025: 40
        rec("2025-03-01", ("Regulatory Ethics", "2"), tag="New Jersey"),  # not New York
        *spread("2026-01-15", 5, "Taxes", "8"),  # 2026: 40
    ]
    license = lic("New York", issued="2012-04-01")
    ev = evaluate(shipped("CPA", "New York"), license, records, D("2026-11-15"))
    # Issued 2012: (2026 - 2012) % 3 = 2, ethics period 2024-2026 holds 2 New York hours.
    assert period(ev) == ("2026-01-01", "2026-12-31")
    assert (ev.ethics_period_start, ev.ethics_period_end) == (D("2024-01-01"), D("2026-12-31"))
    assert (ev.counted_total, ev.counted_ethics, ev.shortfall_ethics) == (H(40), H(2), H(2))
    # One-year periods: the 40 hours are the period's total (no separate annual minimum, so the
    # 24-hour concentration option is not blocked); the general path is the one met.
    assert ev.annual == ()
    general = [p for p in ev.components if p.alternative == "general"]
    assert [(p.counted, p.chosen) for p in general] == [(H(40), True)]
    assert (ev.ethics_days_left, ev.status) == (46, "at_risk")
    assert (
        ev.shortfall_text() == "2 more hours by 31 Dec 2026, all of them ethics (New York-approved)"
    )


def test_florida_fiscal_biennium_and_behavioral_cap():
    # "Biennial period Jul 1-Jun 30 -> fiscal, start month 7"; "'behavioral max 20' ->
    # max_non_technical_hours 20"; "Florida Board-approved ethics -> state-specific".
    premise("CPA", "Florida", "start month 7", "max_non_technical_hours 20", "state-specific")
    records = [
        *spread("2023-08-01", 10, "Taxes", "8"),  # previous period: 80
        rec("2024-03-01", ("Regulatory Ethics", "4"), tag="Florida"),
        *spread("2025-08-01", 3, "Personal Development", "10"),  # 30, capped at 20
        *spread("2025-10-01", 5, "Taxes", "5"),  # 25
        rec("2026-01-15", ("Regulatory Ethics", "4"), tag="Florida"),
    ]
    # Certificate of June 2019: the bienniums start on the next 1 July (2019, 2021, 2023, 2025).
    ev = evaluate(
        shipped("CPA", "Florida"), lic("Florida", issued="2019-06-01"), records, D("2026-03-01")
    )
    assert period(ev) == ("2025-07-01", "2027-06-30")
    # 20 + 25 + 4 = 49 of 80; 31 short. Pace: 31 x 244 = 7564 <= 49 x 486 = 23814.
    assert (ev.earned_total, ev.counted_total, ev.shortfall_total) == (H(59), H(49), H(31))
    assert ev.caps == (CapResult("non_technical", H(20), H(10)),)
    assert (ev.counted_ethics, ev.status) == (H(4), "on_track")
    assert ev.shortfall_text() == "31 more hours by 30 Jun 2027"


def test_florida_certificate_after_july_starts_its_cycles_the_next_july():
    """61H1-33.003(1)(a): the initial reestablishment period begins on the certificate date
    and ends on the third 30 June after it. A certificate of 15 Aug 2020: 30 June 2021, 2022,
    2023, so the two-year periods end in odd years (1 Jul 2021-30 Jun 2023, then 2025, 2027);
    on 1 Mar 2026 the period is 1 Jul 2025-30 Jun 2027."""
    ev = evaluate(
        shipped("CPA", "Florida"), lic("Florida", issued="2020-08-15"), [], D("2026-03-01")
    )
    assert period(ev) == ("2025-07-01", "2027-06-30")
    # March 2020 instead: 30 June 2020, 2021, 2022, so even years: 1 Jul 2024-30 Jun 2026.
    ev = evaluate(
        shipped("CPA", "Florida"), lic("Florida", issued="2020-03-15"), [], D("2026-03-01")
    )
    assert period(ev) == ("2024-07-01", "2026-06-30")


def test_illinois_self_study_cap_complete():
    # "Triennium Oct 1-Sep 30 ... anchor 2024"; "'self-study max 80' -> max_self_study_hours
    # 80"; "'personal development max 24' -> max_non_technical_hours 24".
    premise(
        "CPA", "Illinois", "anchor 2024", "max_self_study_hours 80", "max_non_technical_hours 24"
    )
    self_study = spread("2024-11-01", 9, "Taxes", "10", QAS)  # 90, the last on 10 Apr 2025
    records = [
        *self_study,
        *spread("2025-06-01", 3, "Auditing", "10"),  # 30
        rec("2026-01-10", ("Regulatory Ethics", "4")),
        *spread("2026-03-01", 2, "Personal Development", "10"),  # 20 <= 24
    ]
    ev = evaluate(shipped("CPA", "Illinois"), lic("Illinois"), records, D("2027-08-01"))
    assert period(ev) == ("2024-10-01", "2027-09-30")
    # 90 - 10 + 30 + 4 + 20 = 134 >= 120, ethics 4: complete. The latest self-study is dropped.
    assert (ev.earned_total, ev.counted_total) == (H(144), H(134))
    assert ev.caps == (
        CapResult("self_study", H(80), H(10)),
        CapResult("non_technical", H(24), H(0)),
    )
    assert self_study[-1].record_id not in ev.counted_records
    assert self_study[-2].record_id in ev.counted_records
    # Every figure is met but the 1 hour of sexual harassment prevention training each renewal
    # (20 ILCS 2105/2105-15.5), with 60 days left: at risk until it is taken.
    (harassment,) = [p for p in ev.components if p.kind == "course"]
    assert harassment.missing == H(1)
    assert ev.status == "at_risk"
    training = rec("2026-05-01", ("Behavioral Ethics", "1"), topics=(harassment.what,))
    ev = evaluate(
        shipped("CPA", "Illinois"), lic("Illinois"), [*records, training], D("2027-08-01")
    )
    assert ev.status == "complete"


def test_virginia_rolling_with_yearly_state_ethics():
    # "Rolling 3 calendar years -> rolling"; "ethics_hours 2 with ethics_period_years 1",
    # "state-specific".
    premise("CPA", "Virginia", "Rolling 3 calendar years", "ethics_period_years 1")
    records = [
        *spread("2023-01-15", 5, "Taxes", "8"),  # 2023: 40
        *spread("2024-01-15", 5, "Taxes", "8"),  # 2024: 40
        *spread("2025-01-15", 4, "Taxes", "9.5"),  # 2025: 38
        rec("2025-10-01", ("Regulatory Ethics", "2"), tag="Virginia"),  # + 2 = 40
        rec("2026-02-01", ("Taxes", "10")),
        rec("2026-03-01", ("Regulatory Ethics", "2"), tag="virginia"),  # 2026: 12
    ]
    ev = evaluate(shipped("CPA", "Virginia"), lic("Virginia"), records, D("2026-04-01"))
    # 2024-2026: 40 + 40 + 12 = 92, 28 short; ethics 2026 only: the 2 of March.
    assert period(ev) == ("2024-01-01", "2026-12-31")
    assert (ev.ethics_period_start, ev.counted_ethics) == (D("2026-01-01"), H(2))
    assert (ev.counted_total, ev.shortfall_total) == (H(92), H(28))
    # 2023-2025 had 120 and 2025 its 2 ethics. Pace: 28 x 822 = 23016 <= 92 x 274 = 25208.
    assert ev.status == "on_track"
    assert ev.shortfall_text() == (
        "28 more hours by 31 Dec 2026; 8 hours in the year ending 31 Dec 2026 (annual minimum 20)"
    )


def test_arizona_with_its_deadline_nano_cap_and_technical_minimum():
    # "set the license's own deadline (period_end_override)"; "'nano max 4 per period' ->
    # max_nano_hours 4"; "technical_min_hours 40"; "Ethics must be Arizona-specific".
    premise("CPA", "Arizona", "max_nano_hours 4", "technical_min_hours 40")
    records = [
        *spread("2023-05-01", 10, "Taxes", "8"),  # previous period: 80
        rec("2024-01-10", ("Regulatory Ethics", "4"), tag="Arizona"),
        *spread("2025-05-01", 3, "Taxes", "2", NANO),  # nano 6, capped at 4
        *spread("2025-07-01", 5, "Taxes", "8"),  # 40
        rec("2026-01-10", ("Regulatory Ethics", "4"), tag="Arizona"),
        rec("2026-02-01", ("Personal Development", "10")),
    ]
    # No birth date, but the deadline makes it unnecessary.
    license = lic("Arizona", issued="2009-01-01", override="2027-03-31")
    ev = evaluate(shipped("CPA", "Arizona"), license, records, D("2026-10-01"))
    assert period(ev) == ("2025-04-01", "2027-03-31")
    assert ev.issues == ()
    # 4 + 40 + 4 + 10 = 58 of 80; technical 4 + 40 + 4 = 48 >= 40.
    assert ev.caps == (CapResult("nano", H(4), H(2)),)
    assert (ev.counted_total, ev.counted_technical, ev.counted_ethics) == (H(58), H(48), H(4))
    # Pace: 22 missing x 549 days elapsed = 12078 > 58 x 181 days left = 10498, but 22 still
    # fit 181 + 90 days at the period's even pace (22 x 730 = 16060 <= 80 x 271): on track.
    assert ev.status == "on_track"


def test_arizona_without_birth_date_or_deadline_says_what_is_missing():
    premise("CPA", "Arizona", "birth_month")
    ev = evaluate(
        shipped("CPA", "Arizona"), lic("Arizona", issued="2009-01-01"), [], D("2026-10-01")
    )
    # Calendar stand-in aligned to 2009: (2026 - 2009) % 2 = 1, so 2025-2026.
    assert period(ev) == ("2025-01-01", "2026-12-31")
    assert [issue.kind for issue in ev.issues] == ["missing_information"]
    assert "birth date" in ev.issues[0].message


def test_ohio_overdue_from_the_previous_triennium():
    # "Fixed triennium of calendar years ... set the license's own deadline"; "Ethics must be
    # approved by the Accountancy Board of Ohio's Executive Director -> state-specific".
    premise("CPA", "Ohio", "Fixed triennium", "state-specific")
    records = [
        *spread("2023-01-15", 5, "Taxes", "8"),  # 2023: 40
        *spread("2024-01-15", 5, "Taxes", "8"),  # 2024: 40
        *spread("2025-01-15", 2, "Taxes", "8"),  # 2025: 16
        rec("2025-03-01", ("Regulatory Ethics", "3"), tag="Ohio"),
        rec("2025-05-01", ("Taxes", "1")),  # 2025: 20; 2023-2025: 100, 20 short
        *spread("2026-01-15", 2, "Taxes", "6"),  # 2026: 12
    ]
    license = lic("Ohio", issued="2008-06-01", override="2028-12-31")
    ev = evaluate(shipped("CPA", "Ohio"), license, records, D("2026-05-01"))
    assert period(ev) == ("2026-01-01", "2028-12-31")
    assert ev.previous is not None
    assert (ev.previous.shortfall_total, ev.previous.outstanding_total) == (H(20), H(8))
    assert ev.status == "overdue"
    # 120 - 12 = 108 more, 3 of them Ohio ethics; 2026 needs 8 more for its 20.
    assert ev.shortfall_text() == (
        "Overdue: 8 hours still missing from the period that ended 31 Dec 2025; "
        "108 more hours by 31 Dec 2028, 3 of them ethics (Ohio-approved); "
        "8 hours in the year ending 31 Dec 2026 (annual minimum 20)"
    )


def test_enrolled_agent_yearly_ethics_and_annual_minimum():
    # "ethics_hours 2, ethics_period_years 1. annual_min_hours 16"; "set period_end_override
    # to Dec 31 of your cycle's last year".
    premise("EA", "IRS", "ethics_period_years 1", "annual_min_hours 16")
    assert shipped_row("EA", "IRS")["cycle_anchor"] == "holder_supplied"
    records = [
        *spread("2022-02-01", 9, "Taxes", "8"),  # previous cycle: 72
        rec("2025-02-01", ("Taxes", "14")),
        rec("2025-06-01", ("Regulatory Ethics", "2")),  # 2025: 16
        rec("2026-03-01", ("Taxes", "12")),
        rec("2026-04-01", ("Behavioral Ethics", "2")),  # 2026: 14
    ]
    license = lic("IRS", credential="EA", issued="2015-01-01", override="2027-12-31")
    ev = evaluate(shipped("EA", "IRS"), license, records, D("2026-12-31"))
    assert period(ev) == ("2025-01-01", "2027-12-31")
    # 2026 ends on the as-of date: judged, 14 < 16. Ethics 2026: 2.
    assert [(y.earned, y.judged, y.met) for y in ev.annual] == [
        (16, True, True),
        (14, True, False),
        (0, False, None),
    ]
    assert (ev.counted_total, ev.counted_ethics, ev.status) == (H(30), H(2), "at_risk")
    assert ev.shortfall_text() == (
        "42 more hours by 31 Dec 2027; the year ending 31 Dec 2026 fell 2 hours short of its "
        "16-hour minimum"
    )


def test_cisa_has_no_ethics_requirement():
    # "No ethics-hour requirement was found -> ethics_hours null"; 20 a year, 120 in 3 years.
    premise("CISA", "ISACA", "ethics_hours null")
    records = [
        *(spread(f"{year}-02-01", 5, "Information Technology", "8") for year in (2024, 2025, 2026))
    ]
    flat = [record for year in records for record in year]
    license = lic("ISACA", credential="CISA", override="2026-12-31")
    ev = evaluate(shipped("CISA", "ISACA"), license, flat, D("2026-12-31"))
    assert (ev.required_ethics, ev.shortfall_ethics) == (None, 0)
    assert [(y.earned, y.met) for y in ev.annual] == [(40, True)] * 3
    assert (ev.counted_total, ev.status) == (H(120), "complete")


def test_connecticut_carryover_meets_the_total_not_the_annual_minimum():
    # "Carryover: Up to 20 excess hours from preceding year to next year"; "ethics_period_years 3".
    premise("CPA", "Connecticut", "Up to 20 excess hours", "ethics_period_years 3")
    records = [
        rec("2022-10-01", ("Regulatory Ethics", "4")),  # ethics 2021-07 .. 2024-06
        *spread("2024-08-01", 7, "Taxes", "10"),  # fiscal 2024: 70
        rec("2024-12-01", ("Regulatory Ethics", "4")),  # + 4 = 74, 34 over
        *spread("2025-08-01", 5, "Taxes", "5"),  # fiscal 2025: 25
    ]
    ev = evaluate(
        shipped("CPA", "Connecticut"),
        lic("Connecticut", issued="2015-06-01"),
        records,
        D("2026-02-01"),
    )
    assert period(ev) == ("2025-07-01", "2026-06-30")
    # 25 + 20 carried (of 34) = 45 >= 40; ethics 2024-07 .. 2027-06 holds the 4 of Dec 2024.
    assert (ev.carryover_in, ev.counted_total, ev.shortfall_total) == (H(20), H(45), 0)
    assert (ev.ethics_period_start, ev.counted_ethics) == (D("2024-07-01"), H(4))
    # The annual minimum (40) sees only the 25 earned; 149 days left: on track, not complete.
    assert ev.annual == (YearResult(D("2025-07-01"), D("2026-06-30"), H(40), H(25), False, None),)
    assert ev.status == "on_track"
    assert ev.shortfall_text() == "15 hours in the year ending 30 Jun 2026 (annual minimum 40)"


def test_nebraska_caps_in_hours_and_percent():
    # "'self-study max 50% (40h)' -> 50% and 40h; 'personal development max 20% (16h)' ->
    # non-technical 20% and 16h"; "set the license's own deadline".
    premise("CPA", "Nebraska", "self-study max 50% (40h)", "personal development max 20% (16h)")
    records = [
        *spread("2024-02-01", 10, "Taxes", "8"),  # previous: 80
        rec("2025-01-10", ("Regulatory Ethics", "4")),
        *spread("2026-02-01", 5, "Taxes", "10", QAS),  # 50 self-study
        *spread("2026-08-01", 2, "Personal Development", "10"),  # 20 non-technical
        rec("2027-01-10", ("Auditing", "10")),
        rec("2027-02-01", ("Regulatory Ethics", "4")),
    ]
    license = lic("Nebraska", issued="2016-01-01", override="2027-12-31")
    ev = evaluate(shipped("CPA", "Nebraska"), license, records, D("2027-06-30"))
    # Self-study: min(40, 50% of 80) = 40, 10 dropped; non-technical min(16, 20% of 80) = 16,
    # 4 dropped. 40 + 16 + 14 = 70 of 80. Pace: 10 x 546 = 5460 <= 70 x 184.
    assert ev.caps == (
        CapResult("self_study", H(40), H(10)),
        CapResult("non_technical", H(16), H(4)),
    )
    assert (ev.earned_total, ev.counted_total, ev.shortfall_total) == (H(84), H(70), H(10))
    assert ev.status == "on_track"


def test_cfp_board_approved_ethics_and_license_date_cycles():
    # "license_date"; "tag approved ethics courses with ethics jurisdiction 'CFP Board'";
    # "Carryover 0".
    premise("CFP", "CFP Board", "license_date", "ethics jurisdiction 'CFP Board'")
    records = [
        *spread("2022-06-01", 6, "Finance", "5"),  # previous: 30
        rec("2023-01-10", ("Regulatory Ethics", "2"), tag="CFP Board"),
        rec("2024-09-01", ("Regulatory Ethics", "2"), tag="CFP Board"),
        *spread("2025-01-10", 4, "Finance", "5"),  # 20
    ]
    license = lic("CFP Board", credential="CFP", issued="2018-05-20")
    ev = evaluate(shipped("CFP", "CFP Board"), license, records, D("2026-05-01"))
    # Two-year terms from 20 May 2018: 2024-05-20 .. 2026-05-19, 18 days left, 8 short.
    assert period(ev) == ("2024-05-20", "2026-05-19")
    assert (ev.counted_total, ev.counted_ethics, ev.days_left) == (H(22), H(2), 18)
    assert ev.status == "at_risk"
    assert ev.shortfall_text() == "8 more hours by 19 May 2026"


def test_cgma_has_nothing_to_count():
    # "No minimum hours ... -> total_hours null".
    premise("CGMA", "AICPA & CIMA", "total_hours null")
    license = lic("AICPA & CIMA", credential="CGMA")
    ev = evaluate(
        shipped("CGMA", "AICPA & CIMA"),
        license,
        [rec("2026-02-01", ("Finance", "3"))],
        D("2026-06-01"),
    )
    assert (ev.required_total, ev.counted_total, ev.shortfall_total) == (None, H(3), 0)
    assert ev.status == "complete"


def test_georgia_carryover_is_capped_and_not_technical():
    # "Carryover 15 (cannot meet annual minimums or A&A)"; "anchor 2024"; ">=40 technical".
    premise("CPA", "Georgia", "Carryover 15", "anchor 2024", "technical_min_hours 40")
    records = [
        *spread("2022-02-01", 7, "Taxes", "10"),  # 2022: 70
        *spread("2023-02-01", 4, "Taxes", "10"),  # 2023: 40
        rec("2023-06-01", ("Regulatory Ethics", "4"), tag="Georgia"),  # 2022-2023: 114
        *spread("2024-02-01", 4, "Taxes", "10"),  # 2024: 40
        rec("2024-06-01", ("Behavioral Ethics", "4"), tag="Georgia"),  # + 4
        rec("2025-02-01", ("Personal Development", "10")),
    ]
    ev = evaluate(shipped("CPA", "Georgia"), lic("Georgia"), records, D("2025-03-01"))
    # Excess 114 - 80 = 34, capped at 15: 54 + 15 = 69 of 80. Technical 40 (no carryover).
    assert (ev.carryover_in, ev.counted_total, ev.shortfall_total) == (H(15), H(69), H(11))
    assert (ev.counted_technical, ev.shortfall_technical, ev.counted_ethics) == (H(40), 0, H(4))
    # Pace: 11 x 426 = 4686 <= 54 x 305.
    assert ev.status == "on_track"


def test_alabama_nano_percent_cap_complete_on_the_last_day():
    # "Fiscal year Oct 1-Sep 30"; "'nano max 25%' -> max_nano_pct 25" (of 40 = 10).
    premise("CPA", "Alabama", "Oct 1-Sep 30", "max_nano_pct 25")
    records = [
        *spread("2025-10-05", 6, "Taxes", "2", NANO),  # nano 12, capped at 10
        *spread("2025-12-01", 3, "Auditing", "8"),  # 24
        rec("2026-03-01", ("Regulatory Ethics", "2")),
        rec("2026-04-01", ("Personal Development", "4")),
    ]
    ev = evaluate(shipped("CPA", "Alabama"), lic("Alabama"), records, D("2026-09-30"))
    # 10 + 24 + 2 + 4 = 40; the one year ends today: judged and met.
    assert period(ev) == ("2025-10-01", "2026-09-30")
    assert ev.caps == (CapResult("nano", H(10), H(2)), CapResult("non_technical", H(12), H(0)))
    assert ev.annual == (YearResult(D("2025-10-01"), D("2026-09-30"), H(40), H(40), True, True),)
    assert (ev.counted_total, ev.status) == (H(40), "complete")


@pytest.mark.parametrize("as_of", ["2026-01-01", "2026-06-30"])
def test_every_shipped_rule_evaluates(as_of):
    # Every row, as shipped, gives an answer (no fact missing but the ones a license gives).
    from tests.helpers.compliance_cases import all_shipped

    records = [rec("2025-12-15", ("Taxes", "8")), rec("2026-01-01", ("Regulatory Ethics", "2"))]
    for credential, jurisdiction in all_shipped():
        license = lic(jurisdiction, credential=credential, birth="1980-05-14", number="10234")
        ev = evaluate(shipped(credential, jurisdiction), license, records, D(as_of))
        assert ev.period_start <= D(as_of) <= ev.period_end
        assert ev.counted_total <= ev.earned_total + ev.carryover_in
        missing = [i.missing for i in ev.issues if i.kind == "missing_information"]
        # Only a period end that nobody but the holder knows may be asked for.
        row = shipped_row(credential, jurisdiction)
        # (A license-date cycle needs only the issue date, which this license has.)
        if row["cycle_anchor"] == "holder_supplied" and row["period_basis"] != "license_date":
            assert missing == ["period_end"]
        else:
            assert missing == []
