"""Bulk writing of imported records: the same rows and audit entries as one by one, all or none."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from decimal import Decimal
from pathlib import Path

import peewee
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cpe_desktop.db.models import ActivityLog, AuditLog, CpeRecord, RecordCredit, database
from cpe_desktop.services import bulk_records, bulk_sql, records, users
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.errors import PermissionDenied
from cpe_desktop.services.interchange import import_file
from cpe_desktop.services.interchange.csv_format import HEADER, import_records_csv
from cpe_desktop.services.interchange.mapped_import import import_mapped, preview
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import csv_table
from tests.helpers.interchange_documents import table_counts

TEMPLATE = ",".join(HEADER)
# Values the record checks clean up (spaces, case, field names, "1.50"), a record with two
# fields, one without a sponsor, a college course beyond the daily limit, and text with quotes.
TRICKY = "\n".join(
    [
        TEMPLATE,
        "2025-03-02,  Tax update  ,ACME CPE,103456,group live,taxes,1.50,Texas,first",
        "2025-03-02,  Tax update  ,ACME CPE,103456,Group Live,Regulatory Ethics,2,Texas,first",
        "2025-04-10,Nano bites,,,Nano Learning,Accounting,0.4,,",
        '2024-09-01,Degree course,State University,,College Course,Accounting,45,,"Ü, “q”"',
        "2023-01-15,Self study, ACME CPE ,103456,QAS Self Study,Auditing,0.5,, note ",
    ]
)


@pytest.fixture
def people(db, system):
    """An administrator (the first account always is one) and a member, Alice."""
    admin = users.create_user(system, {"name": "Ada", "email": "ada@example.com"}).value
    alice = users.create_user(
        system, {"name": "Alice", "email": "alice@example.com", "role": "member"}
    ).value
    return admin, alice


def _rows(count: int, title: str = "Course") -> str:
    lines = [TEMPLATE]
    for number in range(1, count + 1):
        day = f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}"
        lines.append(f"{day},{title} {number},ACME,,Group Live,Taxes,{number % 5 + 1},,")
        if number % 3 == 0:
            lines.append(f"{day},{title} {number},ACME,,Group Live,Auditing,1.5,,")
    return "\n".join(lines) + "\n"


def _template(ctx, text, user):
    import_records_csv(ctx, text, user)


def _mapped(ctx, text, user):
    table = csv_table(text, "records.csv")
    import_mapped(ctx, table, guess_mapping(table.headers), user)


def _one_by_one(ctx, text, user):
    """What the importers did before: ``create_record`` for each checked record."""
    table = csv_table(text, "records.csv")
    checked = preview(ctx, table, guess_mapping(table.headers), user)
    assert checked.ok, checked.errors
    for record in checked.records:
        records.create_record(ctx, {**record.values, "user_id": user.user_id})


def _last_log_id() -> int:
    return AuditLog.select().order_by(AuditLog.log_id.desc()).first().log_id


def _created(after: int) -> list[AuditLog]:
    query = AuditLog.select().where((AuditLog.log_id > after) & (AuditLog.entity == "record"))
    return list(query.order_by(AuditLog.log_id))


def _without_ids(entry: AuditLog) -> dict:
    picture = json.loads(entry.after_json)
    picture.pop("record_id")
    # The clock is fixed, so the timestamps must match as well.
    return {
        "user": entry.user_id,
        "action": entry.action,
        "timestamp": entry.timestamp,
        "details": entry.details,
        "entity": entry.entity,
        "before_json": entry.before_json,
        "after": picture,
    }


def _as_stored(record_id: int) -> dict:
    """The audit picture of a record as the database now holds it (what create_record logs)."""
    record = CpeRecord.get_by_id(record_id)
    lines = [
        {"field": line["field"], "credits": audit.json_value(line["credits"])}
        for line in records.credits_of(record)
    ]
    return json.loads(json.dumps(audit.snapshot(record, credits=lines), default=str))


@pytest.mark.parametrize("importer", [_template, _mapped], ids=["template", "mapped"])
@pytest.mark.parametrize("acting", ["system", "member"])
def test_bulk_audit_entries_equal_those_of_create_record(system, people, importer, acting):
    _, alice = people
    ctx = system if acting == "system" else ServiceContext(Actor.for_user(alice), system.clock)
    # Records already stored (one since deleted), so new ids do not simply start at 1.
    for day in ("2020-01-01", "2020-01-02"):
        data = {"title": "Old", "completed_on": day, "delivery_method": "Group Live"}
        credits = [{"field": "Taxes", "credits": 1}]
        made = records.create_record(ctx, {**data, "credits": credits, "user_id": alice.user_id})
    records.delete_record(ctx, made.value.record_id)

    mark = _last_log_id()
    importer(ctx, TRICKY, alice)
    bulk = _created(mark)
    records.delete_records(ctx, [int(entry.entity_id) for entry in bulk])
    mark = _last_log_id()
    _one_by_one(ctx, TRICKY, alice)
    single = [entry for entry in _created(mark) if entry.action == "create record"]

    assert len(bulk) == 4
    assert [_without_ids(entry) for entry in bulk] == [_without_ids(entry) for entry in single]
    details = "by system" if acting == "system" else None
    assert {(entry.user_id, entry.details) for entry in bulk} == {(ctx.actor.user_id, details)}


def test_bulk_rows_are_what_their_audit_entries_say(system, people):
    _, alice = people
    records.create_record(
        system,
        {
            "title": "Old",
            "completed_on": "2020-01-01",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": 1}],
            "user_id": alice.user_id,
        },
    )
    mark = _last_log_id()
    _template(system, TRICKY, alice)
    entries = _created(mark)
    assert len(entries) == 4 == CpeRecord.select().count() - 1
    for entry in entries:
        assert json.loads(entry.after_json) == _as_stored(int(entry.entity_id))
    assert RecordCredit.select().count() == 1 + 5


@pytest.mark.parametrize("how", ["file", "mapped"])
def test_a_failure_while_writing_leaves_no_trace(system, people, monkeypatch, tmp_path, how):
    _, alice = people
    monkeypatch.setattr(bulk_sql, "MAX_ROWS_PER_STATEMENT", 4)
    real = bulk_records._insert_credits
    batches = []

    def failing(ids, batch):
        batches.append(len(batch))
        if len(batches) == 2:
            # The first batch is really written by now, inside the transaction.
            assert CpeRecord.select().count() == 4 + 4
            assert RecordCredit.select().count() > 0
            raise RuntimeError("the disk went away")
        real(ids, batch)

    monkeypatch.setattr(bulk_records, "_insert_credits", failing)
    before = table_counts()
    text = _rows(10)
    path = Path(tmp_path) / "records.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk went away"):
        if how == "file":
            import_file(system, path, user_email=alice.email)
        else:
            _mapped(system, text, alice)
    assert batches == [4, 4]
    assert table_counts() == before
    assert ActivityLog.select().count() == before["activity_logs"]


def test_records_written_in_many_batches_keep_their_credits(system, people, monkeypatch, tmp_path):
    _, alice = people
    monkeypatch.setattr(bulk_sql, "MAX_ROWS_PER_STATEMENT", 3)
    path = Path(tmp_path) / "records.csv"
    path.write_text(_rows(10), encoding="utf-8")
    shown: list[tuple[int, str]] = []

    summary = import_file(system, path, user_email=alice.email, progress=lambda *a: shown.append(a))

    assert summary.records_added == 10
    stored = {
        (line.record.title, line.field_of_study, str(line.credits.normalize()))
        for line in RecordCredit.select().join(CpeRecord)
    }
    assert stored == {(f"Course {n}", "Taxes", str(n % 5 + 1)) for n in range(1, 11)} | {
        (f"Course {n}", "Auditing", "1.5") for n in (3, 6, 9)
    }
    percents = [percent for percent, _ in shown]
    assert percents == sorted(percents) and percents[-1] == 100
    assert any(message.startswith("Writing record") for _, message in shown)
    activity = ActivityLog.get()
    assert activity.action == "imported records.csv" and "10 records" in activity.details


def test_only_the_owner_or_an_administrator_may_add_records(system, people):
    admin, alice = people
    bob = users.create_user(
        system, {"name": "Bob", "email": "bob@example.com", "role": "member"}
    ).value
    as_bob = ServiceContext(Actor.for_user(bob), system.clock)
    record = bulk_records.prepare(
        alice.user_id,
        {
            "title": "Tax update",
            "completed_on": system.clock.today(),
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": 1}],
        },
    )
    before = table_counts()
    with pytest.raises(PermissionDenied):
        bulk_records.insert(as_bob, [record])
    assert table_counts() == before
    as_admin = ServiceContext(Actor.for_user(admin), system.clock)
    assert len(bulk_records.insert(as_admin, [record])) == 1


# Where an entry sits in the log: its id and its links in the hash chain.
_PLACE_IN_LOG = frozenset({"log_id", "prev_hash", "entry_hash"})


def test_write_audit_many_matches_audit_write(system, people):
    _, alice = people
    member = ServiceContext(Actor.for_user(alice), system.clock)
    before, after = {"a": 1, "b": None}, {"a": 2, "b": "x"}
    for ctx in (system, member):
        mark = _last_log_id()
        audit.write(ctx, "update", "license", 7, before, after)
        audit.write(ctx, "delete", "license", 8, before, None)
        bulk_records.write_audit_many(ctx, "update", "license", [(7, before, after)])
        bulk_records.write_audit_many(ctx, "delete", "license", [(8, before, None)])
        written = [
            {name: value for name, value in entry.__data__.items() if name not in _PLACE_IN_LOG}
            for entry in AuditLog.select().where(AuditLog.log_id > mark).order_by(AuditLog.log_id)
        ]
        assert written[:2] == written[2:]


@pytest.mark.parametrize("column", ["user", "record_id", "attachment", "created_at"])
def test_prepare_takes_only_what_an_import_may_set(column):
    checked = {
        "title": "Tax update",
        "completed_on": "2025-01-01",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 1}],
        column: 1,
    }
    with pytest.raises(ValueError, match=column):
        bulk_records.prepare(1, checked)


def _mixed_records(admin_id: int, alice_id: int) -> list[bulk_records.NewRecord]:
    """Records as an import of several people may give them: runs with one set of columns in
    one order, others with columns missing or in another order, several owners, credit lines
    of one, two or none, amounts written apart (1.5, 1.50, 0, -0), days and no days."""
    rng = random.Random(18)
    made = []
    for number in range(40):
        checked: dict = {
            "title": f'Course {number} 100% "q"',
            "completed_on": dt.date(2024, 1, 1) + dt.timedelta(days=number % 9),
            "delivery_method": "Group Live",
            "sponsor": "ACME" if number % 3 else None,
            "notes": None,
        }
        if number >= 16:  # after two batches of one kind: columns missing, other orders
            for name in rng.sample(["sponsor", "notes"], rng.randint(0, 2)):
                del checked[name]
            if rng.random() < 0.5:
                checked["started_on"] = dt.date(2023, 12, 30) if number % 2 else None
            if rng.random() < 0.3:
                checked["topics"] = '["Fraud"]'
            checked = dict(rng.sample(list(checked.items()), len(checked)))
        amounts = [Decimal("1.5"), Decimal("1.50"), Decimal("2"), Decimal("0"), Decimal("-0")]
        fields = rng.sample(
            ["Taxes", "Auditing", "Ü"], 0 if number % 11 == 5 else rng.randint(1, 2)
        )
        checked["credits"] = [{"field": f, "credits": rng.choice(amounts)} for f in fields]
        owner = alice_id if number < 30 or number % 2 else admin_id
        made.append(bulk_records.prepare(owner, checked))
    return made


def _written(ids: list[int]) -> list[tuple]:
    """The records with these ids, their credit lines and audit entries as stored, the ids
    given as places in ``ids`` (the chain's links left to the chain's own tests)."""
    place = {record_id: n for n, record_id in enumerate(ids)}
    rows = [
        (place[record.record_id], {k: v for k, v in record.__data__.items() if k != "record_id"})
        for record in CpeRecord.select().where(CpeRecord.record_id.in_(ids))
    ]
    lines = sorted(
        (place[line.record_id], line.field_of_study, str(line.credits))
        for line in RecordCredit.select().where(RecordCredit.record.in_(ids))
    )
    entries = []
    keys = [str(record_id) for record_id in ids]
    query = AuditLog.select().where((AuditLog.entity == "record") & AuditLog.entity_id.in_(keys))
    for entry in query:
        picture = json.loads(entry.after_json)
        picture["record_id"] = place[picture["record_id"]]
        values = {k: v for k, v in entry.__data__.items() if k not in _PLACE_IN_LOG}
        values["entity_id"] = place[int(entry.entity_id)]
        values["after_json"] = picture
        entries.append(values)
    return sorted(rows, key=lambda row: row[0]) + lines + sorted(entries, key=repr)


def test_records_of_any_columns_are_written_as_one_insert_each_writes_them(
    system, people, monkeypatch
):
    """Batches whose records share one set of columns (read column by column) and batches whose
    records do not, several owners, lines or none: stored as peewee's own INSERT per record
    (the way taken when no ids can be reserved) stores them."""
    admin, alice = people
    made = _mixed_records(admin.user_id, alice.user_id)
    monkeypatch.setattr(bulk_sql, "MAX_ROWS_PER_STATEMENT", 8)
    found = []
    for reserving in (True, False):
        with monkeypatch.context() as patched:
            if not reserving:
                patched.setattr(bulk_records, "_reserve_ids", lambda count: None)
            with database.atomic() as transaction:
                found.append(_written(bulk_records.insert(system, made)))
                transaction.rollback()
    assert found[0] == found[1]
    assert len(found[0]) == 40 + 40 + sum(len(record.credits) for record in made)
    assert {row[1]["user"] for row in found[0][:40]} == {admin.user_id, alice.user_id}


def test_records_without_credit_lines_are_written(system, people):
    _, alice = people
    made = [
        bulk_records.prepare(
            alice.user_id,
            {
                "title": f"T{n}",
                "completed_on": dt.date(2024, 1, 2),
                "delivery_method": "Group Live",
                "credits": [],
            },
        )  # fmt: skip
        for n in range(3)
    ]
    ids = bulk_records.insert(system, made)
    assert CpeRecord.select().where(CpeRecord.record_id.in_(ids)).count() == 3
    assert RecordCredit.select().count() == 0


def test_columns_null_in_every_row_store_null(db):
    """A column NULL in every row is left out of the INSERT only where the table then stores
    NULL too (no other default declared); a column NULL in some rows is written."""
    database.execute_sql(
        "CREATE TABLE scratch (id INTEGER PRIMARY KEY, a TEXT, b TEXT DEFAULT 'x', c TEXT, "
        "d TEXT NOT NULL DEFAULT 'y')"
    )

    class Scratch(peewee.Model):
        id = peewee.IntegerField(primary_key=True)
        a = peewee.TextField(null=True)
        b = peewee.TextField(null=True)
        c = peewee.TextField(null=True)
        d = peewee.TextField()

        class Meta:
            database = database
            table_name = "scratch"

    fields = (Scratch.id, Scratch.a, Scratch.b, Scratch.c, Scratch.d)
    columns = [
        [1, 2, 3],
        bulk_sql.Same(None),
        [None, None, None],
        [None, "c", None],
        bulk_sql.Same("d"),
    ]
    bulk_sql.insert_columns(Scratch, fields, columns, 3)
    columns = [[4], [None], bulk_sql.Same(None), bulk_sql.Same("c"), ["e"]]
    bulk_sql.insert_columns(Scratch, fields, columns, 1)
    stored = database.execute_sql("SELECT id, a, b, c, d FROM scratch ORDER BY id").fetchall()
    assert [tuple(row) for row in stored] == [
        (1, None, None, None, "d"),
        (2, None, None, "c", "d"),
        (3, None, None, None, "d"),
        (4, None, None, "c", "e"),
    ]


_LITERAL_VALUES = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(),
    st.text(),
    st.sampled_from(
        [
            "O'Brien",
            "''",
            "a\\\\'b",
            "x\x00y",
            "\ud800",
            "2026-06-15 09:30:00",
            "12",
            " 1.50",
            "-0",
            "1e3",
        ]
    ),  # fmt: skip
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_LITERAL_VALUES)
@example(2**63 - 1)
@example(2**63)
@example(-(2**63))
@example(-(2**63) - 1)
@example("\ud800")
def test_a_value_written_into_the_statement_is_stored_as_bound(db, value):
    """SQLite: one value for every row written as its SQL literal stores what binding it
    stores, in a text, a number and a whole-number column (type and value alike)."""
    if not isinstance(database.obj, peewee.SqliteDatabase):
        pytest.skip("SQLite's statement only")

    class Scratch(peewee.Model):
        id = peewee.IntegerField(primary_key=True)
        text = peewee.TextField(null=True)
        when = peewee.DateTimeField(null=True)
        number = peewee.IntegerField(null=True)

        class Meta:
            database = database
            table_name = "scratch_literals"

    database.execute_sql(
        "CREATE TABLE IF NOT EXISTS scratch_literals (id INTEGER PRIMARY KEY, text TEXT, "
        "when DATETIME, number INTEGER)".replace("when", '"when"')
    )
    fields = (Scratch.id, Scratch.text, Scratch.when, Scratch.number)
    read = 'SELECT typeof(text), text, typeof("when"), "when", typeof(number), number FROM '
    with database.atomic() as transaction:
        try:
            database.execute_sql(
                'INSERT INTO scratch_literals (id, text, "when", number) VALUES (?, ?, ?, ?)',
                (1, value, value, value),
            )
            expected = database.execute_sql(read + "scratch_literals").fetchall()
        except (peewee.DatabaseError, OverflowError, UnicodeEncodeError, ValueError) as error:
            expected = type(error).__name__
        transaction.rollback()
    with database.atomic() as transaction:
        same = bulk_sql.Same(value)
        try:
            bulk_sql.insert_columns(Scratch, fields, [[1, 2], same, same, same], 2)
            found = database.execute_sql(read + "scratch_literals").fetchall()
        except (peewee.DatabaseError, OverflowError, UnicodeEncodeError, ValueError) as error:
            found = type(error).__name__
        transaction.rollback()
    if isinstance(expected, str):
        assert found == expected
    else:
        assert [tuple(row) for row in found] == [tuple(row) for row in expected] * 2


def test_a_value_of_a_type_with_an_adapter_is_bound(db):
    """Someone registered a ``sqlite3`` adapter for None: binding would adapt it, so it is bound
    (not written as NULL)."""
    if not isinstance(database.obj, peewee.SqliteDatabase):
        pytest.skip("SQLite's statement only")
    database.execute_sql("CREATE TABLE scratch_adapted (id INTEGER PRIMARY KEY, note TEXT)")

    class Scratch(peewee.Model):
        id = peewee.IntegerField(primary_key=True)
        note = peewee.TextField(null=True)

        class Meta:
            database = database
            table_name = "scratch_adapted"

    key = (type(None), sqlite3.PrepareProtocol)
    sqlite3.register_adapter(type(None), lambda value: "nothing")
    try:
        columns = [[1], bulk_sql.Same(None)]
        bulk_sql.insert_columns(Scratch, (Scratch.id, Scratch.note), columns, 1)
    finally:
        del sqlite3.adapters[key]
    stored = database.execute_sql("SELECT note FROM scratch_adapted").fetchall()
    assert [tuple(row) for row in stored] == [("nothing",)]
