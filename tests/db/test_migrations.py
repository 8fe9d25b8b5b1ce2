"""Schema versions: a fresh database is created at the latest version, an older one is migrated
(with a copy made first), and one from a newer program is refused untouched."""

from __future__ import annotations

import datetime as dt
import json

import peewee
import pytest
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.errors import SchemaTooNewError
from cpe_desktop.db.migrations import (
    STEPS,
    Step,
    current_version,
    latest_version,
    m0001_initial,
    migrate,
)
from cpe_desktop.db.models import EVERY_MODEL, AuditLog, Reminder, SchemaVersion, User
from cpe_desktop.services import reminders
from cpe_desktop.services.context import SYSTEM, ServiceContext
from tests.helpers.postgres import drop_postgres_schema, postgres_schema_database


def _add_nickname_column(db: peewee.Database) -> None:
    """A test-only schema 2: a new nullable column on users, filled from existing rows."""
    migrator = SchemaMigrator.from_database(db)
    run_operations(migrator.add_column("users", "nickname", peewee.CharField(null=True)))
    db.execute_sql("UPDATE users SET nickname = name")


def _failing_step(db: peewee.Database) -> None:
    db.execute_sql("UPDATE users SET name = 'half-done'")
    raise RuntimeError("step failed midway")


def test_fresh_database_is_created_at_latest_version(empty_db):
    assert current_version(empty_db) == 0
    result = migrate(empty_db)
    assert (result.from_version, result.to_version) == (0, latest_version())
    assert current_version(empty_db) == latest_version()
    for table in ("users", "cpe_records", "notifications", "task_queue", "custom_field_values"):
        assert empty_db.table_exists(table), table


def test_migrating_again_changes_nothing(db):
    before = SchemaVersion.select().count()
    result = migrate(db)
    assert result.from_version == result.to_version == latest_version()
    assert result.backup is None
    assert SchemaVersion.select().count() == before


def _add_user(name: str) -> None:
    """A person, with the columns every schema has (written as an older program would: peewee
    would add the newest columns' defaults)."""
    now = dt.datetime(2026, 1, 1)
    db = User._meta.database
    db.execute_sql(
        "INSERT INTO users (name, email, role, active, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)".replace("?", db.param),
        (name, f"{name.lower()}@example.com", "member", True, now, now),
    )


def test_older_database_is_migrated_and_backed_up_first(tmp_path):
    path = tmp_path / "old.db"
    db = bind(make_database(str(path)))
    db.connect()
    migrate(db, STEPS)  # the database as the current program leaves it
    _add_user("Ann")
    nxt = latest_version() + 1
    steps = (*STEPS, Step(nxt, "add users.nickname", _add_nickname_column))

    result = migrate(db, steps)

    assert (result.from_version, result.to_version) == (nxt - 1, nxt)
    assert current_version(db) == nxt
    assert db.execute_sql("SELECT nickname FROM users").fetchall() == [("Ann",)]
    assert result.backup is not None and result.backup.exists()
    copy = peewee.SqliteDatabase(str(result.backup))
    copy.connect()
    assert copy.execute_sql("SELECT name FROM users").fetchall() == [("Ann",)]
    assert "nickname" not in [c.name for c in copy.get_columns("users")]
    copy.close()
    db.close()


def test_failed_step_rolls_back_and_keeps_version(db):
    _add_user("Ann")
    steps = (*STEPS, Step(latest_version() + 1, "breaks", _failing_step))
    with pytest.raises(RuntimeError):
        migrate(db, steps)
    assert current_version(db) == latest_version()
    assert [u.name for u in User.select(User.name)] == ["Ann"]


def test_database_from_newer_program_is_refused_untouched(db):
    SchemaVersion.create(
        version=latest_version() + 5, applied_at=dt.datetime(2030, 1, 1), program_version="9.0"
    )
    _add_user("Ann")
    with pytest.raises(SchemaTooNewError, match="newer version of CPE Tracker"):
        migrate(db)
    assert current_version(db) == latest_version() + 5
    assert User.select().count() == 1


def test_steps_must_be_in_order(db):
    with pytest.raises(ValueError, match="numbered"):
        migrate(db, (Step(2, "x", _add_nickname_column),))


