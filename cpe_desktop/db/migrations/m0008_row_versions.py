"""Schema 8: a version number on every row a person edits in a form (``row_version``).

Several desks may edit the same database (a firm's PostgreSQL server, or one SQLite file on a
shared machine). A form remembers the version it opened; saving checks the row still has it and
bumps it, so a save that lost the race is refused and shown both versions instead of silently
overwriting the other desk's change (``services/editing.save_entity``, ``services/rows.update``).

Every existing row starts at version 1. Nothing else changes.
"""

from __future__ import annotations

import peewee

VERSIONED_TABLES = (
    "users",
    "credentials",
    "licenses",
    "cpe_records",
    "state_requirements",
    "reminders",
    "custom_fields",
)


def apply(db: peewee.Database) -> None:
    # One plain ALTER per table, the same on SQLite and PostgreSQL. Not peewee's migrator: for a
    # NOT NULL column it rebuilds a SQLite table (copy, drop, rename), and dropping ``users``
    # would fire the foreign keys' ON DELETE actions on every table that refers to it.
    for table in VERSIONED_TABLES:
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1')
