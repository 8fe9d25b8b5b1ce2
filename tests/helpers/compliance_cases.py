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
from cpe_desktop.rules.rule_fields import DECIMAL_KINDS, RULE_FIELDS

D = date.fromisoformat
H = Decimal
GL, GIB, QAS, NANO = "Group Live", "Group Internet Based", "QAS Self Study", "Nano Learning"

REQUIREMENTS = Path(__file__).resolve().parents[2] / "resources/requirements/requirements.json"
_ROWS: dict[tuple[str, str], dict[str, Any]] = {
    (row["credential"], row["jurisdiction"]): row
    for row in json.loads(REQUIREMENTS.read_text(encoding="utf-8"))["requirements"]
}
_ids = itertools.count(1000)


def shipped_row(credential: str, jurisdiction: str) -> dict[str, Any]:
    return _ROWS[(credential, jurisdiction)]


def shipped(credential: str, jurisdiction: str) -> Rule:
    """The shipped requirement row as a Rule: JSON numbers to Decimal, ISO dates to date, null
    as the rule's default; the keys and their kinds come from rules/rule_fields.RULE_FIELDS."""
    row = shipped_row(credential, jurisdiction)
    values: dict[str, Any] = {}
    for field in RULE_FIELDS:
        value = row[field.name] if not field.period else row.get(field.name)
        if value is None:
            value = field.null_reads_as
        elif field.kind in DECIMAL_KINDS:
            value = Decimal(str(value))
        elif field.kind == "date":
            value = D(value)
        elif field.kind == "table":
            value = tuple(Decimal(str(v)) for v in value)
        values[field.name] = value
    values["components"] = tuple(component_from_dict(c) for c in row.get("components") or ())
    return Rule(**values)


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
