"""What the multi-desk tests share: one database several processes connect to."""

from __future__ import annotations

import pytest

from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from tests.helpers.postgres import POSTGRES_URL, drop_postgres_schema, postgres_schema_database
from tests.helpers.qt_cycles import collect_cycles_on_the_main_thread  # noqa: F401


@pytest.fixture(params=["sqlite", "postgres"])
def shared_db(request, tmp_path):
    """A migrated database the desks share, bound in this process: (what the desks connect to,
    the PostgreSQL schema or None). PostgreSQL is skipped without CPE_TEST_POSTGRES_URL."""
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip("CPE_TEST_POSTGRES_URL names no PostgreSQL server")
        db, schema = postgres_schema_database()
        target = POSTGRES_URL
    else:
        target, schema = str(tmp_path / "shared.db"), None
        db = make_database(target)
    bind(db)
    db.connect()
    migrate(db)
    yield target, schema
    if not db.is_closed():
        db.close()
    if schema:
        drop_postgres_schema(schema)
