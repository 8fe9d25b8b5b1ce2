"""``cpe-tracker status`` through the real command line, on an imported file that carries its own
requirement rule (ARCHITECTURE.md §2 ``requirements``), with the expected numbers worked out by
hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RULE = {
    "credential": "CPA",
    "jurisdiction": "Atlantis",
    "total_hours": 40,
    "period_years": 1,
    "ethics_hours": 2,
    "period_basis": "calendar",
    "max_self_study_pct": 50,  # 50% of 40 = at most 20 self-study hours count
    "source": "Atlantis Board rule 7 (test data)",
    "verified_on": "2026-01-02",
    "components": [
        {"kind": "min", "hours": 12, "fields": ["Taxes"], "label": "12 h of taxes"},
        {"kind": "course", "hours": 2, "topic": "Atlantis Law", "label": "Atlantis law course"},
    ],
}


def _record(title: str, day: str, method: str, field: str, credits: float, topics=()) -> dict:
    return {
        "title": title,
        "sponsor": "ACME CPE",
        "sponsor_id": None,
        "completed_on": day,
        "delivery_method": method,
        "credits": [{"field": field, "credits": credits}],
        "ethics_jurisdiction": "Atlantis" if "Ethics" in field else None,
        "notes": None,
        "topics": list(topics),
    }


DOCUMENT = {
    "format": "cpe-tracker/1",
    "requirements": [RULE],
    "users": [
        {
            "name": "Dana Doe",
            "email": "dana@example.com",
            "role": "admin",
            "birth_date": None,
            "licenses": [
                {
                    "credential": "CPA",
                    "jurisdiction": "Atlantis",
                    "license_number": "A-1",
                    "issued_on": "2020-01-01",
                    "expires_on": None,
                }
            ],
            "records": [
                # 2025 (the previous period): 20 + 20 + 2 ethics = 42 ≥ 40, so nothing overdue.
                _record("Tax I", "2025-03-01", "Group Live", "Taxes", 20),
                _record("Tax II", "2025-06-01", "Group Live", "Taxes", 20),
                _record("Ethics 2025", "2025-07-01", "Group Live", "Regulatory Ethics", 2),
                # 2026 up to 15 June: 10 live + 25 self-study (capped at 20) + 2 ethics.
                _record("Tax III", "2026-02-01", "Group Live", "Taxes", 10),
                _record("Audit self-study A", "2026-03-01", "QAS Self Study", "Auditing", 12.5),
                _record("Audit self-study B", "2026-03-15", "QAS Self Study", "Auditing", 12.5),
                _record(
                    "Ethics 2026",
                    "2026-04-01",
                    "Group Live",
                    "Regulatory Ethics",
                    2,
                    topics=["Atlantis Law"],
                ),
                # After the as-of date: must not count.
                _record("Later", "2026-07-01", "Group Live", "Taxes", 8),
            ],
        }
    ],
}
LICENSE_KEYS = {
    "credential",
    "jurisdiction",
    "period_start",
    "period_end",
    "period_guessed",
    "status",
    "required_total",
    "counted_total",
    "required_ethics",
    "counted_ethics",
    "carryover_in",
    "shortfall_total",
    "shortfall_ethics",
    "annual",
    "caps",
    "components",
    "tracked_from",
    "first_period",
    "met_through",
    "headline",
    "issues",
}


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(folder), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "cpe_desktop", "--db", str(folder / "x.db"), *args],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("status")
    source = folder / "dana.json"
    source.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    result = _run(folder, "import", str(source))
    assert result.returncode == 0, result.stderr
    return folder


def test_status_json_on_an_imported_file_with_its_own_rule(folder):
    result = _run(folder, "status", "--json", "--as-of", "2026-07-15")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"as_of", "users"} and document["as_of"] == "2026-07-15"
    (person,) = document["users"]
    assert set(person) == {"email", "licenses"} and person["email"] == "dana@example.com"
    (lic,) = person["licenses"]
    assert set(lic) == LICENSE_KEYS
    # 2026-01-01..2026-12-31; counted = 10 + min(25, 20) + 2 + 8 (Later, 1 July) = 40.
    assert (lic["period_start"], lic["period_end"]) == ("2026-01-01", "2026-12-31")
    assert (lic["required_total"], lic["counted_total"], lic["shortfall_total"]) == (40, 40, 0)
    assert (lic["required_ethics"], lic["counted_ethics"], lic["shortfall_ethics"]) == (2, 2, 0)
    assert lic["caps"] == [{"cap": "self_study", "limit": 20, "dropped": 5}]
    assert lic["status"] == "complete" and lic["carryover_in"] == 0 and lic["annual"] == []
    # Imported without tracked_from: the calendar year of Dana's earliest record (1 March 2025).
    assert lic["tracked_from"] == "2025-01-01"
    assert (lic["first_period"], lic["met_through"]) == (None, None)
    # the README's Command line section components: the rule's own two, next to the headline
    # figures. Taxes in 2026 up
    # to 15 July: Tax III 10 + Later 8 = 18 of 12; the course: Ethics 2026 is tagged, 2 of 2.
    by_label = {c["label"]: c for c in lic["components"]}
    assert by_label["12 h of taxes"] == {
        "kind": "min",
        "label": "12 h of taxes",
        "required": 12,
        "counted": 18,
        "dropped": 0,
        "met": True,
        "alternative": None,
        "chosen": False,
        "headline": False,
    }
    course = by_label["Atlantis law course"]
    assert (course["kind"], course["required"], course["counted"], course["met"]) == (
        "course",
        2,
        2,
        True,
    )
    assert isinstance(lic["headline"], str) and lic["headline"]
    assert all(set(issue) == {"kind", "record_id", "message", "missing"} for issue in lic["issues"])


def test_status_as_of_an_earlier_date_leaves_later_records_out(folder):
    result = _run(folder, "status", "--json", "--as-of", "2026-06-15", "--user", "dana@example.com")
    assert result.returncode == 0, result.stderr
    (lic,) = json.loads(result.stdout)["users"][0]["licenses"]
    # Up to 15 June: 10 + 20 (capped) + 2 = 32 of 40, 8 short; 199 days left, 166 gone: at
    # 32 h so far the pace is ahead of the 8 h still needed, and more than 90 days remain.
    assert (lic["counted_total"], lic["shortfall_total"]) == (32, 8)
    assert lic["status"] == "on_track"
    # Taxes up to 15 June: Tax III alone, 10 of 12; not yet met, not yet failed (null) while
    # the period runs; listed before the course, which misses nothing (most missing first).
    taxes = next(c for c in lic["components"] if c["label"] == "12 h of taxes")
    assert (taxes["counted"], taxes["met"]) == (10, None)
    mine = [
        c["label"]
        for c in lic["components"]
        if c["label"] in ("12 h of taxes", "Atlantis law course")
    ]
    assert mine == ["12 h of taxes", "Atlantis law course"]
    kinds = [issue["kind"] for issue in lic["issues"]]
    assert kinds.count("no_certificate") == 4  # the four counted 2026 records


def test_status_table_and_bad_usage(folder):
    table = _run(folder, "status", "--as-of", "2026-06-15")
    assert table.returncode == 0, table.stderr
    assert "Dana Doe <dana@example.com>" in table.stdout
    assert "CPA Atlantis" in table.stdout and "ON TRACK" in table.stdout
    assert "8 more hours by 31 Dec 2026" in table.stdout
    assert "tracked since 2025-01-01" in table.stdout
    bad = _run(folder, "status", "--as-of", "15/06/2026")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_status_text_starts_each_license_with_its_plain_sentence(folder):
    as_json = _run(folder, "status", "--json", "--as-of", "2026-06-15")
    table = _run(folder, "status", "--as-of", "2026-06-15")
    assert as_json.returncode == table.returncode == 0, as_json.stderr + table.stderr
    (lic,) = json.loads(as_json.stdout)["users"][0]["licenses"]
    lines = table.stdout.splitlines()
    person = lines.index("Dana Doe <dana@example.com>")
    assert lines[person + 1] == f"  CPA Atlantis: {lic['headline']}"


# A license issued long ago, with only this year's records (issue 11): three-year calendar
# periods aligned to the issue year (2008-2010, ..., 2023-2025, 2026-2028). Tracking starts on
# 1 January 2026, the period holding the earliest record, so 2023-2025 is never judged.
OLD_LICENSE = {
    "format": "cpe-tracker/1",
    "requirements": [
        {
            "credential": "CPA",
            "jurisdiction": "Lemuria",
            "total_hours": 120,
            "period_years": 3,
            "period_basis": "calendar",
            "source": "Lemuria Board rule 3 (test data)",
        }
    ],
    "users": [
        {
            "name": "Eve Old",
            "email": "eve@example.com",
            "role": "admin",
            "licenses": [
                {"credential": "CPA", "jurisdiction": "Lemuria", "issued_on": "2008-03-01"}
            ],
            "records": [_record("Tax 2026", "2026-02-01", "Group Live", "Taxes", 20)],
        }
    ],
}


def test_an_old_license_with_only_this_years_records_is_not_overdue(tmp_path):
    source = tmp_path / "eve.json"
    source.write_text(json.dumps(OLD_LICENSE), encoding="utf-8")
    imported = _run(tmp_path, "import", str(source))
    assert imported.returncode == 0, imported.stderr
    result = _run(tmp_path, "status", "--json", "--as-of", "2026-06-15")
    assert result.returncode == 0, result.stderr
    (lic,) = json.loads(result.stdout)["users"][0]["licenses"]
    assert (lic["period_start"], lic["period_end"]) == ("2026-01-01", "2028-12-31")
    assert lic["tracked_from"] == "2026-01-01"
    assert lic["status"] == "on_track" and (lic["counted_total"], lic["shortfall_total"]) == (
        20,
        100,
    )
    table = _run(tmp_path, "status", "--as-of", "2026-06-15")
    assert "OVERDUE" not in table.stdout and "ON TRACK" in table.stdout
