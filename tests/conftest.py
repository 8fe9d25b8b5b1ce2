"""Shared fixtures. Qt runs offscreen; every database test runs on SQLite and, when
CPE_TEST_POSTGRES_URL names a server, on PostgreSQL too (each test in a schema of its own); a test
fails if the program logs an error it did not announce (``@pytest.mark.logs_errors``).

No Qt here: the Qt tests' fixtures are in ``tests/ui/conftest.py`` and
``tests/helpers/qt_cycles.py``, so the Qt-free tests run without importing PySide6
(``tests/test_qt_free.py``)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from cpe_desktop import paths
from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.services.context import SYSTEM, ServiceContext
from tests.helpers.postgres import POSTGRES_URL, drop_postgres_schema, postgres_schema_database


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "logs_errors(match=None): the test provokes errors the program logs (a crash, a full"
        " disk, a damaged database); match, a regular expression, is what each must say",
    )


BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


class _ErrorRecords(logging.Handler):
    """Keeps the records at ERROR and above that reach the ``cpe_desktop`` logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _no_logged_errors(request):
    """Fails a test whose code logs an error (ERROR or CRITICAL, from a ``cpe_desktop`` logger)
    unless the test is marked ``@pytest.mark.logs_errors``: an error the user would find in the
    log is a bug, or else the very thing the test provokes, and then it says so. With
    ``match=``, each record must match that regular expression."""
    handler = _ErrorRecords()
    logger = logging.getLogger("cpe_desktop")
    logger.addHandler(handler)
    yield
    logger.removeHandler(handler)
    marker = request.node.get_closest_marker("logs_errors")
    records = handler.records
    if marker is not None:
        pattern = marker.kwargs.get("match") or (marker.args[0] if marker.args else None)
        if pattern is None:
            return
        records = [r for r in records if not re.search(pattern, r.getMessage())]
    if records:
        lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()}" for r in records)
        pytest.fail(
            f"the code under test logged {len(records)} error(s); mark the test "
            f"@pytest.mark.logs_errors if it provokes them:\n{lines}",
            pytrace=False,
        )


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
