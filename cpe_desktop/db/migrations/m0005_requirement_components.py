"""Schema 5: requirement components (ARCHITECTURE.md §4).

A board asks more than one total and one ethics figure: subject minimums, caps on kinds of
credit, part of the ethics state-specific, courses on their own cycle, credit factors, with
alternatives and conditions. ``requirement_components`` holds them, one row each, in order;
``licenses.attributes`` holds what the holder ticked for the conditions ("performs_attest") and
``cpe_records.topics`` the course topics a record covers (both JSON lists of names). Existing
rows keep NULL: no components, no attributes, no topics.

The step uses a small model of its own for the new table, so later changes to the live model
cannot change what it creates.
"""

from __future__ import annotations

import peewee
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations


def _hours() -> peewee.DecimalField:
    return peewee.DecimalField(max_digits=8, decimal_places=2, auto_round=True, null=True)


class _Requirement(peewee.Model):
    state_id = peewee.AutoField()

    class Meta:
        table_name = "state_requirements"


class _Component(peewee.Model):
    component_id = peewee.AutoField()
    requirement = peewee.ForeignKeyField(
        _Requirement, column_name="state_id", on_delete="CASCADE", backref="+"
    )
    position = peewee.IntegerField(default=0)
    kind = peewee.CharField(max_length=30)
    hours = _hours()
    pct = _hours()
    fields = peewee.TextField(null=True)
    delivery = peewee.TextField(null=True)
    scope = peewee.CharField(max_length=10, null=True)
    cycle_years = peewee.IntegerField(null=True)
    topic = peewee.CharField(max_length=200, null=True)
    factor = peewee.DecimalField(max_digits=6, decimal_places=3, auto_round=True, null=True)
    applies_if = peewee.CharField(max_length=50, null=True)
    alternative = peewee.CharField(max_length=100, null=True)
    label = peewee.CharField(max_length=300, null=True)
    source = peewee.TextField(null=True)
    notes = peewee.TextField(null=True)
    created_at = peewee.DateTimeField()
    updated_at = peewee.DateTimeField()

    class Meta:
        table_name = "requirement_components"
        indexes = ((("requirement", "position"), False),)


def apply(db: peewee.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    run_operations(
        migrator.add_column("licenses", "attributes", peewee.TextField(null=True)),
        migrator.add_column("cpe_records", "topics", peewee.TextField(null=True)),
    )
    with db.bind_ctx([_Requirement, _Component]):
        _Component.create_table()
