"""Signing in on the command line (README, "Command line"): every command as nobody, as a member
and as an administrator, on a database whose accounts have passwords; and the passwordless
database that stays scriptable. Each run is the real program in a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.services import users
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.interchange.csv_format import HEADER
from tests.helpers.interchange_documents import one_person_document, two_people_document

ALICE, ALICE_PASSWORD = "alice@example.com", "alice's long secret"  # the administrator
BOB, BOB_PASSWORD = "bob@example.com", "bob's long secret"  # a member
EXIT_FAILED, EXIT_USAGE = 1, 2


def _run(
    folder: Path, db: Path, *args: str, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CPE_DATABASE_URL", "CPE_PASSWORD")
    }
    env.update(CPE_DATA_DIR=str(folder / "data"), QT_QPA_PLATFORM="offscreen")
    if password is not None:
        env["CPE_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "cpe_desktop", "--db", str(db), *args],
        env=env,
        cwd=folder,
        stdin=subprocess.DEVNULL,  # not a terminal: nobody is asked for a password
        capture_output=True,
        text=True,
        timeout=120,
    )


def _set_passwords(db_file: Path, passwords: dict[str, str]) -> None:
    """Give accounts passwords the way the window does (users.update_user), then let go."""
    db = bind(make_database(str(db_file)))
    db.connect()
    ctx = ServiceContext(SYSTEM, FixedClock(dt.datetime(2026, 6, 15, 9, 30)))
    for email, password in passwords.items():
        user = users.find_by_email(ctx, email)
        users.update_user(ctx, user.user_id, {"password": password})
    db.close()


def _records_of(db_file: Path) -> dict[str, int]:
    with sqlite3.connect(db_file) as con:
        found = con.execute(
            "SELECT u.email, count(r.record_id) FROM users u "
            "LEFT JOIN cpe_records r ON r.user_id = u.user_id GROUP BY u.email"
        ).fetchall()
    return dict(found)


def _user_id(db_file: Path, email: str) -> int:
    with sqlite3.connect(db_file) as con:
        return con.execute("SELECT user_id FROM users WHERE email = ?", (email,)).fetchone()[0]


def _latest(db_file: Path, table: str, since: int) -> list[tuple]:
    """(user_id, action) of the rows of ``table`` (audit_logs, activity_logs) after ``since``."""
    with sqlite3.connect(db_file) as con:
        return con.execute(
            f"SELECT user_id, action FROM {table} WHERE rowid > ? ORDER BY rowid", (since,)
        ).fetchall()


def _last_rowid(db_file: Path, table: str) -> int:
    with sqlite3.connect(db_file) as con:
        return con.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]


def _csv(path: Path, title: str) -> Path:
    row = ["2026-03-02", title, "Sponsor", "", "Group Live", "Accounting", "2", "", ""]
    path.write_text(",".join(HEADER) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def protected(tmp_path_factory) -> Path:
    """Alice (administrator) and Bob (member), each with licenses, records and a password."""
    folder = tmp_path_factory.mktemp("signed")
    source = folder / "people.json"
    source.write_text(json.dumps(two_people_document()), encoding="utf-8")
    db = folder / "base.db"
    result = _run(folder, db, "import", str(source))
    assert result.returncode == 0, result.stderr
    _set_passwords(db, {ALICE: ALICE_PASSWORD, BOB: BOB_PASSWORD})
    return db


@pytest.fixture
def copy(protected, tmp_path) -> Path:
    """This test's own copy of the protected database (commands here change it)."""
    db = tmp_path / "cpe.db"
    shutil.copy(protected, db)
    return db


def _command(name: str, folder: Path, db: Path) -> list[str]:
    """One run of each command, with the files it needs."""
    if name == "restore":
        backup = folder / "older.db"
        if not backup.exists():
            shutil.copy(db, backup)
        return ["restore", str(backup)]
    return {
        "import": ["import", str(_csv(folder / "new.csv", "Bob's new course"))],
        "export": ["export", "--format", "json", "-o", str(folder / "out.json")],
        "backup": ["backup", "-o", str(folder / "copy.db")],
        "check": ["check"],
        "status": ["status"],
    }[name]


