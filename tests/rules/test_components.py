"""Requirement components (ARCHITECTURE.md §4): every kind and scope, alternatives, ``applies_if``
and the interaction with caps and carryover, each case worked by hand from the rule it cites.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cpe_desktop.rules.compliance import evaluate
from cpe_desktop.rules.component_facts import Component, component_from_dict
from cpe_desktop.rules.components import _Judge, _match
from cpe_desktop.rules.evaluation_context import EvaluationContext
from cpe_desktop.rules.facts import RecordFacts
from cpe_desktop.rules.ledger import Ledger
from tests.helpers.compliance_cases import GL, NANO, QAS, D, H, lic, period_rule, rec, spread

AS_OF = D("2026-12-05")


def _only(result, kind, alternative=None):
    found = [
        r
        for r in result.components
        if r.kind == kind and not r.headline and r.alternative == alternative
    ]
    assert len(found) == 1, found
    return found[0]


# Florida (61H1-33.003(1)(b)): 80 hours per biennium (1 Jul-30 Jun) including at least 8 in
# accounting and auditing and 4 of Florida board-approved ethics.
FLORIDA = period_rule(
    "fiscal",
    2,
    period_start_month=7,
    cycle_anchor="fixed",
    cycle_anchor_year=2025,
    total_hours=80,
    ethics_hours=4,
    ethics_state_specific=True,
    components=(Component("min", hours=8, fields=("accounting_auditing",)),),
)
FL_ETHICS = rec("2025-09-01", ("Regulatory Ethics", "4"), tag="Florida")


def test_florida_80_hours_of_tax_without_accounting_and_auditing_is_not_complete():
    """76 tax + 4 Florida ethics = 80 of 80, but 0 of the 8 A&A hours: not complete; the
    sentence names the A&A hours."""
    records = [*spread("2025-10-01", 19, "Taxes", "4"), FL_ETHICS]
    result = evaluate(FLORIDA, lic("Florida", tracked="2025-07-01"), records, AS_OF)
    assert (result.counted_total, result.shortfall_total) == (H(80), 0)
    part = _only(result, "min")
    assert (part.required, part.counted, part.missing) == (H(8), H(0), H(8))
    assert result.status != "complete"
    assert result.headline() == "Need 8 h of accounting and auditing by 30 Jun 2027"
    # The first entry of the list is what is most missing.
    assert result.components[0] is part or result.components[0].missing == H(8)


def test_florida_with_accounting_and_auditing_is_complete():
    records = [
        *spread("2025-10-01", 17, "Taxes", "4"),
        rec("2026-02-01", ("Auditing", "8")),
        FL_ETHICS,
    ]
    result = evaluate(FLORIDA, lic("Florida", tracked="2025-07-01"), records, AS_OF)
    assert _only(result, "min").met is True
    assert result.status == "complete"


def test_a_minimum_short_within_90_days_of_its_end_is_at_risk():
    records = [*spread("2025-10-01", 19, "Taxes", "4"), FL_ETHICS]
    result = evaluate(FLORIDA, lic("Florida", tracked="2025-07-01"), records, D("2027-05-01"))
    assert result.status == "at_risk"


# Georgia (Rule 20-11-.02, NASBA rev 1/3/2024): 4 hours of ethics, of which 1 on Georgia's
# laws and rules.
GEORGIA = period_rule(
    "calendar",
    2,
    cycle_anchor="fixed",
    cycle_anchor_year=2026,
    total_hours=80,
    ethics_hours=4,
    components=(Component("ethics_state_specific", hours=1),),
)


def test_georgia_three_general_ethics_hours_and_one_georgia_hour_meet_the_ethics():
    """3 h of general ethics + 1 h of Georgia ethics = 4 of 4 ethics, Georgia part 1 of 1.
    (The all-or-nothing flag counted only the Georgia hour: 3 short.)"""
    records = [
        rec("2026-02-01", ("Regulatory Ethics", "3")),
        rec("2026-03-01", ("Regulatory Ethics", "1"), tag="Georgia"),
    ]
    result = evaluate(GEORGIA, lic("Georgia", tracked="2026-01-01"), records, AS_OF)
    assert (result.counted_ethics, result.shortfall_ethics) == (H(4), 0)
    part = _only(result, "ethics_state_specific")
    assert (part.counted, part.met) == (H(1), True)
    assert result.ethics_jurisdiction is None  # the headline ethics is any ethics


def test_one_component_judged_for_two_jurisdictions_names_each_its_own():
    """What a component counts is worded once per component and jurisdiction
    (``components._WHATS``): the same rule's component judged for a Georgia license and then
    for an Ohio one says each license's own jurisdiction, and again in the other order."""
    records = [rec("2026-03-01", ("Regulatory Ethics", "1"), tag="Georgia")]
    for places in (("Georgia", "Ohio"), ("Ohio", "Georgia")):
        for place in places:
            result = evaluate(GEORGIA, lic(place, tracked="2026-01-01"), records, AS_OF)
            part = _only(result, "ethics_state_specific")
            assert part.what == f"{place} ethics"
            assert part.label == f"1 h {place} ethics"