def test_schema_1_database_gains_app_meta(tmp_path):
    """The real step 2, on a database a schema-1 program wrote."""
    db = bind(make_database(str(tmp_path / "v1.db")))
    db.connect()
    migrate(db, STEPS[:1])
    _add_user("Ann")
    assert not db.table_exists("app_meta")
    result = migrate(db, STEPS[:2])
    assert (result.from_version, result.to_version) == (1, 2)
    assert db.table_exists("app_meta") and result.backup is not None
    assert [u.name for u in User.select(User.name)] == ["Ann"]
    db.close()


def test_fresh_database_has_every_column_of_the_models(empty_db):
    """Passing through every step gives the tables the models describe, reminders.anchor_day too."""
    migrate(empty_db)
    assert current_version(empty_db) >= 3
    for model in EVERY_MODEL:
        table = model._meta.table_name
        found = {c.name: c.null for c in empty_db.get_columns(table)}
        wanted = {f.column_name: f.null for f in model._meta.sorted_fields}
        assert found == wanted, table
    assert [c.name for c in empty_db.get_columns("reminders")][-2:] == ["anchor_day", "row_version"]


def test_fresh_database_declares_each_column_as_its_model_does(empty_db, tmp_path):
    """Each column's type as declared (its length and places too: ``VARCHAR(200)``,
    ``DECIMAL(10, 2)``) is the one the model's own ``CREATE TABLE`` gives, on the same engine:
    a step's small model that makes a text column shorter or a decimal a whole number is
    caught here, not by the first value that does not fit."""
    migrate(empty_db)
    if isinstance(empty_db, peewee.SqliteDatabase):
        reference, schema = make_database(str(tmp_path / "models.db")), None
    else:
        reference, schema = postgres_schema_database()
    try:
        with reference.bind_ctx(EVERY_MODEL):
            reference.create_tables(EVERY_MODEL)
            for model in EVERY_MODEL:
                table = model._meta.table_name
                wanted = {c.name: c.data_type for c in reference.get_columns(table)}
                found = {c.name: c.data_type for c in empty_db.get_columns(table)}
                assert found == wanted, table
    finally:
        reference.close()
        if schema is not None:
            drop_postgres_schema(schema)


def test_schema_1_copy_of_reminders_is_the_model_without_anchor_day():
    def columns(model):
        return [(f.column_name, type(f).__name__, f.null) for f in model._meta.sorted_fields]

    current = [c for c in columns(Reminder) if c[0] not in ("anchor_day", "row_version")]
    assert columns(m0001_initial.ReminderV1) == current
    assert m0001_initial.ReminderV1._meta.table_name == Reminder._meta.table_name
    assert not hasattr(User, "reminderv1_set")  # the copy adds nothing to the live models


D = dt.datetime


def _old_reminder(user, moment, frequency="monthly", **extra):
    return m0001_initial.ReminderV1.create(
        user=user,
        message=f"{frequency} from {moment:%d %B}",
        frequency=frequency,
        next_reminder=moment,
        created_at=D(2026, 1, 1),
        **extra,
    ).reminder_id


def _audit_after(reminder_id, **picture):
    """An audit entry as the schema 2 program wrote when it fired or edited a reminder."""
    AuditLog.create(
        action="update reminder",
        timestamp=D(2026, 1, 1),
        entity="reminder",
        entity_id=str(reminder_id),
        after_json=json.dumps(picture),
    )


