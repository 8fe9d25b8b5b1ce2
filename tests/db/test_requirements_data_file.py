"""Checks of the shipped requirement data file against the researched CSVs it was transcribed from.

No database: the JSON and the CSV copies are read with the standard library (and each row is
handed to the engine's ``Rule`` to prove the engine accepts it).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from cpe_desktop.rules.facts import (
    CARRYOVER_SCOPES,
    CYCLE_ANCHORS,
    FIRST_PERIODS,
    RECIPROCITIES,
    Rule,
)
from cpe_desktop.rules.rule_fields import DECIMAL_KINDS, INTEGER_KINDS, RULE_FIELDS

DATA_DIR = Path(__file__).resolve().parents[2] / "resources" / "requirements"
JSON_PATH = DATA_DIR / "requirements.json"
CSV_PATH = DATA_DIR / "requirements-sources.csv"
PERIODS_PATH = DATA_DIR / "requirements-periods.csv"

TRANSCRIBED_ON = "2026-11-25"  # the dataset's "researched" text, never a row's verified_on
# verified_on is the date someone checked the row against its sources, null when nobody has. The
# December 2026 source check compared these rows with their sources on this date.
CHECKED_ON = "2026-12-05"
CHECKED_ROWS = {
    ("CPA", "California"),
    ("CPA", "Texas"),
    ("CPA", "New York"),
    ("CPA", "New Jersey"),
    ("CPA", "Illinois"),
    ("CPA", "Florida"),
    ("CIA", "IIA"),
    ("CIA", "IIA (non-practicing)"),
    ("CPA", "Washington"),
    ("CPA", "Virginia"),
    ("CPA", "Pennsylvania"),
    ("CPA", "Ohio"),
    ("CPA", "North Carolina"),
    ("CPA", "Michigan"),
    ("CPA", "Massachusetts"),
    ("CPA", "Kentucky"),
    ("CPA", "Kentucky (public accounting)"),
    ("CPA", "Georgia"),
    ("EA", "IRS"),
    ("CPA", "Colorado"),
    ("CMA", "IMA"),
    ("CISA", "ISACA"),
    ("CFP", "CFP Board"),
}
PERIOD_BASES = {"calendar", "fiscal", "birth_month", "license_date", "rolling"}
CREDENTIAL_CODES = {"CPA", "EA", "CIA", "CISA", "CMA", "CFP", "CFE", "CGMA", "AICPA"}
# The rule's keys by kind, from their one declaration (rules/rule_fields.py).
NUMBER_KEYS = tuple(f.name for f in RULE_FIELDS if not f.period and f.kind in DECIMAL_KINDS)
INTEGER_KEYS = tuple(f.name for f in RULE_FIELDS if not f.period and f.kind in INTEGER_KINDS)
REQUIREMENT_KEYS = {
    *(f.name for f in RULE_FIELDS),
    "credential",
    "jurisdiction",
    "source",
    "verified_on",
    "confidence",
    "notes",
    "components",  # ARCHITECTURE.md §4; checked in test_requirement_components_data.py
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


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
# The dates a source cell explicitly gives for the source itself (README, verified_on and
# confidence): NASBA "rev 5/5/2025" or "rev Jan 28, 2025", a code mirror's "current thru Oct 31
# 2024" and a revisor address's "version=2014-01-18". Dates inside other addresses do not count.
_SOURCE_DATE_PATTERNS = (
    (re.compile(r"\brev (\d{1,2})/(\d{1,2})/(\d{4})"), lambda m, d, y: (int(m), int(d), int(y))),
    (
        re.compile(r"\brev ([A-Z][a-z]{2}) (\d{1,2}), (\d{4})"),
        lambda m, d, y: (_MONTHS[m], int(d), int(y)),
    ),
    (
        re.compile(r"\bcurrent thru ([A-Z][a-z]{2}) (\d{1,2}) (\d{4})"),
        lambda m, d, y: (_MONTHS[m], int(d), int(y)),
    ),
    (re.compile(r"\bversion=(\d{4})-(\d{2})-(\d{2})"), lambda y, m, d: (int(m), int(d), int(y))),
)


def source_dates(cell: str) -> list[tuple[dt.date, str]]:
    """Each date the source cell gives for a source, with the cell's words for it."""
    found = []
    for pattern, parts in _SOURCE_DATE_PATTERNS:
        for match in pattern.finditer(cell):
            month, day, year = parts(*match.groups())
            found.append((dt.date(year, month, day), match.group(0)))
    return found


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
    assert f"transcribed {TRANSCRIBED_ON}" in doc["dataset"]["researched"]
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
        if row["jurisdiction"] == "New York":
            # 8 NYCRR 70.9: 40 h or 24 h in one subject each calendar year. The CSV's 40 equals the
            # one-year total; as an annual minimum it would block the 24-hour alternative, which
            # the row's components model, so it is null (the notes say so).
            assert csv_row["annual_min_hours"] == "40" and row["total_hours"] == 40
            assert row["annual_min_hours"] is None
            assert "annual_min_hours set to null" in row["notes"]
            continue
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