def test_georgia_four_general_ethics_hours_still_need_the_georgia_hour():
    records = [
        rec("2026-02-01", ("Regulatory Ethics", "4")),
        *spread("2026-03-01", 19, "Taxes", "4", every=10),
    ]
    result = evaluate(GEORGIA, lic("Georgia", tracked="2026-01-01"), records, AS_OF)
    assert result.shortfall_ethics == 0
    assert _only(result, "ethics_state_specific").missing == H(1)
    assert result.status != "complete"
    assert result.headline() == "Need 1 h of Georgia ethics by 31 Dec 2027"


# California (16 CCR 87(a)(1)): 20 hours each year of the two-year period, 12 of them technical.
CALIFORNIA = period_rule(
    "calendar",
    2,
    cycle_anchor="fixed",
    cycle_anchor_year=2025,
    total_hours=80,
    components=(
        Component("min", hours=12, fields=("technical",), scope="year"),
        Component("min", hours=24, fields=("accounting_auditing",), applies_if="performs_attest"),
        Component(
            "course",
            hours=2,
            topic="California Regulatory Review",
            scope="cycle",
            cycle_years=6,
        ),
    ),
)


def test_california_twelve_technical_hours_each_year():
    """2025 (judged): 8 technical + 20 personal development: 8 of 12, failed, at risk. 2026
    (running): 12 technical, met."""
    records = [
        rec("2025-03-01", ("Taxes", "8")),
        rec("2025-04-01", ("Personal Development", "20")),
        rec("2026-03-01", ("Auditing", "12")),
    ]
    result = evaluate(CALIFORNIA, lic("California", tracked="2025-01-01"), records, AS_OF)
    years = [r for r in result.components if r.kind == "min" and "year ending" in r.label]
    assert [(y.window_end, y.counted, y.met) for y in years] == [
        (D("2025-12-31"), H(8), False),
        (D("2026-12-31"), H(12), True),
    ]
    assert result.status == "at_risk"


def test_california_attest_minimum_applies_only_when_ticked():
    records = [rec("2026-03-01", ("Auditing", "12"))]
    plain = evaluate(CALIFORNIA, lic("California", tracked="2025-01-01"), records, AS_OF)
    assert not any(r.required == 24 for r in plain.components)
    ticked = replace(lic("California", tracked="2025-01-01"), attributes={"performs_attest"})
    attest = evaluate(CALIFORNIA, ticked, records, AS_OF)
    part = [r for r in attest.components if r.required == 24]
    assert len(part) == 1 and part[0].counted == H(12)