def test_schema_2_reminders_gain_their_anchor_day(empty_db):
    """The real step 3 on a database a schema-2 program wrote, on every backend."""
    migrate(empty_db, STEPS[:2])
    _add_user("Ann")
    ann = User.select(User.user_id).where(User.name == "Ann").get()
    mid_month = _old_reminder(ann, D(2026, 7, 15, 9))
    yearly = _old_reminder(ann, D(2027, 3, 31, 9), "yearly")
    weekly = _old_reminder(ann, D(2026, 7, 31, 9), "weekly")
    every = _old_reminder(ann, D(2026, 7, 31, 9), "every_n_days", interval_days=10)
    clamped_no_history = _old_reminder(ann, D(2027, 2, 28, 9))
    # Moved by firing to 28 February; the schema 2 program had kept the 31st in its audit entry,
    # and an edit of the message since did not change the date.
    clamped = _old_reminder(ann, D(2027, 2, 28, 9, 30))
    _audit_after(clamped, next_reminder="2027-02-28T09:30:00", anchor_day=31)
    _audit_after(clamped, next_reminder="2027-02-28T09:30:00", message="edited")
    leap = _old_reminder(ann, D(2029, 2, 28, 9), "yearly")
    _audit_after(leap, next_reminder="2029-02-28T09:00:00", anchor_day=29)
    # The date was set by hand after the last firing: its own day is the anchor.
    hand_set = _old_reminder(ann, D(2026, 9, 30, 9))
    _audit_after(hand_set, next_reminder="2026-08-31T09:00:00", anchor_day=31)
    _audit_after(hand_set, next_reminder="2026-09-30T09:00:00")
    assert "anchor_day" not in [c.name for c in empty_db.get_columns("reminders")]

    result = migrate(empty_db)

    assert (result.from_version, result.to_version) == (2, latest_version())
    anchors = dict(Reminder.select(Reminder.reminder_id, Reminder.anchor_day).tuples())
    assert anchors == {
        mid_month: 15,
        yearly: 31,
        weekly: None,
        every: None,
        clamped_no_history: 28,
        clamped: 31,
        leap: 29,
        hand_set: 30,
    }
    stored = Reminder.get_by_id(every)
    assert (stored.message, stored.interval_days, stored.next_reminder) == (
        "every_n_days from 31 July",
        10,
        D(2026, 7, 31, 9),
    )
    # and the series carries on from the day it kept
    ctx = ServiceContext(actor=SYSTEM, clock=FixedClock(D(2027, 2, 28, 12)))
    reminders.fire_reminder(ctx, clamped, D(2027, 2, 28, 12))
    assert Reminder.get_by_id(clamped).next_reminder == D(2027, 3, 31, 9, 30)


# --- schema 4: where tracking starts for licenses a schema 3 program stored ---------------------

TODAY = dt.date(2026, 6, 15)
_SCHEMA_3_COLUMNS = {
    "licenses": (
        "license_id, user_id, credential_id, jurisdiction, license_number, issued_on, "
        "expires_on, period_end_override, status, created_at, updated_at"
    ),
    "cpe_records": (
        "record_id, user_id, title, sponsor, sponsor_id, completed_on, delivery_method, "
        "ethics_jurisdiction, attachment_id, notes, created_at, updated_at"
    ),
    "state_requirements": (
        "state_id, state_name, credential_id, total_credits_required, reporting_period_years, "
        "period_basis, cycle_anchor_year, effective_from"
    ),
    "users": "user_id, name, email, birth_date",
}


def _schema_3_rows(db: peewee.Database) -> dict[str, list[tuple]]:
    return {
        table: db.execute_sql(f"SELECT {columns} FROM {table} ORDER BY 1").fetchall()
        for table, columns in _SCHEMA_3_COLUMNS.items()
    }


def _stub_tracking_until_it_lands(monkeypatch):
    """TEMPORARY: rules.tracking is being written; until then, its documented behaviour for
    non-rolling rules (the start of the period containing the earliest record, else as_of)."""
    import importlib.util
    import sys
    import types

    if importlib.util.find_spec("cpe_desktop.rules.tracking") is not None:
        return
    from cpe_desktop.rules.periods import current_period

    def default_tracked_from(rule, license, as_of, earliest_record):
        day = earliest_record or as_of
        return current_period(rule, license, license.birth_date, day).start

    stub = types.ModuleType("cpe_desktop.rules.tracking")
    stub.default_tracked_from = default_tracked_from
    monkeypatch.setitem(sys.modules, "cpe_desktop.rules.tracking", stub)


