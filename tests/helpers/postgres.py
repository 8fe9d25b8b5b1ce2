"""The PostgreSQL server the tests may use: ``CPE_TEST_POSTGRES_URL`` names it (empty: none),
and each test that uses it works in a schema of its own, dropped afterwards."""

from __future__ import annotations

import os
import uuid

import peewee

from cpe_desktop.db.database import make_database

POSTGRES_URL = os.environ.get("CPE_TEST_POSTGRES_URL", "").strip()


def postgres_schema_database() -> tuple[peewee.Database, str]:
    """A database on the test server whose search path is a new, empty schema: (it, the schema)."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_database(POSTGRES_URL)
    admin.connect()
    admin.execute_sql(f'CREATE SCHEMA "{schema}"')
    admin.close()
    db = make_database(POSTGRES_URL, options=f"-c search_path={schema}")
    return db, schema


def drop_postgres_schema(schema: str) -> None:
    """Drops a schema made by :func:`postgres_schema_database`, with everything in it."""
    admin = make_database(POSTGRES_URL)
    admin.connect()
    admin.execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.close()
