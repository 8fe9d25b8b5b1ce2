"""A lone surrogate in a JSON file is refused with its path, nothing stored (issue 14, item 11).

``"title": "\\udcff"`` is valid JSON syntax but no Unicode text: it used to reach the database and
end in "unexpected error: 'utf-8' codec can't encode". These tests write the escape as a person's
editor would, into the file's bytes, and go through the same entry points as the program.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import import_file
from tests.helpers.interchange_documents import table_counts, two_people_document

pytestmark = pytest.mark.usefixtures("seeded")


def _document_with(tmp_path: Path, place) -> Path:
    """The two-person document with ``place(document)`` applied, written with ASCII escapes (so
    a surrogate is the six characters ``\\udcff`` in the file)."""
    document = two_people_document()
    place(document)
    path = tmp_path / "people.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=True), encoding="utf-8")
    assert "\\udcff" in path.read_text(encoding="utf-8")
    return path


def _set_title(document) -> None:
    document["users"][0]["records"][3]["title"] = "Ethics \udcff update"


def test_a_lone_surrogate_in_a_title_is_refused_with_its_path(system, tmp_path):
    path = _document_with(tmp_path, _set_title)
    before = table_counts()

    with pytest.raises(ValidationError) as caught:
        import_file(system, path)

    assert caught.value.errors == {
        "users[0].records[3].title": "contains an invalid character (lone surrogate U+DCFF)"
    }
    assert table_counts() == before


def test_every_lone_surrogate_is_named_keys_included(system, tmp_path):
    def place(document) -> None:
        document["users"][1]["name"] = "\ud800Bob"
        document["users"][0]["licenses"][0]["license_number"] = "12\udfff"
        document["users"][0]["records"][0]["od\udcffd"] = "x"

    path = _document_with(tmp_path, place)
    before = table_counts()

    with pytest.raises(ValidationError) as caught:
        import_file(system, path)

    assert caught.value.errors == {
        "users[0].licenses[0].license_number": (
            "contains an invalid character (lone surrogate U+DFFF)"
        ),
        'users[0].records[0]["od\\udcffd"]': (
            "is a key with an invalid character (lone surrogate U+DCFF)"
        ),
        "users[1].name": "contains an invalid character (lone surrogate U+D800)",
    }
    assert table_counts() == before


def test_a_proper_pair_of_surrogate_escapes_is_ordinary_text(system, tmp_path):
    def place(document) -> None:
        document["users"][0]["records"][3]["title"] = "Ethics \U0001f600 update"

    path = tmp_path / "people.json"
    document = two_people_document()
    place(document)
    path.write_text(json.dumps(document, ensure_ascii=True), encoding="utf-8")
    assert "\\ud83d\\ude00" in path.read_text(encoding="utf-8")

    summary = import_file(system, path)

    assert summary.records_added == 20


def test_the_command_line_refuses_it_in_one_line_and_stores_nothing(tmp_path):
    path = _document_with(tmp_path, _set_title)
    data = tmp_path / "cli"
    data.mkdir()
    db = data / "x.db"
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cpe_desktop", "--db", str(db), *args],
            env=env,
            cwd=data,
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = run("import", str(path))

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "users[0].records[3].title: contains an invalid character (lone surrogate U+DCFF)" in (
        line
    )
    out = data / "after.json"
    exported = run("export", "--format", "json", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["users"] == []