def test_schema_3_licenses_gain_where_tracking_starts(empty_db, monkeypatch):
    """The real step 4 on a database a schema 3 program wrote (ARCHITECTURE.md §4): a license is
    tracked from the start of the period containing its holder's earliest record, or the current
    period's start when there is none; without a rule, from that record's date or today. Nothing a
    schema 3 program stored changes."""
    from cpe_desktop.db.migrations import m0004_tracking_and_cycles as m0004
    from cpe_desktop.db.models import License

    monkeypatch.setattr(m0004, "today", lambda: TODAY)
    _stub_tracking_until_it_lands(monkeypatch)
    migrate(empty_db, STEPS[:3])
    now = dt.datetime(2026, 1, 1)
    _add_user("Ann")
    _add_user("Bob")
    ann, bob = (User.select(User.user_id).where(User.name == n).get() for n in ("Ann", "Bob"))
    cpa = m0001_initial.CredentialV1.create(code="CPA", name="CPA", created_at=now, updated_at=now)
    rule = m0001_initial.StateRequirementV1
    # Atlantis: one calendar year. A later row (5-year cycles) is not yet in force.
    rule.create(
        state_name="Atlantis",
        credential=cpa,
        total_credits_required=40,
        reporting_period_years=1,
        period_basis="calendar",
        created_at=now,
        updated_at=now,
    )
    rule.create(
        state_name="Atlantis",
        credential=cpa,
        total_credits_required=200,
        reporting_period_years=5,
        period_basis="calendar",
        effective_from=dt.date(2030, 1, 1),
        created_at=now,
        updated_at=now,
    )
    # Lemuria: three calendar years in cycles aligned to the issue year (2010: 2010-2012, ...,
    # 2022-2024, 2025-2027).
    rule.create(
        state_name="Lemuria",
        credential=cpa,
        total_credits_required=120,
        reporting_period_years=3,
        period_basis="calendar",
        created_at=now,
        updated_at=now,
    )
    # Mu: a fixed biennium that starts in even years (cycle_anchor_year 2000).
    rule.create(
        state_name="Mu",
        credential=cpa,
        total_credits_required=80,
        reporting_period_years=2,
        period_basis="calendar",
        cycle_anchor_year=2000,
        created_at=now,
        updated_at=now,
    )

    def license_(user, jurisdiction, issued):
        return m0001_initial.LicenseV1.create(
            user=user,
            credential=cpa,
            jurisdiction=jurisdiction,
            license_number="N-1",
            issued_on=issued,
            created_at=now,
            updated_at=now,
        ).license_id

    ann_atlantis = license_(ann, "Atlantis", dt.date(2001, 1, 1))
    ann_lemuria = license_(ann, "Lemuria", dt.date(2010, 5, 1))
    ann_mu = license_(ann, "Mu", dt.date(1999, 3, 1))
    ann_nowhere = license_(ann, "Nowhere", dt.date(2001, 1, 1))
    bob_atlantis = license_(bob, "Atlantis", dt.date(2001, 1, 1))
    bob_mu = license_(bob, "Mu", dt.date(1999, 3, 1))
    bob_nowhere = license_(bob, "Nowhere", None)
    for day in (dt.date(2025, 2, 1), dt.date(2023, 3, 10), dt.date(2026, 5, 5)):
        m0001_initial.CpeRecordV1.create(
            user=ann,
            title=f"Course of {day}",
            completed_on=day,
            delivery_method="Group Live",
            created_at=now,
            updated_at=now,
        )
    before = _schema_3_rows(empty_db)

    result = migrate(empty_db)

    assert (result.from_version, result.to_version) == (3, latest_version())
    tracked = dict(License.select(License.license_id, License.tracked_from).tuples())
    assert tracked == {
        ann_atlantis: dt.date(2023, 1, 1),  # the year of Ann's first record, 10 March 2023
        ann_lemuria: dt.date(2022, 1, 1),  # the 2022-2024 cycle contains it
        ann_mu: dt.date(2022, 1, 1),  # the 2022-2023 biennium contains it
        ann_nowhere: dt.date(2023, 3, 10),  # no rule: the record's own date
        bob_atlantis: dt.date(2026, 1, 1),  # no records: the current period's start
        bob_mu: dt.date(2026, 1, 1),  # the current biennium, 2026-2027
        bob_nowhere: TODAY,  # no rule, no records: today
    }
    assert _schema_3_rows(empty_db) == before
    opening = License.select().where(
        License.opening_hours.is_null(False)
        | License.opening_ethics_hours.is_null(False)
        | License.home_jurisdiction.is_null(False)
    )
    assert not opening.exists()


# --- schema 5: requirement components, license attributes, record topics -----------------------

_SCHEMA_5_TABLES = ("users", "credentials", "licenses", "cpe_records", "record_credits")


def _execute(db: peewee.Database, sql: str, params: tuple) -> None:
    """``sql`` with ``?`` placeholders, on either engine."""
    db.execute_sql(sql.replace("?", db.param), params)


