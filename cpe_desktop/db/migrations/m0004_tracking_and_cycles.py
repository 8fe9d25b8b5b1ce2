"""Schema 4: tracked history, multi-day programs and how boards set periods (DESIGN 4.1-4.7).

``licenses`` gains where tracking starts (``tracked_from``), the hours earned in the current period
before it (``opening_hours``, ``opening_ethics_hours``) and the holder's principal place of
business (``home_jurisdiction``); ``cpe_records`` gains ``started_on``; ``state_requirements``
gains the cycle anchor, the first-period rule, the carryover scope and reciprocity. Every new
column is nullable: NULL reads as the rule's default.
"""

from __future__ import annotations

import peewee
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations


def _hours() -> peewee.DecimalField:
    return peewee.DecimalField(max_digits=8, decimal_places=2, auto_round=True, null=True)


NEW_COLUMNS: dict[str, tuple[tuple[str, peewee.Field], ...]] = {
    "licenses": (
        ("tracked_from", peewee.DateField(null=True)),
        ("opening_hours", _hours()),
        ("opening_ethics_hours", _hours()),
        ("home_jurisdiction", peewee.CharField(max_length=100, null=True)),
    ),
    "cpe_records": (("started_on", peewee.DateField(null=True)),),
    "state_requirements": (
        ("cycle_anchor", peewee.CharField(max_length=30, null=True)),
        ("cycle_parity_offset", peewee.IntegerField(null=True)),
        ("first_period", peewee.CharField(max_length=30, null=True)),
        ("first_period_hours_per_unit", _hours()),
        ("first_period_unit_months", peewee.IntegerField(null=True)),
        ("first_period_counts_issue_month", peewee.BooleanField(null=True)),
        ("first_period_ethics", _hours()),
        ("first_period_table", peewee.TextField(null=True)),
        ("carryover_scope", peewee.CharField(max_length=20, null=True)),
        ("reciprocity", peewee.CharField(max_length=30, null=True)),
    ),
}


def apply(db: peewee.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    run_operations(
        *(
            migrator.add_column(table, name, field)
            for table, columns in NEW_COLUMNS.items()
            for name, field in columns
        )
    )
