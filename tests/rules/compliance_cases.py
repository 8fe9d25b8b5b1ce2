"""Builders shared by the compliance tests: records, licenses and shipped rules, tersely.

Not a test module (no ``test_`` prefix). ``shipped()`` reads a row of the real requirement data
and builds a ``Rule`` the way a service would, so the jurisdiction scenarios never restate a
rule's numbers, only the results expected from them.
"""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from cpe_desktop.rules.compliance import LicenseFacts, RecordFacts, Rule
from cpe_desktop.rules.component_facts import component_from_dict

D = date.fromisoformat
H = Decimal
GL, GIB, QAS, NANO = "Group Live", "Group Internet Based", "QAS Self Study", "Nano Learning"

REQUIREMENTS = Path(__file__).resolve().parents[2] / "resources/requirements/requirements.json"
RULE_KEYS = (
    "total_hours",
    "period_years",
    "ethics_hours",
    "ethics_period_years",
    "ethics_state_specific",
    "annual_min_hours",
    "period_basis",
    "period_start_month",
    "cycle_anchor_year",
    "max_self_study_hours",
    "max_self_study_pct",
    "max_nano_hours",
    "max_nano_pct",
    "max_non_technical_hours",
    "max_non_technical_pct",
    "technical_min_hours",
    "carryover_max_hours",
    "effective_from",
)
# Hours and percentages; the other keys are whole numbers, a flag, a word or a date.
HOUR_KEYS = tuple(
    key for key in RULE_KEYS if key.endswith(("_hours", "_pct")) and key != "effective_from"
)
_ROWS: dict[tuple[str, str], dict[str, Any]] = {
    (row["credential"], row["jurisdiction"]): row
    for row in json.loads(REQUIREMENTS.read_text(encoding="utf-8"))["requirements"]
}
_ids = itertools.count(1000)


def shipped_row(credential: str, jurisdiction: str) -> dict[str, Any]:
    return _ROWS[(credential, jurisdiction)]


def shipped(credential: str, jurisdiction: str) -> Rule:
    """The shipped requirement row as a Rule: JSON numbers to Decimal, ISO dates to date."""
    row = shipped_row(credential, jurisdiction)
    values: dict[str, Any] = {key: row[key] for key in RULE_KEYS}
    for key in HOUR_KEYS:
        if values[key] is not None:
            values[key] = Decimal(str(values[key]))
    if values["effective_from"]:
        values["effective_from"] = D(values["effective_from"])
    # Schema 4 keys (ARCHITECTURE.md §4); null reads as the default.
    for key, default in NEW_RULE_DEFAULTS.items():
        value = row.get(key)
        values[key] = default if value is None else value
    for key in ("first_period_hours_per_unit", "first_period_ethics"):
        if values[key] is not None:
            values[key] = Decimal(str(values[key]))
    values["first_period_table"] = tuple(Decimal(str(v)) for v in values["first_period_table"])
    values["components"] = tuple(component_from_dict(c) for c in row.get("components") or ())
    return Rule(**values)


NEW_RULE_DEFAULTS: dict[str, Any] = {
    "cycle_anchor": None,
    "cycle_parity_offset": 0,
    "first_period": "full",
    "first_period_hours_per_unit": None,
    "first_period_unit_months": None,
    "first_period_counts_issue_month": False,
    "first_period_ethics": None,
    "first_period_table": (),
    "carryover_scope": "period",
    "reciprocity": "none",
}


def all_shipped() -> list[tuple[str, str]]:
    return list(_ROWS)


def lic(
    jurisdiction: str = "Texas",
    issued: str | None = "2010-01-01",
    override: str | None = None,
    birth: str | None = None,
    license_id: int = 1,
    credential: str = "CPA",
    holder: int | None = 1,
    number: str | None = None,
    tracked: str | None = None,
    opening: str | int = 0,
    opening_ethics: str | int = 0,
    home: str | None = None,
) -> LicenseFacts:
    return LicenseFacts(
        license_id,
        credential,
        jurisdiction,
        issued_on=D(issued) if issued else None,
        period_end_override=D(override) if override else None,
        birth_date=D(birth) if birth else None,
        holder_id=holder,
        license_number=number,
        tracked_from=D(tracked) if tracked else None,
        opening_hours=H(opening),
        opening_ethics_hours=H(opening_ethics),
        home_jurisdiction=home,
    )


def rec(
    on: str,
    *credits: tuple[str, str],
    method: str = GL,
    tag: str | None = None,
    cert: bool = True,
    title: str = "",
    rid: int | None = None,
    topics: tuple[str, ...] = (),
) -> RecordFacts:
    """A record completed ``on`` with ``credits`` as (field, "hours") pairs."""
    pairs = tuple((field, H(hours)) for field, hours in credits)
    record_id = next(_ids) if rid is None else rid
    return RecordFacts(record_id, D(on), method, tag, cert, pairs, title, topics=topics)


def spread(
    first: str, count: int, field: str, hours: str, method: str = GL, every: int = 20
) -> list[RecordFacts]:
    """``count`` records of ``hours`` in ``field``, from ``first`` every ``every`` days."""
    start = D(first)
    return [
        rec((start + timedelta(days=every * i)).isoformat(), (field, hours), method=method)
        for i in range(count)
    ]


def period_rule(basis: str, years: int, **kw: Any) -> Rule:
    """A rule with only what decides its periods."""
    return Rule(period_years=years, period_basis=basis, **kw)


def period_license(issued: str | None = None, override: str | None = None) -> LicenseFacts:
    """A license with only what decides its periods (nothing, by default)."""
    return lic(issued=issued, override=override)
