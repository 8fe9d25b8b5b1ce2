"""The calendar export: deadlines and reminders, read back with the icalendar library."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from cpe_desktop.db.models import ActivityLog, User
from cpe_desktop.services import compliance, licenses, reminders
from cpe_desktop.services.interchange import export_file, import_document
from cpe_desktop.services.interchange.ics_format import export_calendar, recurrence
from tests.helpers.interchange_documents import two_people_document


@pytest.fixture
def firm(seeded, system):
    """Alice (CPA New York and Texas) and Bob (CIA), with their records."""
    import_document(system, two_people_document())
    return User.get(User.email == "alice@example.com"), User.get(User.email == "bob@example.com")


def _read(path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def _hours(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _events(calendar: Calendar) -> dict[str, object]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_each_license_deadline_is_an_all_day_event_with_the_numbers(system, firm, tmp_path):
    alice, _ = firm
    path = tmp_path / "alice.ics"

    summary = export_calendar(system, path, "alice@example.com")

    assert summary.describe() == f"Exported 2 deadlines and 0 reminders of 1 person to {path}."
    calendar = _read(path)
    assert calendar["PRODID"].startswith("-//CPE Tracker//") and calendar["VERSION"] == "2.0"
    events = _events(calendar)
    assert sorted(events) == ["CPE deadline: CPA — New York", "CPE deadline: CPA — Texas"]
    judged = {
        item.license.jurisdiction: item.evaluation
        for item in compliance.evaluate_licenses(system, alice.user_id, system.clock.today())
    }
    for jurisdiction, ev in judged.items():
        event = events[f"CPE deadline: CPA — {jurisdiction}"]
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        assert not isinstance(start, dt.datetime)  # a date: an all-day event
        assert (start, end) == (ev.period_end, ev.period_end + dt.timedelta(days=1))
        assert event["DTSTAMP"].dt == dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
        text = str(event["DESCRIPTION"])
        assert f"{ev.period_start.isoformat()} to {ev.period_end.isoformat()}" in text
        total, counted = _hours(ev.required_total), _hours(ev.counted_total)
        assert f"Total: {total} h required, {counted} h counted" in text
        assert f"{_hours(ev.shortfall_total)} h short" in text
    texas = str(events["CPE deadline: CPA — Texas"]["DESCRIPTION"])
    assert texas.startswith("CPA Texas, license 12345 (Alice Admin)")
    assert judged["Texas"].period_end == dt.date(2027, 5, 31)  # the license's own deadline


def test_reminders_repeat_as_they_do_in_the_program(system, firm, tmp_path):
    alice, bob = firm
    cases = {
        "once": None,
        "daily": {"FREQ": ["DAILY"]},
        "weekly": {"FREQ": ["WEEKLY"]},
        "monthly": {"FREQ": ["MONTHLY"]},
        "yearly": {"FREQ": ["YEARLY"]},
        "every_n_days": {"FREQ": ["DAILY"], "INTERVAL": [10]},
    }
    for frequency in cases:
        reminders.create_reminder(
            system,
            {
                "user_id": alice.user_id,
                "message": f"{frequency} check\nsecond line",
                "frequency": frequency,
                "interval_days": 10 if frequency == "every_n_days" else None,
                "next_reminder": "2026-07-01 08:15",
            },
        )
    off = {"user_id": alice.user_id, "message": "switched off", "frequency": "daily"}
    reminders.create_reminder(system, off | {"next_reminder": "2026-07-01", "active": False})
    reminders.create_reminder(
        system,
        {
            "user_id": bob.user_id,
            "message": "Bob's",
            "frequency": "once",
            "next_reminder": "2026-08-01",
        },
    )
    path = tmp_path / "alice.ics"

    summary = export_calendar(system, path, "alice@example.com")

    assert (summary.deadlines, summary.reminders) == (2, 6)
    events = _events(_read(path))
    assert "CPE reminder: switched off" not in events and "CPE reminder: Bob's" not in events
    for frequency, rule in cases.items():
        event = events[f"CPE reminder: {frequency} check"]
        assert event["DTSTART"].dt == dt.datetime(2026, 7, 1, 8, 15)  # floating: local time
        assert event["DTSTART"].dt.tzinfo is None
        assert str(event["DESCRIPTION"]) == f"{frequency} check\nsecond line"
        assert (dict(event["RRULE"]) if "RRULE" in event else None) == rule
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"


def test_uids_are_unique_and_stable_across_exports(system, firm, tmp_path, clock):
    alice, _ = firm
    reminders.create_reminder(
        system,
        {
            "user_id": alice.user_id,
            "message": "m",
            "frequency": "weekly",
            "next_reminder": "2026-07-01",
        },
    )
    first, second = tmp_path / "1.ics", tmp_path / "2.ics"
    export_calendar(system, first)
    clock.advance(dt.timedelta(days=1))
    export_calendar(system, second)

    def uids(path):
        return [(str(e["UID"]), e["DTSTAMP"].dt) for e in _read(path).walk("VEVENT")]

    one, two = uids(first), uids(second)
    assert len(one) == 4 and len({uid for uid, _ in one}) == 4
    assert [uid for uid, _ in one] == [uid for uid, _ in two]
    assert {stamp for _, stamp in two} == {dt.datetime(2026, 6, 16, 9, 30, tzinfo=dt.UTC)}


def test_a_firm_calendar_names_each_person_and_counts_licenses_without_a_rule(
    system, firm, tmp_path
):
    alice, _ = firm
    licenses.create_license(
        system, {"user_id": alice.user_id, "credential": "CPA", "jurisdiction": "Atlantis"}
    )
    path = tmp_path / "firm.ics"

    summary = export_file(system, path, "ics")

    assert summary.describe() == (
        f"Exported 3 deadlines and 0 reminders of 2 people to {path}. "
        "1 license has no requirement rule, so no deadline."
    )
    assert "CPE deadline: CIA — IIA (Bob Member)" in _events(_read(path))
    assert [a.action for a in ActivityLog.select()] == ["exported ics"]


def test_a_member_exports_only_their_own_calendar(people, system, tmp_path):
    for person in (people.ann, people.bob):
        licenses.create_license(
            system,
            {
                "user_id": person.user_id,
                "credential": "CPA",
                "jurisdiction": "Texas",
                "issued_on": "2015-01-01",
            },
        )
        reminders.create_reminder(
            system,
            {
                "user_id": person.user_id,
                "message": person.name,
                "frequency": "once",
                "next_reminder": "2026-07-01",
            },
        )
    path = tmp_path / "ann.ics"
    summary = export_file(people.as_ann, path, "ics")
    assert (summary.people, summary.deadlines, summary.reminders) == (1, 1, 1)
    assert sorted(_events(_read(path))) == ["CPE deadline: CPA — Texas", "CPE reminder: Ann Member"]


@pytest.mark.parametrize(
    ("frequency", "anchor", "month", "expected"),
    [
        ("monthly", 31, 1, {"FREQ": ["MONTHLY"], "BYMONTHDAY": [-1]}),
        ("monthly", 30, 1, {"FREQ": ["MONTHLY"], "BYMONTHDAY": [28, 29, 30], "BYSETPOS": [-1]}),
        (
            "yearly",
            29,
            2,
            {"FREQ": ["YEARLY"], "BYMONTHDAY": [28, 29], "BYSETPOS": [-1], "BYMONTH": [2]},
        ),
        ("monthly", 15, 1, {"FREQ": ["MONTHLY"]}),
        ("weekly", None, 1, {"FREQ": ["WEEKLY"]}),
    ],
)
def test_month_end_series_fall_on_the_last_day_in_calendars(frequency, anchor, month, expected):
    from icalendar import vRecur

    rule = recurrence(frequency, None, anchor_day=anchor, month=month)
    assert dict(vRecur.from_ical(vRecur(rule).to_ical().decode())) == expected


def test_a_31st_series_lists_every_month_end_when_expanded():
    import dateutil.rrule as du
    from icalendar import vRecur

    rule = vRecur(recurrence("monthly", None, anchor_day=31, month=1)).to_ical().decode()
    rule += ";COUNT=4"
    start = dt.datetime(2028, 1, 31, 9, 0)
    days = list(du.rrulestr(rule, dtstart=start))[:4]
    assert [d.date() for d in days] == [
        dt.date(2028, 1, 31),
        dt.date(2028, 2, 29),
        dt.date(2028, 3, 31),
        dt.date(2028, 4, 30),
    ]
