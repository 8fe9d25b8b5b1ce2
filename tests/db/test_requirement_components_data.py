"""The shipped rows' ``components`` (ARCHITECTURE.md §4): every one valid, every rule the research
notes state either modelled or named under ``Not modelled:``, and hand checks of the rows issue 12
names.

No database: the JSON and the CSV copies are read with the standard library; components go through
the engine's own ``component_from_dict`` and into a ``Rule``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from cpe_desktop.rules.component_facts import (
    ATTRIBUTE_LABELS,
    COMPONENT_KEYS,
    FIELD_GROUPS,
    Component,
    component_from_dict,
)
from cpe_desktop.rules.facts import Rule

DATA_DIR = Path(__file__).resolve().parents[2] / "resources" / "requirements"
JSON_PATH = DATA_DIR / "requirements.json"
CSV_PATH = DATA_DIR / "requirements-sources.csv"
PERIODS_PATH = DATA_DIR / "requirements-periods.csv"
README_PATH = DATA_DIR / "README.md"

# The course topics the shipped rules name (the README lists them; records are tagged with them).
TOPICS = {"California Regulatory Review", "Illinois Sexual Harassment Prevention", "Fraud"}
AA_FIELDS = set(FIELD_GROUPS["accounting_auditing"]) | {"accounting_auditing"}
GOV_FIELDS = {"Accounting (Governmental)", "Auditing (Governmental)"}
LIVE = {"live", "Group Live", "Group Internet Based"}
TEACHING = {"Instructor", "Author"}
NON_TECHNICAL = set(FIELD_GROUPS["non_technical"]) | {"non_technical"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with JSON_PATH.open(encoding="utf-8") as f:
        return json.load(f)["requirements"]


@pytest.fixture(scope="module")
def by_key(rows) -> dict[tuple[str, str], dict]:
    return {(r["credential"], r["jurisdiction"]): r for r in rows}


@pytest.fixture(scope="module")
def other_rules(rows) -> list[tuple[dict, str]]:
    """Each JSON row with its CSV ``other_rules`` cell (the files are in the same order)."""
    with CSV_PATH.open(newline="", encoding="utf-8") as f:
        cells = [r["other_rules"] for r in csv.DictReader(f)]
    assert len(cells) == len(rows)
    for row, cell in zip(rows, cells, strict=True):
        assert f"Other rules: {cell}\n" in row["notes"] or not cell.strip(), row["jurisdiction"]
    return list(zip(rows, cells, strict=True))


def components(row: dict) -> list[Component]:
    return [component_from_dict(item) for item in row["components"]]


def note_line(row: dict, label: str) -> str:
    [line] = [x for x in row["notes"].split("\n") if x.startswith(label)]
    return line


def only(row: dict, **match) -> dict:
    """The one component of ``row`` whose keys equal ``match``."""
    found = [c for c in row["components"] if all(c.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (row["jurisdiction"], match, found)
    return found[0]


# --- every row, every component ------------------------------------------------------------------


def test_every_row_has_a_components_list(rows):
    for row in rows:
        assert isinstance(row["components"], list), row["jurisdiction"]
    assert sum(len(r["components"]) for r in rows) >= 100


def test_every_component_validates_and_is_in_canonical_form(rows):
    for row in rows:
        for item in row["components"]:
            where = (row["jurisdiction"], item.get("label"))
            assert set(item) <= set(COMPONENT_KEYS), where
            component = component_from_dict(item)
            # stored exactly as the interchange writes it (defaults left out)
            assert component.as_dict() == item, where
            assert component.label.strip() and component.source.strip(), where
            assert "../shared" not in component.source + component.notes, where


def test_every_row_with_its_components_is_a_rule_the_engine_accepts(rows):
    hour_keys = [k for k in rows[0] if k.endswith(("_hours", "_pct"))]
    for row in rows:
        values = {k: None if row[k] is None else Decimal(str(row[k])) for k in hour_keys}
        rule = Rule(
            period_years=row["period_years"],
            period_basis=row["period_basis"],
            ethics_period_years=row["ethics_period_years"],
            ethics_state_specific=row["ethics_state_specific"],
            period_start_month=row["period_start_month"],
            cycle_anchor_year=row["cycle_anchor_year"],
            cycle_anchor=row["cycle_anchor"],
            cycle_parity_offset=row["cycle_parity_offset"] or 0,
            components=components(row),
            **values,
        )
        assert len(rule.components) == len(row["components"]), row["jurisdiction"]


def test_applies_if_names_a_license_attribute_and_topics_are_the_known_ones(rows):
    used_topics = set()
    for row in rows:
        for c in components(row):
            assert c.applies_if is None or c.applies_if in ATTRIBUTE_LABELS, row["jurisdiction"]
            if c.topic is not None:
                used_topics.add(c.topic)
    assert used_topics == TOPICS
    readme = README_PATH.read_text(encoding="utf-8")
    for topic in TOPICS:
        assert f"`{topic}`" in readme, topic
    for name in ATTRIBUTE_LABELS:
        assert f"`{name}`" in readme, name


def test_alternative_groups_only_where_the_board_offers_another_path(rows):
    # A met group waives the headline total, so groups are used only where the alternative
    # replaces the total: New York (24 h in one subject instead of 40), Arkansas (120 h in 36 months
    # instead of 40 in the year). Each such row has at least two groups.
    grouped = {}
    for row in rows:
        groups = {c.alternative for c in components(row) if c.alternative}
        if groups:
            grouped[row["jurisdiction"]] = groups
    assert set(grouped) == {"New York", "Arkansas"}
    assert all(len(groups) >= 2 for groups in grouped.values())


def test_ethics_state_specific_component_replaces_the_flag(rows):
    for row in rows:
        partial = [c for c in components(row) if c.kind == "ethics_state_specific"]
        if partial:
            where = row["jurisdiction"]
            assert row["ethics_state_specific"] is False, where
            assert len(partial) == 1 and partial[0].hours < Decimal(row["ethics_hours"]), where


# The periods research gives how many ethics hours must be state-specific; where that is fewer than
# the row's ethics hours the row has a component with that many, where it is all of them the flag.
SSE_EXCEPTIONS = {
    "Idaho": "2 h Idaho course only in a new licensee's first calendar year (Not modelled)",
    "Oregon": "Oregon ethics only at the first renewal (Not modelled)",
    "Northern Mariana Islands": "a CNMI course only if available (Not modelled)",
    "West Virginia": "flag kept: ethics from a Board-registered sponsor (research says 0)",
}
PERIODS_ROW = {"Kentucky (public accounting)": "Kentucky"}


def test_state_specific_ethics_hours_agree_with_the_periods_research(rows):
    with PERIODS_PATH.open(newline="", encoding="utf-8") as f:
        research = {r["jurisdiction"]: r["state_specific_ethics_hours"] for r in csv.DictReader(f)}
    checked = 0
    cpa_rows = [r for r in rows if r["credential"] == "CPA"]
    for row in cpa_rows:
        if row["jurisdiction"] in SSE_EXCEPTIONS:
            continue
        cell = research[PERIODS_ROW.get(row["jurisdiction"], row["jurisdiction"])]
        hours = int(re.match(r"\d+", cell).group())
        partial = [c for c in components(row) if c.kind == "ethics_state_specific"]
        where = (row["jurisdiction"], cell)
        if hours == 0:
            assert not partial and row["ethics_state_specific"] is False, where
        elif hours < row["ethics_hours"]:
            assert [c.hours for c in partial] == [hours], where
            assert row["ethics_state_specific"] is False, where
        else:
            assert not partial and row["ethics_state_specific"] is True, where
        checked += 1
    assert checked == len(cpa_rows) - len(SSE_EXCEPTIONS) == 52


def test_notes_say_what_is_modelled_and_what_is_not(rows):
    for row in rows:
        where = row["jurisdiction"]
        notes = row["notes"]
        assert notes.count("\nComponents: ") == 1 and notes.count("\nNot modelled: ") == 1, where
        components_line = note_line(row, "Components: ")
        not_modelled = note_line(row, "Not modelled: ")
        assert notes.index("\nMapping: ") < notes.index("\nComponents: "), where
        assert len(not_modelled) > len("Not modelled: ") + 3, where
        for item in row["components"]:
            assert item["label"] in components_line, (where, item["label"])
        if not row["components"]:
            assert components_line.startswith("Components: none."), where


# --- every rule in the research notes: modelled, or named under Not modelled ---------------------

Check = Callable[[dict, list[Component]], bool]


def _min_fields(wanted: set[str]) -> Check:
    return lambda row, cs: any(c.kind == "min" and wanted & set(c.fields) for c in cs)


def _course(topic: str) -> Check:
    return lambda row, cs: any(c.kind == "course" and c.topic == topic for c in cs)


# keyword in the other_rules cell -> (what models it, words the Not modelled line would use)
KEYWORDS: dict[str, tuple[Check, tuple[str, ...]]] = {
    # a minimum in accounting and auditing
    r"A&A|accounting and auditing|accounting/auditing|accounting/attest|\bauditing|\baudits?/": (
        _min_fields(AA_FIELDS),
        ("A&A", "accounting and auditing"),
    ),
    # a rule that depends on doing attest work
    r"attest": (
        lambda row, cs: any(c.applies_if in ("performs_attest", "public_accounting") for c in cs),
        ("attest",),
    ),
    # a minimum in the governmental fields
    r"governmental": (_min_fields(GOV_FIELDS), ("governmental",)),
    # the course topics
    r"harassment": (_course("Illinois Sexual Harassment Prevention"), ("harassment",)),
    r"Regulatory Review": (_course("California Regulatory Review"), ("Regulatory Review",)),
    r"fraud": (_course("Fraud"), ("fraud",)),
    # a live or group minimum
    r"\blive\b|classroom|webinar|group-live|group or blended": (
        lambda row, cs: any(c.kind == "min" and LIVE & set(c.delivery) for c in cs),
        ("live", "group"),
    ),
    # per-year rules: a year-scope component, a one-year period, or the headline annual minimum
    r"/yr\b|/year\b|(each|per|same) (calendar )?year|annual (caps|min)": (
        lambda row, cs: (
            any(c.scope == "year" for c in cs)
            or row["period_years"] == 1
            or row["annual_min_hours"] is not None
        ),
        ("a year", "each year", "per year"),
    ),
    # instruction, authorship and publication caps
    r"instruct|author|publish|publication": (
        lambda row, cs: any(c.kind == "max" and TEACHING & set(c.delivery) for c in cs),
        ("instruct", "author", "publication", "teaching"),
    ),
    # personal development / behavioral caps: the headline non-technical cap or a component
    r"personal development|behavioral": (
        lambda row, cs: (
            row["max_non_technical_hours"] is not None
            or row["max_non_technical_pct"] is not None
            or any(NON_TECHNICAL & set(c.fields) for c in cs)
        ),
        ("personal development", "behavioral"),
    ),
    # non-interactive self-study has no delivery method: always named under Not modelled
    r"non-interactive": (lambda row, cs: False, ("non-interactive",)),
}


def test_every_rule_in_other_rules_is_modelled_or_listed_as_not_modelled(other_rules):
    hits = 0
    for row, cell in other_rules:
        cs = components(row)
        not_modelled = note_line(row, "Not modelled: ").lower()
        for pattern, (modelled, words) in KEYWORDS.items():
            if not re.search(pattern, cell, flags=re.IGNORECASE):
                continue
            hits += 1
            listed = any(word.lower() in not_modelled for word in words)
            assert modelled(row, cs) or listed, (row["jurisdiction"], pattern, cell)
    assert hits >= 100  # the table really is exercised


# --- hand checks (each from the board's rule) ----------------------------------------------------


def test_florida_eight_hours_of_accounting_and_auditing(by_key):
    # Fla. Admin. Code 61H1-33.003: 80 h including 8 A&A per biennium; 24 h governmental for
    # Yellow Book / Auditor General audits; published materials not accepted.
    fl = by_key[("CPA", "Florida")]
    aa = only(fl, kind="min", hours=8)
    assert aa["fields"] == ["accounting_auditing"] and "scope" not in aa  # per period
    assert "applies_if" not in aa
    gov = only(fl, kind="min", hours=24)
    assert set(gov["fields"]) == GOV_FIELDS and gov["applies_if"] == "government_audits"
    assert only(fl, kind="max", delivery=["Author"])["hours"] == 0
    assert fl["ethics_state_specific"] is True  # all 4 h Florida Board-approved


def test_georgia_one_of_four_ethics_hours_is_georgia_specific(by_key):
    # NASBA Georgia (rev 1/3/2024): 4 ethics including 1 h Georgia-specific.
    ga = by_key[("CPA", "Georgia")]
    assert ga["ethics_hours"] == 4 and ga["ethics_state_specific"] is False
    assert only(ga, kind="ethics_state_specific")["hours"] == 1


def test_california_components(by_key):
    # 16 CCR 87(a)(1) 12 technical of each year's 20; B&P 5027(d) / 87.8 Regulatory Review every
    # 6 years; 87(c) 24 h governmental; 87(d) 24 h A&A plus 4 h fraud for attest work.
    ca = by_key[("CPA", "California")]
    tech = only(ca, kind="min", scope="year")
    assert (tech["hours"], tech["fields"]) == (12, ["technical"])
    review = only(ca, kind="course", topic="California Regulatory Review")
    assert (review["hours"], review["scope"], review["cycle_years"]) == (2, "cycle", 6)
    attest = only(ca, kind="min", applies_if="performs_attest")
    assert (attest["hours"], attest["fields"]) == (24, ["accounting_auditing"])
    fraud = only(ca, kind="course", topic="Fraud", applies_if="performs_attest")
    assert fraud["hours"] == 4
    gov = only(ca, kind="min", applies_if="government_audits")
    assert gov["hours"] == 24 and set(gov["fields"]) == GOV_FIELDS
    assert only(ca, kind="course", topic="Fraud", applies_if="government_audits")["hours"] == 4
    assert ca["ethics_state_specific"] is False  # any qualifying ethics course


def test_illinois_harassment_hour_each_renewal(by_key):
    # 20 ILCS 2105/2105-15.5, 68 Ill. Adm. Code 1130.400: 1 h sexual harassment prevention at
    # every renewal; non-interactive half credit has no delivery method and is named instead.
    il = by_key[("CPA", "Illinois")]
    course = only(il, kind="course")
    assert course["topic"] == "Illinois Sexual Harassment Prevention"
    assert course["hours"] == 1 and "scope" not in course  # within the 3-year period
    assert not [c for c in il["components"] if c["kind"] == "credit_factor"]
    assert "non-interactive" in note_line(il, "Not modelled: ")
    assert only(il, kind="max", delivery=["Instructor"])["hours"] == 60
    assert only(il, kind="max", delivery=["Author"])["hours"] == 30


def test_michigan_each_year(by_key):
    # R 338.5215 / MICPA: 8 A&A and 2 ethics each Jul-Jun year; 1 of 4 ethics Michigan-specific;
    # self-study and instruction at most 20 h a year.
    mi = by_key[("CPA", "Michigan")]
    aa = only(mi, kind="min", fields=["accounting_auditing"])
    assert (aa["hours"], aa["scope"]) == (8, "year")
    ethics = only(mi, kind="min", fields=["ethics"])
    assert (ethics["hours"], ethics["scope"]) == (2, "year")
    assert only(mi, kind="ethics_state_specific")["hours"] == 1
    assert mi["ethics_state_specific"] is False
    self_study = only(mi, kind="max", delivery=["self_study"])
    assert (self_study["hours"], self_study["scope"]) == (20, "year")


def test_new_york_forty_hours_or_twenty_four_in_one_subject(by_key):
    # 8 NYCRR 70.9(b)(2): each calendar year 40 h in recognized subjects, or 24 h concentrated in
    # one (accounting, attest/auditing, taxation, advisory services, specialized knowledge).
    ny = by_key[("CPA", "New York")]
    assert ny["total_hours"] == 40 and ny["annual_min_hours"] is None
    general = only(ny, alternative="general")
    assert (general["kind"], general["hours"]) == ("min", 40) and "fields" not in general
    concentrations = {
        c["alternative"]: c["fields"]
        for c in ny["components"]
        if c.get("alternative", "").startswith("concentration_")
    }
    assert concentrations == {
        "concentration_accounting": ["Accounting", "Accounting (Governmental)"],
        "concentration_auditing": ["Auditing", "Auditing (Governmental)"],
        "concentration_taxes": ["Taxes"],
        "concentration_advisory": ["Management Services"],
        "concentration_specialized": ["Specialized Knowledge"],
    }
    for name in concentrations:
        assert only(ny, alternative=name)["hours"] == 24
    attest = only(ny, applies_if="performs_attest")
    assert (attest["hours"], attest["scope"], attest["cycle_years"]) == (40, "cycle", 3)
    assert only(ny, kind="max", fields=["Personal Development"])["hours"] == 0


def test_texas_nano_cap_is_the_headline_column(by_key):
    # 22 TAC 523.118(b): nano-learning at most 50 % of the 3-year requirement.
    tx = by_key[("CPA", "Texas")]
    assert tx["max_nano_pct"] == 50 and tx["max_nano_hours"] is None
    assert tx["components"] == []
    assert tx["ethics_state_specific"] is True  # the whole 4 h is the Board's Texas course


def test_arizona_live_hours_and_subjects(by_key):
    # Ariz. Admin. Code R4-1-453: 16 h live (classroom or interactive webinar); 40 h in A&A, tax,
    # business law or MAS with 16 in A&A or tax; 1 h of the ethics on Board statutes and rules.
    az = by_key[("CPA", "Arizona")]
    live = only(az, kind="min", delivery=["live"])
    assert live["hours"] == 16 and "fields" not in live
    assert only(az, kind="min", hours=16, fields=["accounting_auditing", "Taxes"])
    assert only(az, kind="min", hours=40)["fields"] == [
        "accounting_auditing",
        "Taxes",
        "Business Law",
        "Management Services",
    ]
    assert only(az, kind="ethics_state_specific")["hours"] == 1
    assert az["ethics_state_specific"] is False
    assert only(az, kind="max", delivery=["Instructor", "Author"])["hours"] == 40


def test_other_named_rules(by_key):
    # Minnesota 1105.3000: 24 h group or blended; Alabama: 8 A&A each fiscal year (one-year
    # periods); Louisiana: personal development at most 20 a year; Utah/Arkansas/Mississippi: 1 h
    # state-specific ethics; South Dakota: the behavioral cap only for public accounting.
    mn = only(by_key[("CPA", "Minnesota")], kind="min")
    assert (mn["hours"], mn["delivery"]) == (24, ["live", "Blended Learning"])
    al = only(by_key[("CPA", "Alabama")], kind="min")
    assert (al["hours"], al["fields"]) == (8, ["accounting_auditing"])
    la = only(by_key[("CPA", "Louisiana")], kind="max", fields=["Personal Development"])
    assert (la["hours"], la["scope"]) == (20, "year")
    for state in ("Utah", "Arkansas", "Mississippi"):
        assert only(by_key[("CPA", state)], kind="ethics_state_specific")["hours"] == 1, state
    sd = by_key[("CPA", "South Dakota")]
    assert sd["max_non_technical_hours"] is None
    assert only(sd, kind="max", fields=["non_technical"])["applies_if"] == "public_accounting"
    cfe = only(by_key[("CFE", "ACFE")], kind="course")
    assert (cfe["topic"], cfe["hours"]) == ("Fraud", 10)
