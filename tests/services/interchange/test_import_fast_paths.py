"""Issue 18's fifth pass over the import: each shortcut gives what the way it replaces gives.

The chain of a bulk write's entries linked with the shared text written once
(``trail.chain_alike`` against ``trail.chain``), and the rest of the pass's shortcuts, each held
to the plain way here. ``test_import_stored_rows.py`` holds the whole import to what it stored
before the pass.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from decimal import Decimal
from unittest.mock import patch

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.models import CpeRecord, RecordCredit, database
from cpe_desktop.services import bulk_records, bulk_sql, record_pictures, requirements, validation
from cpe_desktop.services.audit import hashing
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.interchange import grouping, layout, record_checks
from cpe_desktop.services.interchange.checks import check_record
from cpe_desktop.services.interchange.grouping import KEYS, Group, Row
from cpe_desktop.services.validation import CONTROL_CHARACTERS, parse_date

TODAY = dt.datetime(2026, 6, 15, 9, 30)
TOPICS = ("Fraud", "California Regulatory Review")

_ENTRY_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["create record", "by system", "record", '{"a": 1}']),
    st.text(max_size=8),
)


def _ids_after_the_head(count, last_id, highest):
    first = max(highest, last_id or 0) + 1
    return list(range(first, first + count))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.tuples(
        st.one_of(st.none(), st.integers(1, 5), st.booleans()),
        _ENTRY_TEXT,
        st.sampled_from([dt.datetime(2026, 6, 15, 9, 30), "2026-06-15 09:30:00", None]),
        _ENTRY_TEXT,
        _ENTRY_TEXT,
        _ENTRY_TEXT,
    ),
    st.lists(st.tuples(_ENTRY_TEXT, _ENTRY_TEXT), min_size=0, max_size=6),
)
def test_entries_alike_are_chained_as_the_chain_links_them(db, shared, own):
    user, action, when, details, entity, before = shared
    entries = [(user, action, when, details, entity, key, before, after) for key, after in own]
    # Both are given the ids after the head (SQLite's rule): PostgreSQL's sequence, which they
    # take them from, does not go back when the first write is rolled back.
    with patch.object(audit, "_reserve_ids", _ids_after_the_head):
        with database.atomic() as transaction:
            expected = audit.chain(entries)
            head = database.execute_sql(
                "SELECT last_log_id, last_hash, entry_count FROM audit_chain_head"
            ).fetchone()
            transaction.rollback()
        with database.atomic() as transaction:
            found = audit.chain_alike(shared, own)
            moved = database.execute_sql(
                "SELECT last_log_id, last_hash, entry_count FROM audit_chain_head"
            ).fetchone()
            transaction.rollback()
    assert found == expected
    assert moved == head
    for row in found:
        log_id, user, action, when, details, entity, entity_id, before, after = row[:9]
        actor, previous, digest = row[9:]
        assert digest == hashing.entry_hash(
            log_id, actor, action, when, entity, entity_id, details, before, after, previous
        )


# --- records alike but for their title and day, judged once (grouping.check_groups) ---------

_CELL_TITLES = st.sampled_from(
    ["Course A", "  Course B ", "Course C", "", "  ", "x" * 301, "a\x01b", "Ü “q”", 7]
)
_CELL_DAYS = st.sampled_from(
    ["2024-03-02", " 2024-03-03 ", "2024-03-09", "1950-01-01", "2026-06-15", "1949-12-31",
     "2026-06-16", "2024-02-30", "soon", "", dt.date(2024, 3, 4), dt.datetime(2024, 3, 5, 9)]
)  # fmt: skip
_CELL_TEXTS = st.sampled_from(["", "ACME", " ACME ", "Texas", "x" * 201, "a\x02"])
_CELL_METHODS = st.sampled_from(["Group Live", "group live", "QAS Self Study", "", "Webinar"])
_CELL_FIELDS = st.sampled_from(["Taxes", "Auditing", "Regulatory Ethics", "Cooking", ""])
_CELL_AMOUNTS = st.sampled_from(
    ["1", "1.5", "2", "8", "12", "0.2", "0.333", "-1", "", Decimal("1.0"), Decimal("1"), 2, 2.5]
)
_CELL_STARTS = st.sampled_from(["", "", "", "2024-03-01", "bad"])
_CELL_TOPICS = st.sampled_from(["", "", "Fraud", "Cooking"])


@st.composite
def _cells(draw, title, day):
    cells = {"completed_on": day, "title": title}
    cells["sponsor"] = draw(_CELL_TEXTS)
    cells["delivery_method"] = draw(_CELL_METHODS)
    cells["field_of_study"] = draw(_CELL_FIELDS)
    cells["credits"] = draw(_CELL_AMOUNTS)
    for name, values in (
        ("sponsor_id", _CELL_TEXTS),
        ("notes", _CELL_TEXTS),
        ("started_on", _CELL_STARTS),
        ("topics", _CELL_TOPICS),
        ("ethics_jurisdiction", _CELL_TEXTS),
    ):
        if draw(st.integers(0, 3)):
            cells[name] = draw(values)
    if draw(st.integers(0, 9)) == 0:  # another column order
        cells = dict(reversed(list(cells.items())))
    return cells


@st.composite
def _groups(draw):
    # A few kinds of rows repeated under many titles and days: most records find one alike.
    kinds = draw(st.lists(_cells("T", "D"), min_size=1, max_size=4))
    groups, line = [], 2
    for _ in range(draw(st.integers(1, 14))):
        title, day = draw(_CELL_TITLES), draw(_CELL_DAYS)
        rows = []
        for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
            cells = dict(draw(st.sampled_from(kinds)))
            if "title" in cells:
                cells["title"], cells["completed_on"] = title, day
            rows.append(Row(line, cells))
            line += 1
        groups.append(Group(rows))
    return groups


def _plain_check_groups(ctx, groups, problems):
    """check_groups as it was before records alike were judged once: each by check_record."""
    warnings: list[str] = []
    for group in groups:
        first = group.rows[0]
        grouping._check_agreement(problems, group)
        cells = first.cells
        data = {
            name: grouping._shared_value(group, name) if name in grouping._SHARED else cells[name]
            for name in KEYS
            if name in cells and name != "credits"
        }
        data["credits"] = [
            {"field": row.cells.get("field_of_study", ""), "credits": row.cells.get("credits", "")}
            for row in group.rows
        ]
        checked = check_record(ctx, data, KEYS, TOPICS)
        for name, message in checked.errors.items():
            grouping.place(problems, group, name, message)
        if checked.warnings:
            title = checked.values.get("title", "")
            warnings.extend(f"line {first.line} ({title}): {w}" for w in checked.warnings)
        checked.values.pop("certificate", None)
        group.values = checked.values
    return warnings


@settings(max_examples=300, deadline=None)
@given(_groups())
def test_records_alike_but_for_title_and_day_are_judged_as_each_alone(groups):
    ctx = ServiceContext(SYSTEM, FixedClock(TODAY))
    expected_groups = copy.deepcopy(groups)
    expected_problems = grouping.Problems()
    problems = grouping.Problems()
    # (The known topics given, both ways: no database is read.)
    with patch.object(requirements, "known_topics", lambda: list(TOPICS)):
        expected = _plain_check_groups(ctx, expected_groups, expected_problems)
        found = grouping.check_groups(ctx, groups, problems)
    assert found == expected
    assert problems.items == expected_problems.items
    assert [repr(group.values) for group in groups] == [
        repr(group.values) for group in expected_groups
    ]
    # Each record's values its own: changing one's changes no other's.
    for index, group in enumerate(groups):
        if "credits" in group.values:
            group.values["credits"][0]["field"] = "changed"
        group.values["title"] = "changed"
        assert [repr(later.values) for later in groups[index + 1 :]] == [
            repr(later.values) for later in expected_groups[index + 1 :]
        ]


def test_records_alike_are_judged_once(db, monkeypatch):
    ctx = ServiceContext(SYSTEM, FixedClock(TODAY))
    groups = [
        Group([Row(n, {"completed_on": f"2024-01-{n:02d}", "title": f"Course {n}",
                       "delivery_method": "Group Live", "field_of_study": "Taxes",
                       "credits": "2"})])
        for n in range(1, 21)
    ]  # fmt: skip
    judged = []
    real = grouping.RecordChecks.check

    def counting(self, data):
        judged.append(data)
        return real(self, data)

    monkeypatch.setattr(grouping.RecordChecks, "check", counting)
    grouping.check_groups(ctx, groups, grouping.Problems())
    assert len(judged) == 1
    assert [group.values["title"] for group in groups] == [f"Course {n}" for n in range(1, 21)]
    assert groups[4].values["completed_on"] == dt.date(2024, 1, 5)


def test_rows_that_disagree_are_told_for_every_record_alike(db):
    ctx = ServiceContext(SYSTEM, FixedClock(TODAY))

    def row(line, title, method, field):
        cells = {"completed_on": "2024-01-02", "title": title, "delivery_method": method,
                 "field_of_study": field, "credits": "2"}  # fmt: skip
        return Row(line, cells)

    groups = [
        Group([row(2, "A", "Group Live", "Taxes"), row(3, "A", "QAS Self Study", "Auditing")]),
        Group([row(4, "B", "Group Live", "Taxes"), row(5, "B", "QAS Self Study", "Auditing")]),
    ]
    problems = grouping.Problems()
    grouping.check_groups(ctx, groups, problems)
    assert [(line, column) for line, _, column, _ in problems.items] == [
        (3, "delivery_method"),
        (5, "delivery_method"),
    ]


# --- a day's text read once (validation.parse_date), a printable text not searched ------------

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _plain_parse_date(value):
    """validation.parse_date as it was, reading every text afresh."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY-MM-DD")
    text = value.strip()
    if not _ISO.fullmatch(text):
        raise ValueError(f"must be a date written YYYY-MM-DD, not {value!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a real calendar date") from None


