"""The compliance engine on small, hand-worked scenarios (ARCHITECTURE.md §4 steps 2-7).

Every expected number is worked out in the comment beside it, from the records listed; the
rules here are made up to isolate one behaviour each. Status, issues, wording and inputs are in
``test_compliance_status.py``, scenarios on the shipped rules of real jurisdictions in
``test_compliance_jurisdictions.py``, properties in ``test_compliance_properties.py``.
"""

from __future__ import annotations

import pytest

from cpe_desktop.rules.compliance import (
    CapResult,
    Rule,
    YearResult,
    evaluate,
)
from tests.helpers.compliance_cases import NANO, QAS, D, H, lic, rec, spread

# --- Caps -----------------------------------------------------------------------------------------

# Calendar 2026, 40 hours; earned 41: self-study 8 + 4 + 3 = 15, nano 4, non-technical 6 + 3 = 9.
CAP_RECORDS = [
    rec("2026-03-01", ("Taxes", "8"), method=QAS, rid=1),
    rec("2026-05-01", ("Taxes", "4"), method=NANO, rid=2),
    rec("2026-06-01", ("Auditing", "20"), rid=3),
    rec("2026-08-01", ("Personal Development", "6"), rid=4),
    rec("2026-09-01", ("Personal Development", "3"), method=QAS, rid=5),
]


@pytest.mark.parametrize(
    ("caps", "counted", "reported", "counted_records"),
    [
        # 15 self-study - 10 = 5 dropped, latest first: record 5 (3), then 2 of record 2.
        ({"max_self_study_hours": 10}, "36", [("self_study", "10", "5")], [1, 2, 3, 4]),
        # 25% of 40 = 10: the same.
        ({"max_self_study_pct": 25}, "36", [("self_study", "10", "5")], [1, 2, 3, 4]),
        # Both: 12 hours vs 25% = 10; the lower (10) wins.
        (
            {"max_self_study_hours": 12, "max_self_study_pct": 25},
            "36",
            [("self_study", "10", "5")],
            [1, 2, 3, 4],
        ),
        # Both: 10 hours vs 50% = 20; the lower (10) wins.
        (
            {"max_self_study_hours": 10, "max_self_study_pct": 50},
            "36",
            [("self_study", "10", "5")],
            [1, 2, 3, 4],
        ),
        # Nano 4 - 1 = 3 dropped: 41 - 3 = 38; record 2 keeps 1.
        ({"max_nano_hours": 1}, "38", [("nano", "1", "3")], [1, 2, 3, 4, 5]),
        # Nano 5% of 40 = 2: 4 - 2 = 2 dropped, 39 count.
        ({"max_nano_pct": 5}, "39", [("nano", "2", "2")], [1, 2, 3, 4, 5]),
        # Non-technical 9 - 5 = 4 dropped: record 5 (3, latest), then 1 of record 4.
        ({"max_non_technical_hours": 5}, "37", [("non_technical", "5", "4")], [1, 2, 3, 4]),
        # 10% of 40 = 4: 9 - 4 = 5 dropped, 36 count.
        ({"max_non_technical_pct": 10}, "36", [("non_technical", "4", "5")], [1, 2, 3, 4]),
        # Both caps: self-study drops the non-technical self-study first (record 5, 3), then
        # 2 of record 2; non-technical left 6 + 0 > 5 drops 1 more: 41 - 6 = 35, the most any
        # choice keeps (min over cuts: 41; 10 + 20 + 6; 5 + 20 + 8 + 4; 10 + 5 + 20 = 35).
        (
            {"max_self_study_hours": 10, "max_non_technical_hours": 5},
            "35",
            [("self_study", "10", "5"), ("non_technical", "5", "1")],
            [1, 2, 3, 4],
        ),
        # A cap that does not bind is still reported, with nothing dropped.
        ({"max_self_study_hours": 30}, "41", [("self_study", "30", "0")], [1, 2, 3, 4, 5]),
    ],
)
def test_caps(caps, counted, reported, counted_records):
    rule = Rule(period_years=1, total_hours=40, **caps)
    ev = evaluate(rule, lic(), CAP_RECORDS, D("2026-12-31"))
    assert ev.earned_total == H("41")
    assert ev.counted_total == H(counted)
    assert ev.caps == tuple(
        CapResult(name, H(limit), H(dropped)) for name, limit, dropped in reported
    )
    assert list(ev.counted_records) == counted_records


