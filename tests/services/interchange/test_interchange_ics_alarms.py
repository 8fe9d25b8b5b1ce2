"""Deadline events in the ``.ics`` export carry alarms at the person's own lead days (issue 15,
item 19), read back with the icalendar library."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from cpe_desktop.db.models import User
from cpe_desktop.services import preferences
from cpe_desktop.services.interchange import import_document
from cpe_desktop.services.interchange.ics_format import export_calendar
from tests.helpers.interchange_documents import two_people_document


@pytest.fixture
def firm(seeded, system):
    import_document(system, two_people_document())
    return User.get(User.email == "alice@example.com"), User.get(User.email == "bob@example.com")


def _deadlines(path) -> dict[str, object]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {
        str(event["SUMMARY"]): event
        for event in calendar.walk("VEVENT")
        if str(event["SUMMARY"]).startswith("CPE deadline")
    }


def _triggers(event) -> list[dt.timedelta]:
    alarms = event.walk("VALARM")
    for alarm in alarms:
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert str(alarm["DESCRIPTION"]).startswith("CPE deadline")
    return sorted((alarm["TRIGGER"].dt for alarm in alarms), reverse=True)


def test_each_deadline_has_an_alarm_at_each_default_lead_day(system, firm, tmp_path):
    path = tmp_path / "alice.ics"
    export_calendar(system, path, "alice@example.com")
    events = _deadlines(path)
    assert len(events) == 2
    for event in events.values():
        assert _triggers(event) == [
            dt.timedelta(days=-7),
            dt.timedelta(days=-30),
            dt.timedelta(days=-90),
        ]
        text = event.to_ical().decode()
        assert "TRIGGER:-P7D" in text and "TRIGGER:-P30D" in text and "TRIGGER:-P90D" in text


def test_the_alarms_follow_each_persons_own_lead_days(system, firm, tmp_path):
    alice, bob = firm
    preferences.set_preferences(system, alice.user_id, {"reminder_lead_days": "60, 14"})
    preferences.set_preferences(system, bob.user_id, {"reminder_lead_days": "3"})
    path = tmp_path / "firm.ics"
    export_calendar(system, path)
    events = _deadlines(path)
    alice_events = [e for name, e in events.items() if "(Alice" in name]
    bob_events = [e for name, e in events.items() if "(Bob" in name]
    assert alice_events and bob_events
    for event in alice_events:
        assert _triggers(event) == [dt.timedelta(days=-14), dt.timedelta(days=-60)]
        assert "TRIGGER:-P60D" in event.to_ical().decode()
    for event in bob_events:
        assert _triggers(event) == [dt.timedelta(days=-3)]