def _rows(db: peewee.Database, table: str, columns: list[str]) -> list[tuple]:
    listed = ", ".join(columns)
    return db.execute_sql(f"SELECT {listed} FROM {table} ORDER BY 1").fetchall()


def test_schema_4_database_gains_components_attributes_and_topics(empty_db):
    """The real step 5 on a database a schema 4 program wrote: the components table exists and
    is empty, every license's attributes and every record's topics are NULL (no components, no
    attributes, no topics: the rules judge as before), and nothing stored changes."""
    from cpe_desktop.db.models import RequirementComponent

    migrate(empty_db, STEPS[:4])
    assert current_version(empty_db) == 4
    assert not empty_db.table_exists("requirement_components")
    now = dt.datetime(2026, 1, 1)
    _add_user("Ann")
    ann = User.select(User.user_id).where(User.name == "Ann").get()
    _execute(
        empty_db,
        "INSERT INTO credentials (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        ("CPA", "Certified Public Accountant", now, now),
    )
    cpa = empty_db.execute_sql("SELECT credential_id FROM credentials").fetchone()[0]
    m0001_initial.StateRequirementV1.create(
        state_name="Georgia",
        credential=cpa,
        total_credits_required=80,
        reporting_period_years=2,
        ethics_credits_required=4,
        ethics_state_specific=True,
        period_basis="calendar",
        cycle_anchor_year=2000,
        created_at=now,
        updated_at=now,
    )
    license_id = m0001_initial.LicenseV1.create(
        user=ann,
        credential=cpa,
        jurisdiction="Georgia",
        license_number="CPA-1",
        issued_on=dt.date(2010, 5, 1),
        created_at=now,
        updated_at=now,
    ).license_id
    # Schema 4's own columns hold values too (they must come through unchanged).
    _execute(
        empty_db,
        "UPDATE licenses SET tracked_from = ?, opening_hours = ?, home_jurisdiction = ?",
        (dt.date(2026, 1, 1), 6.5, "Florida"),
    )
    _execute(
        empty_db,
        "UPDATE state_requirements SET cycle_anchor = ?, reciprocity = ?",
        ("fixed", "home_state_plus_ethics"),
    )
    record_id = m0001_initial.CpeRecordV1.create(
        user=ann,
        title="Georgia ethics",
        completed_on=dt.date(2026, 3, 2),
        delivery_method="Group Live",
        ethics_jurisdiction="Georgia",
        created_at=now,
        updated_at=now,
    ).record_id
    _execute(
        empty_db,
        "INSERT INTO record_credits (record_id, field_of_study, credits) VALUES (?, ?, ?)",
        (record_id, "Regulatory Ethics", 4),
    )
    tables = (*_SCHEMA_5_TABLES, "state_requirements")
    columns = {table: [c.name for c in empty_db.get_columns(table)] for table in tables}
    before = {table: _rows(empty_db, table, columns[table]) for table in tables}

    result = migrate(empty_db, STEPS[:5])

    assert (result.from_version, result.to_version) == (4, 5)
    assert current_version(empty_db) == 5
    assert empty_db.table_exists("requirement_components")
    assert RequirementComponent.select().count() == 0
    assert {table: _rows(empty_db, table, columns[table]) for table in tables} == before
    added = {
        table: [c.name for c in empty_db.get_columns(table) if c.name not in columns[table]]
        for table in tables
    }
    assert added == {
        "users": [],
        "credentials": [],
        "licenses": ["attributes"],
        "cpe_records": ["topics"],
        "record_credits": [],
        "state_requirements": [],
    }
    assert _rows(empty_db, "licenses", ["license_id", "attributes"]) == [(license_id, None)]
    assert _rows(empty_db, "cpe_records", ["record_id", "topics"]) == [(record_id, None)]
    # The new table takes components of the old rows, and removing a rule removes them.
    from cpe_desktop.db.models import StateRequirement

    rule = StateRequirement.select(StateRequirement.state_id).get()  # no later columns
    RequirementComponent.create(
        requirement=rule,
        position=0,
        kind="ethics_state_specific",
        hours=1,
        created_at=now,
        updated_at=now,
    )
    assert [c.kind for c in rule.components] == ["ethics_state_specific"]
