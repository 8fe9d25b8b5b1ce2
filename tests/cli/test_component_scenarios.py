"""The issue's cases through the real command line: one JSON file imported with
``cpe-tracker import`` (the shipped requirement rows decide), then
``cpe-tracker status --json --as-of``: each license's ``components`` say the board's answer.

Each test's docstring works the answer out by hand from the rule it cites; the engine-level
versions of these cases are in tests/rules/test_component_jurisdictions.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.cli_scenarios import import_and_status, record

AS_OF = "2026-12-05"


def _person(key: str, license: dict, records: list[dict], birth: str | None = None) -> dict:
    return {
        "name": key.title(),
        "email": f"{key}@example.com",
        "role": "admin" if key == "florida" else "member",
        "birth_date": birth,
        "licenses": [
            {"credential": "CPA", "license_number": None, "issued_on": "2010-03-01"} | license
        ],
        "records": records,
    }


PEOPLE = [
    _person(
        "florida",
        {"jurisdiction": "Florida", "tracked_from": "2024-07-01"},
        [
            *(record(f"2025-{m:02}-10", "Taxes", 19) for m in (1, 2, 3, 4)),
            record("2025-05-01", "Regulatory Ethics", 4, ethics_jurisdiction="Florida"),
        ],
    ),
    _person(
        "georgia",
        {"jurisdiction": "Georgia", "tracked_from": "2026-01-01"},
        [
            record("2026-02-01", "Regulatory Ethics", 3),
            record("2026-03-01", "Regulatory Ethics", 1, ethics_jurisdiction="Georgia"),
        ],
    ),
    _person(
        "newyork",
        {"jurisdiction": "New York", "issued_on": "2012-04-01", "tracked_from": "2024-01-01"},
        [
            *(record(f"2026-0{m}-01", "Taxes", 8) for m in (2, 3, 4)),
            record("2026-06-01", "Regulatory Ethics", 4, ethics_jurisdiction="New York"),
        ],
    ),
    _person(
        "california",
        {
            "jurisdiction": "California",
            "issued_on": "2011-04-01",
            "tracked_from": "2024-06-01",
            "attributes": ["performs_attest"],
        },
        [record("2024-09-01", "Taxes", 8), record("2024-10-01", "Personal Development", 12)],
        birth="1980-05-14",
    ),
    _person(
        "illinois",
        {"jurisdiction": "Illinois", "tracked_from": "2024-10-01"},
        [
            record(
                "2026-04-01",
                "Behavioral Ethics",
                1,
                topics=["Illinois Sexual Harassment Prevention"],
            )
        ],
    ),
    _person(
        "michigan",
        {
            "jurisdiction": "Michigan",
            "period_end_override": "2027-06-30",
            "tracked_from": "2025-07-01",
        },
        [
            *(record(f"2025-{m:02}-01", "Taxes", 8) for m in (8, 9, 10, 11, 12)),
            record("2025-09-15", "Regulatory Ethics", 2, ethics_jurisdiction="Michigan"),
        ],
    ),
    _person(
        "arizona",
        {"jurisdiction": "Arizona", "issued_on": "2009-01-01", "tracked_from": "2025-04-01"},
        [
            record("2025-05-01", "Taxes", 56, delivery_method="QAS Self Study"),
            record("2025-09-01", "Taxes", 10),
            record("2025-10-01", "Regulatory Ethics", 4, ethics_jurisdiction="Arizona"),
        ],
        birth="1981-03-02",
    ),
]


@pytest.fixture(scope="module")
def status(tmp_path_factory) -> dict[str, dict[str, Any]]:
    days = (AS_OF, "2026-06-15", "2026-01-10")
    found = import_and_status(tmp_path_factory.mktemp("components"), PEOPLE, *days)
    return {f"{name}@{day}": licenses[0] for day in days for name, licenses in found[day].items()}


def _parts(license: dict[str, Any], **match: Any) -> list[dict[str, Any]]:
    return [
        part
        for part in license["components"]
        if all(part.get(key) == value for key, value in match.items())
    ]


def test_florida_without_accounting_and_auditing_is_not_complete(status):
    """61H1-33.003: 80 hours per biennium including 8 of accounting and auditing and 4 of
    Florida ethics. On 15 Jun 2026 (period 1 Jul 2024-30 Jun 2026): 76 h of tax + 4 h of
    Florida ethics = 80 of 80, 0 of 8 A&A: at risk, not complete."""
    florida = status["florida@2026-06-15"]
    (aa,) = _parts(florida, label="8 h accounting and auditing")
    assert (aa["required"], aa["counted"], aa["met"]) == (8, 0, None)
    assert florida["shortfall_total"] == 0
    assert florida["status"] == "at_risk"
    assert florida["headline"].startswith("Need 8 h of accounting and auditing by")


def test_georgia_three_general_ethics_hours_and_one_georgia_hour(status):
    """Ga. Comp. R. & Regs. 20-11-.02: 4 ethics hours, 1 on Georgia's rules. 3 general + 1
    Georgia: ethics 4 of 4, nothing short."""
    georgia = status[f"georgia@{AS_OF}"]
    assert (georgia["counted_ethics"], georgia["shortfall_ethics"]) == (4, 0)
    (state,) = _parts(georgia, kind="ethics_state_specific")
    assert (state["counted"], state["met"]) == (1, True)


def test_new_york_24_hours_in_one_subject(status):
    """8 NYCRR 70.9(b)(2): 40 hours, or 24 in one recognised subject. 24 h of tax: met through
    the concentration option, nothing missing."""
    new_york = status[f"newyork@{AS_OF}"]
    (taxes,) = _parts(new_york, alternative="concentration_taxes")
    assert (taxes["counted"], taxes["met"], taxes["chosen"]) == (24, True, True)
    assert (new_york["shortfall_total"], new_york["status"]) == (0, "complete")


def test_california_technical_hours_each_year_and_attest_work(status):
    """16 CCR 87(a): 12 technical hours each year; 24 h A&A for attest work (ticked in the
    file). As of 10 Jan 2026 the year ending 31 May 2025 had 8 technical: failed, at risk;
    the attest hours are asked."""
    california = status["california@2026-01-10"]
    (technical,) = [
        p
        for p in california["components"]
        if p["label"].startswith("12 h technical each year") and "31 May 2025" in p["label"]
    ]
    assert (technical["counted"], technical["met"]) == (8, False)
    assert [p["required"] for p in california["components"] if p["required"] == 24] == [24]
    assert california["status"] == "at_risk"


def test_illinois_harassment_hour_from_the_records_topics(status):
    """20 ILCS 2105/2105-15.5: 1 hour of sexual harassment prevention each renewal; the record
    carries the topic in the file: met."""
    illinois = status[f"illinois@{AS_OF}"]
    (course,) = _parts(illinois, kind="course")
    assert (course["counted"], course["met"]) == (1, True)


def test_michigan_accounting_and_auditing_each_year(status):
    """Mich. Admin. Code R 338.5215: 8 h A&A each CPE year. The year ending 30 Jun 2026 had
    40 h of tax and no A&A: failed."""
    michigan = status[f"michigan@{AS_OF}"]
    (aa,) = [
        p
        for p in michigan["components"]
        if p["label"].startswith("8 h accounting and auditing each year")
        and "30 Jun 2026" in p["label"]
        or "6/30/2026" in p["label"]
    ]
    assert (aa["counted"], aa["met"]) == (0, False)
    assert michigan["status"] == "at_risk"


def test_arizona_live_hours(status):
    """Ariz. Admin. Code R4-1-453: 16 of the 80 hours live. 10 h + 4 h group live, 56 h
    self-study: 14 of 16."""
    arizona = status[f"arizona@{AS_OF}"]
    (live,) = [p for p in arizona["components"] if p["label"].startswith("16 h live")]
    assert (live["required"], live["counted"], live["met"]) == (16, 14, None)
