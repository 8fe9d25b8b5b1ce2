"""The PostgreSQL server goes away mid-session: a save in that moment writes nothing (not half of
it), the window says so in a banner and in the form, and the program reconnects by itself once
the server is back, where saving again works.

A private PostgreSQL server of the test's own (initdb in a temporary folder) is stopped and
started, so the suite's shared server is never touched. Skipped where PostgreSQL's programs are
not installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.db.models import AuditLog, License
from cpe_desktop.services import credentials, licenses, users
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext
from cpe_desktop.services.desks import live_changes
from cpe_desktop.services.editing.entities import FORM_SPECS
from cpe_desktop.ui import connection_watch
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.connection_watch import REFUSED, ConnectionBanner, ConnectionWatch
from cpe_desktop.ui.forms.form_dialog import FormDialog


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return Path(found[-1]) if found else None


class PrivateServer:
    def __init__(self, root: Path) -> None:
        self.bin = _bin_dir()
        self.root = root
        self.data = root / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            shutil.chown(root, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "cpe", "--auth=trust", "-E", "UTF8")
        self.url = f"postgresql://cpe@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def server():
    if _bin_dir() is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("PostgreSQL's programs are not installed here")
    # Not under pytest's folder: that is private to root, where the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="cpe-test-pg-"))
    made = PrivateServer(root)
    made.start()
    db = bind(make_database(made.url))
    db.connect()
    migrate(db)
    yield made
    with contextlib.suppress(Exception):
        db.close()
    with contextlib.suppress(Exception):
        made.stop()
    shutil.rmtree(root, ignore_errors=True)


def _ann_with_license():
    ctx = ServiceContext(SYSTEM)
    credentials.create_credential(ctx, {"code": "CPA", "name": "Certified Public Accountant"})
    ann = users.create_user(ctx, {"name": "Ann", "email": "ann@example.com", "role": "admin"})
    ann_ctx = ServiceContext(Actor.for_user(ann.value))
    made = licenses.create_license(
        ann_ctx, {"credential": "CPA", "jurisdiction": "Ohio", "license_number": "A-1"}
    ).value
    return ann_ctx, made.license_id


@pytest.fixture
def watch(qtbot):
    banner = ConnectionBanner()
    qtbot.addWidget(banner)
    made = ConnectionWatch(ChangeBus(), banner)
    connection_watch.install(made)
    yield made
    made.retry.stop()
    connection_watch.install(None)


def test_a_save_while_the_server_is_down_is_refused_then_works_when_it_is_back(
    qtbot, server, watch
):
    ann, license_id = _ann_with_license()
    form = FormDialog(ann, FORM_SPECS["license"], license_id)
    qtbot.addWidget(form)
    form.show()
    form.inputs["license_number"].set_value("B-2")
    server.stop()

    assert not form.save()
    assert form.isVisible() and form.form_error.text() == REFUSED
    assert watch.lost and watch.banner.isVisible()
    assert "cannot be reached" in watch.banner.text.text()
    assert form.inputs["license_number"].value() == "B-2"  # the typing kept

    server.start()
    qtbot.waitUntil(lambda: not watch.lost, timeout=15_000)  # retried by itself
    assert "again" in watch.banner.text.text()
    assert License.get_by_id(license_id).license_number == "A-1"  # nothing was written
    assert form.save()
    assert License.get_by_id(license_id).license_number == "B-2"


def test_a_connection_cut_inside_a_save_leaves_nothing_half_written(
    qtbot, server, watch, monkeypatch
):
    """The connection is cut after the license's row was updated but before the audit entry's
    transaction committed: the server rolls all of it back."""
    ann, license_id = _ann_with_license()
    entries = AuditLog.select().count()
    db = live_changes.current()
    (pid,) = db.execute_sql("SELECT pg_backend_pid()").fetchone()
    real_announce = live_changes.announce

    def cut_then_announce(entities):
        with psycopg.connect(server.url, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        real_announce(entities)

    monkeypatch.setattr(live_changes, "announce", cut_then_announce)
    form = FormDialog(ann, FORM_SPECS["license"], license_id)
    qtbot.addWidget(form)
    form.inputs["license_number"].set_value("B-2")
    assert not form.save()
    assert form.form_error.text() == REFUSED and watch.lost
    monkeypatch.setattr(live_changes, "announce", real_announce)

    qtbot.waitUntil(lambda: not watch.lost, timeout=15_000)
    stored = License.get_by_id(license_id)
    assert (stored.license_number, stored.row_version) == ("A-1", 1)
    assert AuditLog.select().count() == entries
