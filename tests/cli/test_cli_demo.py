"""``cpe-tracker demo`` through the real command line (a subprocess each: keep these few).

Two databases made with the same seed and as-of date are compared table by table, every row and
every column (ids, timestamps, audit hashes included). Left out are the two columns stamped with
the machine's own clock rather than the services' (the demo's): ``schema_version.applied_at``
(when the migrations ran) and ``audit_chain_head.updated_at`` (when the chain's head last moved,
``services/audit/trail.py``). A third database, from another seed, differs.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SMALL = ("--users", "3", "--records-per-user", "15", "--as-of", "2026-12-05")
VARIES_BY_RUN = {"schema_version": {"applied_at"}, "audit_chain_head": {"updated_at"}}


def _run(
    data_dir: Path, *args: str, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    env.pop("CPE_PASSWORD", None)
    if password is not None:
        env["CPE_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "cpe_desktop", *args],
        env=env,
        cwd=data_dir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _dump(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order, without the columns a run stamps itself."""
    with sqlite3.connect(db) as con:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        dump = {}
        for table in sorted(tables):
            columns = [row[1] for row in con.execute(f'PRAGMA table_info("{table}")')]
            kept = [c for c in columns if c not in VARIES_BY_RUN.get(table, set())]
            names = ", ".join(f'"{c}"' for c in kept)
            dump[table] = con.execute(f'SELECT {names} FROM "{table}" ORDER BY 1').fetchall()
    return dump


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Two demos with seed 5 (each with its own data folder) and one with seed 6."""
    folder = tmp_path_factory.mktemp("demo")
    runs = {}
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        data = folder / f"data-{name}"
        data.mkdir()
        db = folder / f"{name}.db"
        runs[name] = (data, db, _run(data, "demo", *SMALL, "--seed", seed, "--db", str(db)))
    return runs


def test_demo_says_what_it_made(made):
    _data, _db, result = made["a"]
    assert result.returncode == 0, result.stderr
    assert "Made the demo firm Harbor & Finch LLP as of 2026-12-05 (seed 5)" in result.stdout
    assert "3 people (1 administrator: margaret.chen@harborfinch.example.com)" in result.stdout
    assert "No account has a password" in result.stdout


def test_the_same_seed_makes_the_same_database(made):
    assert all(run[2].returncode == 0 for run in made.values())
    first, second = _dump(made["a"][1]), _dump(made["b"][1])

    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], table
    assert made["a"][2].stdout == made["b"][2].stdout


def test_the_same_seed_writes_the_same_certificate_files(made):
    def files(data: Path) -> dict[str, bytes]:
        root = data / "attachments"
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.pdf")}

    first = files(made["a"][0])
    assert first and first == files(made["b"][0])


def test_another_seed_makes_another_firm(made):
    first, other = _dump(made["a"][1]), _dump(made["c"][1])
    assert first["cpe_records"] != other["cpe_records"]
    assert first["licenses"] != other["licenses"]


def test_check_passes_on_the_demo(made):
    data, db, _ = made["a"]
    result = _run(data, "--db", str(db), "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Database OK")


def test_a_database_with_people_is_refused(made):
    data, db, _ = made["a"]
    before = _dump(db)

    result = _run(data, "--db", str(db), "demo", *SMALL)

    assert result.returncode == 1
    assert "already holds 3 people" in result.stderr
    assert "never mixes with real data" in result.stderr
    assert _dump(db) == before


def test_wrong_numbers_are_a_usage_error(tmp_path):
    result = _run(tmp_path, "demo", "--users", "0", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "'0' is not a number" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_with_passwords_every_account_signs_in_with_cpe_password(tmp_path):
    db = tmp_path / "p.db"
    made = _run(
        tmp_path,
        "demo",
        "--users",
        "1",
        "--records-per-user",
        "3",
        "--with-passwords",
        "--db",
        str(db),
        password="demo-pass-1",
    )
    assert made.returncode == 0, made.stderr
    assert "Every account has the password given" in made.stdout

    email = "margaret.chen@harborfinch.example.com"
    signed = _run(tmp_path, "--db", str(db), "--as", email, "status", password="demo-pass-1")
    assert signed.returncode == 0, signed.stderr
    refused = _run(tmp_path, "--db", str(db), "status")
    assert refused.returncode == 2


def test_with_passwords_needs_one(tmp_path):
    result = _run(tmp_path, "demo", "--with-passwords", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1
    assert "none was given" in result.stderr
    assert not (tmp_path / "x.db").exists()
