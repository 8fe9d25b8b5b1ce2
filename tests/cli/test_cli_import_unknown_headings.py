"""A file whose headings the program does not know, through the real command line (issue 15,
item 7): the refusal names what is missing and how to choose it, and says each list once — the
file's headings and each field's example headings — not once per missing column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.command_line import run_cli
from tests.helpers.interchange_documents import one_person_document


@pytest.fixture
def database(tmp_path) -> Path:
    db = tmp_path / "x.db"
    solo = tmp_path / "solo.json"
    solo.write_text(json.dumps(one_person_document()), encoding="utf-8")
    assert run_cli(tmp_path, db, "import", str(solo)).returncode == 0
    return db


def test_unknown_headings_are_named_once_with_the_way_to_choose_each_column(tmp_path, database):
    path = tmp_path / "odd.csv"
    path.write_text("Foo,Bar,Baz,Qux\na,b,c,d\ne,f,g,h\n", encoding="utf-8")
    result = run_cli(tmp_path, database, "import", str(path))
    assert result.returncode == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr
    said = result.stderr
    # Each missing column is named with the option that chooses it ...
    for name in ("completed_on", "title", "credits"):
        assert f"--map 'Foo'={name}" in said
    # ... and the file's headings are listed once, not once per missing column.
    assert said.count("'Foo', 'Bar', 'Baz', 'Qux'") == 1
    assert said.count("'Completed On'") == 1 and said.count("'Hours'") == 1


def test_one_missing_column_still_lists_the_files_headings(tmp_path, database):
    path = tmp_path / "nohours.csv"
    path.write_text("Date,Course,Widget\n2025-01-01,A,x\n", encoding="utf-8")
    result = run_cli(tmp_path, database, "import", str(path))
    assert result.returncode == 1
    assert "('Date', 'Course', 'Widget')" in result.stderr
    assert "--map 'Widget'=credits" in result.stderr
