"""Properties of the compliance engine that must hold for any records, rule and date.

Hand-worked scenarios pin particular answers; these check the engine cannot contradict itself:
more records never count less, nothing counts more than was earned, no records means the whole
requirement is missing, the order of records never matters, and the caps keep as many hours as
any choice of dropped credits could (against an independent min-cut formula).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from cpe_desktop.rules.compliance import LicenseFacts, RecordFacts, Rule, evaluate, evaluate_all
from cpe_desktop.rules.fields import DELIVERY_METHODS, FIELDS_OF_STUDY, NON_TECHNICAL_FIELDS
from cpe_desktop.rules.periods import PERIOD_BASES
from tests.helpers.compliance_cases import all_shipped, shipped

SETTINGS = settings(max_examples=150, deadline=None, database=None)
ZERO = Decimal(0)

amounts = st.sampled_from(["0", "0.2", "0.5", "1", "1.5", "2", "2.5", "3", "4", "8", "12"]).map(
    Decimal
)
days = st.dates(min_value=date(2021, 1, 1), max_value=date(2027, 12, 31))
hours = st.integers(0, 60).map(Decimal)
maybe_hours = st.one_of(st.none(), hours)
maybe_pct = st.one_of(st.none(), st.integers(0, 100).map(Decimal))


@st.composite
def record_lists(draw: st.DrawFn, max_size: int = 25, on: st.SearchStrategy = days) -> list:
    """Records with unique ids."""
    drafts = draw(
        st.lists(
            st.tuples(
                on,
                st.sampled_from(DELIVERY_METHODS),
                st.sampled_from([None, "Texas", "Ohio"]),
                st.booleans(),
                st.lists(
                    st.tuples(st.sampled_from(FIELDS_OF_STUDY), amounts), min_size=1, max_size=3
                ),
            ),
            max_size=max_size,
        )
    )
    return [
        RecordFacts(i, on_day, method, tag, certificate, tuple(credits))
        for i, (on_day, method, tag, certificate, credits) in enumerate(drafts, start=1)
    ]


synthetic_rules = st.builds(
    Rule,
    period_years=st.integers(1, 3),
    period_basis=st.sampled_from(PERIOD_BASES),
    total_hours=st.one_of(st.none(), st.integers(1, 120).map(Decimal)),
    ethics_hours=maybe_hours,
    ethics_period_years=st.one_of(st.none(), st.integers(1, 3)),
    ethics_state_specific=st.booleans(),
    annual_min_hours=maybe_hours,
    period_start_month=st.integers(1, 12),
    cycle_anchor_year=st.one_of(st.none(), st.integers(2015, 2030)),
    max_self_study_hours=maybe_hours,
    max_self_study_pct=maybe_pct,
    max_nano_hours=maybe_hours,
    max_nano_pct=maybe_pct,
    max_non_technical_hours=maybe_hours,
    max_non_technical_pct=maybe_pct,
    technical_min_hours=maybe_hours,
    carryover_max_hours=maybe_hours,
)
rules = st.one_of(synthetic_rules, st.sampled_from(all_shipped()).map(lambda key: shipped(*key)))
licenses = st.builds(
    LicenseFacts,
    license_id=st.just(1),
    credential=st.just("CPA"),
    jurisdiction=st.just("Texas"),
    issued_on=st.one_of(st.none(), days),
    period_end_override=st.one_of(st.none(), days),
    birth_date=st.one_of(st.none(), days),
)


@SETTINGS
@given(rules, licenses, record_lists(), record_lists(max_size=3), days)
def test_adding_records_never_lowers_counted_hours(rule, license, records, more, as_of):
    extra = [
        RecordFacts(r.record_id + 100, r.completed_on, r.delivery_method, r.ethics_jurisdiction,
                    r.has_certificate, r.credits)
        for r in more
    ]  # fmt: skip
    before = evaluate(rule, license, records, as_of)
    after = evaluate(rule, license, records + extra, as_of)
    assert after.counted_total >= before.counted_total
    assert after.counted_total - after.carryover_in >= before.counted_total - before.carryover_in
    assert after.earned_total >= before.earned_total


@SETTINGS
@given(rules, licenses, record_lists(), days)
def test_nothing_counts_more_than_was_earned(rule, license, records, as_of):
    ev = evaluate(rule, license, records, as_of)
    assert ZERO <= ev.counted_total - ev.carryover_in <= ev.earned_total
    assert ev.carryover_in <= (rule.carryover_max_hours or ZERO)
    assert ev.counted_technical <= ev.counted_total - ev.carryover_in
    assert all(cap.dropped >= 0 for cap in ev.caps)
    # What the headline caps and the components' caps kept from counting is the difference.
    component_caps = sum((p.dropped for p in ev.components if p.kind == "max"), ZERO)
    assert sum(cap.dropped for cap in ev.caps) + component_caps == ev.earned_total - (
        ev.counted_total - ev.carryover_in
    )
    in_period = {
        r.record_id
        for r in records
        if ev.period_start <= r.completed_on <= min(ev.period_end, as_of)
    }
    in_ethics = {
        r.record_id
        for r in records
        if ev.ethics_period_start <= r.completed_on <= min(ev.ethics_period_end, as_of)
    }
    assert set(ev.counted_records) <= in_period | in_ethics


@SETTINGS
@given(rules, licenses, days)
def test_no_records_means_the_whole_requirement_is_missing(rule, license, as_of):
    ev = evaluate(rule, license, [], as_of)
    assert (ev.earned_total, ev.counted_total, ev.counted_ethics, ev.carryover_in) == (0, 0, 0, 0)
    # What this period asks: the rule's, or a new licensee's reduced first period (ARCHITECTURE.md
    # §4).
    assert (ev.required_total is None) == (rule.total_hours is None)
    if ev.first_period is None:
        assert (ev.required_total, ev.required_ethics) == (rule.total_hours, rule.ethics_hours)
    assert ev.shortfall_total == (ev.required_total or ZERO)
    assert ev.shortfall_ethics == (ev.required_ethics or ZERO)
    assert ev.shortfall_technical == (ev.required_technical or ZERO)
    assert all(year.earned == 0 for year in ev.annual)
    assert ev.counted_records == ()
    nothing_required = (
        not any((ev.required_total, ev.required_ethics, ev.required_technical))
        and not any(year.required for year in ev.annual)
        and not any(part.missing for part in ev.components if not part.headline)
    )
    assert (ev.status == "complete") == nothing_required


@SETTINGS
@given(rules, licenses, record_lists(), days, st.randoms(use_true_random=False))
def test_the_order_of_records_never_matters(rule, license, records, as_of, random):
    shuffled = list(records)
    random.shuffle(shuffled)
    assert evaluate(rule, license, shuffled, as_of) == evaluate(rule, license, records, as_of)


@SETTINGS
@given(rules, licenses, record_lists(), days)
def test_complete_exactly_when_nothing_is_missing(rule, license, records, as_of):
    ev = evaluate(rule, license, records, as_of)
    nothing_missing = not (ev.shortfall_total or ev.shortfall_ethics or ev.shortfall_technical)
    years_met = all(year.counted >= year.required for year in ev.annual)
    parts = [p for p in ev.components if not p.headline]
    outside = not any(p.missing or p.met is False for p in parts if not p.alternative)
    paths = {p.alternative for p in parts if p.alternative}
    some_path = not paths or any(p.chosen for p in parts)
    assert (ev.status == "complete") == (nothing_missing and years_met and outside and some_path)
    if ev.status == "overdue":
        assert ev.previous is not None and not ev.previous.made_up
    for year in ev.annual:
        assert year.judged == (year.year_end <= as_of)
        assert year.met == (year.counted >= year.required if year.judged else None)


@SETTINGS
@given(rules, record_lists(), record_lists(), days)
def test_evaluate_all_is_evaluate_for_each_license(rule, mine, theirs, as_of):
    first = LicenseFacts(1, "CPA", "Texas", date(2010, 1, 1), holder_id=1)
    second = LicenseFacts(2, "CPA", "Ohio", date(2012, 1, 1), holder_id=2)
    results = evaluate_all([(first, rule), (second, rule)], {1: mine, 2: theirs}, as_of)
    assert results == [evaluate(rule, first, mine, as_of), evaluate(rule, second, theirs, as_of)]


# --- Caps keep the most hours possible -----------------------------------------------------------

YEAR = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


def _most_hours(records: list[RecordFacts], limits: dict[str, Decimal]) -> Decimal:
    """The largest total any choice of credits within the caps keeps (LP duality on the 3 caps:
    the minimum over sets of caps of their limits plus the credits no chosen cap limits)."""
    credits = []
    for record in records:
        self_study = record.delivery_method in ("QAS Self Study", "Nano Learning")
        nano = record.delivery_method == "Nano Learning"
        for field, amount in record.credits:
            if amount > 0:
                limited_by = {"self_study"} if self_study else set()
                limited_by |= {"nano"} if nano else set()
                limited_by |= {"non_technical"} if field in NON_TECHNICAL_FIELDS else set()
                credits.append((limited_by, amount))
    best = sum((amount for _, amount in credits), ZERO)
    for size in range(1, len(limits) + 1):
        for chosen in combinations(limits, size):
            free = sum((a for caps, a in credits if not caps & set(chosen)), ZERO)
            best = min(best, sum(limits[name] for name in chosen) + free)
    return best


@st.composite
def capped_records(draw: st.DrawFn) -> list[RecordFacts]:
    """Records of 2026 where the caps meet: few kinds, small amounts, so caps bind often."""
    drafts = draw(
        st.lists(
            st.tuples(
                YEAR,
                st.sampled_from(["Group Live", "QAS Self Study", "Nano Learning"]),
                st.lists(
                    st.tuples(
                        st.sampled_from(
                            [
                                "Taxes",
                                "Regulatory Ethics",
                                "Personal Development",
                                "Behavioral Ethics",
                            ]
                        ),
                        st.integers(1, 4).map(Decimal),
                    ),
                    min_size=1,
                    max_size=2,
                ),
            ),
            max_size=12,
        )
    )
    return [
        RecordFacts(i, day, method, None, True, tuple(credits))
        for i, (day, method, credits) in enumerate(drafts, start=1)
    ]


small_caps = st.one_of(st.none(), st.integers(0, 10).map(Decimal))


@settings(SETTINGS, max_examples=300)
@given(capped_records(), small_caps, small_caps, small_caps)
def test_caps_keep_the_most_hours_possible(records, self_study, nano, non_technical):
    rule = Rule(
        period_years=1,
        total_hours=Decimal(40),
        max_self_study_hours=self_study,
        max_nano_hours=nano,
        max_non_technical_hours=non_technical,
    )
    limits = {
        name: limit
        for name, limit in (
            ("self_study", self_study),
            ("nano", nano),
            ("non_technical", non_technical),
        )
        if limit is not None
    }
    ev = evaluate(rule, LicenseFacts(1, "CPA", "Texas"), records, date(2026, 12, 31))
    assert ev.counted_total == _most_hours(records, limits)