def test_source_confidence_and_effective_from(pairs):
    for csv_row, row in pairs:
        where = row["jurisdiction"]
        assert row["source"].strip(), where
        # the research cell verbatim, then any sources of the periods research it lacked
        assert row["source"].startswith(csv_row["source"]), where
        assert row["confidence"] == csv_row["confidence"], where
        if row["effective_from"] is not None:
            dt.date.fromisoformat(row["effective_from"])


def _lines(row: dict, label: str) -> list[str]:
    return [x for x in row["notes"].split("\n") if x.startswith(label)]


def test_verified_on_is_the_source_check_date_and_null_otherwise(doc, by_key):
    # verified_on is the date someone checked the row against its sources; no other row was checked.
    assert len(CHECKED_ROWS) == 23 and set(by_key) >= CHECKED_ROWS
    for row in doc["requirements"]:
        key = (row["credential"], row["jurisdiction"])
        checked = _lines(row, "Checked against source: ")
        if key in CHECKED_ROWS:
            assert row["verified_on"] == CHECKED_ON, key
            # one line with the check's verdict
            [line] = checked
            head = f"Checked against source: {CHECKED_ON} ("
            assert line.startswith(head) and line.endswith(")"), key
            assert line[len(head) : -1].strip(), key
        else:
            assert row["verified_on"] is None, key
            assert checked == [], key
    assert sum(r["verified_on"] is None for r in doc["requirements"]) == 65 - 23


def test_source_dates_are_in_the_notes_not_in_verified_on(pairs):
    dated = 0
    for csv_row, row in pairs:
        where = row["jurisdiction"]
        lines = _lines(row, "Source dated: ")
        found = source_dates(csv_row["source"])
        if found:
            dated += 1
            latest, words = max(found)
            [line] = lines
            assert line.startswith(f"Source dated: {latest.isoformat()} ("), where
            assert line.endswith(")") and words in line, (where, words)
        else:
            assert lines == [], where
        # the old Mapping sentences that made the source's date the row's verified_on are gone
        assert "verified_on" not in row["notes"], where
    assert dated == 19
    # every "rev ..." and "current thru ..." in a source cell is one the patterns read
    for csv_row, _ in pairs:
        cell = csv_row["source"]
        mentions = len(re.findall(r"\brev \S|current thru|version=", cell))
        assert mentions == len(source_dates(cell)), csv_row["jurisdiction"]


def test_check_and_source_date_lines_come_before_components(doc):
    for row in doc["requirements"]:
        notes = row["notes"]
        for label in ("\nSource dated: ", "\nChecked against source: "):
            if label in notes:
                assert notes.index("\nReciprocity: ") < notes.index(label), row["jurisdiction"]
                assert notes.index(label) < notes.index("\nComponents: "), row["jurisdiction"]
        if "\nSource dated: " in notes and "\nChecked against source: " in notes:
            assert notes.index("\nSource dated: ") < notes.index("\nChecked against source: ")


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
    assert al["verified_on"] is None  # not in the December 2026 source check
    assert "\nSource dated: 2024-10-31 (" in al["notes"]  # "current thru Oct 31 2024"
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
    assert az["verified_on"] is None
    assert "\nSource dated: 2024-12-13 (" in az["notes"]  # "current thru Dec 13 2024"


