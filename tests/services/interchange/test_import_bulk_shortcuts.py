"""The import's bulk shortcuts (issue 18, fourth pass) give what the long way gives.

Records judged once per kind (``record_checks.RecordChecks`` against ``check_record``), the chain's
hash written without the encoder (``hashing.chained_digest`` against ``hashing.entry_hash``), a new
record's picture written from a template (``record_pictures.picture_text`` against the picture's
JSON; a batch's written column by column, ``record_pictures.record_texts``), values adapted
for ``sqlite3`` once per distinct value (``bulk_sql.db_values``) and a bulk write's audit
entries linked column by column (``trail.link_alike`` against ``trail.chain``).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal
from unittest.mock import patch

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.models import AuditLog, CpeRecord, RecordCredit, database
from cpe_desktop.services import bulk_records, bulk_sql, record_pictures
from cpe_desktop.services.audit import hashing
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.cells import parse_date_range, parse_text_date
from cpe_desktop.services.interchange.checks import check_record
from cpe_desktop.services.interchange.csv_format import HEADER, _parse, restore
from cpe_desktop.services.interchange.grouping import KEYS
from cpe_desktop.services.interchange.record_checks import RecordChecks
from cpe_desktop.services.interchange.tabular import _quoted_csv_records, csv_records

TODAY = dt.datetime(2026, 6, 15, 9, 30)
TOPICS = ("Fraud", "California Regulatory Review")


def _mostly(good: list, bad: list) -> st.SearchStrategy:
    """Cells as a file gives them: nine times in ten usual (so that a record reaches every later
    check; days and amounts near every limit among them), else wrong or odd."""
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(good if n else bad))


_TEXTS = _mostly(
    ["Tax update", "  Tax update ", "ACME CPE", "x" * 50, "x" * 100, "tab\there", "Ü “q”",
     "line\nbreak", "", "   "],
    ["x" * 51, "x" * 101, "x" * 201, "x" * 301, "a\x01b", 5, None],
)  # fmt: skip
_TITLES = _mostly(["Tax update", "  Tax update ", "x" * 300, "Ü “q”"], ["", " ", "x" * 301, None])
_DAYS = _mostly(
    ["2024-03-02", " 2024-03-02 ", "2024-03-09", "1950-01-01", "2026-06-15", dt.date(2024, 3, 2),
     dt.datetime(2024, 3, 2, 9, 30), "1949-12-31", "2026-06-16", dt.date(2027, 1, 1)],
    ["2024-3-2", "2024-02-30", "", "  ", "soon", 20240302],
)  # fmt: skip
_STARTS = _mostly(
    [None, "", "  ", "2024-03-01", "2024-02-20", "2024-03-05", "2023-01-01"], ["bad", 7]
)
_METHODS = _mostly(
    ["Group Live", " group live", "QAS Self Study", "Nano Learning", "College Course",
     "Instructor", "not stated"],
    ["Webinar", "", 3],
)  # fmt: skip
_FIELDS = _mostly(
    ["Taxes", "taxes", "Auditing", "Regulatory Ethics", "Not Stated", "Accounting"],
    ["Cooking", "", None, 5],
)  # fmt: skip
_AMOUNTS = _mostly(
    ["1", "1.5", "1.50", "0.2", "0.25", "12", "45", "400", 2, 2.5, Decimal("1.0"), Decimal("1")],
    ["0.333", "1001", "-1", "0", Decimal("-0"), -0.0, "", "two", True, float("nan")],
)  # fmt: skip
_LINES = st.lists(
    st.fixed_dictionaries({"field": _FIELDS, "credits": _AMOUNTS}), min_size=1, max_size=3
)
_TOPICS = _mostly(["", "Fraud", "California Regulatory Review"], ["Fraud; Cooking"])


@st.composite
def _records(draw):
    data = {"title": draw(_TITLES), "completed_on": draw(_DAYS)}
    for name, values in (
        ("sponsor", _TEXTS),
        ("sponsor_id", _TEXTS),
        ("started_on", _STARTS),
        ("ethics_jurisdiction", _TEXTS),
        ("notes", _TEXTS),
        ("topics", _TOPICS),
    ):
        if draw(st.booleans()):
            data[name] = draw(values)
    if draw(st.integers(0, 19)):
        data["delivery_method"] = draw(_METHODS)
    if draw(st.integers(0, 19)):
        odd = st.sampled_from(["Taxes 2", [["Taxes", "2"]], []])
        data["credits"] = draw(st.integers(0, 9).flatmap(lambda n: _LINES if n else odd))
    order = draw(st.permutations(list(data)))
    return {name: data[name] for name in order}


def _context() -> ServiceContext:
    return ServiceContext(SYSTEM, FixedClock(TODAY))


@settings(max_examples=300, deadline=None)
@given(st.lists(_records(), min_size=1, max_size=12))
def test_records_judged_once_per_kind_are_judged_as_each_alone(records):
    ctx = _context()
    checks = RecordChecks(ctx, KEYS, TOPICS)
    for data in records * 2:  # the second time from memory
        expected = check_record(ctx, data, KEYS, TOPICS)
        found = checks.check(data)
        assert repr(found.values) == repr(expected.values)  # 1.0 and 1 apart, keys in order
        assert found.errors == expected.errors
        assert found.warnings == expected.warnings


def test_records_alike_but_for_their_texts_and_day_are_judged_once(monkeypatch):
    ctx = _context()
    checks = RecordChecks(ctx, KEYS, TOPICS)
    judged = []
    real = check_record

    def counting(*args, **kwargs):
        judged.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr("cpe_desktop.services.interchange.record_checks.check_record", counting)
    for number in range(1, 21):
        data = {
            "title": f"Course {number}",
            "sponsor": "ACME" if number % 2 else " ",
            "completed_on": f"2024-01-{number:02d}",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": "2"}],
        }
        found = checks.check(data)
        assert found.values["title"] == f"Course {number}"
        assert found.values["completed_on"] == dt.date(2024, 1, number)
        assert found.values == check_record(ctx, data, KEYS, TOPICS).values
    assert len(judged) == 2  # once with a sponsor, once without
    assert checks.check({**data, "completed_on": "2030-01-01"}).errors  # the long way


@pytest.mark.parametrize(
    "amounts",
    [
        [Decimal("1.0"), Decimal("1"), Decimal("1.00"), 1, 1.0, True, "1", "1.0"],
        [Decimal("0"), Decimal("-0"), 0, 0.0, -0.0, False],
        [dt.date(2024, 3, 2), dt.datetime(2024, 3, 2), "2024-03-02"],
    ],
)
def test_values_equal_but_not_alike_are_judged_apart(amounts):
    """Python calls these equal; the record keeps them apart (``1.0`` is stored as written)."""
    ctx = _context()
    checks = RecordChecks(ctx, KEYS, TOPICS)
    for amount in amounts * 2:
        data = {
            "title": "Course",
            "completed_on": "2024-03-02",
            "notes": amount if isinstance(amount, dt.date) else "n",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": amount}],
        }
        found, expected = checks.check(data), check_record(ctx, data, KEYS, TOPICS)
        assert repr(found) == repr(expected)


_HASHED = st.one_of(st.none(), st.text(), st.integers(-(10**20), 10**20), st.booleans())


@given(
    st.integers(1, 10**12),
    st.lists(_HASHED, min_size=8, max_size=8),
    st.one_of(st.none(), st.datetimes()),
)
def test_the_chains_hash_written_by_hand_is_the_encoders(log_id, values, when):
    actor, action, entity, entity_id, details, before, after, previous = values
    text = hashing.time_text(when)
    assert hashing.chained_digest(
        log_id, actor, action, text, entity, entity_id, details, before, after, previous
    ) == hashing.entry_hash(
        log_id, actor, action, when, entity, entity_id, details, before, after, previous
    )


_OWN_TEXTS = st.one_of(st.none(), st.text(max_size=40))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.fixed_dictionaries(
                {
                    "title": st.text(min_size=1, max_size=40),
                    "completed_on": st.dates(),
                    "delivery_method": st.sampled_from(["Group Live", "QAS Self Study"]),
                },
                optional={
                    "sponsor": _OWN_TEXTS,
                    "notes": _OWN_TEXTS,
                    "started_on": st.one_of(st.none(), st.dates()),
                    "topics": st.sampled_from([None, '["Fraud"]']),
                },
            ),
            st.lists(
                st.tuples(
                    st.sampled_from(["Taxes", "Auditing", "Ü"]),
                    st.decimals(min_value=0, max_value=99, places=2, allow_nan=False),
                ),
                min_size=1,
                max_size=2,
                unique_by=lambda line: line[0],
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_picture_written_from_its_template_is_the_pictures_json(records):
    now = dt.datetime(2026, 6, 15, 9, 30)
    shared: dict = {}
    for number, (values, lines) in enumerate(records * 2, 1):
        record = bulk_records.NewRecord(7, values, tuple(lines))
        row = {
            **CpeRecord._meta.get_default_dict(),
            "user": 7,
            "created_at": now,
            "updated_at": now,
            **values,
            "record_id": number,
        }
        expected = audit.picture_json(record_pictures.picture(row, record, {}))
        assert record_pictures.picture_text(row, record, shared) == expected
        assert json.loads(expected)["record_id"] == number


def test_values_reach_sqlite_as_its_adapters_would_make_them():
    fields = (
        RecordCredit.record,
        RecordCredit.credits,
        CpeRecord.completed_on,
        CpeRecord.created_at,
        AuditLog.timestamp,
        CpeRecord.title,
    )
    when = dt.datetime(2024, 1, 2, 9, 30, 5, 120)
    rows = [
        (1, Decimal("1.5"), dt.date(2024, 1, 2), when, when, "a"),
        (2, Decimal("1.50"), dt.date(2024, 1, 2), "2024-01-02 09:00:00", None, "b"),
        (3, Decimal("-0"), None, dt.datetime(2024, 1, 4, 10), when, None),
        (4, Decimal("0"), dt.date(2024, 1, 3), when, when, "a"),
    ]

    def adapted(value):
        adapter = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
        return value if adapter is None or value is None else adapter(value)

    expected = [
        tuple(adapted(field.db_value(value)) for field, value in zip(fields, row, strict=True))
        for row in rows
    ]
    assert [tuple(row) for row in bulk_sql.db_values(fields, rows, True)] == expected
    assert expected[1][1] == "1.50"
    assert isinstance(expected[0][2], str)


@pytest.mark.parametrize(
    "notes",
    [Decimal("1.50"), 2.5, True, dt.datetime(2024, 1, 2, 9), ["a", "b"], {"b": 1, "a": [1, 2]},
     ["a"], "100% \x00 \u2028", object],
)  # fmt: skip
@pytest.mark.parametrize("sponsor", ["ACME", None])
def test_picture_texts_of_values_of_any_kind_are_the_pictures_json(sponsor, notes):
    now = dt.datetime(2026, 6, 15, 9, 30)
    values = {"title": "T", "completed_on": dt.date(2024, 1, 2), "sponsor": sponsor,
              "notes": notes}  # fmt: skip
    record = bulk_records.NewRecord(7, values, (("Taxes", Decimal("-0")),))
    row = {**CpeRecord._meta.get_default_dict(), "user": 7, "created_at": now,
           "updated_at": now, **values, "record_id": 3}  # fmt: skip
    assert record_pictures.picture_text(row, record, {}) == audit.picture_json(
        record_pictures.picture(row, record, {})
    )


_CSV_TEXT = st.text(alphabet="ab ,;\n\r'=\x00")


@given(_CSV_TEXT)
def test_a_file_without_quotes_has_its_records_numbered_as_the_reader_counts(text):
    assert '"' not in text
    try:
        expected = _quoted_csv_records(text, ",")
    except ValidationError as exc:
        with pytest.raises(ValidationError) as found:
            csv_records(text, ",")
        assert found.value.errors == exc.errors
        return
    assert csv_records(text, ",") == expected


def test_a_file_with_quotes_has_its_records_numbered_as_the_reader_counts():
    text = 'a,b\n"two\nlines",x\n\n  ,\nc,d\n'
    assert csv_records(text, ",") == [(1, ["a", "b"]), (2, ["two\nlines", "x"]), (6, ["c", "d"])]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["2024-01-02", "T", "'=x", "''+y", "a'b", "", " "]), max_size=9),
        max_size=6,
    ),
    st.booleans(),
)
def test_template_rows_read_alike_with_and_without_apostrophes(cells, apostrophe):
    lines = [",".join(HEADER)] + [",".join(row) for row in cells]
    text = "\n".join(lines)
    if not apostrophe:
        text = text.replace("'", "")
    try:
        header, rows, _ = _parse(text)
    except ValidationError:
        return
    expected = [
        (line, {name: restore(cell) for name, cell in zip(header, row, strict=False)})
        for line, row in csv_records(text, ",")[1:]
    ]
    assert [(row.line, row.cells) for row in rows] == expected


_ENTRY_TEXT = st.one_of(
    st.none(), st.sampled_from(["create record", "by system", "record"]), st.text(max_size=8)
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(1, 5), st.booleans()),
            _ENTRY_TEXT,
            st.sampled_from([dt.datetime(2026, 6, 15, 9, 30), "2026-06-15 09:30:00", None]),
            _ENTRY_TEXT,
            _ENTRY_TEXT,
            _ENTRY_TEXT,
            _ENTRY_TEXT,
            _ENTRY_TEXT,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_chain_hashes_each_entry_as_the_check_does(db, entries):
    shared_time = dt.datetime(2026, 6, 15, 9, 30)
    entries = [
        (e[0], e[1], shared_time if isinstance(e[2], dt.datetime) else e[2], *e[3:])
        for e in entries
    ] + entries
    with database.atomic() as transaction:
        chained = audit.chain(entries)
        transaction.rollback()
    for row in chained:
        log_id, user, action, when, details, entity, entity_id, before, after = row[:9]
        actor, previous, digest = row[9:]
        assert digest == hashing.entry_hash(
            log_id, actor, action, when, entity, entity_id, details, before, after, previous
        )
    assert [row[10] for row in chained[1:]] == [row[11] for row in chained[:-1]]


def _outcome(read, text):
    try:
        return read(text)
    except ValueError as exc:
        return str(exc)


_DAY_TEXTS = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.text(alphabet="0123456789-/ T:²", min_size=9, max_size=11),
    st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True),
)


@given(_DAY_TEXTS)
def test_a_plain_iso_day_is_read_as_the_patterns_read_it(text):
    """A leading space takes the long way; stripped, it reads the same."""
    assert _outcome(parse_text_date, text) == _outcome(parse_text_date, " " + text)
    assert parse_date_range(text) == parse_date_range(" " + text)


# --- a batch's pictures written column by column (record_pictures.record_texts) -------------

_BATCH_COLUMNS = {
    "title": st.text(max_size=12),
    "sponsor": st.one_of(st.none(), st.sampled_from(["ACME", "100% %s", 'a"b\\c', "Ü"])),
    "sponsor_id": st.one_of(st.none(), st.text(max_size=4)),
    "started_on": st.one_of(st.none(), st.dates()),
    "completed_on": st.dates(),
    "delivery_method": st.sampled_from(["Group Live", "QAS Self Study"]),
    "notes": st.one_of(st.none(), st.text(max_size=6), st.integers(-3, 3)),
    "topics": st.sampled_from([None, '["Fraud"]']),
}
# Now and then a value the encoder writes (the batch then goes record by record).
_ODD_VALUES = st.sampled_from(
    [True, 2.5, Decimal("1.50"), dt.datetime(2024, 1, 2, 9), ["a"], dt.date(2024, 1, 2)]
)
_BATCH_AMOUNTS = st.one_of(
    st.decimals(min_value=0, max_value=99, places=2, allow_nan=False),
    st.sampled_from([Decimal("1.5"), Decimal("1.50"), Decimal("-0"), Decimal("-1"), 2]),
)


@st.composite
def _batches(draw):
    """Records of one owner with one set of columns, mostly; at times not (another owner, a
    record with other columns or another order, an id that is not a whole number)."""
    names = draw(st.permutations(list(_BATCH_COLUMNS)))[: draw(st.integers(1, 8))]
    records, ids = [], []
    for number in range(draw(st.integers(1, 8))):
        chosen = names
        if draw(st.integers(0, 19)) == 0:
            chosen = draw(st.permutations(names))[: draw(st.integers(1, len(names)))]
        values = {name: draw(_BATCH_COLUMNS[name]) for name in chosen}
        if draw(st.integers(0, 19)) == 0:
            values[draw(st.sampled_from(chosen))] = draw(_ODD_VALUES)
        fields = draw(
            st.lists(st.sampled_from(["Taxes", "Auditing", "Ü", "a%s"]), max_size=3, unique=True)
        )
        lines = tuple((field, draw(_BATCH_AMOUNTS)) for field in fields)
        owner = 7 if draw(st.integers(0, 19)) else 8
        records.append(bulk_records.NewRecord(owner, values, lines))
        ids.append(number + 1 if draw(st.integers(0, 29)) else str(number + 1))
    return records, ids


def _row_of(now):
    def row_of(record, record_id):
        row = {
            **CpeRecord._meta.get_default_dict(),
            "user": record.user_id,
            "created_at": now,
            "updated_at": now,
            **record.values,
            "record_id": record_id,
        }
        return lambda: dict(row)

    return row_of


@settings(max_examples=300, deadline=None)
@given(st.lists(_batches(), min_size=1, max_size=3))
def test_a_batchs_pictures_written_by_column_are_the_pictures_json(batches):
    row_of = _row_of(dt.datetime(2026, 6, 15, 9, 30))
    shared: dict = {}
    for records, ids in batches * 2:  # again: with the texts kept from before
        expected = [
            audit.picture_json(record_pictures.picture(row_of(record, key)(), record, {}))
            for record, key in zip(records, ids, strict=True)
        ]
        assert record_pictures.record_texts(records, ids, shared, row_of) == expected
        orders = {tuple(record.values) for record in records}
        if len(orders) == 1:  # its columns read by the caller
            columns = bulk_records._read_columns(orders.pop(), [r.values for r in records])
            found = record_pictures.record_texts(records, ids, shared, row_of, columns)
            assert found == expected


def test_a_plain_batch_is_written_by_column(monkeypatch):
    """Records of one owner and one set of columns of plain values, decimal amounts: no record
    is written on its own (by ``record_text``)."""
    row_of = _row_of(dt.datetime(2026, 6, 15, 9, 30))
    records = [
        bulk_records.NewRecord(
            7,
            {
                "title": f"Course {n} 100%",
                "completed_on": dt.date(2024, 1, 1 + n % 28),
                "started_on": None if n % 2 else dt.date(2024, 1, 1),
                "sponsor": "ACME",
                "notes": n % 3 or None,
            },
            (("Taxes", Decimal(n % 4) + 1), ("Auditing", Decimal("-0")))
            if n % 5 == 0
            else (("Taxes", Decimal("1.50")),),
        )  # fmt: skip
        for n in range(40)
    ]
    ids = list(range(100, 140))
    expected = [
        audit.picture_json(record_pictures.picture(row_of(record, key)(), record, {}))
        for record, key in zip(records, ids, strict=True)
    ]

    def one(*_args):
        raise AssertionError("written on its own")

    shared: dict = {}
    monkeypatch.setattr(record_pictures, "record_text", one)
    assert record_pictures.record_texts(records[:20], ids[:20], shared, row_of) == expected[:20]
    assert record_pictures.record_texts(records[20:], ids[20:], shared, row_of) == expected[20:]


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (Decimal("0"), Decimal("-0")),
        (Decimal("-0"), Decimal("0")),
        (Decimal("2"), 2),
        (2, Decimal("2")),
        (Decimal("1.5"), Decimal("1.50")),
    ],
)
def test_credit_amounts_equal_but_written_apart_are_written_apart(first, then):
    """Texts kept from a batch (a set of lines, a line) serve only amounts that write alike."""
    row_of = _row_of(dt.datetime(2026, 6, 15, 9, 30))
    shared: dict = {}
    for amount in (first, then):
        records = [
            bulk_records.NewRecord(7, {"title": "A"}, (("Taxes", amount),)),
            bulk_records.NewRecord(7, {"title": "B"}, (("Taxes", amount), ("Ü", Decimal("1")))),
        ]
        expected = [
            audit.picture_json(record_pictures.picture(row_of(record, key)(), record, {}))
            for record, key in zip(records, [1, 2], strict=True)
        ]
        assert record_pictures.record_texts(records, [1, 2], shared, row_of) == expected


# --- a bulk write's entries linked column by column (trail.link_alike) -----------------------


def _ids_after_the_head(count, last_id, highest):
    first = max(highest, last_id or 0) + 1
    return list(range(first, first + count))


_PLAIN_SHARED = st.tuples(
    st.one_of(st.none(), st.integers(1, 5)),
    st.sampled_from(["create record", 'a "quoted" action']),
    st.sampled_from([dt.datetime(2026, 6, 15, 9, 30), "2026-06-15 09:30:00"]),
    st.one_of(st.none(), st.text(max_size=6)),
    st.sampled_from(["record", "Ü"]),
    st.one_of(st.none(), st.text(max_size=6)),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    _PLAIN_SHARED,
    st.lists(st.tuples(st.text(max_size=6), st.text(max_size=30)), min_size=1, max_size=6),
    st.lists(st.tuples(st.text(max_size=6), st.text(max_size=30)), min_size=1, max_size=6),
)
def test_texts_alike_are_linked_by_column_as_the_chain_links_them(db, shared, first, then):
    """Entries whose entity ids and pictures are texts: hashed as ``chain`` hashes them, after
    a head without a hash and after one with, the head moved alike."""
    user, action, when, details, entity, before = shared

    def plain(own):
        return [(user, action, when, details, entity, key, before, after) for key, after in own]

    def head():
        return database.execute_sql(
            "SELECT last_log_id, last_hash, entry_count FROM audit_chain_head"
        ).fetchone()

    with patch.object(audit, "_reserve_ids", _ids_after_the_head):
        with database.atomic() as transaction:
            database.execute_sql("UPDATE audit_chain_head SET last_hash = NULL")
            expected = [audit.chain(plain(first)), audit.chain(plain(then))]
            expected_head = head()
            transaction.rollback()
        with database.atomic() as transaction:
            database.execute_sql("UPDATE audit_chain_head SET last_hash = NULL")
            found = []
            for own in (first, then):
                keys, afters = [key for key, _ in own], [after for _, after in own]
                with patch.object(hashing, "linked_digest", None):  # not entry by entry
                    ids, previous, digests = audit.link_alike(shared, keys, afters)
                found.append(
                    [
                        (ids[n], user, action, when, details, entity, keys[n], before,
                         afters[n], user, previous[n], digests[n])
                        for n in range(len(own))
                    ]
                )  # fmt: skip
            found_head = head()
            transaction.rollback()
    assert found == expected
    assert found_head == expected_head
    assert expected[0][0][10] is None and expected[1][0][10] == expected[0][-1][11]


@pytest.mark.parametrize("head_hash", [None, "ab" * 32, 7, True])
@pytest.mark.parametrize("after", ["{}", None])
def test_entries_after_any_head_are_linked_as_the_chain_links_them(head_hash, after):
    """A head's hash of another kind than text (or None), an entry's picture that is not a
    text: linked entry by entry, as ``chain`` links them."""
    shared = (1, "create record", dt.datetime(2026, 6, 15, 9, 30), None, "record", None)
    entries = [(str(n), after if n == 2 else f'{{"n": {n}}}') for n in range(1, 4)]
    with (
        patch.object(audit, "_locked_head", lambda: (4, head_hash, 4)),
        patch.object(audit, "_reserve_ids", _ids_after_the_head),
        patch.object(audit, "_move_head", lambda *args: None),
    ):  # no database read
        expected = audit.chain([(*shared[:5], key, shared[5], text) for key, text in entries])
        ids, previous, digests = audit.link_alike(
            shared, [key for key, _ in entries], [text for _, text in entries]
        )
    assert ids == [row[0] for row in expected] == [5, 6, 7]
    assert previous == [row[10] for row in expected]
    assert digests == [row[11] for row in expected]


def test_audit_rows_of_odd_kinds_are_made_ready_value_by_value(db):
    """A bulk write's audit rows go to the database as they are only when every value is of a
    kind its column keeps as it is; a picture of another kind is made ready as peewee would."""
    ctx = ServiceContext(SYSTEM, FixedClock(TODAY))
    with database.atomic() as transaction:
        before = AuditLog.select().count()
        bulk_records._write_audit_texts(ctx, "create", "record", [1, 2], ["{}", ["x"]], TODAY)
        stored = [
            (entry.entity_id, entry.after_json, entry.timestamp)
            for entry in AuditLog.select().order_by(AuditLog.log_id)[before:]
        ]
        transaction.rollback()
    assert stored == [("1", "{}", TODAY), ("2", "['x']", TODAY)]


@given(
    st.lists(
        st.sampled_from(
            [
                Decimal("1.5"),
                Decimal("1.50"),
                Decimal("-0"),
                Decimal("0"),
                Decimal("1E+1"),
                Decimal("10"),
                Decimal("2.345"),
            ]
        ),  # fmt: skip
        min_size=1,
        max_size=8,
    ),
    st.booleans(),
    st.booleans(),
)
def test_decimals_equal_but_written_apart_reach_the_database_apart(amounts, rounding, adapt):
    """Each distinct writing of a decimal made ready once: equal ones (1.5, 1.50) stay apart
    where the field keeps them apart (no rounding)."""
    field = peewee.DecimalField(max_digits=8, decimal_places=2, auto_round=rounding)

    def ready(value):
        value = field.db_value(value)
        adapter = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol)) if adapt else None
        return value if adapter is None else adapter(value)

    (found,) = bulk_sql.db_columns([field], [amounts], adapt)
    assert [repr(value) for value in found] == [repr(ready(value)) for value in amounts]


def test_none_is_adapted_where_an_adapter_for_it_is_registered():
    """sqlite3 adapts None too when someone registered an adapter for it: so are the columns."""
    fields = (CpeRecord.completed_on, CpeRecord.title)
    columns = [[dt.date(2024, 1, 2), None, dt.date(2024, 1, 2)], ["a", None, "b"]]
    key = (type(None), sqlite3.PrepareProtocol)
    sqlite3.register_adapter(type(None), lambda value: "nothing")
    try:
        found = bulk_sql.db_columns(fields, columns, True)
    finally:
        del sqlite3.adapters[key]
    assert [list(column) for column in found] == [
        ["2024-01-02", "nothing", "2024-01-02"],
        ["a", "nothing", "b"],
    ]


@pytest.mark.parametrize(
    "second",
    [
        {"title": "B", "completed_on": dt.date(2024, 1, 3)},  # a column fewer
        {"completed_on": dt.date(2024, 1, 3), "sponsor": None, "title": "B"},  # another order
        {"title": "B", "completed_on": dt.date(2024, 1, 3), "sponsor": "X", "notes": "n"},
    ],
)
def test_records_of_other_columns_in_a_batch_are_pictured_as_each_alone(second):
    row_of = _row_of(dt.datetime(2026, 6, 15, 9, 30))
    first = {"title": "A", "completed_on": dt.date(2024, 1, 2), "sponsor": "ACME"}
    lines = (("Taxes", Decimal("1")),)
    records = [bulk_records.NewRecord(7, values, lines) for values in (first, second, first)]
    expected = [
        audit.picture_json(record_pictures.picture(row_of(record, key)(), record, {}))
        for record, key in zip(records, [1, 2, 3], strict=True)
    ]
    assert record_pictures.record_texts(records, [1, 2, 3], {}, row_of) == expected