COMMANDS = ("import", "export", "backup", "restore", "check", "status")


@pytest.mark.parametrize("name", COMMANDS)
def test_without_signing_in_every_command_refuses_and_says_how(name, copy, tmp_path):
    before = _records_of(copy)
    result = _run(tmp_path, copy, *_command(name, tmp_path, copy))

    assert result.returncode == EXIT_USAGE
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("cpe-tracker: this database's accounts have passwords")
    assert "--as EMAIL" in line and "CPE_PASSWORD" in line and "--password-file" in line
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "copy.db").exists()
    assert _records_of(copy) == before


@pytest.mark.parametrize("name", ("backup", "restore", "check"))
def test_a_member_cannot_run_the_whole_database_commands(name, copy, tmp_path):
    args = _command(name, tmp_path, copy)
    with sqlite3.connect(copy) as con:  # restore would bring back this record
        con.execute("DELETE FROM record_credits")
        con.execute("DELETE FROM cpe_records")
    result = _run(tmp_path, copy, "--as", BOB, *args, password=BOB_PASSWORD)

    assert result.returncode == EXIT_FAILED
    assert result.stderr.strip().startswith("cpe-tracker: Only an administrator can ")
    assert not (tmp_path / "copy.db").exists()
    assert sum(_records_of(copy).values()) == 0  # not restored


@pytest.mark.parametrize("name", ("backup", "restore", "check"))
def test_an_administrator_runs_the_whole_database_commands(name, copy, tmp_path):
    result = _run(
        tmp_path, copy, "--as", ALICE, *_command(name, tmp_path, copy), password=ALICE_PASSWORD
    )

    assert result.returncode == 0, result.stderr
    if name == "backup":
        assert (tmp_path / "copy.db").is_file()


def test_a_members_export_holds_only_their_own_data(copy, tmp_path):
    since = _last_rowid(copy, "activity_logs")
    result = _run(
        tmp_path, copy, "--as", BOB, *_command("export", tmp_path, copy), password=BOB_PASSWORD
    )

    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [person["email"] for person in document["users"]] == [BOB]
    assert "alice" not in (tmp_path / "out.json").read_text(encoding="utf-8").lower()
    bob = _user_id(copy, BOB)
    assert _latest(copy, "activity_logs", since) == [(bob, "logged in"), (bob, "exported json")]


def test_an_administrators_export_holds_everyone(copy, tmp_path):
    result = _run(
        tmp_path, copy, "--as", ALICE, *_command("export", tmp_path, copy), password=ALICE_PASSWORD
    )

    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert sorted(person["email"] for person in document["users"]) == [ALICE, BOB]


@pytest.mark.parametrize("fmt", ("csv", "xlsx", "ics", "json"))
def test_a_member_cannot_export_someone_elses_data(fmt, copy, tmp_path):
    out = tmp_path / f"alice.{fmt}"
    result = _run(
        tmp_path,
        copy,
        "--as",
        BOB,
        "export",
        "--format",
        fmt,
        "--user",
        ALICE,
        "-o",
        str(out),
        password=BOB_PASSWORD,
    )

    assert result.returncode == EXIT_FAILED
    assert "is not your account" in result.stderr
    assert not out.exists()


def test_a_members_import_goes_into_their_account_and_names_them(copy, tmp_path):
    before = _records_of(copy)
    audit_since, activity_since = (
        _last_rowid(copy, "audit_logs"),
        _last_rowid(copy, "activity_logs"),
    )
    result = _run(
        tmp_path, copy, "--as", BOB, *_command("import", tmp_path, copy), password=BOB_PASSWORD
    )

    assert result.returncode == 0, result.stderr
    assert _records_of(copy) == {**before, BOB: before[BOB] + 1}
    bob = _user_id(copy, BOB)
    audit = _latest(copy, "audit_logs", audit_since)
    assert audit and {user for user, _ in audit} == {bob}
    activity = _latest(copy, "activity_logs", activity_since)
    assert (bob, "logged in") in activity and (bob, "imported new.csv") in activity