def test_new_york(by_key):
    # CSV: 40, 1, "4 per 3-year registration period", 40, "Calendar-year CPE (Jan 1-Dec 31)"
    ny = by_key[("CPA", "New York")]
    assert (ny["total_hours"], ny["period_years"]) == (40, 1)
    assert ny["annual_min_hours"] is None  # the 40 a year is the "general" alternative component
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
    assert ea["cycle_anchor"] == "holder_supplied"  # the program asks; it never stores an SSN
    assert "period end" in ea["notes"]


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
    assert il["verified_on"] == CHECKED_ON  # checked in the December 2026 source check
    assert "\nSource dated: 2025-05-05 (NASBA rev 5/5/2025)\n" in il["notes"]


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
    # only >=1h must be Mississippi law: a component, not the all-or-nothing flag
    assert ms["ethics_state_specific"] is False
    [state] = [c for c in ms["components"] if c["kind"] == "ethics_state_specific"]
    assert (state["hours"], state["scope"], state["cycle_years"]) == (1, "cycle", 3)
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
    nv = by_key[("CPA", "Nevada")]
    assert nv["verified_on"] is None
    assert "\nSource dated: 2024-01-03 (NASBA rev 1/3/2024)\n" in nv["notes"]


def test_south_dakota_no_ethics_and_cisa_unknown_ethics(by_key):
    # South Dakota "None required" -> 0; CISA "No separate ethics-hour requirement found" -> null
    assert by_key[("CPA", "South Dakota")]["ethics_hours"] == 0
    assert by_key[("CISA", "ISACA")]["ethics_hours"] is None


# --- the period keys (ARCHITECTURE.md §4) against requirements-periods.csv ---------------

# JSON jurisdiction -> the periods CSV row it was researched in (None: not in that research).
PERIODS_ROW = {
    "Kentucky (public accounting)": "Kentucky",
    "IRS": "EA (IRS)",
    "IIA": "CIA (IIA)",
    "IIA (non-practicing)": "CIA (IIA)",
    "ISACA": "CISA (ISACA)",
    "IMA": "CMA (IMA)",
    "CFP Board": "CFP (CFP Board)",
    "ACFE": "CFE (ACFE)",
    "AICPA & CIMA": None,
    "AICPA": None,
}
# The CSV's words -> the model's, where one word maps to one value.
ANCHOR_OF = {
    "annual": "annual",
    "fixed": "fixed",
    "issue_date": "issue_year",
    "birth_year_parity": "birth_year_parity",
    "license_number_parity": "license_number_parity",
    "renewal_group": "holder_supplied",
    "unknown": "holder_supplied",
}
FIRST_OF = {
    "full": {"full"},
    "unknown": {"full"},  # the notes say the source is silent
    "exempt": {"exempt"},
    "starts_next_period": {"starts_next_period"},
    "prorate": {"prorate", "table"},  # tables are proration by quarter or year
    "ramp": {"ramp"},
}
RECIPROCITY_OF = {
    "home_state": "home_state",
    "home_state_plus_ethics": "home_state_plus_ethics",
    "none": "none",
    "unknown": "none",
    "n/a": "none",
}
# Where the shipped value departs from the CSV word on purpose; each reason is in the row's notes.
ANCHOR_EXCEPTIONS = {
    # one-year periods whose multi-year ethics period follows the license's issue year
    "Arkansas": "issue_year",
    "Connecticut": "issue_year",
    "Maine": "issue_year",
    "New York": "issue_year",
    "Mississippi": "fixed",  # ethics triennium Jul 2022-Jun 2025, Jul 2025-Jun 2028
    "Texas": "birth_month",  # 22 TAC 523.112: the window ends on the birth month's last day
    "New Mexico": "birth_month",  # 16.60.3.15 NMAC: rolling 36 months ending in the birth month
    "Michigan": "holder_supplied",  # even or odd expiry by issue year since 2020, odd before
    "New Hampshire": "holder_supplied",  # 2-year licenses end in the issue month
    "Northern Mariana Islands": "holder_supplied",  # fixed, but no source gives the years
    "ISACA": "holder_supplied",  # dates on the holder's own invoice
}
FIRST_EXCEPTIONS = {
    # rolling windows: "nothing until ..." becomes the yearly minimum while the window fills
    "Idaho": "ramp",
    "New Mexico": "ramp",
    "Oklahoma": "ramp",  # "no pro rata; 20 due the first year" in a rolling triennium
    "Minnesota": "ramp",  # the CSV calls the LearnLive ramp "prorate"
    "Iowa": "ramp",  # first renewal none, second reduced by an amount not seen
    "IIA": "ramp",  # the year certified and the next are credited
    "IIA (non-practicing)": "ramp",
    "Florida": "starts_next_period",  # first period = stub + full biennium, 80 h
    "Puerto Rico": "starts_next_period",  # CPE from the period beginning Aug 1 of the issue year
    "Kentucky": "full",  # KRS 325.330(4)(a) prorates, amounts not found
    "Kentucky (public accounting)": "full",
}
RECIPROCITY_EXCEPTIONS = {
    # cpa.ky.gov: a CPA whose principal office is elsewhere meets that state's CPE
    "Kentucky": "home_state",
    "Kentucky (public accounting)": "home_state",
}


