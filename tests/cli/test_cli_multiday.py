"""Multi-day programs through the real command line: ``import`` of a CSV and of an Excel sheet with
a 30-credit 4-day conference succeeds, prints the per-day warning where there is one, and stores
the first day (checked through ``export``). A subprocess each: keep these few."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from cpe_desktop.services.interchange.csv_format import HEADER
from tests.helpers.interchange_documents import one_person_document


def _run(folder: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(folder), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "cpe_desktop", "--db", str(db), *args],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _database_with_one_person(folder: Path) -> Path:
    db = folder / "x.db"
    person = folder / "carol.json"
    person.write_text(json.dumps(one_person_document()), encoding="utf-8")
    result = _run(folder, db, "import", str(person))
    assert result.returncode == 0, result.stderr
    return db


def _exported_rows(folder: Path, db: Path) -> list[dict[str, str]]:
    out = folder / "out.csv"
    result = _run(folder, db, "export", "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))


def test_csv_import_of_a_four_day_conference_stores_its_first_day(tmp_path):
    db = _database_with_one_person(tmp_path)
    source = tmp_path / "records.csv"
    source.write_text(
        ",".join(HEADER) + ",started_on\n"
        "2025-03-05,Spring conference,State CPA Society,,Group Live,Taxes,30,,,2025-03-02\n"
        "2025-04-10,Tax marathon,ACME CPE,,Group Live,Taxes,30,,,\n",
        encoding="utf-8",
    )
    result = _run(tmp_path, db, "import", str(source))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Imported 2 records for carol@example.com; 0 records already present were skipped.",
        "warning: line 3 (Tax marathon): 30.0 credits over 1 day is more than 10 a day; if the "
        "program ran several days, enter its first day.",
    ]
    rows = _exported_rows(tmp_path, db)
    assert [(r["title"], r["started_on"], r["completed_on"], r["credits"]) for r in rows] == [
        ("Spring conference", "2025-03-02", "2025-03-05", "30"),
        ("Tax marathon", "", "2025-04-10", "30"),
    ]


def test_xlsx_import_splits_a_dates_cell_and_accepts_a_college_course(tmp_path):
    db = _database_with_one_person(tmp_path)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Dates", "Course", "Format", "Subject", "CPE Hours"])
    sheet.append(["Mar 2-5, 2025", "Spring conference", "Group Live", "Taxes", 30])
    sheet.append(["May 9, 2025", "Managerial Finance", "College Course", "Finance", 45])
    source = tmp_path / "mine.xlsx"
    workbook.save(source)

    result = _run(tmp_path, db, "import", str(source))

    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stdout
    rows = _exported_rows(tmp_path, db)
    assert [(r["title"], r["started_on"], r["completed_on"], r["credits"]) for r in rows] == [
        ("Spring conference", "2025-03-02", "2025-03-05", "30"),
        ("Managerial Finance", "", "2025-05-09", "45"),
    ]
