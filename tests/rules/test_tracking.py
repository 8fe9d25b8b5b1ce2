"""Tracked history (ARCHITECTURE.md §4): nothing that ended before ``tracked_from`` is judged, and
the opening balance counts like a record completed on ``tracked_from``.

The defect these pin: a CPA who adds a Texas license issued in 2008 and logs this year's
courses was shown Overdue, because the periods before, with no records in them, were judged.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from cpe_desktop.rules.compliance import evaluate, evaluate_all
from cpe_desktop.rules.tracking import default_tracked_from
from tests.helpers.compliance_cases import GL, D, H, lic, period_rule, rec, shipped

AS_OF = D("2026-12-05")


def _georgia():
    """Georgia (Rule 20-11-.02, NASBA rev 1/3/2024): 80 h per calendar biennium starting in
    even years, 20 a year, 4 ethics; built here so the case does not move with the data."""
    return period_rule(
        "calendar",
        2,
        cycle_anchor="fixed",
        cycle_anchor_year=2024,
        total_hours=80,
        annual_min_hours=20,
        ethics_hours=4,
    )


def test_old_license_with_only_this_periods_records_is_never_overdue():
    """Georgia license issued 2008, tracked from the start of the current biennium
    (2026-01-01), 24 hours this year. The 2024-2025 biennium ended before tracking: it is
    not judged, so the status cannot be overdue and no annual minimum of 2024 or 2025 shows."""
    records = [rec("2026-03-02", ("Taxes", "24"))]
    tracked = lic("Georgia", issued="2008-06-01", tracked="2026-01-01")
    result = evaluate(_georgia(), tracked, records, AS_OF)
    assert result.status != "overdue"
    assert result.previous is None
    assert [y.year_start for y in result.annual] == [D("2026-01-01"), D("2027-01-01")]
    assert result.tracked_from == D("2026-01-01")
    # The same license without tracked_from is judged from the start: overdue.
    assert evaluate(_georgia(), replace(tracked, tracked_from=None), records, AS_OF).status == (
        "overdue"
    )


def test_with_tracked_history_a_short_past_period_is_overdue():
    """Tracked since 2024-01-01 and only 30 hours in the 2024-2025 biennium (80 asked): the
    past period was tracked throughout, so it is judged, and overdue."""
    records = [rec("2024-05-01", ("Taxes", "30")), rec("2026-03-02", ("Taxes", "24"))]
    license = lic("Georgia", issued="2008-06-01", tracked="2024-01-01")
    result = evaluate(_georgia(), license, records, AS_OF)
    assert result.status == "overdue"
    assert result.previous is not None and result.previous.shortfall_total == H(50)


def test_opening_balance_counts_like_a_record_on_tracked_from():
    """Tracking from 2026-07-01 with 30 hours (4 of them ethics) earned earlier this biennium:
    30 + 20 recorded = 50 counted, ethics 4 met; the opening balance is in no record list."""
    license = lic(
        "Georgia", issued="2008-06-01", tracked="2026-07-01", opening=30, opening_ethics=4
    )
    result = evaluate(_georgia(), license, [rec("2026-09-01", ("Taxes", "20"))], AS_OF)
    assert result.counted_total == H(50)
    assert result.counted_ethics == H(4)
    assert result.shortfall_ethics == 0
    assert result.opening_hours == H(30) and result.opening_ethics_hours == H(4)
    assert all(record_id > 0 for record_id in result.counted_records)


def test_counted_records_leave_out_the_opening_balance_wherever_it_falls():
    """Records before and after tracked_from in the period: every one counts, in date order,
    and the opening balance (a record of its own on tracked_from) is not among them."""
    license = lic("Georgia", issued="2008-06-01", tracked="2026-07-01", opening=30)
    records = [
        rec("2026-09-01", ("Taxes", "20"), rid=70),
        rec("2026-02-01", ("Taxes", "3"), rid=90),
        rec("2026-07-01", ("Auditing", "2"), rid=80),
    ]
    result = evaluate(_georgia(), license, records, AS_OF)
    assert result.counted_records == (90, 80, 70)
    assert result.counted_total == H(55)


def test_opening_balance_belongs_to_one_license_only():
    """Two licenses of one holder in evaluate_all: the opening balance of the first does not
    count toward the second."""
    first = lic("Georgia", issued="2008-06-01", tracked="2026-01-01", opening=40, license_id=1)
    second = lic("Georgia", issued="2008-06-01", tracked="2026-01-01", license_id=2)
    records = {1: [rec("2026-03-02", ("Taxes", "10"))]}
    one, two = evaluate_all([(first, _georgia()), (second, _georgia())], records, AS_OF)
    assert (one.counted_total, two.counted_total) == (H(50), H(10))


def test_opening_ethics_counts_as_state_specific_ethics():
    """Texas asks for a Board-approved (Texas) ethics course (22 TAC 523.130): ethics in the
    opening balance is the holder's word that it was that course, so it counts."""
    rule = shipped("CPA", "Texas")
    license = lic(
        "Texas",
        issued="2008-05-01",
        birth="1975-08-03",
        tracked="2026-09-01",
        opening=10,
        opening_ethics=4,
    )
    result = evaluate(rule, license, [], AS_OF)
    assert result.counted_ethics == H(4)


@pytest.mark.parametrize(
    ("rule", "license_kw", "earliest", "expected"),
    [
        # No records: the start of the period as of today (Georgia biennium 2026-2027).
        (_georgia(), dict(issued="2008-06-01"), None, "2026-01-01"),
        # Earliest record in 2025: the start of the period containing it (2024-2025).
        (_georgia(), dict(issued="2008-06-01"), "2025-03-01", "2024-01-01"),
        # Rolling (Texas): the start of the reporting year containing the earliest record,
        # not the window's, whose earlier years were never tracked.
        (
            period_rule("rolling", 3, cycle_anchor="birth_month"),
            dict(issued="2008-05-01", birth="1975-08-03"),
            "2026-03-02",
            "2025-09-01",
        ),
        # Period end unknown (holder_supplied): 1 January of that year.
        (period_rule("calendar", 3, cycle_anchor="holder_supplied"), {}, None, "2026-01-01"),
        # No rule at all: the earliest record's date.
        (None, {}, "2025-03-01", "2025-03-01"),
    ],
)
def test_default_tracked_from(rule, license_kw, earliest, expected):
    found = default_tracked_from(rule, lic(**license_kw), AS_OF, D(earliest) if earliest else None)
    assert found == D(expected)


def test_texas_license_from_2008_with_this_years_records_is_not_overdue():
    """The issue's own example, on the shipped Texas row: license issued 2008, birth month
    August, this year's records only (a 30-credit four-day conference among them), tracking
    from its default. Not overdue; the judged year (Sep 2025-Aug 2026) met its 20 hours."""
    rule = shipped("CPA", "Texas")
    records = [
        rec("2026-03-05", ("Taxes", "30"), method=GL),
        rec("2026-10-01", ("Regulatory Ethics", "4"), tag="Texas"),
    ]
    license = lic("Texas", issued="2008-05-01", birth="1975-08-03")
    tracked = replace(
        license, tracked_from=default_tracked_from(rule, license, AS_OF, D("2026-03-05"))
    )
    result = evaluate(rule, tracked, records, AS_OF)
    assert result.status != "overdue"
    assert result.previous is None
    assert all(year.met is not False for year in result.annual)