@pytest.fixture(scope="module")
def periods() -> dict[str, dict[str, str]]:
    with PERIODS_PATH.open(newline="", encoding="utf-8") as f:
        return {row["jurisdiction"]: row for row in csv.DictReader(f)}


def _periods_row(row: dict, periods: dict) -> dict[str, str] | None:
    name = PERIODS_ROW.get(row["jurisdiction"], row["jurisdiction"])
    return None if name is None else periods[name]


def test_periods_csv_copy_has_61_researched_rows(periods):
    assert len(periods) == 61
    assert PERIODS_PATH.read_bytes().startswith(b"jurisdiction,cycle_anchor,cycle_detail,")


def test_every_row_has_period_keys_with_allowed_values(doc):
    for row in doc["requirements"]:
        where = row["jurisdiction"]
        assert row["cycle_anchor"] in CYCLE_ANCHORS, where
        assert row["first_period"] in FIRST_PERIODS, where
        assert row["carryover_scope"] in (*CARRYOVER_SCOPES, None), where
        assert row["reciprocity"] in RECIPROCITIES, where
        parity = row["cycle_anchor"] in ("birth_year_parity", "license_number_parity")
        assert (
            (row["cycle_parity_offset"] in (0, 1)) if parity else row["cycle_parity_offset"] is None
        )
        if row["cycle_anchor"] == "fixed":
            assert _is_int(row["cycle_anchor_year"]), where
        for key in ("first_period_hours_per_unit", "first_period_ethics"):
            assert row[key] is None or (_is_number(row[key]) and row[key] >= 0), (where, key)
        months = row["first_period_unit_months"]
        assert months is None or (_is_int(months) and 1 <= months <= 120), where
        table = row["first_period_table"]
        assert table is None or (table and all(_is_number(h) and h >= 0 for h in table)), where
        kind = row["first_period"]
        assert (row["first_period_hours_per_unit"] is not None) == (kind == "prorate"), where
        assert (table is not None) == (kind in ("table", "ramp")), where
        assert (months is not None) == (kind in ("prorate", "table")), where
        assert (row["first_period_counts_issue_month"] is not None) == (kind == "prorate"), where
        if row["carryover_scope"] is not None:
            assert row["carryover_max_hours"], where  # a scope only where carryover exists