def test_caps_keep_the_most_hours_not_just_the_latest():
    # Self-study cap 2, non-technical cap 1. C (Jan) QAS Personal Development 2, A (Feb) QAS
    # Taxes 2, B (Dec) Group Live Personal Development 1. Dropping by date alone would drop A
    # (the latest self-study) and then 2 of C + B's 3 non-technical: 2 + 1 - 2 = 1 hour. The
    # engine drops C (self-study that the non-technical cap also limits): A 2 + B 1 = 3 count,
    # the maximum (min over the cuts: self-study 2 + non-technical 1 = 3).
    rule = Rule(period_years=1, total_hours=40, max_self_study_hours=2, max_non_technical_hours=1)
    records = [
        rec("2026-01-05", ("Personal Development", "2"), method=QAS, rid=1),
        rec("2026-02-10", ("Taxes", "2"), method=QAS, rid=2),
        rec("2026-12-10", ("Personal Development", "1"), rid=3),
    ]
    ev = evaluate(rule, lic(), records, D("2026-12-31"))
    assert ev.counted_total == H("3")
    assert ev.caps == (
        CapResult("self_study", H("2"), H("2")),
        CapResult("non_technical", H("1"), H("0")),
    )
    assert ev.counted_records == (2, 3)


def test_caps_keep_ethics_before_other_credits():
    # Self-study cap 2 over 6 self-study hours: 4 dropped. Non-ethics go first even when older
    # (Taxes 2 in January, Taxes 1 in the March record), then ethics: 1 of the 3 ethics hours.
    rule = Rule(period_years=1, total_hours=10, ethics_hours=2, max_self_study_hours=2)
    records = [
        rec("2026-01-05", ("Taxes", "2"), method=QAS, rid=1),
        rec("2026-03-05", ("Regulatory Ethics", "3"), ("Taxes", "1"), method=QAS, rid=2),
    ]
    ev = evaluate(rule, lic(), records, D("2026-12-31"))
    assert ev.counted_total == H("2")
    assert ev.counted_ethics == H("2")
    assert ev.shortfall_ethics == 0
    assert ev.counted_records == (2,)


# --- Carryover ------------------------------------------------------------------------------------

YEAR_RULE = Rule(period_years=1, total_hours=40, ethics_hours=2, carryover_max_hours=20)
# 2025: 8 x 8 Taxes + (2 ethics + 4 Taxes) = 70. 2026 so far: 13 Taxes + 2 ethics = 15.
Y2025_70 = [
    *spread("2025-01-15", 8, "Taxes", "8"),
    rec("2025-11-01", ("Regulatory Ethics", "2"), ("Taxes", "4")),
]
Y2026_15 = [rec("2026-02-01", ("Taxes", "13")), rec("2026-03-01", ("Regulatory Ethics", "2"))]


def test_carryover_is_capped_and_never_ethics():
    ev = evaluate(YEAR_RULE, lic(), Y2025_70 + Y2026_15, D("2026-06-30"))
    # Excess 70 - 40 = 30, capped at 20. Counted 15 + 20 = 35; short 5. Ethics: 2, not 22.
    assert ev.carryover_in == H("20")
    assert ev.counted_total == H("35")
    assert ev.shortfall_total == H("5")
    assert ev.counted_ethics == H("2")
    # Pace: 5 missing x 181 days elapsed = 905 <= 15 earned x 184 days left = 2760.
    assert ev.status == "on_track"


def test_carryover_is_only_the_excess():
    # 2025: 45 hours, excess 5.
    records = [*spread("2025-01-15", 5, "Taxes", "9"), *Y2026_15]
    ev = evaluate(YEAR_RULE, lic(), records, D("2026-06-30"))
    assert ev.carryover_in == H("5")
    assert ev.counted_total == H("20")


def test_carryover_counts_the_previous_period_after_its_caps():
    # 2025: 40 Group Live + 15 self-study capped at 10 = 50 counted: excess 10, not 15.
    rule = Rule(period_years=1, total_hours=40, carryover_max_hours=20, max_self_study_hours=10)
    records = [*spread("2025-01-15", 5, "Taxes", "8"), *spread("2025-07-01", 3, "Taxes", "5", QAS)]
    ev = evaluate(rule, lic(), records, D("2026-06-30"))
    assert ev.carryover_in == H("10")


def test_no_carryover_when_the_rule_is_silent_or_rolling():
    silent = Rule(period_years=1, total_hours=40, ethics_hours=2)
    assert evaluate(silent, lic(), Y2025_70 + Y2026_15, D("2026-06-30")).carryover_in == 0
    rolling = Rule(period_years=1, period_basis="rolling", total_hours=40, carryover_max_hours=20)
    ev = evaluate(rolling, lic(), Y2025_70 + Y2026_15, D("2026-06-30"))
    assert ev.carryover_in == 0
    assert ev.counted_total == H("15")


