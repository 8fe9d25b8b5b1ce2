"""``cpe-tracker server init`` and ``server copy`` against a real PostgreSQL server, through the
real command line (a subprocess each). Skipped without CPE_TEST_POSTGRES_URL (a superuser's
connection; `.ci/run` starts one). Each test makes a database and roles of its own, with a
unique name, and drops them after: the server is shared by the whole suite.

The desk role reads and writes rows but cannot create, alter, truncate or drop a table; a
solo SQLite database with records, certificates, licenses and reminders copied into the new
database keeps every row and id, its audit chain passes `cpe-tracker check`, and compliance
reads the same.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.helpers.postgres import POSTGRES_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="CPE_TEST_POSTGRES_URL is not set"),
]

AS_OF = "2026-06-01"


def _run(tmp_path: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen")
    env.pop("CPE_PASSWORD", None)
    if url is not None:
        env["CPE_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "cpe_desktop", *args],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _admin(dbname: str | None = None):
    import psycopg
    from psycopg.conninfo import make_conninfo

    url = make_conninfo(POSTGRES_URL, dbname=dbname) if dbname else POSTGRES_URL
    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def firm():
    """A unique database name; the database and every role named after it dropped afterwards."""
    name = "cpe_t_" + uuid.uuid4().hex[:10]
    yield name
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        roles = conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s ORDER BY length(rolname) DESC",
            (name + "%",),
        ).fetchall()
        for (role,) in roles:
            conn.execute(f'DROP ROLE "{role}"')


def _init(tmp_path: Path, name: str, *more: str) -> subprocess.CompletedProcess[str]:
    return _run(tmp_path, "server", "init", "--admin-url", POSTGRES_URL, "--database", name, *more)


def _urls(output: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r"postgresql://(\w+):\S+", output)}


def test_init_makes_a_database_the_desk_can_use_but_not_reshape(tmp_path, firm):
    import psycopg

    result = _init(tmp_path, firm)
    assert result.returncode == 0, result.stderr
    assert f"database {firm}: created" in result.stdout
    urls = _urls(result.stdout)
    assert set(urls) == {f"{firm}_owner", f"{firm}_desk"}
    desk_url = urls[f"{firm}_desk"]

    # The program runs on the desk's string: start-up, the full check, a status.
    checked = _run(tmp_path, "check", url=desk_url)
    assert checked.returncode == 0, checked.stderr
    assert _run(tmp_path, "status", url=desk_url).returncode == 0

    with psycopg.connect(desk_url, autocommit=True) as desk:
        assert desk.execute("SELECT current_user").fetchone()[0] == f"{firm}_desk"
        assert desk.execute("SELECT count(*) FROM state_requirements").fetchone()[0] > 0
        desk.execute("INSERT INTO app_meta (key, value, updated_at) VALUES ('t', '1', now())")
        desk.execute("UPDATE app_meta SET value = '2' WHERE key = 't'")
        assert desk.execute("SELECT value FROM app_meta WHERE key = 't'").fetchone() == ("2",)
        desk.execute("DELETE FROM app_meta WHERE key = 't'")
        new_id = desk.execute(
            "INSERT INTO activity_logs (action, timestamp) VALUES ('t', now()) "
            "RETURNING activity_log_id"
        ).fetchone()[0]
        assert new_id > 0
        for statement in (
            "CREATE TABLE intruder (a int)",
            "CREATE TEMP TABLE scratch (a int)",
            "DROP TABLE cpe_records",
            "ALTER TABLE users ADD COLUMN extra int",
            "TRUNCATE activity_logs",
            "CREATE SCHEMA other",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                desk.execute(statement)

    with _admin(firm) as conn:
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename IN ('users', 'cpe_records')"
        ).fetchall()
        (stored,) = conn.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (f"{firm}_desk",)
        ).fetchone()
    assert owners == [(f"{firm}_owner",)]  # made by the migrations, as the owner
    assert stored.startswith("SCRAM-SHA-256$4096:")  # the server took our verifier as it is


def test_a_rerun_says_what_exists_and_keeps_the_passwords(tmp_path, firm):
    assert _init(tmp_path, firm).returncode == 0
    with _admin() as conn:
        before = conn.execute(
            "SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE %s ORDER BY 1",
            (firm + "%",),
        ).fetchall()
    dry = _init(tmp_path, firm, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"database {firm}: exists" in dry.stdout
    assert f"role {firm}_desk: exists (password unchanged)" in dry.stdout
    assert "CREATE" not in dry.stdout.split("The SQL it would run:")[1]
    again = _init(tmp_path, firm, "--desk", f"{firm}_ann")
    assert again.returncode == 0, again.stderr
    assert f"role {firm}_ann: created" in again.stdout
    assert f"postgresql://{firm}_owner:PASSWORD@" in again.stdout  # kept, so not known
    with _admin() as conn:
        after = conn.execute(
            "SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE %s ORDER BY 1",
            (firm + "%",),
        ).fetchall()
    assert set(before) <= set(after)  # nobody's password changed


def test_clear_refusals(tmp_path, firm):
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{firm}"')  # someone else's database of that name
    taken = _init(tmp_path, firm)
    assert taken.returncode == 1
    assert f"database {firm} already exists" in taken.stderr
    assert "Traceback" not in taken.stderr

    nobody = _run(
        tmp_path, "server", "init", "--admin-url", "postgresql://cpe@127.0.0.1:1/postgres"
    )
    assert nobody.returncode == 1
    assert "cannot connect to the PostgreSQL server at 127.0.0.1:1" in nobody.stderr

    # A role that is not a superuser may not set a firm up.
    with _admin() as conn:
        conn.execute(f'CREATE ROLE "{firm}_plain" LOGIN')
    plain = POSTGRES_URL.replace("//cpe@", f"//{firm}_plain@", 1)
    refused = _init(tmp_path, firm + "_x", "--admin-url", plain)
    assert refused.returncode == 1
    assert f"{firm}_plain is not a superuser" in refused.stderr


def _table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        names = [
            n
            for (n,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def test_a_solo_database_moves_to_the_server_whole(tmp_path, firm):
    import psycopg

    solo = tmp_path / "solo.db"
    made = _run(
        tmp_path, "demo", "--db", str(solo), "--users", "2", "--records-per-user", "6",
        "--as-of", AS_OF,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    counts = _table_counts(solo)
    for table in ("users", "cpe_records", "attachments", "licenses", "reminders", "audit_logs"):
        assert counts[table] > 0, table
    solo_bytes = solo.read_bytes()

    result = _init(tmp_path, firm)
    assert result.returncode == 0, result.stderr
    urls = _urls(result.stdout)
    owner_url, desk_url = urls[f"{firm}_owner"], urls[f"{firm}_desk"]

    copied = _run(tmp_path, "server", "copy", "--from", str(solo), url=owner_url)
    assert copied.returncode == 0, copied.stderr
    assert f"{counts['users']} people, {counts['cpe_records']} CPE records" in copied.stdout
    assert solo.read_bytes() == solo_bytes  # the solo file is only read

    checked = _run(tmp_path, "check", url=desk_url)
    assert checked.returncode == 0, checked.stderr + checked.stdout

    # Same rows, same ids.
    with sqlite3.connect(solo) as con:
        solo_records = con.execute(
            "SELECT record_id, title, attachment_id FROM cpe_records ORDER BY 1"
        ).fetchall()
        solo_certificates = con.execute(
            "SELECT attachment_id, sha256 FROM attachments ORDER BY 1"
        ).fetchall()
        solo_head = con.execute("SELECT * FROM audit_chain_head").fetchall()
    with psycopg.connect(desk_url, autocommit=True) as desk:
        for table, count in counts.items():
            if table not in ("schema_version", "desk_sessions", "certificate_contents"):
                found = desk.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                assert found == count, table
        # The certificate files of the solo data folder went onto the server for every desk.
        shared = desk.execute("SELECT sha256 FROM certificate_contents ORDER BY 1").fetchall()
        assert [sha for (sha,) in shared] == sorted({sha for _, sha in solo_certificates})
        assert (
            desk.execute(
                "SELECT record_id, title, attachment_id FROM cpe_records ORDER BY 1"
            ).fetchall()
            == solo_records
        )
        assert (
            desk.execute("SELECT attachment_id, sha256 FROM attachments ORDER BY 1").fetchall()
            == solo_certificates
        )
        head = desk.execute("SELECT * FROM audit_chain_head").fetchall()
        assert [row[:3] for row in head] == [row[:3] for row in solo_head]
        # The sequences moved past the copied ids: a desk's next row gets a new id.
        top = desk.execute("SELECT max(record_id) FROM cpe_records").fetchone()[0]
        nxt = desk.execute("SELECT nextval(pg_get_serial_sequence('cpe_records', 'record_id'))")
        assert nxt.fetchone()[0] > top

    # Compliance reads the same on both.
    solo_status = _run(tmp_path, "--db", str(solo), "status", "--as-of", AS_OF, "--json")
    server_status = _run(tmp_path, "status", "--as-of", AS_OF, "--json", url=desk_url)
    assert solo_status.returncode == server_status.returncode == 0
    assert json.loads(server_status.stdout) == json.loads(solo_status.stdout)

    # A second copy is refused: the server database is no longer empty.
    again = _run(tmp_path, "server", "copy", "--from", str(solo), url=owner_url)
    assert again.returncode == 1
    assert "already holds 2 people" in again.stderr


def _psql() -> str | None:
    import glob
    import shutil

    found = shutil.which("psql") or sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    return found if isinstance(found, str) else (found[-1] if found else None)


@pytest.mark.skipif(_psql() is None, reason="psql is not installed")
def test_the_printed_sql_run_by_hand_twice_then_the_owner_makes_the_tables(tmp_path, firm):
    script = _init(tmp_path, firm, "--print-sql")
    assert script.returncode == 0, script.stderr
    (tmp_path / "setup.sql").write_text(script.stdout)
    for _ in range(2):  # a DBA may run it again: each CREATE only when missing
        ran = subprocess.run(
            [
                _psql(),
                POSTGRES_URL,
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                str(tmp_path / "setup.sql"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ran.returncode == 0, ran.stderr
    urls = _urls(script.stdout)  # in the script's closing comments
    owner_url, desk_url = urls[f"{firm}_owner"], urls[f"{firm}_desk"]
    assert _run(tmp_path, "check", url=owner_url).returncode == 0  # migrates, as the owner
    checked = _run(tmp_path, "check", url=desk_url)
    assert checked.returncode == 0, checked.stderr
