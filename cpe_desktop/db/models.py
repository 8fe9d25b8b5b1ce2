"""Peewee models for every table.

The ten tables of the product's seed document keep their exact table and column names; columns we
added are marked "added". The core tables (users, credentials, licenses, cpe_records,
record_credits, attachments, custom_field_values) follow ARCHITECTURE.md §2. Timestamps are naive
UTC.

Peewee adds some attributes when a model class is built, so a type checker cannot see them: each
foreign key's id (``license.user_id``, named after its column; reading it loads nothing) and each
backref (``user.licenses``, a query). Every model declares those it has in an ``if TYPE_CHECKING:``
block, which is never run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from cpe_desktop.db.plain_tables import TABLES as PLAIN_TABLES

if TYPE_CHECKING:
    from peewee import ModelSelect

database = DatabaseProxy()


def _hours_field(**kwargs) -> DecimalField:
    return DecimalField(max_digits=8, decimal_places=2, auto_round=True, **kwargs)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


# --- core tables -------------------------------------------------------------------------------


class User(BaseModel):
    user_id = AutoField()
    name = CharField(max_length=200)
    email = CharField(max_length=254, unique=True)
    role = CharField(max_length=20, default="member")  # admin | member
    password_hash = CharField(max_length=255, null=True)
    birth_date = DateField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    row_version = IntegerField(default=1)  # schema 8: bumped by every update

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        licenses: ModelSelect[License]
        records: ModelSelect[CpeRecord]
        desks: ModelSelect[DeskSession]

    class Meta:
        table_name = "users"


class Credential(BaseModel):
    credential_id = AutoField()
    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=200)
    issuing_body = CharField(max_length=200, null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    row_version = IntegerField(default=1)  # schema 8: bumped by every update

    class Meta:
        table_name = "credentials"


class License(BaseModel):
    license_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", backref="licenses", on_delete="CASCADE")
    credential = ForeignKeyField(Credential, column_name="credential_id", on_delete="RESTRICT")
    jurisdiction = CharField(max_length=100)
    license_number = CharField(max_length=100, null=True)
    issued_on = DateField(null=True)
    expires_on = DateField(null=True)
    period_end_override = DateField(null=True)
    status = CharField(max_length=30, default="active")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    # added in schema 4 (ARCHITECTURE.md §4): where tracking starts, what was earned before it, and
    # the holder's principal place of business for reciprocity
    tracked_from = DateField(null=True)
    opening_hours = _hours_field(null=True)
    opening_ethics_hours = _hours_field(null=True)
    home_jurisdiction = CharField(max_length=100, null=True)
    # added in schema 5 (ARCHITECTURE.md §4): what the holder ticked for applies_if (JSON list of
    # names)
    attributes = TextField(null=True)
    row_version = IntegerField(default=1)  # schema 8: bumped by every update

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int
        credential_id: int

    class Meta:
        table_name = "licenses"
        indexes = ((("user", "credential", "jurisdiction"), False),)


class Attachment(BaseModel):
    attachment_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE")
    original_name = CharField(max_length=255)
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField()
    media_type = CharField(max_length=100)
    created_at = DateTimeField()

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int

    class Meta:
        table_name = "attachments"


class CpeRecord(BaseModel):
    record_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", backref="records", on_delete="CASCADE")
    title = CharField(max_length=300)
    sponsor = CharField(max_length=200, null=True)
    sponsor_id = CharField(max_length=50, null=True)
    completed_on = DateField()
    delivery_method = CharField(max_length=50)
    ethics_jurisdiction = CharField(max_length=100, null=True)
    attachment = ForeignKeyField(
        Attachment, column_name="attachment_id", null=True, on_delete="SET NULL"
    )
    notes = TextField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    started_on = DateField(null=True)  # added in schema 4: the first day of a multi-day program
    topics = TextField(null=True)  # added in schema 5: course topics (JSON list of names)
    row_version = IntegerField(default=1)  # schema 8: bumped by every update

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int
        attachment_id: int | None
        credits: ModelSelect[RecordCredit]

    class Meta:
        table_name = "cpe_records"
        # updated_at (schema 11): the records' version a compliance evaluation checks first
        # (services/compliance.py) finds the newest edit without reading every record.
        indexes = ((("user", "completed_on"), False), (("updated_at",), False))


class RecordCredit(BaseModel):
    record_credit_id = AutoField()  # added: a surrogate key
    record = ForeignKeyField(
        CpeRecord, column_name="record_id", backref="credits", on_delete="CASCADE"
    )
    field_of_study = CharField(max_length=100)
    credits = _hours_field()

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        record_id: int

    class Meta:
        table_name = "record_credits"
        indexes = ((("record", "field_of_study"), True),)


class CustomField(BaseModel):
    custom_field_id = AutoField()
    entity = CharField(max_length=50)  # user | credential | license | record
    field_name = CharField(max_length=100)
    field_type = CharField(max_length=50)  # text | integer | decimal | date | boolean | choice
    created_at = DateTimeField()
    options = TextField(null=True)  # added: JSON list of choices for "choice" fields
    required = BooleanField(default=False)  # added
    updated_at = DateTimeField(null=True)  # added
    row_version = IntegerField(default=1)  # schema 8: bumped by every update

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        values: ModelSelect[CustomFieldValue]

    class Meta:
        table_name = "custom_fields"
        indexes = ((("entity", "field_name"), True),)


class CustomFieldValue(BaseModel):
    custom_field = ForeignKeyField(
        CustomField, column_name="custom_field_id", backref="values", on_delete="CASCADE"
    )
    entity_id = IntegerField()
    value = TextField(null=True)

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        custom_field_id: int

    class Meta:
        table_name = "custom_field_values"
        primary_key = CompositeKey("custom_field", "entity_id")


# --- tables from the seed document ---------------------------------------------------------------


class StateRequirement(BaseModel):
    state_id = AutoField()
    state_name = CharField(max_length=100)
    credential = ForeignKeyField(Credential, column_name="credential_id", on_delete="CASCADE")
    total_credits_required = IntegerField(null=True)
    ethics_credits_required = IntegerField(null=True)
    reporting_period_years = IntegerField()
    created_at = DateTimeField()
    updated_at = DateTimeField()
    # added (ARCHITECTURE.md §2)
    annual_min_hours = _hours_field(null=True)
    ethics_period_years = IntegerField(null=True)
    ethics_state_specific = BooleanField(null=True)
    period_basis = CharField(max_length=20, null=True)
    period_start_month = IntegerField(null=True)
    cycle_anchor_year = IntegerField(null=True)
    max_self_study_hours = _hours_field(null=True)
    max_self_study_pct = _hours_field(null=True)
    max_nano_hours = _hours_field(null=True)
    max_nano_pct = _hours_field(null=True)
    max_non_technical_hours = _hours_field(null=True)
    max_non_technical_pct = _hours_field(null=True)
    technical_min_hours = _hours_field(null=True)
    carryover_max_hours = _hours_field(null=True)
    effective_from = DateField(null=True)
    source = TextField(null=True)
    verified_on = DateField(null=True)
    notes = TextField(null=True)
    # added: where the row came from and whether a person changed it since
    origin = CharField(max_length=20, default="user")  # shipped | user | import
    seed_key = CharField(max_length=200, null=True, unique=True)
    user_edited = BooleanField(default=False)
    confidence = CharField(max_length=20, null=True)
    # added in schema 4 (ARCHITECTURE.md §4): which years a cycle ends in, what a new
    # licensee owes, how carryover flows and whether the home state's compliance counts
    cycle_anchor = CharField(max_length=30, null=True)
    cycle_parity_offset = IntegerField(null=True)
    first_period = CharField(max_length=30, null=True)
    first_period_hours_per_unit = _hours_field(null=True)
    first_period_unit_months = IntegerField(null=True)
    first_period_counts_issue_month = BooleanField(null=True)
    first_period_ethics = _hours_field(null=True)
    first_period_table = TextField(null=True)  # JSON list of hours (ramp or table)
    carryover_scope = CharField(max_length=20, null=True)
    reciprocity = CharField(max_length=30, null=True)
    row_version = IntegerField(default=1)  # schema 8: bumped by every update

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        credential_id: int
        components: ModelSelect[RequirementComponent]

    class Meta:
        table_name = "state_requirements"
        indexes = ((("credential", "state_name", "effective_from"), False),)


class RequirementComponent(BaseModel):
    """Added in schema 5 (ARCHITECTURE.md §4): one component of a requirement rule, in its order."""

    component_id = AutoField()
    requirement = ForeignKeyField(
        StateRequirement, column_name="state_id", backref="components", on_delete="CASCADE"
    )
    position = IntegerField(default=0)
    kind = CharField(max_length=30)
    hours = _hours_field(null=True)
    pct = _hours_field(null=True)
    fields = TextField(null=True)  # JSON list of field names or groups
    delivery = TextField(null=True)  # JSON list of delivery methods or groups
    scope = CharField(max_length=10, null=True)
    cycle_years = IntegerField(null=True)
    topic = CharField(max_length=200, null=True)
    factor = DecimalField(max_digits=6, decimal_places=3, auto_round=True, null=True)
    applies_if = CharField(max_length=50, null=True)
    alternative = CharField(max_length=100, null=True)
    label = CharField(max_length=300, null=True)
    source = TextField(null=True)
    notes = TextField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        state_id: int

    class Meta:
        table_name = "requirement_components"
        indexes = ((("requirement", "position"), False),)


class Notification(BaseModel):
    notification_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE")
    message = TextField()
    status = CharField(max_length=50, default="pending")
    created_at = DateTimeField()
    sent_at = DateTimeField(null=True)
    # added
    kind = CharField(max_length=50, default="reminder")
    read_at = DateTimeField(null=True)
    license = ForeignKeyField(License, column_name="license_id", null=True, on_delete="SET NULL")
    record = ForeignKeyField(CpeRecord, column_name="record_id", null=True, on_delete="SET NULL")
    dedupe_key = CharField(max_length=200, null=True, unique=True)

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int
        license_id: int | None
        record_id: int | None

    class Meta:
        table_name = "notifications"
        indexes = ((("user", "status"), False),)


class AuditLog(BaseModel):
    log_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", null=True, on_delete="SET NULL")
    action = TextField()
    timestamp = DateTimeField(index=True)
    details = TextField(null=True)
    # added: what changed, before and after, as JSON
    entity = CharField(max_length=50, null=True)
    entity_id = CharField(max_length=100, null=True)
    before_json = TextField(null=True)
    after_json = TextField(null=True)
    # added in schema 6 (services/audit/chain.py): the hash chain. ``actor_id`` is the user id as
    # written (``user_id`` becomes NULL when the person is deleted; the hash covers this copy),
    # ``prev_hash`` the previous entry's ``entry_hash``, ``entry_hash`` SHA-256 of this entry.
    actor_id = IntegerField(null=True)
    prev_hash = CharField(max_length=64, null=True)
    entry_hash = CharField(max_length=64, null=True)

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int | None

    class Meta:
        table_name = "audit_logs"
        indexes = ((("entity", "entity_id"), False),)


class Preference(BaseModel):
    preference_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE")
    setting_name = CharField(max_length=100)
    setting_value = TextField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int

    class Meta:
        table_name = "preferences"
        indexes = ((("user", "setting_name"), True),)


class Report(BaseModel):
    report_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE")
    report_type = CharField(max_length=50)
    created_at = DateTimeField()
    data = TextField(null=True)
    title = CharField(max_length=300, null=True)  # added
    as_of = DateField(null=True)  # added

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int

    class Meta:
        table_name = "reports"


class Reminder(BaseModel):
    reminder_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE")
    message = TextField()
    frequency = CharField(max_length=50)  # once | daily | weekly | monthly | yearly | every_n_days
    next_reminder = DateTimeField(index=True)  # local wall-clock time: 9:00 stays 9:00
    created_at = DateTimeField()
    interval_days = IntegerField(null=True)  # added: for every_n_days
    active = BooleanField(default=True)  # added
    updated_at = DateTimeField(null=True)  # added
    license = ForeignKeyField(  # added
        License, column_name="license_id", null=True, on_delete="SET NULL"
    )
    # The day of the month a monthly/yearly series keeps (31 for one set on 31 January, while
    # next_reminder sits on 28 February); None for the other frequencies.
    anchor_day = SmallIntegerField(null=True)  # added (schema 3)
    row_version = IntegerField(default=1)  # schema 8: bumped by every update

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int
        license_id: int | None

    class Meta:
        table_name = "reminders"


class Email(BaseModel):
    email_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE")
    subject = CharField(max_length=255)
    body = TextField()
    status = CharField(max_length=50, default="pending", index=True)
    sent_at = DateTimeField(null=True)
    # added
    recipient = CharField(max_length=254, null=True)
    error = TextField(null=True)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(null=True)
    created_at = DateTimeField(null=True)

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int

    class Meta:
        table_name = "emails"


class ActivityLog(BaseModel):
    activity_log_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", null=True, on_delete="SET NULL")
    action = TextField()
    timestamp = DateTimeField(index=True)
    details = TextField(null=True)  # added

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int | None

    class Meta:
        table_name = "activity_logs"


class TaskQueue(BaseModel):
    task_id = AutoField()
    task_name = CharField(max_length=255)
    status = CharField(max_length=50, default="pending", index=True)
    scheduled_at = DateTimeField()
    completed_at = DateTimeField(null=True)
    # added
    user = ForeignKeyField(User, column_name="user_id", null=True, on_delete="SET NULL")
    started_at = DateTimeField(null=True)
    progress = IntegerField(default=0)
    message = TextField(null=True)

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int | None

    class Meta:
        table_name = "task_queue"


class SchemaVersion(BaseModel):
    """One row: the schema version this database is at (see db/migrations)."""

    version = IntegerField(primary_key=True)  # explicit, not auto-numbered
    applied_at = DateTimeField()
    program_version = CharField(max_length=50)

    class Meta:
        table_name = "schema_version"


class AppMeta(BaseModel):
    """Small facts about the database itself (schema 2), e.g. which shipped data it holds."""

    key = CharField(max_length=100, primary_key=True)
    value = TextField(null=True)
    updated_at = DateTimeField()

    class Meta:
        table_name = "app_meta"


class AuditChainHead(BaseModel):
    """Schema 6: the one row saying where the audit chain ends (services/audit/chain.py).

    Updated in the transaction of every audit write, so deleting the newest audit entries leaves
    the head pointing past them. ``rebuilt_at`` is set when the head was found missing and had to
    be started again from the newest entry.
    """

    head_id = IntegerField(primary_key=True)  # always 1
    last_log_id = IntegerField(null=True)
    last_hash = CharField(max_length=64, null=True)
    entry_count = IntegerField(default=0)
    updated_at = DateTimeField()
    rebuilt_at = IntegerField(null=True)  # the log id whose write found the head missing

    class Meta:
        table_name = "audit_chain_head"


class FirmSetting(BaseModel):
    """Schema 7: a setting that holds for everyone using this database, one row each (the mail
    server: ``smtp_host``, ``smtp_port``, ``smtp_security``, ``smtp_user``, ``smtp_sender``;
    declared in ``services/preferences.FIRM_SETTINGS``). Only administrators change them. The
    mail password is never here: it is in each computer's credential store."""

    setting_name = CharField(max_length=100, primary_key=True)
    setting_value = TextField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "firm_settings"


