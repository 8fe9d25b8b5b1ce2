"""The firm summary lists the most urgent licenses first (issue 15, item 13): overdue, then at
risk, then the rest by deadline, not by person's name."""

from __future__ import annotations

from cpe_desktop.services.reporting import reports
from tests.helpers.report_firm import build_firm


def test_the_firm_summary_puts_the_license_at_risk_before_the_one_on_track(people, tmp_path):
    build_firm(people, tmp_path / "sources")
    data = reports.firm_summary_data(people.as_admin)
    listed = [
        (lic["person"]["name"], lic["jurisdiction"], lic["status"]) for lic in data["licenses"]
    ]
    # By name, Ann (on track) came first; Bob's Atlantis license is at risk.
    assert listed == [
        ("Bob Member", "Atlantis", "at_risk"),
        ("Ann Member", "Atlantis", "on_track"),
        ("Bob Member", "Nowhere", "no_rule"),  # no deadline: last
    ]


def _entry(name: str, status: str, period_end: str | None) -> dict:
    return {
        "person": {"name": name, "email": f"{name.lower()}@example.com"},
        "status": status,
        "period_end": period_end,
        "credential": "CPA",
        "jurisdiction": "Texas",
    }


def test_firm_order_is_overdue_then_at_risk_then_the_nearest_deadline():
    entries = [
        _entry("Adam", "complete", "2026-07-31"),
        _entry("Beth", "on_track", "2026-12-31"),
        _entry("Carl", "at_risk", "2027-06-30"),
        _entry("Dana", "overdue", "2026-12-31"),
        _entry("Evan", "no_rule", None),
        _entry("Fay", "at_risk", "2026-09-30"),
        _entry("Gus", "overdue", "2025-12-31"),
        _entry("Hal", "on_track", "2026-08-31"),
    ]
    ordered = [entry["person"]["name"] for entry in sorted(entries, key=reports.firm_order)]
    assert ordered == ["Gus", "Dana", "Fay", "Carl", "Adam", "Hal", "Beth", "Evan"]
