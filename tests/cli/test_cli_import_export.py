"""``import`` and ``export`` through the real command line (a subprocess each: keep these few)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from cpe_desktop.services.interchange.csv_format import HEADER
from cpe_desktop.services.interchange.xlsx_format import HEADINGS
from tests.helpers.command_line import run_cli
from tests.helpers.interchange_documents import one_person_document, two_people_document


def _write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """A database holding the two-person document, imported through the command line."""
    folder = tmp_path_factory.mktemp("cli")
    source = _write_json(folder / "people.json", two_people_document())
    db = folder / "x.db"
    result = run_cli(folder, db, "import", str(source))
    return folder, db, result


def test_json_import_then_export_reproduces_the_file(imported):
    folder, db, result = imported
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Imported 2 people, 3 licenses, 20 records and 1 requirement rule; "
        "0 records already present were skipped."
    )

    out = folder / "out.json"
    exported = run_cli(folder, db, "export", "--format", "json", "-o", str(out))

    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == two_people_document()


def test_csv_export_imports_into_a_fresh_one_person_database(imported, tmp_path):
    folder, db, _ = imported
    csv_file = tmp_path / "alice.csv"
    result = run_cli(
        tmp_path,
        db,
        "export",
        "--format",
        "csv",
        "--user",
        "alice@example.com",
        "-o",
        str(csv_file),
    )
    assert result.returncode == 0, result.stderr

    fresh = tmp_path / "fresh.db"
    solo = _write_json(tmp_path / "solo.json", one_person_document())
    assert run_cli(tmp_path, fresh, "import", str(solo)).returncode == 0
    result = run_cli(tmp_path, fresh, "import", str(csv_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Imported 12 records for carol@example.com;")

    out = tmp_path / "fresh.json"
    assert run_cli(tmp_path, fresh, "export", "--format", "json", "-o", str(out)).returncode == 0
    (carol,) = json.loads(out.read_text(encoding="utf-8"))["users"]
    assert carol["email"] == "carol@example.com"
    assert carol["records"] == two_people_document()["users"][0]["records"]


def test_a_bad_file_fails_with_one_line_naming_the_json_path(tmp_path):
    document = two_people_document()
    document["users"][1]["records"][4]["credits"][0]["credits"] = -2
    source = _write_json(tmp_path / "bad.json", document)

    result = run_cli(tmp_path, tmp_path / "x.db", "import", str(source))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "users[1].records[4].credits[0].credits" in result.stderr
    assert result.stdout == ""


def test_a_missing_file_fails_and_bad_usage_is_exit_code_2(tmp_path):
    missing = run_cli(tmp_path, tmp_path / "x.db", "import", str(tmp_path / "absent.json"))
    assert missing.returncode == 1 and "absent.json" in missing.stderr
    assert "Traceback" not in missing.stderr

    usage = run_cli(tmp_path, tmp_path / "x.db", "export", "--format", "pdf", "-o", "x.pdf")
    assert usage.returncode == 2 and "invalid choice" in usage.stderr


# --- spreadsheets and calendars -------------------------------------------------------------------


def test_xlsx_export_imports_into_a_fresh_database(imported, tmp_path):
    folder, db, _ = imported
    workbook = tmp_path / "alice.xlsx"
    result = run_cli(
        tmp_path,
        db,
        "export",
        "--format",
        "xlsx",
        "--user",
        "alice@example.com",
        "-o",
        str(workbook),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Exported 1 person and 12 records (")
    book = openpyxl.load_workbook(workbook)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    # Headed in words; Alice's Texas ethics has a course topic.
    assert rows[0] == tuple(HEADINGS[n] for n in (*HEADER, "topics"))
    assert rows[1][:3] == (dt.datetime(2024, 1, 18), "Tax update 2024", "ACME CPE")

    fresh = tmp_path / "fresh.db"
    solo = _write_json(tmp_path / "solo.json", one_person_document())
    assert run_cli(tmp_path, fresh, "import", str(solo)).returncode == 0
    result = run_cli(tmp_path, fresh, "import", str(workbook), "--user", "carol@example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Imported 12 records for carol@example.com;")

    out = tmp_path / "fresh.json"
    assert run_cli(tmp_path, fresh, "export", "--format", "json", "-o", str(out)).returncode == 0
    (carol,) = json.loads(out.read_text(encoding="utf-8"))["users"]
    assert carol["records"] == two_people_document()["users"][0]["records"]


def test_a_workbook_without_a_credits_column_is_refused_in_one_line(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Date", "Course", "Format", "Field of Study"])
    book.active.append([dt.datetime(2025, 1, 2), "Tax", "Group Live", "Taxes"])
    book.save(tmp_path / "log.xlsx")
    db = tmp_path / "x.db"
    solo = _write_json(tmp_path / "solo.json", one_person_document())
    assert run_cli(tmp_path, db, "import", str(solo)).returncode == 0

    result = run_cli(tmp_path, db, "import", str(tmp_path / "log.xlsx"))

    assert result.returncode == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("cpe-tracker: row 1, Credits column: not found")
    assert "'Date', 'Course', 'Format', 'Field of Study'" in line


def test_ics_export_lists_every_license_deadline(imported, tmp_path):
    folder, db, _ = imported
    calendar = tmp_path / "firm.ics"

    result = run_cli(tmp_path, db, "export", "--format", "ics", "-o", str(calendar))

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Exported 3 deadlines and 0 reminders of 2 people")
    events = Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")
    assert sorted(str(event["SUMMARY"]) for event in events) == [
        "CPE deadline: CIA — IIA (Bob Member)",
        "CPE deadline: CPA — New York (Alice Admin)",
        "CPE deadline: CPA — Texas (Alice Admin)",
    ]
    texas = next(e for e in events if "Texas" in str(e["SUMMARY"]))
    assert texas["DTSTART"].dt == dt.date(2027, 5, 31)  # the license's own period end
