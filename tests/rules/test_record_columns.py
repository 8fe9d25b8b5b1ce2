"""``RecordColumns`` (issue 18): a holder's records read straight into columns, as the database
read builds them, stand for the list of records they hold. Indexed or iterated they give those
records; sorted by day and cut to a view they are those records sorted and cut; and the engine
judges them exactly as it judges the list (every figure, status and issue, its words
included), building no record it does not look at alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cpe_desktop.rules.compliance import LicenseFacts, RecordFacts, Rule, evaluate_all
from cpe_desktop.rules.ledger import Ledger
from cpe_desktop.rules.record_columns import RecordColumns
from tests.rules.test_compliance_properties import days, licenses, record_lists, rules

SETTINGS = settings(max_examples=150, deadline=None, database=None)


def as_read(records: list[RecordFacts]) -> RecordColumns:
    """The columns of ``records`` (in rising ids) filled in as ``read_records`` fills them:
    appended record by record, what a record states beyond the columns set apart."""
    columns = RecordColumns([], [], [], [], [], [])
    for record in records:
        position = len(columns.ids)
        columns.ids.append(record.record_id)
        columns.days.append(record.completed_on)
        columns.methods.append(record.delivery_method)
        columns.certified.append(record.has_certificate)
        columns.credits.append(record.credits)
        columns.titles.append(record.title)
        if record.ethics_jurisdiction or record.started_on or record.topics:
            columns.stated[position] = (
                record.ethics_jurisdiction,
                record.started_on,
                record.topics,
            )
    return columns


def _titled(records: list[RecordFacts], titles: list[str]) -> list[RecordFacts]:
    """The records with titles, some with a first day or topics."""
    return [
        replace(
            r,
            title=titles[r.record_id % len(titles)],
            started_on=r.completed_on if r.record_id % 4 == 0 else None,
            topics=("Ethics update",) if r.record_id % 5 == 0 else (),
        )
        for r in records
    ]


titled_records = st.builds(
    _titled,
    record_lists(),
    st.lists(st.sampled_from(["", "Tax update", "Q\u201c1\u201d"]), min_size=1),
)


@SETTINGS
@given(titled_records)
def test_the_columns_are_the_records_they_hold(records):
    columns = as_read(records)
    assert len(columns) == len(records)
    assert list(columns) == records
    assert all(type(record) is RecordFacts for record in columns)
    if records:
        assert columns[-1] == records[-1]
        assert columns[0] is columns[0]  # each record built once
        assert columns[1:3] == records[1:3]
    assert columns.ethics() == [record.ethics_jurisdiction for record in records]
    # Made of records, the columns give those very records.
    made = RecordColumns.of(records)
    assert all(mine is theirs for mine, theirs in zip(made, records, strict=True))
    assert made.ethics() == columns.ethics()


@SETTINGS
@given(titled_records, days, st.integers(-5, 900))
def test_by_day_is_the_records_sorted_by_day_and_cut_to_the_view(records, first, length):
    from datetime import timedelta

    last = first + timedelta(days=length)
    columns = as_read(records)
    in_order = sorted(records, key=lambda r: (r.completed_on, r.record_id))
    assert list(columns.by_day()) == in_order
    inside = [r for r in in_order if first <= r.completed_on <= last]
    assert list(columns.by_day((first, last))) == inside
    ordered = as_read(in_order)  # (ids no longer rising: by_day is given rising ids only)
    if [r.record_id for r in in_order] == sorted(r.record_id for r in in_order):
        assert ordered.by_day() is ordered


@SETTINGS
@given(rules, licenses, titled_records, titled_records, days)
def test_the_engine_judges_the_columns_as_the_records(rule, license_, mine, theirs, as_of):
    """Two holders, one license each: every evaluation from the columns equals the one from
    the list of the same records, issues and their words included."""
    first = LicenseFacts(
        1,
        "CPA",
        "Texas",
        license_.issued_on,
        holder_id=1,
        birth_date=license_.birth_date,
        period_end_override=license_.period_end_override,
    )
    second = LicenseFacts(2, "CPA", "Ohio", date(2012, 1, 1), holder_id=2)
    pairs = [(first, rule), (second, rule)]
    from_lists = evaluate_all(pairs, {1: mine, 2: theirs}, as_of)
    from_columns = evaluate_all(pairs, {1: as_read(mine), 2: as_read(theirs)}, as_of)
    assert from_columns == from_lists
    assert [[i.message for i in e.issues] for e in from_columns] == [
        [i.message for i in e.issues] for e in from_lists
    ]


def test_no_record_is_built_that_the_engine_does_not_look_at_alone():
    """Certified records with credits that break nothing: the engine reads them column by
    column and builds none of them."""
    records = [
        RecordFacts(i, date(2025, 1, i), "Group Live", None, True, (("Taxes", Decimal(2)),))
        for i in range(1, 20)
    ]
    columns = as_read(records)
    license_ = LicenseFacts(1, "CPA", "Texas", date(2010, 1, 1), holder_id=1)
    rule = Rule(period_years=1, total_hours=Decimal(40))
    (evaluation,) = evaluate_all([(license_, rule)], {1: columns}, date(2025, 6, 1))
    assert evaluation.counted_total == Decimal(38)
    assert columns._made is None
    ledger = Ledger(columns)
    assert ledger.records[3] == records[3]  # looked at alone: built then
