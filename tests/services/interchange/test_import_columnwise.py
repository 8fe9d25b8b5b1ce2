"""The mapped importer's column-wise shortcuts, each held to the row-by-row way it skips.

``layout._may_not_be_records`` tells, column by column, which rows below the header could be set
aside; every other row is taken as a record without being asked. The rows set aside (number and
reason) and the records (in order, and the sums a totals line is checked against) must be what
asking every row gives.

``sheet_rows._read_columns`` reads a sheet of the common shape column by column: the rows (their
numbers, cells, the cells' order and types) and the problems must be what reading row by row
gives; ``cells.plain_iso_days`` reads a column of plain ISO days as ``parse_text_date`` does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services import bulk_records, users
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import cells, layout, mapped_import, sheet_rows, tabular
from cpe_desktop.services.interchange.csv_format import import_records_csv
from cpe_desktop.services.interchange.grouping import Problems
from cpe_desktop.services.interchange.mapped_import import import_mapped
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import Table, TableRow, csv_table
from cpe_desktop.services.records import NOT_STATED, NOT_STATED_METHOD, not_stated_field
from tests.helpers.record_files import numbered_records_csv

HEADINGS = [
    ("Date", "Course", "Hours", "Field"),
    ("Date", "Course"),
    ("Course", "Hours", "Status", "Notes"),
    ("Completion date", "Title", "Sponsor", "CPE credits", "Notes"),
    ("Hours", "Field"),  # no label column: column 0 is
    ("x", "y", "z"),
]
TEXTS = [
    "",
    " ",
    "Total",
    "TOTAL hours",
    "Subtotal:",
    "grand total",
    "Totally new",
    "2024",
    "Year 2025",
    "Note: hours as reported",
    "* see below",
    "12",
    "3.5",
    " 4 ",
    "$1,200",
    "-2",
    "Date",
    "date",
    "Course",
    "COURSE",
    "Hours",
    "Field",
    "Status",
    "Registered",
    "in progress",
    "Completed",
    "Title",
    "Sponsor",
    "Auditing",
    "2024-01-02",
    "3/4/2024",
    "Course 1",
    "Ethics for CPAs",
    "A very long line of text that goes on and on about the course it is not",
    "x",
    "'=1+1",
]


def _long_way(headings, rows):
    with patch.object(layout, "_may_not_be_records", lambda *args: None):
        return layout.set_aside(headings, rows)


@st.composite
def _sheets(draw):
    headings = draw(st.sampled_from(HEADINGS))
    width = draw(st.integers(2, len(headings) + 1))
    cell = st.one_of(st.sampled_from(TEXTS), st.text(max_size=6))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=12))
    if draw(st.booleans()):  # mostly records: a plain row repeated
        plain = ["2024-01-02", "Course 1", "2", "Auditing", "ACME", "x"][:width]
        plain += ["y"] * (width - len(plain))
        rows += [plain] * draw(st.integers(1, 6))
        rows = draw(st.permutations(rows))
    if rows and draw(st.booleans()):  # a row of another width: every row asked
        rows[-1] = rows[-1][:-1]
    return headings, [(number, tuple(cells)) for number, cells in enumerate(rows, 2)]


@settings(max_examples=400, deadline=None)
@given(_sheets())
@example(
    (
        ("Date", "Course", "Hours", "Field"),
        [
            (2, ("2024-01-02", "Course 1", "2", "Auditing")),
            (3, ("2024-01-03", "Course 2", "3", "Auditing")),
            (4, ("", "", "5", "")),
            (5, ("Date", "Course", "Hours", "Field")),
            (6, ("2024-01-04", "Course 3", "2", "Taxes")),
            (7, ("Total", "", "2", "")),
            (8, ("2024", "", "", "")),
            (9, ("", "", "2", "")),
        ],
    )
)
@example(
    (
        ("Course", "Hours", "Status", "Notes"),
        [
            (2, ("Course 1", "2", "Completed", "")),
            (3, ("Course 2", "2", "Registered", "")),
            (4, ("Course 3", "2", "Completed", "")),
        ],
    )
)
def test_rows_set_aside_as_when_every_row_is_asked(sheet):
    headings, rows = sheet
    assert layout.set_aside(headings, rows) == _long_way(headings, rows)


def test_a_plain_sheet_asks_no_row():
    """The shortcut is taken: rows of the common shape are records without being asked."""
    headings = ("Date", "Course", "Hours", "Field")
    rows = [(n, ("2024-01-02", f"Course {n}", "2", "Auditing")) for n in range(2, 50)]
    with patch.object(layout, "_not_a_record", side_effect=AssertionError("asked")):
        records, aside = layout.set_aside(headings, rows)
    assert (records, aside) == (rows, [])


# --- the sheet's rows read column by column (sheet_rows._read_columns) -----------------------

FIELDS = [
    "completed_on",
    "title",
    "sponsor",
    "credits",
    "field_of_study",
    "delivery_method",
    "started_on",
    "notes",
]
CELLS = [
    "",
    " ",
    "2024-01-02",
    "2024-02-30",
    "0000-01-01",
    "2024-1-2",
    "3/4/2024",
    "Mar 2-5, 2024",
    "2024-01-02 - 2024-01-04",
    "２０２４-01-02",
    "Course 1",
    "'=SUM(A1)",
    "a\x1f'b",
    "2",
    "1.5",
    "two",
    "-1",
    "Auditing",
    "Taxes",
    "Auditing (2), Taxes (2)",
    "QAS Self Study",
    "Group Live",
    "Webinar",
    "Not stated",
]


@st.composite
def _tables(draw):
    names = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=6, unique=True))
    width = len(names) + draw(st.integers(0, 1))
    positions = draw(st.permutations(range(width)))
    mapping = dict(zip(names, positions, strict=False))
    cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=4))
    plain = draw(st.lists(st.sampled_from(CELLS), min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=6))
    rows += [plain] * draw(st.integers(0, 4))
    rows = draw(st.permutations(rows))
    if rows and draw(st.booleans()):  # a short row, or one cell of a number or a date
        index = draw(st.integers(0, len(rows) - 1))
        rows[index] = draw(
            st.sampled_from(
                [rows[index][:-1], [*rows[index][:-1], 2], [*rows[index][:-1], dt.date(2024, 1, 2)]]
            )
        )
    table = Table(
        "t.csv",
        tuple(f"h{i}" for i in range(width)),
        tuple(TableRow(n, tuple(r)) for n, r in enumerate(rows, 2)),
        1,
    )
    constants = draw(
        st.sampled_from(
            [{}, {"delivery_method": "Not stated"}, {"sponsor": "ACME", "field_of_study": "Taxes"}]
        )
    )
    return table, mapping, constants


def _read(table, mapping, constants):
    problems = Problems()
    rows = sheet_rows.read_rows(table, mapping, problems, constants)
    return [(row.line, list(row.cells.items())) for row in rows], problems.items


def _types(read):
    return [[type(value) for _, value in items] for _, items in read[0]]


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_tables())
@example(
    (
        Table(
            "t.csv",
            ("Date", "Title", "Hours"),
            (
                TableRow(2, ("2024-01-02", "Course 1", "2")),
                TableRow(3, ("2024-01-03", "Course 2", "1.5")),
            ),
            1,
        ),
        {"completed_on": 0, "title": 1, "credits": 2},
        {"delivery_method": "Not stated"},
    )
)
@example(
    (
        Table(
            "t.csv",
            ("Date", "Title", "Field"),
            (
                TableRow(2, ("Mar 2-5, 2024", "'=Course 1", "Auditing (2), Taxes (2)")),
                TableRow(3, ("2024-01-03", "Course 2", "Taxes")),
            ),
            1,
        ),
        {"completed_on": 0, "title": 1, "field_of_study": 2},
        {},
    )
)
@example(  # each of the three alone in a sheet otherwise plain
    (
        Table("t.csv", ("Date", "Title"), (TableRow(2, ("Mar 2-5, 2024", "Course 1")),), 1),
        {"completed_on": 0, "title": 1},
        {},
    )
)
@example(
    (
        Table("t.csv", ("Date", "Title"), (TableRow(2, ("2024-01-02", "'=Course 1")),), 1),
        {"completed_on": 0, "title": 1},
        {},
    )
)
@example(
    (
        Table(
            "t.csv", ("Date", "Field"), (TableRow(2, ("2024-01-02", "Auditing (2), Taxes (2)")),), 1
        ),
        {"completed_on": 0, "field_of_study": 1},
        {},
    )
)
def test_rows_read_column_by_column_as_row_by_row(table_mapping_constants):
    table, mapping, constants = table_mapping_constants
    quick = _read(table, mapping, constants)
    with patch.object(sheet_rows, "_read_columns", lambda *args: None):
        usual = _read(table, mapping, constants)
    assert quick == usual
    assert _types(quick) == _types(usual)


def test_a_plain_sheet_is_read_column_by_column():
    """The shortcut is taken: no row of a plain sheet is read on its own."""
    table = Table(
        "t.csv",
        ("Date", "Title", "Hours", "Field"),
        tuple(TableRow(n, ("2024-01-02", f"Course {n}", "2", "Taxes")) for n in range(2, 30)),
        1,
    )
    mapping = {"completed_on": 0, "title": 1, "credits": 2, "field_of_study": 3}
    with patch.object(sheet_rows, "_read_cells", side_effect=AssertionError("row by row")):
        rows, problems = _read(table, mapping, {"delivery_method": "Not stated"})
    assert len(rows) == 28 and problems == []


@given(
    st.sets(
        st.one_of(
            st.sampled_from(
                ["2024-01-02", "1999-12-31", "2024-02-30", "0000-01-01", "2024-1-02", "20240102"]
            ),
            st.dates().map(dt.date.isoformat),
            st.text(alphabet="0123456789-\n /W", min_size=8, max_size=12),
        ),
        max_size=6,
    )
)
def test_plain_iso_days_are_read_as_one_by_one(texts):
    days = cells.plain_iso_days(texts)
    one_by_one = {}
    for text in texts:
        if not cells._plain_iso_day(text):
            break
        try:
            one_by_one[text] = cells.parse_text_date(text)
        except ValueError:
            break
    else:
        if texts:
            assert days == one_by_one
            assert all(type(day) is dt.date for day in days.values())
            return
    assert days is None


# --- a CSV text's non-blank records (tabular.csv_records) -----------------------------------


@pytest.mark.parametrize(
    ("given", "line", "last"),
    [(["a", "", "b", "c", "d", "e", "f"], "line 5", 5), (["a", "b", "c", "d", "e"], "line 4", 4)],
)
def test_csv_records_read_no_further_than_one_record_past_the_limit(given, line, last):
    """Lines past the limit are never read (a fault there is not the file's first problem)."""
    read = []
    text = "\n".join(given)
    lines = io.StringIO(text, newline="")
    original = csv.reader

    def reader(*_args, **_kwargs):
        for row in original(lines):
            read.append(row)
            yield row

    with patch.object(tabular, "MAX_ROWS", 2), patch.object(tabular.csv, "reader", reader):
        try:
            tabular.csv_records(text, ",")
        except ValidationError as exc:
            assert exc.field == line
    assert read == [[cell] if cell else [] for cell in given[:last]]


def test_a_csv_tables_rows_keep_their_lines_and_cells_as_tuples():
    table = tabular.csv_table("Date,Title\n2024-01-02,A\n , \n2024-01-03,B\n", "x.csv")
    assert table.rows == (TableRow(2, ("2024-01-02", "A")), TableRow(4, ("2024-01-03", "B")))


# --- the preview's records when no row has a problem; the import's when nothing is stored ----


@pytest.fixture
def alice(db, system):
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


_rows_text = numbered_records_csv


def _previewed(system, alice, text):
    table = csv_table(text, "file.csv")
    return mapped_import.preview(system, table, guess_mapping(table.headers), alice)


@pytest.mark.parametrize("stored", [range(0), range(3, 7)])
def test_the_previews_records_are_its_groups_each_matched(system, alice, stored, monkeypatch):
    """Every record importable (no problem): each group's lines, values and stored record."""
    import_records_csv(system, _rows_text(stored), alice)
    groups = []
    group_rows = mapped_import.group_rows
    monkeypatch.setattr(
        mapped_import, "group_rows", lambda rows: groups.append(group_rows(rows)) or groups[-1]
    )
    result = _previewed(system, alice, _rows_text(range(1, 10)))
    keys = bulk_records.stored_keys(alice.user_id)
    assert result.ok and len(keys) == len(stored)
    expected = [
        mapped_import.PreviewRecord(
            tuple(row.line for row in group.rows),
            group.values,
            keys.get(bulk_records.record_key(group.values)),
        )
        for group in groups[0]
    ]
    assert result.importable == result.records == expected
    assert [record.duplicate for record in expected] == [n in stored for n in range(1, 10)]


@pytest.mark.parametrize("stored", [range(0), range(3, 7)])
def test_an_import_stores_only_the_records_not_stored(system, alice, stored):
    import_records_csv(system, _rows_text(stored), alice)
    table = csv_table(_rows_text(range(1, 10)), "file.csv")
    summary = import_mapped(system, table, guess_mapping(table.headers), alice)
    assert (summary.records_added, summary.records_skipped) == (9 - len(stored), len(stored))
    assert CpeRecord.select().count() == 9


def test_a_mapping_of_nothing_is_read_the_usual_way():
    table = Table("t.csv", ("Date",), (TableRow(2, ("2024-01-02",)),), 1)
    assert _read(table, {}, {"sponsor": "ACME"}) == ([], [])


# --- the "not stated" notes counted at C speed (mapped_import._not_stated_once) --------------


def _not_stated_once_usual(warnings, defaulted, records):
    """``_not_stated_once`` as it counted record by record."""
    notes = {
        NOT_STATED_METHOD: "delivery_method",
        not_stated_field("field of study"): "field_of_study",
    }
    kept = [w for w in warnings if not any(w.endswith(note) for note in notes)]
    counts = {
        "delivery_method": sum(1 for r in records if r.values.get("delivery_method") == NOT_STATED),
        "field_of_study": sum(
            1
            for r in records
            if any(line.get("field") == NOT_STATED for line in r.values.get("credits") or ())
        ),
    }
    for note, name in notes.items():
        if counts[name]:
            said = mapped_import._NO_COLUMN[name].format(NOT_STATED) if name in defaulted else note
            kept.append(f"{mapped_import._count(counts[name], 'record')}: {said}")
    return kept


_LINE_FIELD = st.sampled_from([NOT_STATED, "Taxes", "Auditing"])
_VALUES_DRAWN = st.fixed_dictionaries(
    {},
    optional={
        "delivery_method": st.sampled_from([NOT_STATED, "Group Live", None, ""]),
        "credits": st.one_of(
            st.none(),
            st.lists(st.fixed_dictionaries({"field": _LINE_FIELD, "credits": st.just(1)})),
            st.lists(st.fixed_dictionaries({"field": _LINE_FIELD})).map(tuple),
        ),
    },
)


@given(
    st.lists(_VALUES_DRAWN, max_size=6),
    st.sets(st.sampled_from(["delivery_method", "field_of_study"])),
    st.lists(st.sampled_from([f"x: {NOT_STATED_METHOD}", "other", "a"]), max_size=3),
)
@example(
    [{"delivery_method": NOT_STATED, "credits": [{"field": NOT_STATED}, {"field": NOT_STATED}]}],
    set(),
    [],
)
@example([{"delivery_method": "Group Live", "credits": [{"field": "Taxes"}]}], set(), [])
def test_not_stated_notes_counted_as_record_by_record(values, defaulted, warnings):
    records = [mapped_import.PreviewRecord((n,), found) for n, found in enumerate(values, 2)]
    expected = _not_stated_once_usual(list(warnings), defaulted, records)
    assert mapped_import._not_stated_once(list(warnings), defaulted, records) == expected
