"""The engine's fast wording of record issues (issue 18) held to the plain one: every record
``_word_records`` words, in one loop for a holder's whole ledger, says what ``_record_notes``
says of it, in the same words, under any date format."""

from __future__ import annotations

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
