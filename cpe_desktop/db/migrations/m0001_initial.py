"""Schema 1: every table of DESIGN section 3.

This step creates the tables from the models. When a later step changes a table, copy the
affected model definitions into this module as they were at schema 1, so that a new database
still passes through every step in order.

Copies so far: ``reminders`` (schema 3 adds ``anchor_day``).
"""

from __future__ import annotations

import peewee
from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from cpe_desktop.db import models
from cpe_desktop.db.models import ALL_MODELS, BaseModel, License, User


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


_AS_AT_SCHEMA_1: dict[type[BaseModel], type[BaseModel]] = {models.Reminder: ReminderV1}

# The tables of schema 1, each as it was then.
SCHEMA_1_MODELS: tuple[type[BaseModel], ...] = tuple(
    _AS_AT_SCHEMA_1.get(model, model) for model in ALL_MODELS
)


def apply(db: peewee.Database) -> None:
    with db.bind_ctx(SCHEMA_1_MODELS):
        db.create_tables(SCHEMA_1_MODELS)
