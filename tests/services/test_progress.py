"""The interim dashboard sums: hours logged over the rule's period length, per license."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cpe_desktop.services import licenses, progress, records


def _record(ctx, day, field, credits):
    records.create_record(
        ctx,
        {
            "title": f"{field} {day}",
            "completed_on": day,
            "delivery_method": "Group Live",
            "credits": [{"field": field, "credits": credits}],
        },
    )


def test_sums_over_the_rule_period_length(people):
    licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Texas"})
    licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Missouri"})
    _record(people.as_ann, "2023-06-15", "Taxes", 8)  # exactly 3 years back: outside
    _record(people.as_ann, "2023-06-16", "Taxes", 4)  # first day of the 3-year window
    _record(people.as_ann, "2025-07-01", "Regulatory Ethics", 2)  # within 3 years, not 1
    _record(people.as_ann, "2026-06-15", "Auditing", 1)  # today
    found = {
        item.license.jurisdiction: item
        for item in progress.hours_by_license(people.as_ann, people.ann.user_id)
    }
    texas, missouri = found["Texas"], found["Missouri"]
    assert texas.window_start == dt.date(2023, 6, 16) and texas.window_end == dt.date(2026, 6, 15)
    assert (texas.logged_total, texas.logged_ethics) == (Decimal(7), Decimal(2))
    assert missouri.window_start == dt.date(2025, 6, 16)
    assert (missouri.logged_total, missouri.logged_ethics) == (Decimal(3), Decimal(2))


def test_license_without_rule(people):
    licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Atlantis"})
    (item,) = progress.hours_by_license(people.as_ann, people.ann.user_id)
    assert item.requirement is None and item.logged_total == 0