def test_carried_hours_are_not_carried_again():
    # 2024: 80 (carries 20 into 2025). 2025: 40 earned, so nothing is left over for 2026.
    records = [*spread("2024-01-15", 10, "Taxes", "8"), *spread("2025-01-15", 5, "Taxes", "8")]
    ev = evaluate(YEAR_RULE, lic(), records, D("2026-06-30"))
    assert ev.carryover_in == 0


def test_a_previous_period_met_with_carryover_is_not_overdue():
    # 2024: 70, 30 over: 20 carried into 2025. 2025: 30 + 2 ethics = 32, + 20 = 52 >= 40, so
    # 2025 ended with nothing missing (judged without it: 8 short, and 2026's 6 would not make
    # that up). Nothing carries into 2026 (32 - 40 < 0).
    records = [
        *spread("2024-01-15", 10, "Taxes", "7"),
        *spread("2025-01-15", 5, "Taxes", "6"),
        rec("2025-06-01", ("Regulatory Ethics", "2")),
        rec("2026-01-20", ("Taxes", "4")),
        rec("2026-02-01", ("Regulatory Ethics", "2")),
    ]
    ev = evaluate(YEAR_RULE, lic(), records, D("2026-03-01"))
    assert ev.previous is not None and ev.previous.shortfall_total == 0
    assert (ev.carryover_in, ev.counted_total) == (0, H(6))
    # Not overdue. 34 missing x 60 days = 2040 > 6 x 305 = 1830 is behind its own pace, but
    # 34 still fit 305 days + 90 at the year's even pace (34 x 365 = 12410 <= 40 x 395 =
    # 15800): on track.
    assert ev.status == "on_track"


def test_carryover_never_meets_an_annual_minimum():
    # 2022-2023: 130 (excess 50, capped at 40). 2024: 10, 2025 so far: 35.
    rule = Rule(
        period_years=2,
        total_hours=80,
        annual_min_hours=20,
        carryover_max_hours=40,
        cycle_anchor_year=2024,
    )
    records = [
        *spread("2022-01-15", 5, "Taxes", "13"),
        *spread("2023-01-15", 5, "Taxes", "13"),
        rec("2024-05-01", ("Taxes", "10")),
        *spread("2025-01-15", 5, "Taxes", "7"),
    ]
    ev = evaluate(rule, lic(), records, D("2025-06-30"))
    # Total: 45 + 40 = 85 >= 80. But 2024 (judged) earned 10 of its 20.
    assert (ev.carryover_in, ev.counted_total, ev.shortfall_total) == (H(40), H(85), 0)
    assert ev.annual == (
        YearResult(D("2024-01-01"), D("2024-12-31"), H(20), H(10), True, False),
        YearResult(D("2025-01-01"), D("2025-12-31"), H(20), H(35), False, None),
    )
    assert ev.status == "at_risk"
    assert ev.shortfall_text() == (
        "The year ending 31 Dec 2024 fell 10 hours short of its 20-hour minimum"
    )


# --- Ethics ---------------------------------------------------------------------------------------


def test_state_specific_ethics_counts_only_its_jurisdiction():
    rule = Rule(period_years=1, total_hours=10, ethics_hours=4, ethics_state_specific=True)
    records = [
        rec("2026-02-01", ("Regulatory Ethics", "2"), tag=" texas "),  # same, spelled loosely
        rec("2026-03-01", ("Behavioral Ethics", "2"), tag="Oklahoma"),
        rec("2026-04-01", ("Regulatory Ethics", "2")),
        rec("2026-05-01", ("Taxes", "4")),
    ]
    ev = evaluate(rule, lic("Texas"), records, D("2026-06-30"))
    # All 10 count toward the total; only the Texas 2 toward ethics.
    assert (ev.counted_total, ev.counted_ethics, ev.shortfall_ethics) == (H(10), H(2), H(2))
    assert ev.ethics_jurisdiction == "Texas"
    general = evaluate(
        Rule(period_years=1, total_hours=10, ethics_hours=4), lic(), records, D("2026-06-30")
    )
    assert (general.counted_ethics, general.ethics_jurisdiction) == (H(6), None)


def test_ethics_with_a_longer_period_of_its_own():
    # Hours yearly, ethics over 2024-2026 (anchor 2024). Ethics of 2024 and 2025 count; the 5
    # hours of 2023 do not; the total counts 2026 only.
    rule = Rule(
        period_years=1,
        total_hours=10,
        ethics_hours=4,
        ethics_period_years=3,
        cycle_anchor_year=2024,
    )
    records = [
        rec("2023-06-01", ("Regulatory Ethics", "5"), rid=1),
        rec("2024-03-01", ("Regulatory Ethics", "2"), rid=2),
        rec("2025-03-01", ("Behavioral Ethics", "2"), rid=3),
        rec("2026-02-01", ("Taxes", "10"), rid=4),
    ]
    ev = evaluate(rule, lic(), records, D("2026-05-01"))
    assert (ev.ethics_period_start, ev.ethics_period_end) == (D("2024-01-01"), D("2026-12-31"))
    assert (ev.counted_total, ev.counted_ethics) == (H(10), H(4))
    assert ev.counted_records == (2, 3, 4)
    assert ev.status == "complete"


