"""The ledger's shortcuts (issue 18) held to the plain definitions they stand for.

``Ledger`` works out what a record's lines and delivery method make of it once for all the
records with equal ones (``record_profiles._PROFILES``) and lists the flagged, wrong and "Not
stated" records while it is built. Here every column and list is worked out the straightforward
way, record by record, from ``check_credits`` and the field and method names, and compared:
values, and the very spelling of every sum (2 and 2.00 are equal credits, not the same figure in
a total).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpe_desktop.rules import record_profiles
from cpe_desktop.rules.credits import check_credits
from cpe_desktop.rules.facts import RecordFacts
from cpe_desktop.rules.fields import (
    ETHICS_FIELDS,
    NANO_LEARNING,
    NON_TECHNICAL_FIELDS,
    SELF_STUDY_METHODS,
    TECHNICAL_FIELDS,
    normalize_delivery_method,
    normalize_field,
)
from cpe_desktop.rules.ledger import (
    ETHICS,
    NANO,
    NON_TECHNICAL,
    SELF_STUDY,
    TECHNICAL,
    TOTAL,
    ZERO,
    Ledger,
)

SETTINGS = settings(max_examples=300, deadline=None, database=None)

# Spellings that normalise, that do not, and that say nothing; amounts equal in value but
# spelled apart, zero, negative, and breaking the increments.
FIELD_NAMES = [
    "Taxes",
    "taxes",
    "Auditing",
    "Regulatory Ethics",
    "Behavioral Ethics",
    "Personal Development",
    "Basket Weaving",
    "Not stated",
    " not STATED ",
]
METHODS = [
    "Group Live",
    "QAS Self Study",
    "Nano Learning",
    "nano learning",
    "Group Internet Based",
    "Not stated",
    "NOT STATED ",
    None,
]
AMOUNTS = ["2", "2.00", "2.0", "1.5", "1.50", "0.2", "0.3", "0", "-1", "8", "0.25", "12.5"]

lines = st.lists(
    st.tuples(st.sampled_from(FIELD_NAMES), st.sampled_from(AMOUNTS).map(Decimal)),
    min_size=0,
    max_size=3,
    unique_by=lambda line: line[0],
)


@st.composite
def record_lists(draw: st.DrawFn) -> list[RecordFacts]:
    count = draw(st.integers(0, 30))
    ids = draw(st.lists(st.integers(1, 500), min_size=count, max_size=count, unique=True))
    return [
        RecordFacts(
            record_id,
            draw(st.dates(date(2024, 1, 1), date(2024, 3, 1))),
            draw(st.sampled_from(METHODS)),
            None,
            draw(st.booleans()),
            tuple(draw(lines)),
        )
        for record_id in ids
    ]


def _silent(text: str | None) -> bool:
    return (text or "").strip().casefold() == "not stated"


def _plain(records: list[RecordFacts], as_entered: dict[int, RecordFacts]) -> dict[str, list]:
    """Every column and list of the ledger, record by record."""
    ordered = sorted(records, key=lambda r: (r.completed_on, r.record_id))
    found: dict[str, list] = {
        name: [] for name in ("total", "ethics", "technical", "non_technical", "methods")
    }
    found.update(flagged=[], wrong=[], not_stated=[])
    for position, record in enumerate(ordered):
        positive = [(name, amount) for name, amount in record.credits if amount > 0]
        if len(record.credits) == 1:  # one line: its own amount (or nothing)
            sums = {"total": positive[0][1] if positive else ZERO}
        else:  # several: added up from zero
            sums = {"total": sum((a for _, a in positive), ZERO)}
        for kind, fields in (
            ("ethics", ETHICS_FIELDS),
            ("technical", TECHNICAL_FIELDS),
            ("non_technical", NON_TECHNICAL_FIELDS),
        ):
            mine = [a for n, a in positive if normalize_field(n) in fields]
            if len(record.credits) == 1:
                sums[kind] = mine[0] if mine else ZERO
            else:
                sums[kind] = sum(mine, ZERO)
        for kind, value in sums.items():
            found[kind].append(value)
        method = normalize_delivery_method(record.delivery_method or "")
        found["methods"].append((method in SELF_STUDY_METHODS, method == NANO_LEARNING))
        entered = as_entered.get(record.record_id, record)
        wrong = any(check_credits(amount, entered.delivery_method) for _, amount in entered.credits)
        if wrong:
            found["wrong"].append(position)
        if wrong or not record.has_certificate:
            found["flagged"].append(position)
        if _silent(record.delivery_method) or any(_silent(n) for n, _ in record.credits):
            found["not_stated"].append(position)
    return found


def _check(ledger: Ledger, records: list[RecordFacts], as_entered: dict[int, RecordFacts]):
    plain = _plain(records, as_entered)
    for kind, name in (
        (TOTAL, "total"),
        (ETHICS, "ethics"),
        (TECHNICAL, "technical"),
        (NON_TECHNICAL, "non_technical"),
    ):
        values = ledger.face_values(kind)
        assert values == plain[name]
        assert [str(v) for v in values] == [str(v) for v in plain[name]]  # the same spelling
    assert ledger.methods == plain["methods"]
    for kind, which in ((SELF_STUDY, 0), (NANO, 1)):  # the total of records by that method
        by_method = [
            t if m[which] else ZERO for t, m in zip(plain["total"], plain["methods"], strict=True)
        ]
        values = ledger.face_values(kind)
        assert [(v, str(v)) for v in values] == [(v, str(v)) for v in by_method]
    size = len(ledger)
    for lo in range(0, size + 1, 3):
        for hi in (lo, lo + 1, lo + 7, size):
            assert ledger.flagged(lo, hi) == [p for p in plain["flagged"] if lo <= p < hi]
            assert ledger.wrong(lo, hi) == [p for p in plain["wrong"] if lo <= p < hi]
            assert ledger.not_stated(lo, hi) == [p for p in plain["not_stated"] if lo <= p < hi]


@SETTINGS
@given(record_lists(), record_lists())
def test_the_ledger_is_its_records_worked_out_one_by_one(records, others):
    """Built twice, so the second ledger finds the first's profiles kept (also for records
    whose lines are equal to another's but spelled apart)."""
    for given_records in (records, others, records):
        _check(Ledger(given_records), given_records, {})


