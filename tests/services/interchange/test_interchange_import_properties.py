"""Hypothesis on importing a person's own spreadsheet: arbitrary sheets never crash the reader,
the column guess or the preview (anything refused is a ValidationError), and an import stores
exactly the records the preview listed — nothing more, nothing different — all of them when the
preview is clean, and with ``skip_bad_rows`` exactly its ``importable`` ones.

The sheets are CSV text built like the files people really have: title rows above the header,
headings we know and headings we do not, a merged header over hours-by-field columns, dates,
hours and words as people type them (and junk), combined subject cells, totals lines, year
headings and blank rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cpe_desktop.db.models import CpeRecord, RecordCredit
from cpe_desktop.rules.fields import DELIVERY_METHODS, FIELDS_OF_STUDY
from cpe_desktop.services import users
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.mapped_import import import_mapped, preview
from cpe_desktop.services.interchange.mapping import ALIASES, guess_columns
from cpe_desktop.services.interchange.tabular import read_table
from tests.helpers.strategies import SETTINGS

PROPERTY_SETTINGS = settings(SETTINGS, max_examples=60)
# A sheet that imports whole, and a row that makes it refused (or imported without it).
_GOOD = "Date,Course,Field of Study,Hours,Format\n2025-01-10,Tax update,Taxes,2,Group Live\n"
_BAD_ROW = "2025-02-10,Bad hours,Taxes,-1,Group Live\n"

# --- cells --------------------------------------------------------------------------------------

TYPED = st.characters(exclude_categories=("Cc", "Cs"))
JUNK = st.one_of(
    st.text(TYPED, max_size=25),
    st.sampled_from(["n/a", "-", "?", "TBD", "#VALUE!", "0", "-3", "1e9", "  ", "None", "—"]),
)
DAYS = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2027, 12, 31))
PAST = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 6, 1))


def rarely(unusual: st.SearchStrategy, usual: st.SearchStrategy) -> st.SearchStrategy:
    """``usual`` about seven times in eight, else ``unusual``."""
    return st.integers(0, 7).flatmap(lambda n: unusual if n == 0 else usual)


def _date_text(day: dt.date, form: int) -> str:
    return [
        day.isoformat(),
        f"{day.month}/{day.day}/{day.year}",
        f"{day.month}/{day.day}/{day.year % 100:02d}",
        day.strftime("%b %d, %Y"),
        day.strftime("%d %B %Y"),
        f"{day.month:02d}/{day.day:02d}/{day.year}",
    ][form]


def _range_text(first: dt.date, days: int, form: int) -> str:
    last = first + dt.timedelta(days=days)
    if form == 0:
        return f"{_date_text(first, 1)} - {_date_text(last, 1)}"
    if form == 1 and first.month == last.month:
        return f"{first.strftime('%b')} {first.day}-{last.day}, {first.year}"
    return f"{first.isoformat()} to {last.isoformat()}"


DATE_CELLS = rarely(
    st.one_of(st.builds(_date_text, DAYS, st.integers(0, 5)), st.just(""), JUNK),
    st.one_of(
        st.builds(_date_text, PAST, st.integers(0, 5)),
        st.builds(_range_text, PAST, st.integers(0, 4), st.integers(0, 2)),
    ),
)
TITLES = rarely(
    st.one_of(
        st.sampled_from(["Total", "Subtotal", "2024", ""]), st.text(TYPED, min_size=1, max_size=40)
    ),
    st.sampled_from(
        [
            "Tax update",
            "Ethics for CPAs",
            "Lease accounting",
            "Total Quality Management",
            "Audit of small entities",
            "Excel for auditors",
            "Fraud, waste & abuse",
            '"Yellow Book" refresher',
            " Tax update",
            "Tax  update",
            "TAX UPDATE",
        ]
    ),
)
SPONSORS = rarely(
    st.text(TYPED, max_size=30),
    st.sampled_from(["State Society", "AICPA", "Harbor Tax Academy", "Firm", "", " Firm", "firm"]),
)
SPONSOR_IDS = rarely(JUNK, st.one_of(st.integers(100000, 199999).map(str), st.just("")))
DELIVERY_WORDS = rarely(
    JUNK,
    st.one_of(
        st.sampled_from(DELIVERY_METHODS),
        st.sampled_from(
            ["Conference", "Seminar", "Webinar", "Virtual", "Self-study", "On-Demand", "Not stated"]
        ),
    ),
)
FIELD_WORDS = st.sampled_from(
    [*FIELDS_OF_STUDY, "AA", "TX", "PSR", "MS", "A&A", "Tax", "Ethics", "Technology", "Not stated"]
)
HOURS = rarely(
    st.sampled_from(["28.5", "2 hrs", "1.5 CPE", "1,5", "0", "-2", "0.25", "50", "1.33"]),
    st.one_of(st.decimals("0.5", "8", places=1).map(str), st.integers(1, 8).map(str)),
)


def _combined(parts: list[tuple[str, str]]) -> str:
    return ", ".join(f"{field} ({hours})" for field, hours in parts)


FIELD_CELLS = rarely(
    st.one_of(
        st.lists(st.tuples(FIELD_WORDS, st.integers(1, 6).map(str)), min_size=2, max_size=3).map(
            _combined
        ),
        st.builds(lambda f, h: f"{f} ({h})", FIELD_WORDS, st.integers(1, 8)),
        st.just(""),
        JUNK,
    ),
    FIELD_WORDS,
)
CREDIT_CELLS = rarely(st.one_of(st.just(""), JUNK), HOURS)
HOUR_CELLS = st.one_of(st.just(""), st.integers(1, 8).map(str), rarely(JUNK, HOURS))

# --- columns ------------------------------------------------------------------------------------

# Each column: (kind, heading); a kind says what its cells hold.
CELLS = {
    "completed_on": DATE_CELLS,
    "started_on": DATE_CELLS,
    "title": TITLES,
    "sponsor": SPONSORS,
    "sponsor_id": SPONSOR_IDS,
    "delivery_method": DELIVERY_WORDS,
    "field_of_study": FIELD_CELLS,
    "credits": CREDIT_CELLS,
    "notes": st.text(TYPED, max_size=30),
    "unknown": st.one_of(JUNK, st.integers(-5, 500).map(str)),
}


def _known(kind: str) -> st.SearchStrategy[tuple[str, str]]:
    spellings = list(ALIASES[kind][:8])
    styles = st.sampled_from([str, str.title, str.upper])
    return st.builds(lambda h, style: (kind, style(h)), st.sampled_from(spellings), styles)


UNKNOWN_HEADINGS = st.one_of(
    st.sampled_from(["Certificate", "Status", "Location", "Event Code", "Record #", "Licensee"]),
    st.text(TYPED, min_size=1, max_size=15),
    st.just(""),
).map(lambda h: ("unknown", h))
COLUMN = st.one_of(
    *(_known(kind) for kind in CELLS if kind != "unknown"),
    UNKNOWN_HEADINGS,
)
HOUR_HEADINGS = ["A&A", "Tax", "Ethics", "Other technical", "Technology", "Behavioral"]


@st.composite
def sheets(draw) -> str:
    """CSV text of a spreadsheet a person might hand the importer."""
    wide = draw(st.integers(0, 3)) == 0  # hours in one column per field, under a merged heading
    # Usually the columns a record needs (so that rows get read), in any order, among others.
    needed = ["title", "completed_on"] + ([] if wide else ["field_of_study", "credits"])
    usual = [draw(_known(kind)) for kind in needed if draw(st.integers(0, 9))]
    others = draw(st.lists(COLUMN, max_size=4))
    columns = draw(st.permutations(usual + others)) or [draw(COLUMN)]
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 2))):  # title rows
        width = draw(st.integers(1, 3))
        rows.append([draw(st.text(TYPED, min_size=1, max_size=40)) for _ in range(width)])
        if draw(st.booleans()):
            rows.append([])
    hour_columns = draw(st.lists(st.sampled_from(HOUR_HEADINGS), min_size=2, max_size=4))
    if wide:
        parent = draw(st.sampled_from(["CPE hours claimed", "Hours", "Credits"]))
        rows.append([h for _, h in columns] + [parent] + [""] * (len(hour_columns) - 1))
        rows.append([""] * len(columns) + hour_columns)
        kinds = [kind for kind, _ in columns] + ["hours"] * len(hour_columns)
    else:
        rows.append([h for _, h in columns])
        kinds = [kind for kind, _ in columns]
    strategies = {**CELLS, "hours": HOUR_CELLS}
    for _ in range(draw(st.integers(0, 7))):
        shape = draw(st.integers(0, 9))
        if shape <= 5:  # a record
            rows.append([draw(strategies[kind]) for kind in kinds])
        elif shape == 6:  # a totals line
            label = draw(st.sampled_from(["Total", "TOTAL", "Grand total", "Subtotal 2024", ""]))
            rows.append([label] + [draw(HOURS) if k in ("credits", "hours") else "" for k in kinds])
        elif shape == 7:  # a year heading or a note
            rows.append([draw(st.sampled_from(["2023", "2024", "* hours as on certificates"]))])
        elif shape == 8:
            rows.append([])
        else:  # a ragged row: fewer or more cells than headings
            rows.append([draw(JUNK) for _ in range(draw(st.integers(1, len(kinds) + 2)))])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


CONSTANTS = st.fixed_dictionaries(
    {},
    optional={
        "delivery_method": st.sampled_from(["Not stated", "Group Live", "Conference", ""]),
        "field_of_study": st.sampled_from(["Not stated", "Taxes", "Ethics", ""]),
        "sponsor": SPONSORS,
    },
)

# --- what is stored -----------------------------------------------------------------------------


def _credits(lines: Any) -> tuple[tuple[str, Decimal], ...]:
    return tuple(sorted((line["field"], Decimal(str(line["credits"]))) for line in lines))


def _shown(values: dict[str, Any]) -> tuple:
    """A record as the preview lists it: the fields a person checks."""
    return (
        values["title"],
        values["completed_on"],
        values.get("started_on") or None,
        values.get("sponsor") or None,
        values.get("sponsor_id") or None,
        values["delivery_method"],
        _credits(values["credits"]),
    )


def _stored(user_id: int) -> list[tuple]:
    found = []
    for record in CpeRecord.select().where(CpeRecord.user == user_id):
        lines = RecordCredit.select().where(RecordCredit.record == record.record_id)
        found.append(
            (
                record.title,
                _day(record.completed_on),
                _day(record.started_on) if record.started_on else None,
                record.sponsor or None,
                record.sponsor_id or None,
                record.delivery_method,
                tuple(sorted((line.field_of_study, Decimal(line.credits)) for line in lines)),
            )
        )
    return sorted(found, key=repr)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# --- the properties -----------------------------------------------------------------------------


@pytest.fixture
def person(seeded, system):
    return users.create_user(system, {"name": "Pat", "email": "pat@example.com"}).value


def _read(path, text):
    """The file read and checked as the window does; None when refused (a ValidationError)."""
    path.write_text(text, encoding="utf-8")
    try:
        table = read_table(path)
        return table, guess_columns(table)
    except ValidationError:
        return None


def test_arbitrary_sheets_never_crash_and_store_exactly_what_the_preview_showed(
    db, system, person, tmp_path
):
    path = tmp_path / "sheet.csv"
    seen: Counter = Counter()

    @PROPERTY_SETTINGS
    @given(text=sheets(), constants=CONSTANTS, skip=st.booleans())
    # Each outcome at least once whatever the random sheets turn out to be (a guard below).
    @example(text=_GOOD, constants={}, skip=False)
    @example(text=_GOOD + _BAD_ROW, constants={}, skip=True)
    @example(text=_GOOD + _BAD_ROW, constants={}, skip=False)
    def check(text, constants, skip):
        read = _read(path, text)
        if read is None:
            seen["unreadable"] += 1
            return
        table, mapping = read
        given_ = {k: v for k, v in constants.items() if k not in mapping}
        with db.atomic() as transaction:
            try:
                try:
                    shown = preview(system, table, mapping, person, constants=given_)
                except ValidationError:
                    seen["preview refused"] += 1
                    return
                before = CpeRecord.select().count()
                expected = shown.records if shown.ok else shown.importable
                if not shown.ok and (not skip or not shown.columns_ok):
                    with pytest.raises(ValidationError):
                        import_mapped(
                            system, table, mapping, person, constants=given_, skip_bad_rows=skip
                        )
                    assert CpeRecord.select().count() == before
                    seen["import refused"] += 1
                    return
                summary = import_mapped(
                    system, table, mapping, person, constants=given_, skip_bad_rows=skip
                )
                want = sorted((_shown(record.values) for record in expected), key=repr)
                assert _stored(person.user_id) == want, text
                assert summary.records_added == len(want)
                assert CpeRecord.select().count() == before + len(want)
                assert [row.number for row in summary.not_imported] == [
                    row.number for row in shown.bad_rows
                ]
                seen["imported all" if shown.ok else "imported the good rows"] += 1
                # Imported again, the same sheet finds every one of its records already stored.
                again = preview(system, table, mapping, person, constants=given_)
                listed = again.records if again.ok else again.importable
                assert all(record.duplicate for record in listed), text
                repeat = import_mapped(
                    system, table, mapping, person, constants=given_, skip_bad_rows=skip
                )
                assert repeat.records_added == 0
                assert _stored(person.user_id) == want
                seen["records stored"] += len(want)
            finally:
                transaction.rollback()

    check()
    print(dict(seen))
    # The sheets must reach every outcome, or the property says little.
    assert seen["imported all"] and seen["imported the good rows"] and seen["import refused"]
    assert seen["records stored"]
