"""Checks of the shipped requirement data file against the researched CSV it was transcribed from.

No database: the JSON and the CSV copy are read with the standard library.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "resources" / "requirements"
JSON_PATH = DATA_DIR / "requirements.json"
CSV_PATH = DATA_DIR / "requirements-sources.csv"

DEFAULT_VERIFIED_ON = "2026-11-25"
PERIOD_BASES = {"calendar", "fiscal", "birth_month", "license_date", "rolling"}
CREDENTIAL_CODES = {"CPA", "EA", "CIA", "CISA", "CMA", "CFP", "CFE", "CGMA", "AICPA"}
NUMBER_KEYS = (
    "total_hours",
    "ethics_hours",
    "annual_min_hours",
    "max_self_study_hours",
    "max_self_study_pct",
    "max_nano_hours",
    "max_nano_pct",
    "max_non_technical_hours",
    "max_non_technical_pct",
    "technical_min_hours",
    "carryover_max_hours",
)
INTEGER_KEYS = ("period_years", "ethics_period_years", "period_start_month", "cycle_anchor_year")
REQUIREMENT_KEYS = {
    "credential",
    "jurisdiction",
    *NUMBER_KEYS,
    *INTEGER_KEYS,
    "ethics_state_specific",
    "period_basis",
    "effective_from",
    "source",
    "verified_on",
    "confidence",
    "notes",
}

# Non-state rows: the CSV credential cell -> (credential code, jurisdiction used in the JSON).
NON_STATE = {
    "Enrolled Agent (EA)": ("EA", "IRS"),
    "Certified Internal Auditor (CIA) - practicing": ("CIA", "IIA"),
    "Certified Internal Auditor (CIA) - non-practicing": ("CIA", "IIA (non-practicing)"),
    "Certified Information Systems Auditor (CISA)": ("CISA", "ISACA"),
    "Certified Management Accountant (CMA)": ("CMA", "IMA"),
    "CERTIFIED FINANCIAL PLANNER (CFP)": ("CFP", "CFP Board"),
    "Certified Fraud Examiner (CFE)": ("CFE", "ACFE"),
    "Chartered Global Management Accountant (CGMA)": ("CGMA", "AICPA & CIMA"),
    "AICPA Regular membership": ("AICPA", "AICPA"),
}


def expected_key(csv_row: dict[str, str]) -> tuple[str, str]:
    """The (credential, jurisdiction) a CSV row must have in the JSON, from the CSV text alone."""
    jurisdiction, credential = csv_row["jurisdiction"], csv_row["credential"]
    if credential.startswith("CPA license (active)"):
        if jurisdiction == "Kentucky":
            if "3,000 hrs in a licensed public accounting firm" in credential:
                return ("CPA", "Kentucky (public accounting)")
            assert "all other licensees" in credential, credential
            return ("CPA", "Kentucky")
        return ("CPA", jurisdiction)
    return NON_STATE[credential]


def _cell(value: str) -> str:
    return value if value.strip() else "(not stated in source)"


@pytest.fixture(scope="module")
def doc() -> dict:
    with JSON_PATH.open(encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def csv_rows() -> list[dict[str, str]]:
    with CSV_PATH.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def by_key(doc) -> dict[tuple[str, str], dict]:
    return {(r["credential"], r["jurisdiction"]): r for r in doc["requirements"]}


@pytest.fixture(scope="module")
def pairs(doc, csv_rows) -> list[tuple[dict[str, str], dict]]:
    """Each CSV row with the one JSON row it maps to."""
    result = []
    for csv_row in csv_rows:
        key = expected_key(csv_row)
        matches = [r for r in doc["requirements"] if (r["credential"], r["jurisdiction"]) == key]
        assert len(matches) == 1, (key, len(matches))
        result.append((csv_row, matches[0]))
    return result


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- structure ---------------------------------------------------------------------------------


def test_header_and_credentials(doc):
    assert doc["format"] == "cpe-tracker-requirements/1"
    assert all(doc["dataset"][k].strip() for k in ("title", "researched", "notes"))
    codes = [c["code"] for c in doc["credentials"]]
    assert sorted(codes) == sorted(CREDENTIAL_CODES)
    for credential in doc["credentials"]:
        assert credential["name"].strip() and credential["issuing_body"].strip(), credential
    assert {r["credential"] for r in doc["requirements"]} <= set(codes)


def test_csv_has_65_rows_and_json_has_65_requirements(doc, csv_rows):
    assert len(csv_rows) == 65
    assert len(doc["requirements"]) == 65


def test_credential_jurisdiction_pairs_are_unique(doc):
    keys = [(r["credential"], r["jurisdiction"]) for r in doc["requirements"]]
    assert len(set(keys)) == len(keys)


def test_every_csv_row_maps_to_exactly_one_json_row_in_csv_order(doc, csv_rows, pairs):
    assert [expected_key(c) for c in csv_rows] == [
        (r["credential"], r["jurisdiction"]) for r in doc["requirements"]
    ]
    assert len({id(j) for _, j in pairs}) == 65


def test_every_row_has_exactly_the_requirement_keys(doc):
    for row in doc["requirements"]:
        assert set(row) == REQUIREMENT_KEYS, (row["jurisdiction"], set(row) ^ REQUIREMENT_KEYS)


def test_value_types(doc):
    for row in doc["requirements"]:
        where = (row["credential"], row["jurisdiction"])
        for key in NUMBER_KEYS:
            assert row[key] is None or _is_number(row[key]), (where, key, row[key])
            assert row[key] is None or row[key] >= 0, (where, key)
        for key in INTEGER_KEYS:
            assert row[key] is None or _is_int(row[key]), (where, key, row[key])
        assert _is_int(row["period_years"]) and row["period_years"] >= 1, where
        assert isinstance(row["ethics_state_specific"], bool), where
        assert row["confidence"] in {"high", "medium"}, where
        for key in ("max_self_study_pct", "max_nano_pct", "max_non_technical_pct"):
            assert row[key] is None or 0 < row[key] <= 100, (where, key)


# --- the CSV numbers and text ------------------------------------------------------------------


def test_total_hours_and_period_years_equal_the_csv(pairs):
    for csv_row, row in pairs:
        where = row["jurisdiction"]
        if csv_row["total_hours"].strip():
            assert _is_number(row["total_hours"]), where
            assert row["total_hours"] == float(csv_row["total_hours"]), where
        else:
            assert row["total_hours"] is None, where
        if csv_row["period_years"].strip():
            assert _is_int(row["period_years"]), where
            assert row["period_years"] == int(csv_row["period_years"]), where


def test_annual_min_equals_the_csv_column(pairs):
    for csv_row, row in pairs:
        expected = (
            float(csv_row["annual_min_hours"]) if csv_row["annual_min_hours"].strip() else None
        )
        assert row["annual_min_hours"] == expected, row["jurisdiction"]


def test_period_basis_and_start_month(doc):
    for row in doc["requirements"]:
        where = row["jurisdiction"]
        assert row["period_basis"] in PERIOD_BASES, where
        month = row["period_start_month"]
        assert month is None or 1 <= month <= 12, where
        if row["period_basis"] == "fiscal":
            assert month is not None, where
        if row["period_basis"] in {"calendar", "birth_month", "license_date"}:
            assert month is None, where
        anchor = row["cycle_anchor_year"]
        assert anchor is None or 2000 <= anchor <= 2100, where


def test_source_confidence_and_verified_on(pairs):
    for csv_row, row in pairs:
        where = row["jurisdiction"]
        assert row["source"].strip(), where
        assert row["source"] == csv_row["source"], where
        assert row["confidence"] == csv_row["confidence"], where
        verified = dt.date.fromisoformat(row["verified_on"])
        assert verified <= dt.date.fromisoformat(DEFAULT_VERIFIED_ON), where
        if row["effective_from"] is not None:
            dt.date.fromisoformat(row["effective_from"])


def test_explicit_revision_dates_are_used_as_verified_on(pairs):
    # A NASBA "rev M/D/YYYY" in the source cell sets verified_on (several appear; the latest wins).
    for csv_row, row in pairs:
        revs = []
        for part in csv_row["source"].split("rev ")[1:]:
            token = part.split(")")[0].split(",")[0].strip()
            if token.count("/") == 2:
                month, day, year = (int(x) for x in token.split("/"))
                revs.append(dt.date(year, month, day))
        if revs:
            assert row["verified_on"] == max(revs).isoformat(), row["jurisdiction"]


def test_notes_keep_all_csv_free_text(pairs):
    for csv_row, row in pairs:
        notes = row["notes"]
        where = row["jurisdiction"]
        assert f"Applies to: {csv_row['credential']}" in notes, where
        assert f"Ethics: {_cell(csv_row['ethics_hours'])}\n" in notes, where
        assert f"Period: {_cell(csv_row['period_basis'])}\n" in notes, where
        assert f"Other rules: {_cell(csv_row['other_rules'])}\n" in notes, where
        assert f"Carryover: {_cell(csv_row['carryover'])}\n" in notes, where
        assert "\nMapping: " in notes, where
        if row["credential"] != "CPA":
            assert f"Source jurisdiction: {csv_row['jurisdiction']}" in notes, where


def test_unconfirmed_carryover_is_not_turned_into_a_number(pairs):
    for csv_row, row in pairs:
        if "unconfirmed" in csv_row["carryover"] or "not confirmed" in csv_row["carryover"]:
            assert row["carryover_max_hours"] is None, row["jurisdiction"]
        if not csv_row["carryover"].strip():
            assert row["carryover_max_hours"] is None, row["jurisdiction"]


def test_csv_copy_is_unchanged_text():
    raw = CSV_PATH.read_bytes()
    assert raw.startswith(b"jurisdiction,credential,total_hours,period_years,ethics_hours,")
    assert raw.count(b"\n") == 66


# --- hand-written spot checks (each cites the CSV text) ----------------------------------------


def test_texas(by_key):
    # CSV: 120, 3, "4 every 2 years; Board-approved 4-credit ethics course on Texas Rules of
    # Professional Conduct (22 TAC 523.130)", 20, "Rolling 3 years ending with license expiration",
    # "Non-technical max 50%"
    tx = by_key[("CPA", "Texas")]
    assert (tx["total_hours"], tx["period_years"]) == (120, 3)
    assert (tx["ethics_hours"], tx["ethics_period_years"]) == (4, 2)
    assert tx["ethics_state_specific"] is True
    assert tx["annual_min_hours"] == 20
    assert tx["period_basis"] == "rolling"
    assert tx["max_non_technical_pct"] == 50


def test_alabama(by_key):
    # CSV: "Fiscal year Oct 1-Sep 30"; "nano max 25%"; "personal development max 12";
    # "self-study: westerncpe lists max 50% but MasterCPE says 100% allowed ... (conflict)";
    # source "current thru Oct 31 2024"
    al = by_key[("CPA", "Alabama")]
    assert (al["period_basis"], al["period_start_month"]) == ("fiscal", 10)
    assert al["max_nano_pct"] == 25
    assert al["max_non_technical_hours"] == 12
    assert al["max_self_study_hours"] is None and al["max_self_study_pct"] is None
    assert "conflict" in al["notes"].split("Mapping:")[1]
    assert al["verified_on"] == "2024-10-31"
    assert al["ethics_state_specific"] is False  # "rule does not require AL-specific"


def test_connecticut(by_key):
    # CSV: 40/1, "4 every 3 years", "Annual CPE year Jul 1-Jun 30",
    # "Up to 20 excess hours from preceding year to next year"
    ct = by_key[("CPA", "Connecticut")]
    assert ct["carryover_max_hours"] == 20
    assert (ct["ethics_hours"], ct["ethics_period_years"]) == (4, 3)
    assert (ct["period_basis"], ct["period_start_month"]) == ("fiscal", 7)


def test_arizona_nano_cap(by_key):
    # CSV: "nano max 4 per period"; "Biennial; renews last business day of birth month"
    az = by_key[("CPA", "Arizona")]
    assert az["max_nano_hours"] == 4
    assert az["max_nano_pct"] is None
    assert az["period_basis"] == "birth_month"
    assert az["verified_on"] == "2024-12-13"  # "current thru Dec 13 2024"


def test_new_york(by_key):
    # CSV: 40, 1, "4 per 3-year registration period", 40, "Calendar-year CPE (Jan 1-Dec 31)"
    ny = by_key[("CPA", "New York")]
    assert (ny["total_hours"], ny["period_years"], ny["annual_min_hours"]) == (40, 1, 40)
    assert (ny["ethics_hours"], ny["ethics_period_years"]) == (4, 3)
    assert ny["period_basis"] == "calendar"


def test_enrolled_agent(by_key):
    # CSV: 72, 3, "6 per cycle = 2 each enrollment year", 16,
    # "3-year enrollment cycle of calendar years set by last digit of SSN/TIN"
    ea = by_key[("EA", "IRS")]
    assert (ea["total_hours"], ea["period_years"], ea["annual_min_hours"]) == (72, 3, 16)
    assert (ea["ethics_hours"], ea["ethics_period_years"]) == (2, 1)
    assert ea["period_basis"] == "calendar"
    assert ea["cycle_anchor_year"] is None  # per SSN digit
    assert "period_end_override" in ea["notes"]


def test_cgma_has_no_total(by_key, csv_rows):
    # CSV: total_hours empty; "CPD with no minimum hours"
    cgma = by_key[("CGMA", "AICPA & CIMA")]
    assert cgma["total_hours"] is None
    assert [r["total_hours"] for r in csv_rows if "CGMA" in r["credential"]] == [""]


def test_fixed_calendar_cycles_anchor(by_key):
    # New Jersey: "periods end 2023, 2026, 2029" -> cycles start 2021, 2024, 2027.
    nj = by_key[("CPA", "New Jersey")]
    assert nj["period_basis"] == "calendar"
    for start in (2021, 2024, 2027):
        assert (start - nj["cycle_anchor_year"]) % 3 == 0
    assert (2022 - nj["cycle_anchor_year"]) % 3 != 0
    # Colorado: "Fixed biennium Jan 1 even yr-Dec 31 odd yr" -> cycles start in even years.
    co = by_key[("CPA", "Colorado")]
    assert co["period_basis"] == "calendar" and co["cycle_anchor_year"] % 2 == 0
    # District of Columbia: "renewal Dec 31 of even years" -> cycles start in odd years.
    assert by_key[("CPA", "District of Columbia")]["cycle_anchor_year"] % 2 == 1


def test_illinois_triennium(by_key):
    # CSV: "Fixed triennium Oct 1-Sep 30; renewal Sep 30 triennially (next Sep 30, 2027)"
    # -> current cycle Oct 2024-Sep 2027.
    il = by_key[("CPA", "Illinois")]
    assert (il["period_basis"], il["period_start_month"]) == ("fiscal", 10)
    assert (2024 - il["cycle_anchor_year"]) % 3 == 0
    assert (2025 - il["cycle_anchor_year"]) % 3 != 0
    assert il["verified_on"] == "2025-05-05"  # "rev 5/5/2025"


def test_wisconsin_dec_15(by_key):
    # CSV: "Fixed biennium Dec 15 odd yr-Dec 14 odd yr"
    wi = by_key[("CPA", "Wisconsin")]
    assert (wi["period_basis"], wi["period_start_month"]) == ("fiscal", 12)
    assert wi["cycle_anchor_year"] % 2 == 1
    assert "Dec 15" in wi["notes"].split("Mapping:")[1]


def test_virginia_ethics_every_year(by_key):
    # CSV: "6 per 3 yrs = 2h Virginia-specific ethics course every year"
    va = by_key[("CPA", "Virginia")]
    assert (va["ethics_hours"], va["ethics_period_years"]) == (2, 1)
    assert va["ethics_state_specific"] is True


def test_mississippi_ethics_triennium(by_key):
    # CSV: "4 per triennial period; Board-approved ... >=1h Mississippi law & regulations";
    # "ethics triennium e.g. Jul 1 2022-Jun 30 2025"
    ms = by_key[("CPA", "Mississippi")]
    assert (ms["ethics_hours"], ms["ethics_period_years"]) == (4, 3)
    assert ms["ethics_state_specific"] is True
    assert (2022 - ms["cycle_anchor_year"]) % 3 == 0
    assert ms["carryover_max_hours"] == 20  # "Max 20 excess hours to immediately following ..."


def test_kentucky_two_rows(by_key):
    # CSV: 80 for ">=3,000 hrs in a licensed public accounting firm", 60 for "all other licensees"
    assert by_key[("CPA", "Kentucky (public accounting)")]["total_hours"] == 80
    assert by_key[("CPA", "Kentucky")]["total_hours"] == 60


def test_no_carryover_rows_are_zero(by_key):
    # California "None - no carryover between renewal periods (16 CCR 87(a))";
    # Massachusetts "None (252 CMR 2.14(2))"; CFP "None - excess hours do not carry over";
    # Minnesota "No carryforward"
    for key in (
        ("CPA", "California"),
        ("CPA", "Massachusetts"),
        ("CFP", "CFP Board"),
        ("CPA", "Minnesota"),
    ):
        assert by_key[key]["carryover_max_hours"] == 0, key


def test_effective_dates(by_key):
    # Nevada "new rules effective Jan 1, 2024"; Missouri "Calendar year (since Jan 1, 2020)"
    assert by_key[("CPA", "Nevada")]["effective_from"] == "2024-01-01"
    assert by_key[("CPA", "Missouri")]["effective_from"] == "2020-01-01"
    assert by_key[("CPA", "Nevada")]["verified_on"] == "2024-01-03"  # "rev 1/3/2024"


def test_south_dakota_no_ethics_and_cisa_unknown_ethics(by_key):
    # South Dakota "None required" -> 0; CISA "No separate ethics-hour requirement found" -> null
    assert by_key[("CPA", "South Dakota")]["ethics_hours"] == 0
    assert by_key[("CISA", "ISACA")]["ethics_hours"] is None