def test_a_member_cannot_import_into_someone_elses_account(copy, tmp_path):
    before = _records_of(copy)
    result = _run(
        tmp_path,
        copy,
        "--as",
        BOB,
        *_command("import", tmp_path, copy),
        "--user",
        ALICE,
        password=BOB_PASSWORD,
    )

    assert result.returncode == EXIT_FAILED
    assert "is not your account; you can only use your own account's data" in result.stderr
    assert _records_of(copy) == before


def test_a_member_asking_for_an_unknown_account_gets_the_same_refusal(copy, tmp_path):
    """Whether an email has an account is not a member's to learn."""
    known = _run(tmp_path, copy, "--as", BOB, "status", "--user", ALICE, password=BOB_PASSWORD)
    unknown = _run(
        tmp_path, copy, "--as", BOB, "status", "--user", "zed@example.com", password=BOB_PASSWORD
    )

    assert known.returncode == unknown.returncode == EXIT_FAILED
    assert known.stderr.replace(ALICE, "X") == unknown.stderr.replace("zed@example.com", "X")


def test_an_administrators_import_into_a_members_account_names_the_administrator(copy, tmp_path):
    before = _records_of(copy)
    since = _last_rowid(copy, "audit_logs")
    result = _run(
        tmp_path,
        copy,
        "--as",
        ALICE,
        *_command("import", tmp_path, copy),
        "--user",
        BOB,
        password=ALICE_PASSWORD,
    )

    assert result.returncode == 0, result.stderr
    assert _records_of(copy) == {**before, BOB: before[BOB] + 1}
    assert {user for user, _ in _latest(copy, "audit_logs", since)} == {_user_id(copy, ALICE)}


def test_a_members_status_shows_only_their_licenses(copy, tmp_path):
    text = _run(tmp_path, copy, "--as", BOB, "status", password=BOB_PASSWORD)
    as_json = _run(tmp_path, copy, "--as", BOB, "status", "--json", password=BOB_PASSWORD)

    assert text.returncode == as_json.returncode == 0, text.stderr + as_json.stderr
    assert f"<{BOB}>" in text.stdout and ALICE not in text.stdout
    assert ALICE not in as_json.stdout and BOB in as_json.stdout


def test_an_administrators_status_shows_everyone(copy, tmp_path):
    result = _run(tmp_path, copy, "--as", ALICE, "status", password=ALICE_PASSWORD)

    assert result.returncode == 0, result.stderr
    assert f"<{ALICE}>" in result.stdout and f"<{BOB}>" in result.stdout


