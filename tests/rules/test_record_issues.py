"""The engine's fast wording of record issues (issue 18) held to the plain one: every record
``_word_records`` words, in one loop for a holder's whole ledger, says what ``_record_notes``
says of it, in the same words, under any date format."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cpe_desktop.rules import compliance
from cpe_desktop.rules.facts import Issue, RecordFacts
from cpe_desktop.rules.ledger import Ledger
from cpe_desktop.rules.wording import day_format, set_day_format

SETTINGS = settings(max_examples=200, deadline=None, database=None)

lines = st.lists(
    st.tuples(
        st.sampled_from(["Taxes", "Auditing", "Regulatory Ethics", "Not stated"]),
        st.sampled_from(["1", "2", "0.3", "0", "1.5", "0.2", "-2"]).map(Decimal),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda line: line[0],
)


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    count = draw(st.integers(0, 25))
    return Ledger(
        [
            RecordFacts(
                record_id,
                draw(st.dates(date(2023, 1, 1), date(2024, 12, 31))),
                draw(st.sampled_from(["Group Live", "QAS Self Study", "Nano Learning"])),
                None,
                draw(st.booleans()),
                tuple(draw(lines)),
                title=draw(st.sampled_from(["", "Tax update", "Ethics \u201cnow\u201d"])),
            )
            for record_id in range(1, count + 1)
        ]
    )


@SETTINGS
@given(ledgers(), st.sampled_from([None, "%Y-%m-%d", "%m/%d/%Y"]))
def test_records_worded_in_one_loop_say_what_each_says_alone(ledger, pattern):
    before = day_format()
    set_day_format(None if pattern is None else lambda day: day.strftime(pattern))
    try:
        flagged = ledger.flagged(0, len(ledger))
        worded: dict[int, object] = {}
        if flagged:
            compliance._word_records(ledger, flagged, worded)
        assert sorted(worded) == flagged
        for position in flagged:
            notes = worded[position]
            if type(notes) is not tuple:  # only without a certificate: the issue alone
                assert type(notes) is Issue
                notes = (notes, ())
            assert notes == compliance._record_notes(ledger, position)
    finally:
        set_day_format(before)


def _plain_records(ctx, window, ethics):
    """``compliance._records`` the straightforward way: the counted records a set, every
    flagged record of the periods looked at visited, ids read off the records."""
    ledger = ctx.ledger
    e_lo, e_hi = ledger.bounds(ethics.start, min(ethics.end, ctx.as_of))
    # (some credit counted after the caps)
    counted = [p for p in range(window.lo, window.hi) if window.counted("total", p, p + 1)]
    ethics_face = ledger.face_values(ctx.ethics_kind)
    counted += [p for p in range(e_lo, e_hi) if ethics_face[p] and not window.lo <= p < window.hi]
    counted = sorted(counted)
    lo, hi = min(window.lo, e_lo), max(window.hi, e_hi)
    issues = []
    for position in ledger.flagged(lo, hi):
        no_certificate, increments = compliance._record_notes(ledger, position)
        if no_certificate is not None and position in counted:
            issues.append(no_certificate)
        issues.extend(increments)
    for position in counted:
        note = compliance._not_stated_note(ledger, position)
        if note is not None:
            issues.append(note)
    found = [ledger.records[p].record_id for p in counted]
    return tuple(r for r in found if r > 0), issues


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.dates(date(2019, 1, 1), date(2024, 12, 31)),
            st.booleans(),
            lines,
            st.sampled_from(["Group Live", "QAS Self Study", "Not stated"]),
        ),
        max_size=25,
    ),
    st.sampled_from([(1, None), (1, 3), (2, None), (3, 2)]),
    st.booleans(),
)
def test_the_records_counted_and_their_issues_are_the_plain_ones(drawn, years, opening):
    """Counted records that are, or are not, every one from the first counted to the last
    (zero credits between them, ethics outside the period, records not counted at its edges),
    with certificates or not, credits breaking the increments or not: the records counted and
    the issues are the straightforward ones, in the same order."""
    from cpe_desktop.rules.compliance import Rule
    from cpe_desktop.rules.evaluation_context import EvaluationContext
    from cpe_desktop.rules.facts import LicenseFacts

    period_years, ethics_years = years
    rule = Rule(
        period_years=period_years,
        total_hours=Decimal(40),
        ethics_hours=Decimal(4),
        ethics_period_years=ethics_years,
        max_self_study_hours=Decimal(3),
    )
    license = LicenseFacts(
        1,
        "CPA",
        "Texas",
        issued_on=date(2015, 1, 1),
        holder_id=1,
        tracked_from=date(2022, 3, 1) if opening else None,
        opening_hours=Decimal(5) if opening else Decimal(0),
        opening_ethics_hours=Decimal(1) if opening else Decimal(0),
    )
    records = [
        RecordFacts(number, day, method, None, certified, credits, title=f"Course {number}")
        for number, (day, certified, credits, method) in enumerate(drawn, start=1)
    ]
    as_of = date(2024, 6, 30)
    ctx = EvaluationContext(rule, license, as_of)
    shared = Ledger(compliance._in_view(records, ctx.earliest(), as_of))
    ctx.ledger = compliance._own_ledger(ctx, shared)
    window = ctx.window(ctx.current)
    expected = _plain_records(ctx, window, ctx.ethics)
    assert compliance._records(ctx, window, ctx.ethics) == expected


def test_a_record_issue_is_worded_when_first_read_in_the_format_it_was_found_in():
    """Thousands of records without a certificate, a few shown: each such issue is built with
    what words it (``Issue._words``) and worded when its message is first read, in the date
    format in force when the engine found it (as if worded then), and from then on is the
    issue built with its message: equal, same hash, repr, pickle and copy."""
    record = RecordFacts(7, date(2024, 3, 5), "Group Live", None, False, (("Taxes", 2),), "Tax")
    ledger = Ledger([record])
    before = day_format()
    set_day_format(lambda day: day.strftime("%Y-%m-%d"))
    try:
        worded: dict[int, object] = {}
        compliance._word_records(ledger, [0], worded)
        issue = worded[0]
        assert type(issue) is Issue and issue._words is not None  # not worded yet
        set_day_format(lambda day: day.strftime("%m/%d/%Y"))  # changed before it is read
        plain = Issue(
            "no_certificate", 7, "\u201cTax\u201d (2024-03-05) has no certificate attached."
        )
        assert issue.message == plain.message
        assert issue._words is None  # worded once
        assert issue == plain and hash(issue) == hash(plain) and repr(issue) == repr(plain)
        assert pickle.loads(pickle.dumps(issue)) == plain
        assert dataclasses.replace(issue, record_id=8) == dataclasses.replace(plain, record_id=8)
        # Compared or copied before it is read, it is worded then (in today's format now).
        now = dataclasses.replace(plain, message=plain.message.replace("2024-03-05", "03/05/2024"))
        compliance._word_records(ledger, [0], worded := {})
        assert worded[0] == now
        compliance._word_records(ledger, [0], worded := {})
        assert copy.copy(worded[0]).message == now.message
    finally:
        set_day_format(before)
