"""Deadline warnings: made as a period's end comes within the person's lead days with hours still
missing, and when a license turns at risk or overdue; each warning once, however often the daily
check runs."""

from __future__ import annotations

import datetime as dt

import pytest

from cpe_desktop.db.models import Notification
from cpe_desktop.services import deadlines, licenses, preferences, records, requirements
from cpe_desktop.services.errors import PermissionDenied
from tests.helpers.atlantis_rule import ATLANTIS_RULE, add_atlantis_rule


def _course(ctx, day, field, credits):
    records.create_record(
        ctx,
        {
            "title": f"{field} {day}",
            "completed_on": day,
            "delivery_method": "Group Live",
            "credits": [{"field": field, "credits": credits}],
        },
    )


@pytest.fixture
def ann(people):
    """Ann holds CPA — Atlantis (20 hours a calendar year, 2 of ethics) and has 16 hours by June:
    on pace, 4 hours (2 of them ethics) to go by 31 Dec 2026."""
    add_atlantis_rule(people)
    made = licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2026-01-01"}
    )
    people.license_id = made.value.license_id
    _course(people.as_ann, "2026-06-01", "Taxes", 16)
    return people


def _notes(kind=None):
    query = Notification.select().order_by(Notification.notification_id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(query)


def _each_day(people, clock, first: dt.date, days: int) -> list[list[Notification]]:
    """Run the daily check on ``days`` days from ``first``, moving the clock like the scheduler."""
    made = []
    clock.set(dt.datetime.combine(first, dt.time(9, 30), dt.UTC))
    for _ in range(days):
        made.append(
            deadlines.check_deadlines(people.as_ann, people.ann.user_id, clock.today()).value
        )
        clock.advance(dt.timedelta(days=1))
    return made


def test_nothing_while_the_end_is_far_and_the_pace_is_kept(ann, clock):
    outcome = deadlines.check_deadlines(ann.as_ann, ann.ann.user_id, clock.today())
    assert outcome.value == [] and not outcome.changes
    assert _notes() == []


def test_thirty_days_of_daily_checks_warn_once_at_90_days(ann, clock):
    made = _each_day(ann, clock, dt.date(2026, 9, 20), 30)
    assert [len(day) for day in made] == [0] * 12 + [1, 1] + [0] * 16
    [deadline] = _notes("deadline")
    assert deadline.message == (
        "CPA — Atlantis: Need 4 h, 2 of them ethics, by 31 Dec 2026 (90 days left)."
    )
    assert (deadline.user_id, deadline.license_id) == (ann.ann.user_id, ann.license_id)
    [status] = _notes("status")
    assert status.message == (
        "CPA — Atlantis is at risk: need 4 h, 2 of them ethics, by 31 Dec 2026."
    )
    assert status.license_id == ann.license_id
    assert made[12] == [deadline] and made[13] == [status]
    again = deadlines.check_deadlines(ann.as_ann, ann.ann.user_id, clock.today())
    assert again.value == [] and not again.changes


def test_first_opened_25_days_before_the_end_warns_at_30_then_at_7(ann, clock):
    made = _each_day(ann, clock, dt.date(2026, 12, 6), 26)
    assert sum(len(day) for day in made) == 3
    assert [n.message for n in _notes("deadline")] == [
        "CPA — Atlantis: Need 4 h, 2 of them ethics, by 31 Dec 2026 (25 days left).",
        "CPA — Atlantis: Need 4 h, 2 of them ethics, by 31 Dec 2026 (7 days left).",
    ]
    assert [n.kind for n in made[0]] == ["deadline", "status"]
    assert made[-1] == []  # 31 Dec: nothing new on the last day


def test_the_persons_own_lead_days_are_used(ann, clock):
    preferences.set_preferences(ann.as_ann, ann.ann.user_id, {"reminder_lead_days": "45, 1"})
    _each_day(ann, clock, dt.date(2026, 11, 1), 61)
    assert [n.message for n in _notes("deadline")] == [
        "CPA — Atlantis: Need 4 h, 2 of them ethics, by 31 Dec 2026 (45 days left).",
        "CPA — Atlantis: Need 4 h, 2 of them ethics, by 31 Dec 2026 (1 day left).",
    ]


def test_no_warning_once_the_hours_are_in(ann, clock):
    clock.set(dt.datetime(2026, 10, 5, 9, 30, tzinfo=dt.UTC))
    _course(ann.as_ann, "2026-10-01", "Regulatory Ethics", 2)
    _course(ann.as_ann, "2026-10-02", "Auditing", 2)
    made = _each_day(ann, clock, dt.date(2026, 10, 5), 5)
    assert made == [[]] * 5
    assert _notes() == []


def test_licenses_without_a_rule_are_skipped(people, clock):
    licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Nowhere"})
    outcome = deadlines.check_deadlines(people.as_ann, people.ann.user_id, dt.date(2026, 12, 20))
    assert outcome.value == []


def test_an_overdue_license_is_reported_once(people, clock):
    add_atlantis_rule(people)
    licenses.create_license(
        people.as_ann,
        {
            "credential": "CPA",
            "jurisdiction": "Atlantis",
            "issued_on": "2025-01-01",
            "tracked_from": "2025-01-01",  # the holder entered 2025 too: it is judged
        },
    )
    _course(people.as_ann, "2025-05-01", "Taxes", 5)
    _course(people.as_ann, "2026-06-01", "Taxes", 12)
    first = deadlines.check_deadlines(people.as_ann, people.ann.user_id, clock.today())
    [note] = first.value
    assert note.kind == "status"
    # 15 hours and the ethics short in 2025; 12 of this year's hours first make that up
    assert note.message.startswith("CPA — Atlantis: Overdue: 3 h, 2 h of ethics still missing ")
    assert "from the period that ended 31 Dec 2025. Need " in note.message
    assert {"notifications", "audit"} <= set(first.changes.kinds)
    assert deadlines.check_deadlines(people.as_ann, people.ann.user_id, clock.today()).value == []


def test_history_before_tracking_is_never_called_overdue(people, clock):
    # The same license and records, tracked from this period (the default for a license
    # entered by hand): 2025 was never tracked, so it is not judged (ARCHITECTURE.md §4).
    add_atlantis_rule(people)
    licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2025-01-01"}
    )
    _course(people.as_ann, "2026-06-01", "Taxes", 12)
    made = deadlines.check_deadlines(people.as_ann, people.ann.user_id, clock.today()).value
    assert not any("Overdue" in n.message for n in made)
    assert [n.kind for n in made if n.kind == "status"] == []