def test_every_row_is_a_rule_the_engine_accepts(doc):
    for row in doc["requirements"]:
        Rule(
            period_years=row["period_years"],
            period_basis=row["period_basis"],
            period_start_month=row["period_start_month"],
            cycle_anchor_year=row["cycle_anchor_year"],
            cycle_anchor=row["cycle_anchor"],
            cycle_parity_offset=row["cycle_parity_offset"] or 0,
            first_period=row["first_period"],
            first_period_hours_per_unit=row["first_period_hours_per_unit"],
            first_period_unit_months=row["first_period_unit_months"],
            first_period_counts_issue_month=bool(row["first_period_counts_issue_month"]),
            first_period_ethics=row["first_period_ethics"],
            first_period_table=tuple(row["first_period_table"] or ()),
            carryover_scope=row["carryover_scope"] or "period",
            reciprocity=row["reciprocity"],
        )


def test_cycle_anchor_agrees_with_the_periods_research(doc, periods):
    for row in doc["requirements"]:
        research = _periods_row(row, periods)
        where = row["jurisdiction"]
        if where in ANCHOR_EXCEPTIONS:
            assert row["cycle_anchor"] == ANCHOR_EXCEPTIONS[where], where
        elif research is not None:
            assert row["cycle_anchor"] == ANCHOR_OF[research["cycle_anchor"]], where
    # the parity anchors' offsets: Kentucky's odd numbers renew in odd years, CPE ends in even ones
    offsets = {
        r["jurisdiction"]: r["cycle_parity_offset"]
        for r in doc["requirements"]
        if r["cycle_parity_offset"] is not None
    }
    assert offsets == {
        "Arizona": 0,
        "California": 0,
        "Nebraska": 0,
        "Kansas": 0,
        "Massachusetts": 0,
        "Oregon": 0,
        "Tennessee": 0,
        "Kentucky": 1,
        "Kentucky (public accounting)": 1,
    }


def test_first_period_agrees_with_the_periods_research(doc, periods):
    for row in doc["requirements"]:
        research = _periods_row(row, periods)
        where = row["jurisdiction"]
        if where in FIRST_EXCEPTIONS:
            assert row["first_period"] == FIRST_EXCEPTIONS[where], where
        elif research is not None:
            assert row["first_period"] in FIRST_OF[research["first_period"]], where
            if research["first_period"] == "unknown":
                # the note says the full requirement is asked because the sources are silent
                line = next(x for x in row["notes"].split("\n") if x.startswith("New licensees:"))
                assert "full" in line, where


def test_reciprocity_agrees_with_the_periods_research(doc, periods):
    for row in doc["requirements"]:
        research = _periods_row(row, periods)
        where = row["jurisdiction"]
        if where in RECIPROCITY_EXCEPTIONS:
            assert row["reciprocity"] == RECIPROCITY_EXCEPTIONS[where], where
        elif research is not None:
            assert row["reciprocity"] == RECIPROCITY_OF[research["reciprocity"]], where
        else:
            assert row["reciprocity"] == "none", where


def test_notes_explain_the_period_keys_without_pointing_outside_the_repo(doc, periods):
    for row in doc["requirements"]:
        notes = row["notes"]
        for label in ("\nPeriods: ", "\nNew licensees: ", "\nReciprocity: "):
            assert notes.count(label) == 1, (row["jurisdiction"], label)
        for text in (notes, row["source"]):
            assert "../shared" not in text and "requirements-periods" not in text
        # the parity and birth-month rows no longer send the user to period_end_override
        if row["cycle_anchor"] in ("birth_year_parity", "license_number_parity", "birth_month"):
            assert "period_end_override" not in notes, row["jurisdiction"]


def test_periods_research_sources_are_cited(doc, periods):
    for row in doc["requirements"]:
        research = _periods_row(row, periods)
        if research is None:
            continue
        for url in research["sources"].split(";"):
            bare = url.strip().split("://", 1)[-1].removeprefix("www.").rstrip("/")
            assert bare in row["source"], (row["jurisdiction"], url)


# Hand-worked checks, each from the rule it encodes.