def _outcome(read, value):
    try:
        return repr(read(value))
    except ValueError as error:
        return str(error)


@given(
    st.lists(
        st.one_of(
            st.dates().map(dt.date.isoformat),
            st.dates().map(lambda day: f" {day.isoformat()}\t"),
            st.from_regex(r"\s?[0-9٠-٩]{4}-[0-9]{2}-[0-9]{2}\s?", fullmatch=True),
            st.text(max_size=12),
            st.dates(),
            st.datetimes(),
            st.integers(),
        ),
        max_size=6,
    )
)
@example(["2024-01-01", "2024-01-011", "2024-01-01x", " 2024-01-01", "2024-1-01"])
def test_a_day_read_again_is_read_as_the_first_time(values):
    for value in values * 2:
        assert _outcome(parse_date, value) == _outcome(_plain_parse_date, value)


def test_days_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(validation, "_DAYS_KEPT", 3)
    validation._DAYS_READ.clear()
    for day in range(1, 8):
        assert parse_date(f"2024-01-0{day}") == dt.date(2024, 1, day)
        assert len(validation._DAYS_READ) <= 3
    assert parse_date("2024-01-07") == dt.date(2024, 1, 7)


@given(
    st.one_of(st.text(max_size=12), st.text(st.sampled_from("ab \t\n\r\x01\x1f\x7fé\u2028"))),
    st.booleans(),
    st.integers(0, 12),
)
@example("a\x01b", True, 12)
def test_a_plain_text_is_read_as_the_control_character_search_reads_it(raw, required, limit):
    text = raw.strip()
    if not text:
        expected = None if required else ""
    elif len(text) > limit or CONTROL_CHARACTERS.search(text):
        expected = None
    else:
        expected = text
    assert record_checks._plain_text(raw, required, limit) == expected


