"""A small invented rule shared by tests that need one license with easy numbers: CPA in
"Atlantis", 20 hours a calendar year, 2 of them ethics. Invented so no real board's data (which
the shipped-rule tests check) changes what these tests mean."""

from __future__ import annotations

from typing import Any

from cpe_desktop.services import licenses, requirements

ATLANTIS_RULE: dict[str, Any] = {
    "credential": "CPA",
    "jurisdiction": "Atlantis",
    "total_hours": 20,
    "period_years": 1,
    "ethics_hours": 2,
    "period_basis": "calendar",
}


def add_atlantis_rule(people) -> None:
    requirements.create_requirement(people.as_admin, dict(ATLANTIS_RULE))


def atlantis_license(ctx, issued_on: str = "2026-01-01", **extra):
    data = {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": issued_on, **extra}
    return licenses.create_license(ctx, data).value