def test_california_regulatory_review_every_six_years_reaches_before_the_period():
    """The 2-hour Regulatory Review course taken in March 2021 counts toward the six years
    ending 31 Dec 2026 (2021-2026); one taken in 2020 would not."""
    review = rec("2021-03-01", ("Regulatory Ethics", "2"))
    tagged = replace(review, topics=("California Regulatory Review",))
    result = evaluate(CALIFORNIA, lic("California", tracked="2020-01-01"), [tagged], AS_OF)
    part = _only(result, "course")
    assert (part.window_start, part.counted, part.met) == (D("2021-01-01"), H(2), True)
    old = replace(tagged, completed_on=date(2020, 12, 1))
    result = evaluate(CALIFORNIA, lic("California", tracked="2020-01-01"), [old], AS_OF)
    assert _only(result, "course").counted == 0


def test_illinois_sexual_harassment_hour_each_renewal():
    """225 ILCS 450/16 and 68 Ill. Adm. Code 1420.10: 1 hour of sexual harassment prevention
    training each renewal period (1 Oct 2024-30 Sep 2027)."""
    rule = period_rule(
        "fiscal",
        3,
        period_start_month=10,
        cycle_anchor="fixed",
        cycle_anchor_year=2024,
        total_hours=120,
        components=(Component("course", hours=1, topic="Illinois Sexual Harassment Prevention"),),
    )
    course = rec("2026-05-01", ("Behavioral Ethics", "1"))
    with_topic = replace(course, topics=("illinois sexual harassment prevention",))
    result = evaluate(rule, lic("Illinois", tracked="2024-10-01"), [with_topic], AS_OF)
    assert _only(result, "course").met is True
    result = evaluate(rule, lic("Illinois", tracked="2024-10-01"), [course], AS_OF)
    assert _only(result, "course").missing == H(1)


def test_live_hours_minimum():
    """Arizona (R4-1-453): at least 16 of the 80 hours in classroom or interactive webinar."""
    rule = period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2025,
        total_hours=80,
        components=(Component("min", hours=16, delivery=("live",)),),
    )
    records = [
        rec("2026-01-10", ("Taxes", "8"), method=GL),
        rec("2026-02-10", ("Taxes", "2"), method="Group Internet Based"),
        rec("2026-03-10", ("Taxes", "40"), method=QAS),
    ]
    result = evaluate(rule, lic("Arizona", tracked="2025-01-01"), records, AS_OF)
    assert _only(result, "min").counted == H(10)


def test_max_component_drops_what_is_over_and_the_total_follows():
    """Instruction at most 50 % of 80 = 40 hours (a common board cap): 60 instructor hours
    count 40; the total drops by 20."""
    rule = period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2025,
        total_hours=80,
        components=(Component("max", pct=50, delivery=("Instructor",)),),
    )
    records = [rec("2026-01-10", ("Taxes", "60"), method="Instructor")]
    result = evaluate(rule, lic("Texas", tracked="2025-01-01"), records, AS_OF)
    part = _only(result, "max")
    assert (part.required, part.counted, part.dropped) == (H(40), H(40), H(20))
    assert result.counted_total == H(40)


def test_yearly_cap_per_year():
    """Louisiana (46 LAC XIX.1301): personal development at most 20 hours a year: 25 in 2025
    and 10 in 2026 drop 5."""
    rule = period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2025,
        total_hours=80,
        components=(Component("max", hours=20, fields=("Personal Development",), scope="year"),),
    )
    records = [
        rec("2025-03-01", ("Personal Development", "25")),
        rec("2026-03-01", ("Personal Development", "10")),
    ]
    result = evaluate(rule, lic("Louisiana", tracked="2025-01-01"), records, AS_OF)
    assert [p.dropped for p in result.components if p.kind == "max"] == [H(5), H(0)]
    assert result.counted_total == H(30)


def test_minimums_count_what_the_headline_caps_left():
    """Nano learning at most 4 hours (Arizona's cap): 6 nano hours of auditing count 4 toward
    an 8-hour accounting-and-auditing minimum."""
    rule = period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2025,
        total_hours=80,
        max_nano_hours=4,
        components=(Component("min", hours=8, fields=("accounting_auditing",)),),
    )
    records = [rec(f"2026-0{m}-01", ("Auditing", "2"), method=NANO) for m in (1, 2, 3)]
    result = evaluate(rule, lic("Arizona", tracked="2025-01-01"), records, AS_OF)
    assert _only(result, "min").counted == H(4)


