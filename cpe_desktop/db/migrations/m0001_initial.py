"""Schema 1: every table the program had at its first version.

The tables are named here once and for all (``SCHEMA_1_TABLES``, in the order they are created,
so a table exists before any other refers to it); a table a later step adds is never among them,
so adding a model needs no edit here. Each name is resolved to its model in ``db/models.py``,
unless a later step changed that table: then its definition as it was at schema 1 is copied into
this module (``_AS_AT_SCHEMA_1``), so that a new database still passes through every step in
order.

Copies so far: ``reminders`` (schema 3 adds ``anchor_day``); ``licenses``, ``cpe_records`` and
``state_requirements`` (schema 4 adds tracking, multi-day programs and cycle rules; schema 5
adds ``licenses.attributes`` and ``cpe_records.topics``); ``audit_logs`` (schema 6 adds the
hash chain's ``actor_id``, ``prev_hash`` and ``entry_hash``); ``users``, ``credentials`` and
``custom_fields`` (schema 8 adds ``row_version`` to them and to the copies above)."""

from __future__ import annotations

import peewee
from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from cpe_desktop.db.models import EVERY_MODEL, Attachment, BaseModel, Credential, License, User


def _hours(**kwargs) -> DecimalField:
    return DecimalField(max_digits=8, decimal_places=2, auto_round=True, **kwargs)


class UserV1(BaseModel):
    """``users`` as schema 1 created it."""

    user_id = AutoField()
    name = CharField(max_length=200)
    email = CharField(max_length=254, unique=True)
    role = CharField(max_length=20, default="member")
    password_hash = CharField(max_length=255, null=True)
    birth_date = DateField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "users"