@SETTINGS
@given(record_lists(), st.data())
def test_rewritten_credits_are_checked_as_entered(records, data):
    """A credit factor's ledger (``as_entered``): the sums are the rewritten credits', the
    increments checked on the lines as entered."""
    chosen = data.draw(st.sets(st.sampled_from([r.record_id for r in records] or [0])))
    halved = [
        RecordFacts(
            r.record_id,
            r.completed_on,
            r.delivery_method,
            r.ethics_jurisdiction,
            r.has_certificate,
            tuple((n, a * Decimal("0.5")) for n, a in r.credits),
        )
        if r.record_id in chosen
        else r
        for r in records
    ]
    as_entered = {r.record_id: r for r in records if r.record_id in chosen}
    _check(Ledger(halved, as_entered=as_entered), halved, as_entered)


def test_equal_lines_spelled_apart_keep_their_own_spelling():
    day = date(2024, 1, 5)
    plain = RecordFacts(1, day, "Group Live", None, True, (("Taxes", Decimal("2")),))
    cents = RecordFacts(2, day, "Group Live", None, True, (("Taxes", Decimal("2.00")),))
    assert plain.credits == cents.credits  # equal: one profile for both
    ledger = Ledger([plain, cents])
    assert [str(v) for v in ledger.face_values(TOTAL)] == ["2", "2.00"]
    assert str(ledger.face(TOTAL, 0, 2)) == "4.00"
    assert (plain.credits, "Group Live") in record_profiles._PROFILES


def test_several_lines_share_sums_only_when_made_of_the_same_pairs():
    day = date(2024, 1, 5)
    audit, taxes = ("Auditing", Decimal("2")), ("Taxes", Decimal("1.5"))
    first = RecordFacts(1, day, "Group Live", None, True, (audit, taxes))
    same_pairs = RecordFacts.trusted(2, day, "Group Live", None, True, (audit, taxes))
    cents = RecordFacts(
        3,
        day,
        "Group Live",
        None,
        True,
        (("Auditing", Decimal("2.00")), ("Taxes", Decimal("1.50"))),
    )
    assert first.credits == same_pairs.credits == cents.credits
    for order in ([first, same_pairs, cents], [cents, first, same_pairs]):
        ledger = Ledger(order)
        values = zip(ledger.records, ledger.face_values(TOTAL), strict=True)
        totals = {record.record_id: str(value) for record, value in values}
        assert totals == {1: "3.5", 2: "3.5", 3: "3.50"}


def test_records_read_again_find_their_profiles_by_their_credits_tuple(monkeypatch):
    """A firm's records read again share their credits tuples (one per line, whatever the
    delivery method): the second ledger finds every profile by the tuple's identity and the
    method, without working any out, and is still each record's own."""
    day = date(2024, 1, 5)
    two_taxes = (("Taxes", Decimal("2")),)
    ethics = (("Ethics", Decimal("1.5")), ("Taxes", Decimal("0.25")))
    records = [
        RecordFacts.trusted(1, day, "Group Live", None, True, two_taxes),
        RecordFacts.trusted(2, day, "QAS Self Study", None, False, two_taxes),
        RecordFacts.trusted(3, day, "Nano", None, True, two_taxes),
        RecordFacts.trusted(4, day, "Not stated", None, True, ethics),
        RecordFacts.trusted(5, day, "Group Live", None, True, ethics),
    ]
    _check(Ledger(records), records, {})

    def worked_out(_lines, _methods):
        raise AssertionError("a profile was worked out again")

    monkeypatch.setattr(record_profiles, "_profiles_one_by_one", worked_out)
    again = Ledger(records)
    _check(again, records, {})
    assert again.methods == [
        (False, False),
        (True, False),
        (True, True),  # nano learning is self-study too
        (False, False),
        (False, False),
    ]
    # a tuple never seen (equal lines, another object) is worked out: here, refused
    spelled = [RecordFacts(6, day, "Group Live", None, True, (("Taxes", Decimal("2")),))]
    with pytest.raises(AssertionError, match="worked out again"):
        Ledger(records + spelled)