def test_carryover_never_meets_a_subject_minimum():
    """30 hours above 80 in 2023-2024 carry 20 into 2025-2026 (the total), but none of it
    counts toward the 8 hours of accounting and auditing."""
    rule = period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2025,
        total_hours=80,
        carryover_max_hours=20,
        components=(Component("min", hours=8, fields=("accounting_auditing",)),),
    )
    records = [*spread("2023-02-01", 11, "Auditing", "10"), rec("2025-03-01", ("Taxes", "60"))]
    result = evaluate(rule, lic("Texas", tracked="2023-01-01"), records, AS_OF)
    assert (result.carryover_in, result.counted_total) == (H(20), H(80))
    assert _only(result, "min").counted == 0
    assert result.status != "complete"


def test_credit_factor_halves_matching_credits_without_increment_warnings():
    """Pennsylvania (49 Pa. Code 11.63): non-interactive self-study at half credit; here on QAS
    self-study for the sake of the case: 3 hours count 1.5, and 1.5 is not called a broken
    increment."""
    rule = period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2025,
        total_hours=80,
        components=(
            Component("credit_factor", factor=Decimal("0.5"), delivery=("QAS Self Study",)),
        ),
    )
    records = [rec("2026-01-10", ("Taxes", "3"), method=QAS)]
    result = evaluate(rule, lic("Pennsylvania", tracked="2025-01-01"), records, AS_OF)
    assert result.counted_total == H("1.5")
    assert not [i for i in result.issues if i.kind == "increment"]


# New York (8 NYCRR 70.9(a)): 40 hours a year, or 24 hours concentrated in one recognised
# subject area.
NEW_YORK = period_rule(
    "calendar",
    1,
    cycle_anchor="annual",
    total_hours=40,
    components=(
        Component("min", hours=40, alternative="general"),
        Component("min", hours=24, fields=("Taxes",), alternative="concentration_taxes"),
        Component("min", hours=24, fields=("Accounting",), alternative="concentration_accounting"),
    ),
)


def test_new_york_24_hours_in_taxes_meet_the_year():
    """24 hours of tax (and nothing else) meet the concentration option: complete, no hours
    missing, the taxes path marked chosen."""
    records = [rec("2026-04-01", ("Taxes", "24"))]
    result = evaluate(NEW_YORK, lic("New York", tracked="2026-01-01"), records, AS_OF)
    assert result.shortfall_total == 0
    assert result.status == "complete"
    taxes = _only(result, "min", "concentration_taxes")
    assert (taxes.met, taxes.chosen) == (True, True)


def test_new_york_without_a_path_met_needs_the_general_hours():
    """10 tax + 10 accounting: no concentration reaches 24, the general path lacks 20."""
    records = [rec("2026-04-01", ("Taxes", "10")), rec("2026-05-01", ("Accounting", "10"))]
    result = evaluate(NEW_YORK, lic("New York", tracked="2026-01-01"), records, AS_OF)
    assert result.shortfall_total == H(20)
    assert result.status == "at_risk"
    assert not any(r.chosen for r in result.components)


def test_components_of_json_round_trip():
    data = {
        "kind": "course",
        "hours": 2,
        "topic": "California Regulatory Review",
        "scope": "cycle",
        "cycle_years": 6,
        "label": "2 h Regulatory Review every 6 years",
        "source": "16 CCR 87(b)",
    }
    assert component_from_dict(data).as_dict() == data


# --- Property: more records never count less, except through a cap ----------------------

_FIELDS = ("Taxes", "Auditing", "Regulatory Ethics", "Personal Development", "Accounting")
_METHODS = (GL, QAS, NANO, "Group Internet Based")
_records = st.lists(
    st.tuples(
        st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 5)),
        st.sampled_from(_METHODS),
        st.sampled_from(_FIELDS),
        st.sampled_from(["0.5", "1", "2", "4", "8"]),
        st.sampled_from([None, "Georgia"]),
    ),
    max_size=15,
)
_UNCAPPED = (
    Component("min", hours=8, fields=("accounting_auditing",)),
    Component("min", hours=12, fields=("technical",), scope="year"),
    Component("ethics_state_specific", hours=1),
    Component("min", hours=10, delivery=("live",)),
)