# --- a new record's row built column by column, its picture from its values -------------------


def test_a_picture_with_an_id_not_a_whole_number_is_written_the_long_way():
    now = dt.datetime(2026, 6, 15, 9, 30)
    values = {"title": "Course", "completed_on": dt.date(2024, 1, 2), "sponsor": None}
    record = bulk_records.NewRecord(7, values, (("Taxes", Decimal("2")),))
    shared: dict = {}
    for record_id in (1, "2", 3):
        row = {
            **CpeRecord._meta.get_default_dict(),
            "user": 7,
            "created_at": now,
            "updated_at": now,
            **values,
            "record_id": record_id,
        }
        expected = audit.picture_json(record_pictures.picture(row, record, {}))
        found = record_pictures.record_text(record, record_id, shared, functools.partial(dict, row))
        assert found == expected


@given(
    st.lists(
        st.tuples(
            st.integers(1, 10**6),
            st.one_of(st.none(), st.text(max_size=5), st.dates()),
            st.one_of(
                st.decimals(-(10**5), 10**5, allow_nan=False, allow_infinity=False, places=2),
                st.none(),
            ),
        ),
        max_size=6,
    )
)
def test_columns_are_made_ready_as_rows_are(rows):
    fields = (RecordCredit.record, CpeRecord.completed_on, RecordCredit.credits)
    columns = [list(column) for column in zip(*rows, strict=True)] or [[], [], []]
    ready = bulk_sql.db_columns(fields, columns, True)
    assert [tuple(row) for row in zip(*ready, strict=True)] == [
        tuple(row) for row in bulk_sql.db_values(fields, rows, True)
    ]


# --- rows set aside: each text's number worked out once (layout._number_of) ------------------


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["1", " 2.5 ", "$1,200", "-3", ".5", "2024-01-02", "", "x", "1e3"]),
            st.text(max_size=6),
            st.integers(-5, 5),
            st.floats(allow_nan=False, allow_infinity=False),
            st.booleans(),
            st.none(),
        ),
        max_size=12,
    )
)
def test_a_texts_number_remembered_is_its_number(values):
    numbers: dict = {}
    for value in values * 2:
        assert repr(layout._number_of(value, numbers)) == repr(layout._number(value))


@given(
    st.lists(
        st.lists(
            st.sampled_from(["Date", "date", "Course", "Hours", "hours 2", "Field", "", "x", "2"]),
            min_size=0,
            max_size=6,
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(
        [("Date", "Course", "Hours", "Field"), ("Date", "Course"), ("Date", "Course", "Hours")]
    ),
)
@example(
    [["x", "y", "Hours", "Field"], ["x", "y", "z", "Field"]], ("Date", "Course", "Hours", "Field")
)
@example([["x", "Course", "Hours"], ["x", "y", "Hours"]], ("Date", "Course", "Hours"))
def test_a_row_repeating_the_header_is_told_after_half_its_cells_as_after_all(rows, headings):
    """A row repeats the header when at least half its named cells read as their headings."""
    wanted = [layout.normalise_heading(h) for h in headings]
    _, aside = layout.set_aside(headings, [(n, tuple(cells)) for n, cells in enumerate(rows, 2)])
    told = {row.number for row in aside if row.reason == "repeats the header row"}
    for number, cells in enumerate(rows, 2):
        same = sum(
            1
            for i, heading in enumerate(wanted)
            if i < len(cells) and layout.normalise_heading(cells[i]) == heading
        )
        if same * 2 >= len(wanted) and any(cell.strip() for cell in cells):
            assert number in told
        else:
            assert number not in told