# The tables of schema 1; later schemas' tables are created by their own migration steps.
class DeskSession(BaseModel):
    """Schema 9: a desk (a running program) connected to this database, for Administration ›
    Connected. Written when a person signs in, touched every few minutes while the program runs
    (``last_seen``), removed when it quits; a row not seen for a day is cleared by the next desk
    to start. Connection state, not anyone's data: not in the audit log, not exported."""

    desk_id = CharField(max_length=32, primary_key=True)
    user = ForeignKeyField(
        User, column_name="user_id", null=True, on_delete="CASCADE", backref="desks"
    )
    machine = CharField(max_length=255)
    program_version = CharField(max_length=50)
    database_kind = CharField(max_length=20)  # sqlite | postgresql
    started_at = DateTimeField()
    last_seen = DateTimeField(index=True)

    if TYPE_CHECKING:  # made by peewee at run time (see the module docstring)
        user_id: int | None

    class Meta:
        table_name = "desk_sessions"


class CertificateContent(BaseModel):
    """Schema 10: a certificate file's bytes, by its SHA-256, in the database itself, so every desk
    of a firm's PostgreSQL server can open a certificate attached at another desk. Written with
    the certificate's attachment row (in its transaction) on PostgreSQL; each desk's data folder
    keeps a copy it fills from here when a file is missing. A solo SQLite database keeps its
    certificates in the data folder only (the table stays empty)."""

    sha256 = CharField(max_length=64, primary_key=True)
    media_type = CharField(max_length=50)
    content = BlobField()
    created_at = DateTimeField()

    class Meta:
        table_name = "certificate_contents"


def _plain_models() -> dict[str, type[BaseModel]]:
    if not PLAIN_TABLES:
        return {}
    from cpe_desktop.db.plain import build_model  # (only where there is a plain table)

    return {
        table.name: build_model(table, BaseModel, User, License)  # type: ignore[misc]
        for table in PLAIN_TABLES
    }


# The plain tables' models (db/plain.py), one per module of db/plain_tables/, by table name.
PLAIN_MODELS: dict[str, type[BaseModel]] = _plain_models()

ALL_MODELS: tuple[type[BaseModel], ...] = (
    User,
    Credential,
    License,
    Attachment,
    CpeRecord,
    RecordCredit,
    CustomField,
    CustomFieldValue,
    StateRequirement,
    RequirementComponent,
    Notification,
    AuditLog,
    Preference,
    Report,
    Reminder,
    Email,
    ActivityLog,
    TaskQueue,
    *PLAIN_MODELS.values(),
)

EVERY_MODEL: tuple[type[BaseModel], ...] = (
    *ALL_MODELS,
    AppMeta,
    AuditChainHead,
    FirmSetting,
    DeskSession,
    CertificateContent,
)