@settings(max_examples=120, deadline=None, database=None)
@given(_records, _records)
def test_adding_records_never_lowers_a_counted_figure_without_caps(first, more):
    rule = period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2025,
        total_hours=80,
        ethics_hours=4,
        components=_UNCAPPED,
    )

    def build(drafts, start):
        return [
            rec(day.isoformat(), (field, amount), method=method, tag=tag, rid=start + i)
            for i, (day, method, field, amount, tag) in enumerate(drafts)
        ]

    before = evaluate(rule, lic("Georgia", tracked="2025-01-01"), build(first, 1), AS_OF)
    after = evaluate(
        rule, lic("Georgia", tracked="2025-01-01"), build(first, 1) + build(more, 1000), AS_OF
    )
    assert after.counted_total >= before.counted_total
    assert after.counted_ethics >= before.counted_ethics
    assert after.counted_technical >= before.counted_technical
    counted = {(r.label, r.window_end): r.counted for r in before.components}
    for r in after.components:
        if (r.label, r.window_end) in counted:
            assert r.counted >= counted[(r.label, r.window_end)], r.label


def test_the_sentence_names_two_kinds_and_counts_the_rest():
    """California with attest work ticked and nothing taken in 2026: the sentence names the two
    kinds most short and counts the others; the card lists them all."""
    ticked = replace(lic("California", tracked="2025-01-01"), attributes={"performs_attest"})
    result = evaluate(CALIFORNIA, ticked, [], AS_OF)
    assert result.headline() == (
        "Need 80 h, 24 of them accounting and auditing, 12 of them technical and 1 more "
        "requirement, by 31 Dec 2026"
    )


def test_a_reduced_first_period_reduces_the_components_with_it():
    """A new licensee (ARCHITECTURE.md §4): with 40 of 80 hours asked (California 16 CCR 87.1(b),
    20 h
    per full six months), the 8-hour A&A minimum asks 4; in an exempt first period it asks
    nothing, but a course every licensee owes (here the Regulatory Review, 87.1(a)) stays."""
    aa = Component("min", hours=8, fields=("accounting_auditing",))
    review = Component("course", hours=2, topic="California Regulatory Review")
    prorated = period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2025,
        total_hours=80,
        first_period="prorate",
        first_period_hours_per_unit=20,
        first_period_unit_months=6,
        components=(aa, review),
    )
    new = lic("California", issued="2025-09-15")
    result = evaluate(prorated, new, [], AS_OF)
    assert result.required_total == H(40)
    assert [p.required for p in result.components if p.kind == "min" and not p.headline] == [H(4)]
    exempt = replace(prorated, first_period="exempt")
    result = evaluate(exempt, new, [], AS_OF)
    assert [p.kind for p in result.components if not p.headline] == ["course"]


def test_cycle_scopes_for_a_minimum_and_for_part_state_ethics():
    """New York (8 NYCRR 70.9): a licensee who supervises attest work needs 40 hours of A&A in
    the three years ending with the period; Arkansas (Rule 2.1): 1 hour of the Arkansas ethics
    course per 36 months. One-year periods (2026); the windows are 2024-2026."""
    rule = period_rule(
        "calendar",
        1,
        cycle_anchor="annual",
        total_hours=40,
        components=(
            Component(
                "min", hours=40, fields=("accounting_auditing",), scope="cycle", cycle_years=3
            ),
            Component("ethics_state_specific", hours=1, scope="cycle", cycle_years=3),
        ),
    )
    records = [
        rec("2024-03-01", ("Auditing", "24")),
        rec("2024-04-01", ("Regulatory Ethics", "1"), tag="Arkansas"),
        rec("2026-03-01", ("Auditing", "16")),
        rec("2023-06-01", ("Auditing", "30")),  # before the three years: not counted
    ]
    result = evaluate(rule, lic("Arkansas", tracked="2023-01-01"), records, AS_OF)
    aa = _only(result, "min")
    assert (aa.window_start, aa.window_end, aa.counted, aa.met) == (
        D("2024-01-01"),
        D("2026-12-31"),
        H(40),
        True,
    )
    ethics = _only(result, "ethics_state_specific")
    assert (ethics.window_start, ethics.counted, ethics.met) == (D("2024-01-01"), H(1), True)


