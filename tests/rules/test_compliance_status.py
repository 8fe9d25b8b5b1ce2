"""The compliance engine's status (ARCHITECTURE.md §4 step 7), issues, wording and inputs, on small
hand-worked scenarios; every expected number is worked out in the comment beside it."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from cpe_desktop.rules.compliance import LicenseFacts, RecordFacts, Rule, evaluate, evaluate_all
from tests.helpers.compliance_cases import GL, QAS, D, H, lic, rec, spread

# --- Status ---------------------------------------------------------------------------------------

FORTY = Rule(period_years=1, total_hours=40)
Y2025_40 = spread("2025-01-15", 5, "Taxes", "8")


@pytest.mark.parametrize(
    ("as_of", "hours_2026", "status"),
    [
        ("2026-07-01", "40", "complete"),
        # 1 Jul: 182 days elapsed (181 + 1), 183 left. 20 missing x 182 = 3640 <= 20 x 183.
        ("2026-07-01", "20", "on_track"),
        # 25 missing x 182 = 4550 > 15 x 183 = 2745 is slower than needed, but 25 still fit
        # 183 days + 90 at the year's even pace (25 x 365 = 9125 <= 40 x 273 = 10920).
        ("2026-07-01", "15", "on_track"),
        # 1 Sep: 28 missing x 244 > 12 x 121, and 28 x 365 = 10220 > 40 x 211 = 8440: more
        # than 90 days behind an even pace.
        ("2026-09-01", "12", "at_risk"),
        # 3 Oct: 89 days left with 5 missing (pace fine: 5 x 276 <= 35 x 89).
        ("2026-10-03", "35", "at_risk"),
        ("2026-10-02", "35", "on_track"),  # 90 days left
        # Nothing counted yet, ten days in: nobody has a pace yet (40 x 365 <= 40 x 445).
        ("2026-01-10", None, "on_track"),
        # Nothing counted by 1 May: 40 x 365 = 14600 > 40 x (244 + 90) = 13360.
        ("2026-05-01", None, "at_risk"),
    ],
)
def test_status(as_of, hours_2026, status):
    records = list(Y2025_40)
    if hours_2026:
        records.append(rec("2026-01-05", ("Taxes", hours_2026)))
    assert evaluate(FORTY, lic(), records, D(as_of)).status == status


def test_overdue_until_the_previous_shortfall_is_made_up():
    short_2025 = spread("2025-01-15", 5, "Taxes", "6")  # 30: 10 short
    ev = evaluate(FORTY, lic(), [*short_2025, rec("2026-02-01", ("Taxes", "6"))], D("2026-03-01"))
    assert ev.status == "overdue"
    assert ev.previous is not None
    assert (ev.previous.period_start, ev.previous.period_end) == (D("2025-01-01"), D("2025-12-31"))
    assert (ev.previous.shortfall_total, ev.previous.outstanding_total) == (H(10), H(4))
    assert not ev.previous.made_up
    assert ev.shortfall_text().startswith(
        "Overdue: 4 hours still missing from the period that ended 31 Dec 2025; "
        "34 more hours by 31 Dec 2026"
    )
    # 12 in 2026 make up the 10: then the usual rules (28 missing x 60 <= 12 x 305: on track).
    ev = evaluate(FORTY, lic(), [*short_2025, rec("2026-02-01", ("Taxes", "12"))], D("2026-03-01"))
    assert ev.previous is not None and ev.previous.made_up
    assert ev.status == "on_track"


def test_the_previous_period_is_not_judged_for_a_new_license():
    short_2025 = spread("2025-01-15", 5, "Taxes", "6")
    records = [*short_2025, rec("2026-02-01", ("Taxes", "6"))]
    ev = evaluate(FORTY, lic(issued="2025-06-01"), records, D("2026-03-01"))
    # Licensed mid-2025: 2025 is not held against it. 34 x 60 = 2040 > 6 x 305 = 1830, but
    # 34 x 365 = 12410 <= 40 x 395: on track.
    assert ev.previous is None
    assert ev.status == "on_track"


def test_overdue_for_missing_ethics():
    rule = Rule(period_years=1, total_hours=40, ethics_hours=2)
    records = [*Y2025_40, rec("2026-02-01", ("Taxes", "30"))]
    ev = evaluate(rule, lic(), records, D("2026-03-01"))
    assert ev.previous is not None
    assert (ev.previous.shortfall_ethics, ev.previous.outstanding_ethics) == (H(2), H(2))
    assert ev.status == "overdue"
    made_up = evaluate(
        rule, lic(), [*records, rec("2026-02-02", ("Behavioral Ethics", "2"))], D("2026-03-01")
    )
    assert made_up.status == "on_track"  # 8 missing x 60 <= 32 x 305


def test_a_rolling_window_is_made_up_only_by_hours_after_it():
    rule = Rule(period_years=3, period_basis="rolling", total_hours=120)
    # Window 2023-2025: 40 + 40 + 30 = 110, 10 short. 2026 so far: 8, then 10.
    past = [*spread("2023-01-15", 5, "Taxes", "8"), *spread("2024-01-15", 5, "Taxes", "8"),
            *spread("2025-01-15", 5, "Taxes", "6")]  # fmt: skip
    ev = evaluate(rule, lic(), [*past, rec("2026-02-01", ("Taxes", "8"))], D("2026-06-30"))
    assert ev.previous is not None
    assert (ev.previous.shortfall_total, ev.previous.outstanding_total) == (H(10), H(2))
    assert ev.status == "overdue"
    ev = evaluate(rule, lic(), [*past, rec("2026-02-01", ("Taxes", "10"))], D("2026-06-30"))
    # Made up; 2024-2026 has 40 + 30 + 10 = 80: 40 x 912 days elapsed > 80 x 184 left.
    assert ev.counted_total == H(80)
    assert ev.status == "at_risk"


def test_no_hours_requirement_is_complete():
    ev = evaluate(Rule(period_years=1), lic(), [rec("2026-02-01", ("Taxes", "3"))], D("2026-03-01"))
    assert (ev.required_total, ev.required_ethics, ev.required_technical) == (None, None, None)
    assert (ev.counted_total, ev.shortfall_total, ev.shortfall_ethics) == (H(3), 0, 0)
    assert ev.status == "complete"
    assert ev.shortfall_text() == "All requirements met for the period ending 31 Dec 2026"


def test_technical_minimum():
    rule = Rule(period_years=1, total_hours=20, technical_min_hours=15)
    records = [
        rec("2026-02-01", ("Taxes", "10")),
        rec("2026-03-01", ("Personal Development", "12")),
    ]
    ev = evaluate(rule, lic(issued="2026-01-01"), records, D("2026-06-30"))
    # 22 counted >= 20, but technical 10 < 15.
    assert (ev.counted_technical, ev.shortfall_technical, ev.shortfall_total) == (H(10), H(5), 0)
    assert ev.status != "complete"
    assert ev.shortfall_text() == "5 more hours by 31 Dec 2026, all of them technical"


# --- What counts, and the issues ------------------------------------------------------------------


def test_only_records_inside_the_period_and_not_after_as_of_count():
    records = [
        rec("2025-12-31", ("Taxes", "5"), rid=1),  # before the period
        rec("2026-01-01", ("Taxes", "2"), rid=2),
        rec("2026-06-30", ("Taxes", "3"), rid=3),  # on the as-of date
        rec("2026-07-01", ("Taxes", "7"), rid=4),  # after it
    ]
    ev = evaluate(FORTY, lic(), records, D("2026-06-30"))
    assert (ev.earned_total, ev.counted_total, ev.counted_records) == (H(5), H(5), (2, 3))


def test_each_record_counts_once_and_ids_must_be_unique():
    one = rec("2026-02-01", ("Taxes", "4"), rid=7)
    assert evaluate(FORTY, lic(), [one, one], D("2026-06-30")).counted_total == H(4)
    other = RecordFacts(7, D("2026-03-01"), GL, None, True, (("Taxes", H(1)),))
    with pytest.raises(ValueError, match="id 7"):
        evaluate(FORTY, lic(), [one, other], D("2026-06-30"))


def test_issues():
    records = [
        rec("2026-02-01", ("Taxes", "4"), cert=False, title="Tax update", rid=1),
        rec("2025-06-01", ("Taxes", "4"), cert=False, rid=2),  # outside the period
        rec("2026-03-02", ("Auditing", "1.3"), rid=3),  # breaks the Group Live increments
        rec("2026-04-01", ("Taxes", "0"), cert=False, rid=4),  # zero: never counts
        rec("2026-05-01", ("Taxes", "3"), method=QAS, cert=False, rid=5),  # capped away
        rec("2026-08-01", ("Taxes", "2"), cert=False, rid=6),  # after the as-of date
    ]
    rule = Rule(period_years=1, total_hours=40, max_self_study_hours=0)
    ev = evaluate(rule, lic(), records, D("2026-06-30"))
    assert ev.counted_records == (1, 3)
    assert [(issue.kind, issue.record_id) for issue in ev.issues] == [
        ("no_certificate", 1),
        ("increment", 3),
        ("increment", 4),
    ]
    assert (
        ev.issues[0].message == "\u201cTax update\u201d (1 Feb 2026) has no certificate attached."
    )
    assert "round down to 1.2" in ev.issues[1].message
    assert ev.issues[1].message.startswith("The record of 2 Mar 2026, Auditing: ")
    assert "more than zero" in ev.issues[2].message


def test_record_issues_follow_the_date_format_in_force():
    """Days are written once per format: a format set afterwards words the same records anew."""
    from cpe_desktop.rules.wording import set_day_format

    records = [rec("2026-02-01", ("Taxes", "2"), cert=False, title="Tax update", rid=1)]
    rule = Rule(period_years=1, total_hours=40)
    before = evaluate(rule, lic(), records, D("2026-06-30"))
    set_day_format(lambda day: f"{day.month}/{day.day}/{day.year}")
    try:
        after = evaluate(rule, lic(), records, D("2026-06-30"))
    finally:
        set_day_format(None)
    again = evaluate(rule, lic(), records, D("2026-06-30"))
    assert (
        before.issues[0].message
        == "\u201cTax update\u201d (1 Feb 2026) has no certificate attached."
    )
    assert (
        after.issues[0].message == "\u201cTax update\u201d (2/1/2026) has no certificate attached."
    )
    assert again.issues[0].message == before.issues[0].message


def test_a_missing_birth_date_falls_back_to_calendar_years_and_says_so():
    rule = Rule(period_years=2, period_basis="birth_month", total_hours=80)
    ev = evaluate(rule, lic(issued="2015-03-01"), [], D("2026-06-15"))
    # Calendar years aligned to the issue year 2015: (2026 - 2015) % 2 = 1, so 2025-2026.
    assert (ev.period_start, ev.period_end) == (D("2025-01-01"), D("2026-12-31"))
    assert [issue.kind for issue in ev.issues] == ["missing_information"]
    assert "birth date" in ev.issues[0].message
    assert ev.issues[0].record_id is None


def test_a_missing_issue_date_is_reported_twice_when_the_cycle_is_a_guess():
    rule = Rule(period_years=2, period_basis="license_date", total_hours=80)
    ev = evaluate(rule, lic(issued=None), [], D("2026-06-15"))
    assert (ev.period_start, ev.period_end) == (D("2026-01-01"), D("2027-12-31"))
    assert [issue.kind for issue in ev.issues] == ["missing_information"] * 2
    assert "issue date" in ev.issues[0].message and "guess" in ev.issues[1].message


# --- Wording --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "records", "as_of", "text"),
    [
        (
            Rule(period_years=1, total_hours=20, ethics_hours=3, technical_min_hours=15),
            [rec("2026-02-01", ("Personal Development", "10"))],
            "2026-06-30",
            # Total 10 short; ethics 3; technical 15: 15 more, 3 of them ethics and 15 technical.
            "15 more hours by 31 Dec 2026, 3 of them ethics and 15 technical",
        ),
        (
            Rule(period_years=1, total_hours=11),
            [rec("2026-02-01", ("Taxes", "10"))],
            "2026-06-30",
            "1 more hour by 31 Dec 2026",
        ),
        (
            # Ethics over 2026-2027 (anchor 2026): its own deadline.
            Rule(period_years=1, total_hours=10, ethics_hours=2, ethics_period_years=2,
                 cycle_anchor_year=2026),
            [rec("2026-02-01", ("Taxes", "4"))],
            "2026-06-30",
            "6 more hours by 31 Dec 2026; 2 hours of ethics by 31 Dec 2027",
        ),
    ],
)  # fmt: skip
def test_shortfall_text(rule, records, as_of, text):
    ev = evaluate(rule, lic(issued="2026-01-01"), records, D(as_of))  # nothing before 2026
    assert ev.shortfall_text() == text


# --- evaluate_all and the input types -------------------------------------------------------------


def test_evaluate_all_matches_evaluate_and_shares_records():
    texas = lic("Texas", license_id=1, holder=1)
    ohio = lic("Ohio", license_id=2, holder=1)
    stranger = lic("Texas", license_id=3, holder=2)
    records = [rec("2026-02-01", ("Taxes", "8"), rid=1), rec("2026-03-01", ("Taxes", "4"), rid=2)]
    pairs = [(texas, FORTY), (ohio, Rule(period_years=1, total_hours=20)), (stranger, FORTY)]
    results = evaluate_all(pairs, {1: records}, D("2026-06-30"))
    assert [ev.license_id for ev in results] == [1, 2, 3]
    # The same 12 hours count toward both licenses of holder 1; holder 2 has none.
    assert [ev.counted_total for ev in results] == [H(12), H(12), H(0)]
    for ev, (license, rule) in zip(results, pairs, strict=True):
        own = records if license.holder_id == 1 else []
        assert ev == evaluate(rule, license, own, D("2026-06-30"))


def test_inputs_are_frozen_and_converted():
    rule = Rule(period_years=1, total_hours=40, max_self_study_pct=12.5, ethics_hours="2")  # type: ignore[arg-type]
    assert (rule.total_hours, rule.max_self_study_pct, rule.ethics_hours) == (
        H(40),
        H("12.5"),
        H(2),
    )
    assert isinstance(rule.total_hours, H)
    record = RecordFacts(1, D("2026-01-01"), GL, None, True, (("Taxes", 1.3),))  # type: ignore[arg-type]
    assert record.credits == (("Taxes", H("1.3")),)
    with pytest.raises(FrozenInstanceError):
        rule.total_hours = H(1)  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        lic().jurisdiction = "Ohio"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"period_years": 0}, ValueError),
        ({"period_years": 1, "period_basis": "weekly"}, ValueError),
        ({"period_years": 1, "ethics_period_years": 0}, ValueError),
        ({"period_years": 1, "period_start_month": 13}, ValueError),
        ({"period_years": 1, "total_hours": -1}, ValueError),
        ({"period_years": 1, "total_hours": True}, TypeError),
        ({"period_years": 1.5}, TypeError),
    ],
)
def test_rule_refuses_nonsense(kwargs, error):
    with pytest.raises(error):
        Rule(**kwargs)


def test_license_facts_defaults():
    facts = LicenseFacts(5, "EA", "IRS")
    assert (facts.issued_on, facts.period_end_override, facts.birth_date, facts.holder_id) == (
        None,
        None,
        None,
        None,
    )


# Enrolled agents: 72 hours per three-year enrollment cycle, at least 16 hours (2 of ethics) in
# each year (31 CFR 10.6(e)(2), Treasury Department Circular 230).
ENROLLMENT_CYCLE = Rule(
    period_years=3, total_hours=H(72), annual_min_hours=H(16), cycle_anchor_year=2025
)


def test_a_later_years_minimum_keeps_the_period_open_and_the_headline_says_so():
    """Cycle 2025–2027, as of 5 Dec 2026: 50 h in 2025 and 50 h in 2026 pass the 72 h total and
    both years' 16 h, but 2027 has not begun and will need its own 16 h. The status is on track
    (not complete), and the sentence beside it must not say "All requirements met" (it did: a
    firm administrator saw "On track" next to "All requirements met for the period ending 31 Dec
    2027")."""
    records = [rec("2025-03-01", ("Taxes", "50")), rec("2026-03-01", ("Taxes", "50"))]
    ev = evaluate(ENROLLMENT_CYCLE, lic(), records, D("2026-12-05"))
    assert (ev.period_start, ev.period_end, ev.status) == (
        D("2025-01-01"),
        D("2027-12-31"),
        "on_track",
    )
    assert ev.headline() == (
        "Met so far; the year ending 31 Dec 2027 still needs its 16-hour annual minimum"
    )
    assert ev.shortfall_text() == (
        "Nothing is missing yet; the year ending 31 Dec 2027 still needs its 16-hour annual minimum"
    )
    # With the 16 h of 2027 in, the cycle is complete and says so.
    done = evaluate(
        ENROLLMENT_CYCLE, lic(), [*records, rec("2027-02-01", ("Taxes", "16"))], D("2027-03-01")
    )
    assert done.status == "complete"
    assert done.headline() == "All requirements met for the period ending 31 Dec 2027"


def test_the_first_day_looked_at_is_worked_out_once_and_as_the_periods_say():
    """``EvaluationContext.earliest()`` is kept once worked out (the periods never change
    after the context is made): the same each time, the first start of its periods."""
    from cpe_desktop.rules.evaluation_context import EvaluationContext

    rule = Rule(period_years=3, period_basis="calendar", total_hours=120, ethics_hours=4)
    for as_of in (D("2025-01-15"), D("2026-06-30"), D("2026-12-31")):
        ctx = EvaluationContext(rule, lic(), as_of)
        first = ctx.earliest()
        periods = [ctx.current, ctx.ethics, ctx.previous, ctx.previous_ethics]
        assert first == min(p.start for p in periods) == ctx._work_out_earliest()
        assert ctx.earliest() is first
