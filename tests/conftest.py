"""Shared fixtures. Qt runs offscreen; every database test runs on SQLite and, when
CPE_TEST_POSTGRES_URL names a server, on PostgreSQL too (each test in a schema of its own).

No Qt here: the Qt tests' fixtures are in ``tests/ui/conftest.py`` and
``tests/helpers/qt_cycles.py``, so the Qt-free tests run without importing PySide6
(``tests/test_qt_free.py``)."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from cpe_desktop import paths
from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.services.context import SYSTEM, ServiceContext
from tests.helpers.postgres import POSTGRES_URL, drop_postgres_schema, postgres_schema_database

BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """No test touches the real per-user data folder."""
    monkeypatch.delenv("CPE_DATABASE_URL", raising=False)
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "data"))
    paths.set_data_dir(None)
    yield
    paths.set_data_dir(None)


@pytest.fixture
def empty_db(request, tmp_path):
    """A bound, connected database with no tables (a SQLite file, or a fresh PostgreSQL schema)."""
    backend = getattr(request, "param", "sqlite")
    schema = None
    if backend == "postgres":
        db, schema = postgres_schema_database()
    else:
        db = make_database(str(tmp_path / "test.db"))
    bind(db)
    db.connect()
    yield db
    if not db.is_closed():
        db.close()
    if schema:
        drop_postgres_schema(schema)


def pytest_generate_tests(metafunc):
    if "empty_db" in metafunc.fixturenames:
        metafunc.parametrize("empty_db", BACKENDS, indirect=True)


@pytest.fixture
def db(empty_db):
    """A database at the current schema, without the shipped requirement data."""
    migrate(empty_db)
    return empty_db


@pytest.fixture
def clock():
    return FixedClock(dt.datetime(2026, 6, 15, 9, 30))


@pytest.fixture
def system(db, clock):
    """A context acting as the system (full rights) on the test database."""
    return ServiceContext(actor=SYSTEM, clock=clock)


@pytest.fixture
def seeded(db, system):
    """A database at the current schema with the shipped credentials and requirement rules."""
    from cpe_desktop.services.shipped_data import load_shipped_requirements

    load_shipped_requirements(system)
    return db


@pytest.fixture
def people(seeded, system, clock):
    """An administrator and two members, with a context acting as each."""
    from types import SimpleNamespace

    from cpe_desktop.services import users
    from cpe_desktop.services.context import Actor

    admin = users.create_user(system, {"name": "Ada Admin", "email": "ada@example.com"}).value
    ann = users.create_user(
        system, {"name": "Ann Member", "email": "ann@example.com", "role": "member"}
    ).value
    bob = users.create_user(
        system, {"name": "Bob Member", "email": "bob@example.com", "role": "member"}
    ).value

    def as_(user):
        return ServiceContext(actor=Actor.for_user(user), clock=clock)

    return SimpleNamespace(
        admin=admin, ann=ann, bob=bob, as_admin=as_(admin), as_ann=as_(ann), as_bob=as_(bob)
    )