def test_the_sign_in_options_may_follow_the_command(copy, tmp_path):
    """``status --as`` is the sign-in, not an abbreviation of ``--as-of``."""
    result = _run(
        tmp_path, copy, "status", "--as", BOB, "--as-of", "2026-06-30", password=BOB_PASSWORD
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Compliance as of 2026-06-30")
    assert f"<{BOB}>" in result.stdout and ALICE not in result.stdout


def test_a_wrong_password_and_an_unknown_email_get_the_same_plain_refusal(copy, tmp_path):
    wrong = _run(tmp_path, copy, "--as", BOB, "check", password="not bob's password")
    unknown = _run(tmp_path, copy, "--as", "nobody@example.com", "check", password="whatever")

    assert wrong.returncode == unknown.returncode == EXIT_FAILED
    assert wrong.stderr == unknown.stderr
    assert wrong.stderr == (
        "cpe-tracker: That email and password do not match an active account.\n"
    )


def test_without_a_password_the_refusal_says_where_to_give_it(copy, tmp_path):
    result = _run(tmp_path, copy, "--as", BOB, "status")

    assert result.returncode == EXIT_FAILED
    assert "No password was given: set CPE_PASSWORD or use --password-file FILE" in result.stderr


def test_the_password_can_come_from_a_file(copy, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(BOB_PASSWORD + "\n", encoding="utf-8")
    result = _run(tmp_path, copy, "--as", BOB, "--password-file", str(secret), "status")

    assert result.returncode == 0, result.stderr
    assert f"<{BOB}>" in result.stdout


def test_a_password_file_without_as_is_refused(copy, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(BOB_PASSWORD, encoding="utf-8")
    result = _run(tmp_path, copy, "--password-file", str(secret), "status")

    assert result.returncode == EXIT_FAILED
    assert "--password-file is the password of --as EMAIL" in result.stderr


def test_restore_over_a_damaged_database_does_not_ask_who_you_are(copy, tmp_path):
    """A file that cannot be read has no accounts to protect (whoever can replace it in the
    data folder could copy over it as well): sign-in is not what decides this restore."""
    backup = tmp_path / "good.db"
    shutil.copy(copy, backup)
    copy.write_bytes(b"this is not a database" * 100)
    result = _run(tmp_path, copy, "restore", str(backup))

    assert result.returncode != EXIT_USAGE
    assert "--as" not in result.stderr


# --- a database without passwords: as scriptable as before ---------------------------------------


def test_a_sole_passwordless_person_is_who_the_command_line_acts_as(tmp_path):
    solo = tmp_path / "solo.json"
    solo.write_text(json.dumps(one_person_document()), encoding="utf-8")
    db = tmp_path / "solo.db"
    first = _run(tmp_path, db, "import", str(solo))  # into an empty database: no one to be
    assert first.returncode == 0, first.stderr
    since = _last_rowid(db, "audit_logs")

    result = _run(tmp_path, db, "import", str(_csv(tmp_path / "more.csv", "Another course")))

    assert result.returncode == 0, result.stderr
    carol = _user_id(db, "carol@example.com")
    assert {user for user, _ in _latest(db, "audit_logs", since)} == {carol}


def test_with_several_passwordless_people_as_picks_one_and_limits_to_them(tmp_path):
    source = tmp_path / "people.json"
    source.write_text(json.dumps(two_people_document()), encoding="utf-8")
    db = tmp_path / "two.db"
    assert _run(tmp_path, db, "import", str(source)).returncode == 0
    out = tmp_path / "bob.json"

    result = _run(tmp_path, db, "--as", BOB, "export", "--format", "json", "-o", str(out))
    everyone = _run(tmp_path, db, "status")  # no --as: the administrator's view, as before

    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [person["email"] for person in document["users"]] == [BOB]
    assert f"<{ALICE}>" in everyone.stdout and f"<{BOB}>" in everyone.stdout


def test_a_members_json_import_cannot_write_into_someone_elses_account(copy, tmp_path):
    source = tmp_path / "people.json"
    source.write_text(json.dumps(two_people_document()), encoding="utf-8")
    before = _records_of(copy)

    result = _run(tmp_path, copy, "--as", BOB, "import", str(source), password=BOB_PASSWORD)

    assert result.returncode == EXIT_FAILED
    assert f"{ALICE} is someone else's account" in result.stderr
    assert _records_of(copy) == before


@pytest.mark.skipif(os.name != "posix", reason="the terminal here is a POSIX pseudo-terminal")
def test_in_a_terminal_the_password_is_asked_for_without_echo(copy, tmp_path):
    import fcntl
    import pty
    import select
    import termios

    master, terminal = pty.openpty()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CPE_DATABASE_URL", "CPE_PASSWORD")
    }
    env.update(CPE_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen(
        [sys.executable, "-m", "cpe_desktop", "--db", str(copy), "--as", BOB, "status"],
        env=env,
        cwd=tmp_path,
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # the pseudo-terminal becomes the program's own terminal, where getpass asks
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
    )
    os.close(terminal)
    shown = b""
    prompt = f"Password for {BOB}: ".encode()
    while prompt not in shown and process.poll() is None:
        if select.select([master], [], [], 1)[0]:
            shown += os.read(master, 1024)
    os.write(master, BOB_PASSWORD.encode() + b"\n")
    out, err = process.communicate(timeout=120)
    while select.select([master], [], [], 0)[0]:
        try:
            chunk = os.read(master, 1024)
        except OSError:  # the program has closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)

    assert process.returncode == 0, err
    assert prompt in shown
    assert BOB_PASSWORD.encode() not in shown  # not echoed
    assert f"<{BOB}>".encode() in out