# --- Property: a window's component sums are the record-by-record sums ----------------------

_LINES = st.lists(
    st.tuples(
        st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31)),
        st.sampled_from((*_METHODS, "Instructor", None)),
        st.lists(st.sampled_from(_FIELDS), min_size=1, max_size=3, unique=True),
        st.sampled_from(["0", "0.5", "1", "2", "4", "8", "12.5"]),
    ),
    max_size=40,
)
_MATCHED = (
    Component("min", hours=8, fields=("accounting_auditing",)),
    Component("min", hours=12, fields=("technical",), scope="year"),
    Component("min", hours=10, delivery=("live",)),
    Component("min", hours=2, fields=("Taxes",), delivery=("self_study",)),
    Component("min", hours=30, scope="cycle", cycle_years=3),
    Component("max", pct=Decimal(25), delivery=("Instructor",)),
)


@settings(max_examples=150, deadline=None, database=None)
@given(_LINES, st.sampled_from([None, 4, 10]), st.sampled_from([None, 2, 6]))
def test_component_sums_are_the_record_by_record_sums(drafts, self_study, nano):
    """The components' window sums (per field and method, less what caps took) equal the sum
    over each record's credits as the caps left them, with caps that bind and windows reaching
    outside the period (years, a cycle of three)."""
    rule = period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2025,
        total_hours=40,
        max_self_study_hours=self_study,
        max_nano_hours=nano,
        max_non_technical_pct=Decimal(20),
        components=_MATCHED,
    )
    records = [
        RecordFacts(i, day, method, None, True, tuple((f, Decimal(amount)) for f in fields))
        for i, (day, method, fields, amount) in enumerate(drafts, 1)
    ]
    ctx = EvaluationContext(rule, lic("Georgia", tracked="2021-01-01"), AS_OF)
    ledger = ctx.ledger = Ledger(records)
    window = ctx.window(ctx.current)
    judge = _Judge(ctx, ledger, rule.total_hours)
    for component in _MATCHED:
        match = _match(component)
        for span, _ in judge.windows(component):
            lo, hi = ledger.bounds(span.start, min(span.end, AS_OF))
            one_by_one = Decimal(0)
            for p in range(lo, hi):
                if not match.method(ledger.records[p]):
                    continue
                amounts = window.amounts(p) if window.lo <= p < window.hi else None
                for j, credit in enumerate(ledger.credits(p)):
                    if match.field(credit.field):
                        one_by_one += credit.amount if amounts is None else amounts[j]
            assert judge._sum(match, window, span.start, span.end) == one_by_one


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [Decimal(0), Decimal("0.0"), Decimal("-0"), Decimal(1), Decimal("2.5")]
            ),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_components_are_ordered_most_missing_first_headline_first_among_equals(parts):
    """The evaluation's components are ordered as ``sorted`` with the key ``(-missing, not
    headline)`` orders them (equals as given): ``_most_missing_first`` sorts falling by
    (missing, headline) instead. Equal amounts spelled apart (0, 0.0, -0) are equals."""
    from types import SimpleNamespace

    from cpe_desktop.rules.compliance import _most_missing_first

    results = [
        SimpleNamespace(missing=missing, headline=headline, number=number)
        for number, (missing, headline) in enumerate(parts)
    ]
    expected = sorted(results, key=lambda r: (-r.missing, not r.headline))
    assert [r.number for r in _most_missing_first(list(results))] == [r.number for r in expected]