def test_a_separate_ethics_deadline_is_named(people, clock):
    # Two-year periods for the hours, ethics every year: the ethics end comes first.
    rule = ATLANTIS_RULE | {"period_years": 2, "ethics_period_years": 1, "cycle_anchor_year": 2026}
    requirements.create_requirement(people.as_admin, rule)
    licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2026-01-01"}
    )
    clock.set(dt.datetime(2026, 12, 20, 9, 30, tzinfo=dt.UTC))
    _course(people.as_ann, "2026-06-01", "Taxes", 20)
    made = _each_day(people, clock, dt.date(2026, 12, 20), 3)
    assert [n.message for n in made[0] if n.kind == "deadline"] == [
        "CPA — Atlantis: Need 2 h of ethics by 31 Dec 2026 (11 days left)."
    ]
    assert made[1:] == [[], []]


def test_members_cannot_check_someone_elses_licenses(ann, clock):
    with pytest.raises(PermissionDenied):
        deadlines.check_deadlines(ann.as_bob, ann.ann.user_id, dt.date(2026, 12, 20))
    assert _notes() == []


def test_no_deadline_warning_from_a_period_only_the_holder_knows(people, clock):
    """A rule whose cycle only the holder knows (an EA's SSN digit): with no period end given,
    the stand-in period's end is no deadline, so nothing warns, not even 7 days before it.
    (Issued 2012, the stand-in three-year cycles end 31 Dec 2026, a week away.) Once the holder
    gives the end, the warning comes."""
    rule = ATLANTIS_RULE | {"period_years": 3, "cycle_anchor": "holder_supplied"}
    requirements.create_requirement(people.as_admin, rule)
    made = licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2012-01-01"}
    )
    clock.set(dt.datetime(2026, 12, 24, 9, 30, tzinfo=dt.UTC))
    assert deadlines.check_deadlines(people.as_ann, people.ann.user_id, clock.today()).value == []
    licenses.update_license(
        people.as_ann, made.value.license_id, {"period_end_override": "2026-12-31"}
    )
    warned = deadlines.check_deadlines(people.as_ann, people.ann.user_id, clock.today()).value
    assert [n.kind for n in warned] == ["deadline", "status"]