def test_ethics_outside_the_period_count_at_face_value_inside_after_caps():
    # Self-study cap 2 applies to 2026 (the period): 6 self-study, drop 4 - Taxes 3 first, then 1
    # ethics. 2025's 3 ethics are outside the period: face value. Ethics 3 + 2 = 5; total 2.
    rule = Rule(
        period_years=1,
        total_hours=10,
        ethics_hours=4,
        ethics_period_years=3,
        cycle_anchor_year=2024,
        max_self_study_hours=2,
    )
    records = [
        rec("2025-05-01", ("Regulatory Ethics", "3"), method=QAS),
        rec("2026-01-10", ("Taxes", "3"), method=QAS),
        rec("2026-03-01", ("Regulatory Ethics", "3"), method=QAS),
    ]
    ev = evaluate(rule, lic(), records, D("2026-06-30"))
    assert (ev.counted_ethics, ev.counted_total) == (H(5), H(2))


# --- Annual minimum -------------------------------------------------------------------------------

TRIENNIUM = Rule(period_years=3, total_hours=120, annual_min_hours=20, cycle_anchor_year=2024)
NEW_2024 = lic(issued="2024-01-01")  # licensed at the start: 2021-2023 is not judged
THREE_YEARS = [
    *spread("2024-02-01", 3, "Taxes", "10"),  # 2024: 30
    *spread("2025-02-01", 3, "Taxes", "5"),  # 2025: 15
    rec("2026-01-20", ("Taxes", "5")),  # 2026: 5
]


@pytest.mark.parametrize(
    ("as_of", "years"),
    [
        # 2024 and 2025 have ended; 2026 is under way (not judged).
        (
            "2026-03-01",
            [("2024", 30, True, True), ("2025", 15, True, False), ("2026", 5, False, None)],
        ),
        # A year that ends on the as-of date is judged that day; 2026 has earned nothing yet.
        (
            "2025-12-31",
            [("2024", 30, True, True), ("2025", 15, True, False), ("2026", 0, False, None)],
        ),
        (
            "2024-12-30",
            [("2024", 30, False, None), ("2025", 0, False, None), ("2026", 0, False, None)],
        ),
    ],
)
def test_annual_minimum_judged_only_once_a_year_has_ended(as_of, years):
    ev = evaluate(TRIENNIUM, NEW_2024, THREE_YEARS, D(as_of))
    assert ev.annual == tuple(
        YearResult(D(f"{y}-01-01"), D(f"{y}-12-31"), H(20), H(earned), judged, met)
        for y, earned, judged, met in years
    )


def test_a_judged_year_below_its_minimum_is_at_risk():
    # 60 hours over 2024-2026, 20 a year. 2024: 30, 2025: 15, 2026: 5 = 50 as of 1 Mar 2026.
    # Pace: 10 missing x 791 days elapsed (366 + 365 + 59 + 1) = 7910 <= 50 x 305 days left.
    light = Rule(period_years=3, total_hours=60, annual_min_hours=20, cycle_anchor_year=2024)
    ev = evaluate(light, NEW_2024, THREE_YEARS, D("2026-03-01"))
    assert [year.met for year in ev.annual] == [True, False, None]
    assert ev.status == "at_risk"  # only because 2025 fell short
    # 5 more in 2025 (20, met): 5 missing x 791 <= 55 x 305, and 2026 still has 305 days.
    ev = evaluate(
        light, NEW_2024, [*THREE_YEARS, rec("2025-09-01", ("Taxes", "5"))], D("2026-03-01")
    )
    assert [year.met for year in ev.annual] == [True, True, None]
    assert ev.status == "on_track"


def test_the_running_year_short_within_90_days_is_at_risk():
    # 60 over 3 years is met (30 + 25 + 5), but 2026 has 5 of its 20 and ends in 89 days (3 Oct).
    light = Rule(period_years=3, total_hours=60, annual_min_hours=20, cycle_anchor_year=2024)
    records = [*THREE_YEARS, rec("2025-09-01", ("Taxes", "10"))]
    assert evaluate(light, NEW_2024, records, D("2026-10-02")).status == "on_track"  # 90 days left
    assert evaluate(light, NEW_2024, records, D("2026-10-03")).status == "at_risk"  # 89 days left