class CredentialV1(BaseModel):
    """``credentials`` as schema 1 created it."""

    credential_id = AutoField()
    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=200)
    issuing_body = CharField(max_length=200, null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "credentials"


class CustomFieldV1(BaseModel):
    """``custom_fields`` as schema 1 created it."""

    custom_field_id = AutoField()
    entity = CharField(max_length=50)
    field_name = CharField(max_length=100)
    field_type = CharField(max_length=50)
    created_at = DateTimeField()
    options = TextField(null=True)
    required = BooleanField(default=False)
    updated_at = DateTimeField(null=True)

    class Meta:
        table_name = "custom_fields"
        indexes = ((("entity", "field_name"), True),)


class LicenseV1(BaseModel):
    """``licenses`` as schema 1 created it."""

    license_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", backref="+")
    credential = ForeignKeyField(
        Credential, column_name="credential_id", on_delete="RESTRICT", backref="+"
    )
    jurisdiction = CharField(max_length=100)
    license_number = CharField(max_length=100, null=True)
    issued_on = DateField(null=True)
    expires_on = DateField(null=True)
    period_end_override = DateField(null=True)
    status = CharField(max_length=30, default="active")
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "licenses"
        indexes = ((("user", "credential", "jurisdiction"), False),)


class CpeRecordV1(BaseModel):
    """``cpe_records`` as schema 1 created it."""

    record_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", backref="+")
    title = CharField(max_length=300)
    sponsor = CharField(max_length=200, null=True)
    sponsor_id = CharField(max_length=50, null=True)
    completed_on = DateField()
    delivery_method = CharField(max_length=50)
    ethics_jurisdiction = CharField(max_length=100, null=True)
    attachment = ForeignKeyField(
        Attachment, column_name="attachment_id", null=True, on_delete="SET NULL", backref="+"
    )
    notes = TextField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "cpe_records"
        indexes = ((("user", "completed_on"), False),)


class StateRequirementV1(BaseModel):
    """``state_requirements`` as schema 1 created it."""

    state_id = AutoField()
    state_name = CharField(max_length=100)
    credential = ForeignKeyField(
        Credential, column_name="credential_id", on_delete="CASCADE", backref="+"
    )
    total_credits_required = IntegerField(null=True)
    ethics_credits_required = IntegerField(null=True)
    reporting_period_years = IntegerField()
    created_at = DateTimeField()
    updated_at = DateTimeField()
    annual_min_hours = _hours(null=True)
    ethics_period_years = IntegerField(null=True)
    ethics_state_specific = BooleanField(null=True)
    period_basis = CharField(max_length=20, null=True)
    period_start_month = IntegerField(null=True)
    cycle_anchor_year = IntegerField(null=True)
    max_self_study_hours = _hours(null=True)
    max_self_study_pct = _hours(null=True)
    max_nano_hours = _hours(null=True)
    max_nano_pct = _hours(null=True)
    max_non_technical_hours = _hours(null=True)
    max_non_technical_pct = _hours(null=True)
    technical_min_hours = _hours(null=True)
    carryover_max_hours = _hours(null=True)
    effective_from = DateField(null=True)
    source = TextField(null=True)
    verified_on = DateField(null=True)
    notes = TextField(null=True)
    origin = CharField(max_length=20, default="user")
    seed_key = CharField(max_length=200, null=True, unique=True)
    user_edited = BooleanField(default=False)
    confidence = CharField(max_length=20, null=True)

    class Meta:
        table_name = "state_requirements"
        indexes = ((("credential", "state_name", "effective_from"), False),)


class ReminderV1(BaseModel):
    """``reminders`` as schema 1 created it. No backrefs: the live models stay untouched."""

    reminder_id = AutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", backref="+")
    message = TextField()
    frequency = CharField(max_length=50)
    next_reminder = DateTimeField(index=True)
    created_at = DateTimeField()
    interval_days = IntegerField(null=True)
    active = BooleanField(default=True)
    updated_at = DateTimeField(null=True)
    license = ForeignKeyField(
        License, column_name="license_id", null=True, on_delete="SET NULL", backref="+"
    )

    class Meta:
        table_name = "reminders"


class AuditLogV1(BaseModel):
    """``audit_logs`` as schema 1 created it (schema 6 adds the hash chain)."""

    log_id = AutoField()
    user = ForeignKeyField(
        User, column_name="user_id", null=True, on_delete="SET NULL", backref="+"
    )
    action = TextField()
    timestamp = DateTimeField(index=True)
    details = TextField(null=True)
    entity = CharField(max_length=50, null=True)
    entity_id = CharField(max_length=100, null=True)
    before_json = TextField(null=True)
    after_json = TextField(null=True)

    class Meta:
        table_name = "audit_logs"
        indexes = ((("entity", "entity_id"), False),)


# The tables of schema 1, in the order step 1 creates them (referenced tables first). Fixed:
# a table added later is created by the step that adds it, never here.
SCHEMA_1_TABLES: tuple[str, ...] = (
    "users",
    "credentials",
    "licenses",
    "attachments",
    "cpe_records",
    "record_credits",
    "custom_fields",
    "custom_field_values",
    "state_requirements",
    "notifications",
    "audit_logs",
    "preferences",
    "reports",
    "reminders",
    "emails",
    "activity_logs",
    "task_queue",
)

# The schema-1 copies of the tables a later step changed, by table name.
_AS_AT_SCHEMA_1: dict[str, type[BaseModel]] = {
    copy._meta.table_name: copy
    for copy in (
        UserV1,
        CredentialV1,
        CustomFieldV1,
        ReminderV1,
        LicenseV1,
        CpeRecordV1,
        StateRequirementV1,
        AuditLogV1,
    )
}


def _as_at_schema_1(table: str) -> type[BaseModel]:
    """``table`` as schema 1 created it: its copy here, else the model of that name."""
    if table in _AS_AT_SCHEMA_1:
        return _AS_AT_SCHEMA_1[table]
    for model in EVERY_MODEL:
        if model._meta.table_name == table:
            return model
    raise LookupError(f"schema 1 names {table!r}, which no model has: copy it into m0001")


# The tables of schema 1, each as it was then.
SCHEMA_1_MODELS: tuple[type[BaseModel], ...] = tuple(
    _as_at_schema_1(table) for table in SCHEMA_1_TABLES
)


def apply(db: peewee.Database) -> None:
    with db.bind_ctx(SCHEMA_1_MODELS):
        for model in SCHEMA_1_MODELS:  # dependency order: referenced tables first
            model.create_table(safe=True)