def test_california_parity_and_six_month_proration(by_key):
    # 16 CCR 87.1(b): 20 h per full six months from issue to the first expiration; 87.1(c): the
    # 4 ethics hours only when 80 are required. Expiry year parity = birth year parity.
    ca = by_key[("CPA", "California")]
    assert (ca["period_basis"], ca["cycle_anchor"], ca["cycle_parity_offset"]) == (
        "birth_month",
        "birth_year_parity",
        0,
    )
    assert (ca["first_period"], ca["first_period_hours_per_unit"]) == ("prorate", 20)
    assert ca["first_period_unit_months"] == 6 and ca["first_period_counts_issue_month"] is False
    assert ca["first_period_ethics"] == 0
    assert "16 CCR 87.1(b)" in ca["notes"]


def test_texas_ramp_and_birth_month_window(by_key):
    # 22 TAC 523.112(c): <12 months none; 1st full license year none; then 20, 60, 100, 120.
    tx = by_key[("CPA", "Texas")]
    assert (tx["period_basis"], tx["cycle_anchor"]) == ("rolling", "birth_month")
    assert (tx["first_period"], tx["first_period_table"]) == ("ramp", [0, 0, 20, 60, 100])
    assert tx["reciprocity"] == "home_state"  # 523.112(e), no Texas ethics course


def test_quarter_and_year_tables(by_key):
    # 872 IAC 1-3-16 (Indiana) by quarter of the 3-year period; 21 NCAC 08G .0401(d) (North
    # Carolina) 2,000/1,500/1,000/500 minutes = 40/30/20/10 hours; Georgia 20-11-.02(2) by year.
    ind = by_key[("CPA", "Indiana")]
    assert ind["first_period_unit_months"] == 3 and len(ind["first_period_table"]) == 12
    assert ind["first_period_table"][0::4] == [120, 80, 40]
    nc = by_key[("CPA", "North Carolina")]
    assert (nc["first_period_unit_months"], nc["first_period_table"]) == (3, [40, 30, 20, 10])
    ga = by_key[("CPA", "Georgia")]
    assert (ga["first_period"], ga["first_period_unit_months"]) == ("table", 12)
    assert (ga["first_period_table"], ga["cycle_anchor"], ga["cycle_anchor_year"]) == (
        [40, 0],
        "fixed",
        2024,
    )


def test_month_prorations_count_the_month_of_issue(by_key):
    # OAR 801-040-0100(1): 3 h a month "from the month of issuance (inclusive)"; Circular 230
    # 10.6(e): 2 h a month, "any part of a month is considered the entire month".
    for key, hours in ((("CPA", "Oregon"), 3), (("EA", "IRS"), 2)):
        row = by_key[key]
        assert row["first_period"] == "prorate", key
        assert (row["first_period_hours_per_unit"], row["first_period_unit_months"]) == (hours, 1)
        assert row["first_period_counts_issue_month"] is True, key
    # Colorado Rule 1.10(A)(1): 10 h per *full* quarter.
    co = by_key[("CPA", "Colorado")]
    assert (co["first_period_hours_per_unit"], co["first_period_unit_months"]) == (10, 3)
    assert co["first_period_counts_issue_month"] is False


def test_michigan_carries_a_years_excess_into_the_next_year(by_key):
    # MICPA / R 338.5101: up to 40 excess hours of a Jul-Jun year count toward the next year.
    mi = by_key[("CPA", "Michigan")]
    assert (mi["carryover_scope"], mi["carryover_max_hours"]) == ("next_year", 40)
    assert [r["jurisdiction"] for r in by_key.values() if r["carryover_scope"] == "next_year"] == [
        "Michigan"
    ]


def test_first_renewal_exemptions(by_key):
    # 225 ILCS 450/16(d), NAC 628.210(3), R156-26a-303b (2017), 17 DCMR 2530.2, Md. 2-312(a)(2)
    for state in ("Illinois", "Nevada", "Utah", "District of Columbia", "Maryland"):
        assert by_key[("CPA", state)]["first_period"] == "exempt", state
    # Ala. 30-X-5-.02(2), 20 CSR 2010-4.010(1), 8 NYCRR 70.9(a)(2)(i): the next full period
    for state in ("Alabama", "Missouri", "New York"):
        assert by_key[("CPA", state)]["first_period"] == "starts_next_period", state