JURISDICTIONS = [None, "Texas", " texas ", "New York"]


@st.composite
def tagged_record_lists(draw: st.DrawFn) -> list[RecordFacts]:
    """Records as ``record_lists`` draws them, some with their ethics tagged with a
    jurisdiction."""
    return [
        RecordFacts(
            record.record_id,
            record.completed_on,
            record.delivery_method,
            draw(st.sampled_from(JURISDICTIONS)),
            record.has_certificate,
            record.credits,
        )
        for record in draw(record_lists())
    ]


FACE_KINDS = [
    TOTAL,
    ETHICS,
    TECHNICAL,
    NON_TECHNICAL,
    SELF_STUDY,
    NANO,
    "ethics@texas",
    "ethics@ohio",
]


@SETTINGS
@given(tagged_record_lists())
def test_a_window_sum_is_the_running_sums_difference(records):
    """``face`` (a kind with no credit at all included: its running sums are not added up one
    by one) is the difference of the running sums the plain way, in value and spelling."""
    ledger = Ledger(records)
    size = len(ledger)
    for kind in FACE_KINDS:
        running = [ZERO, *accumulate(ledger.face_values(kind))]
        for lo in range(size + 1):
            for hi in range(lo, size + 1):
                plain = running[hi] - running[lo]
                found = ledger.face(kind, lo, hi)
                assert (found, str(found)) == (plain, str(plain)), (kind, lo, hi)


def test_a_kind_without_credits_sums_to_a_plain_zero():
    day = date(2024, 1, 5)
    records = [
        RecordFacts(1, day, "Group Live", None, True, (("Taxes", Decimal("2.00")),)),
        RecordFacts(2, day, "Group Live", None, False, (("Auditing", Decimal("1.5")),)),
    ]
    ledger = Ledger(records)
    assert not any(ledger.face_values(NANO))
    assert [str(ledger.face(NANO, 0, hi)) for hi in range(3)] == ["0", "0", "0"]
    assert str(ledger.face(TOTAL, 0, 2)) == "3.50"


def _columns(ledger: Ledger) -> dict[str, list]:
    """Everything a ledger holds of its records, amounts with their spelling."""
    return {
        "records": ledger.records,
        "dates": ledger.dates,
        "methods": ledger.methods,
        "flagged": ledger.flagged(0, len(ledger)),
        "wrong": ledger.wrong(0, len(ledger)),
        "not_stated": ledger.not_stated(0, len(ledger)),
        **{
            kind: [str(v) for v in ledger.face_values(kind)]
            for kind in (TOTAL, ETHICS, TECHNICAL, NON_TECHNICAL, SELF_STUDY, NANO)
        },
    }


@SETTINGS
@given(record_lists(), st.dates(date(2023, 12, 25), date(2024, 3, 5)), st.integers(-5, 70))
def test_a_view_keeps_the_records_completed_within_it(records, first, days):
    """``Ledger(records, view=(first, last))`` is the ledger of the records completed from
    ``first`` to ``last``: records given in rising id order are sorted whole and cut to the
    view; others (ids out of order, a record given twice) are picked out first."""
    from datetime import timedelta

    last = first + timedelta(days=days)
    for given_records in (
        sorted(records, key=lambda r: r.record_id),  # as read: rising ids
        records,
        records + records[:2],  # a record given twice
    ):
        inside = [r for r in given_records if first <= r.completed_on <= last]
        assert _columns(Ledger(given_records, view=(first, last))) == _columns(Ledger(inside))


@SETTINGS
@given(tagged_record_lists())
def test_ethics_of_a_jurisdiction_is_each_records_tagged_ethics(records):
    """``face_values("ethics@<key>")`` and ``tags`` record by record: a record's ethics counts
    for a jurisdiction when it names that one (as ``jurisdiction_key`` compares them), else
    ZERO; with no record naming any, every value is ZERO."""
    from cpe_desktop.rules.ledger import jurisdiction_key

    ledger = Ledger(records)
    keys = [jurisdiction_key(r.ethics_jurisdiction) for r in ledger.records]
    ethics = ledger.face_values(ETHICS)
    for kind in ("ethics@texas", "ethics@new york", "ethics@ohio"):
        tag = kind.partition("@")[2]
        plain = [e if e and k == tag else ZERO for e, k in zip(ethics, keys, strict=True)]
        assert [str(v) for v in ledger.face_values(kind)] == [str(v) for v in plain]
    size = len(ledger)
    for lo in range(0, size + 1, 4):
        assert ledger.tags(lo, size) == keys[lo:]
