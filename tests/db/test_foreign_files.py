"""CPE Tracker opens only its own databases: a new or empty file, or one carrying its marker (or,
from before the marker, its schema table). Another program's SQLite file is refused with a plain
message and left exactly as it was: no tables added, no bytes changed, no backup written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cpe_desktop import paths
from cpe_desktop.db.database import (
    APPLICATION_ID,
    ForeignDatabaseError,
    bind,
    inspect_file,
    make_database,
)
from cpe_desktop.db.errors import DatabaseEnvironmentError
from cpe_desktop.db.migrations import migrate
from cpe_desktop.startup import open_database


def _tables(path: Path) -> list[str]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT name FROM sqlite_master ORDER BY name")]
    finally:
        con.close()


def _application_id(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[68:72], "big")


def _other_program(path: Path, *, wal: bool = False, marker: int = 0) -> None:
    with sqlite3.connect(path) as con:
        if wal:
            con.execute("PRAGMA journal_mode=wal")
        if marker:
            con.execute(f"PRAGMA application_id = {marker}")
        con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO users (name) VALUES ('someone')")
    con.close()


@pytest.mark.parametrize(
    ("wal", "marker"), [(False, 0), (True, 0), (False, 0x4D504442)], ids=["plain", "wal", "marked"]
)
def test_another_programs_sqlite_file_is_refused_untouched(tmp_path, wal, marker):
    live = tmp_path / "cpe-tracker.db"
    _other_program(live, wal=wal, marker=marker)
    before = live.read_bytes()
    files_before = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(ForeignDatabaseError) as refused:
        open_database(live)

    assert isinstance(refused.value, DatabaseEnvironmentError)
    assert "is not a CPE Tracker database" in str(refused.value)
    assert "left as it is" in str(refused.value)
    assert live.read_bytes() == before
    assert _tables(live) == ["users"]
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before  # no backup, no -wal
    assert not paths.backups_dir().exists() or list(paths.backups_dir().iterdir()) == []


def test_a_new_database_is_marked_as_ours(tmp_path):
    live = tmp_path / "new" / "cpe-tracker.db"
    db = open_database(live)
    db.close()
    assert _application_id(live) == APPLICATION_ID
    assert inspect_file(live).kind == "ours"


def test_an_empty_file_is_taken_and_marked(tmp_path):
    live = tmp_path / "cpe-tracker.db"
    live.write_bytes(b"")
    db = open_database(live)
    db.close()
    assert _application_id(live) == APPLICATION_ID
    assert "schema_version" in _tables(live)


def test_a_database_from_before_the_marker_is_recognised_and_marked(tmp_path):
    """Databases written by earlier versions have no marker: their schema table says they are
    ours, and they are marked when opened."""
    live = tmp_path / "cpe-tracker.db"
    db = bind(make_database(str(live)))
    db.connect()
    migrate(db)
    db.close()
    assert _application_id(live) == 0
    assert inspect_file(live).kind == "ours"
    db = open_database(live)
    db.close()
    assert _application_id(live) == APPLICATION_ID


def test_inspect_file_names_each_state(tmp_path):
    assert inspect_file(tmp_path / "none.db").kind == "missing"
    (tmp_path / "empty.db").write_bytes(b"")
    assert inspect_file(tmp_path / "empty.db").kind == "empty"
    (tmp_path / "text.db").write_text("hello " * 100)
    assert inspect_file(tmp_path / "text.db").kind == "damaged"
    _other_program(tmp_path / "other.db")
    assert inspect_file(tmp_path / "other.db").kind == "foreign"
