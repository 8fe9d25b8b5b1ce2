"""Two desks editing one item: the save that lost the race is refused, never written over the
other (issue: "Two administrators editing the same record: the last save silently wins")."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import AuditLog, CpeRecord
from cpe_desktop.services import licenses, records
from cpe_desktop.services.editing import rows
from cpe_desktop.services.editing import saving as editing
from cpe_desktop.services.errors import Conflict, StaleEdit

RECORD = {
    "title": "Tax update",
    "sponsor": "ACME CPE",
    "completed_on": "2026-03-02",
    "delivery_method": "Group Live",
    "credits": [{"field": "Taxes", "credits": "4"}],
}


def _open(ctx, entity, pk):
    """What a form holds when it opens the item: its values and version."""
    return editing.load_entity(ctx, entity, pk)


def test_the_second_of_two_forms_opened_on_one_version_is_refused(people):
    record = records.create_record(people.as_ann, dict(RECORD)).value
    desk_a = _open(people.as_ann, "record", record.record_id)
    desk_b = _open(people.as_admin, "record", record.record_id)
    assert desk_a["row_version"] == desk_b["row_version"] == 1

    editing.save_entity(
        people.as_admin,
        "record",
        record.record_id,
        {"sponsor": "Beta Learning"},
        expected_version=desk_b["row_version"],
    )
    entries = AuditLog.select().count()
    with pytest.raises(StaleEdit) as refused:
        editing.save_entity(
            people.as_ann,
            "record",
            record.record_id,
            {"title": "Tax update 2026"},
            expected_version=desk_a["row_version"],
        )
    stored = CpeRecord.get_by_id(record.record_id)
    assert (stored.title, stored.sponsor, stored.row_version) == ("Tax update", "Beta Learning", 2)
    assert AuditLog.select().count() == entries  # nothing written, not even an audit entry
    # What the refused desk is shown: the item as it is now, who saved it, its version.
    assert refused.value.theirs["sponsor"] == "Beta Learning"
    assert refused.value.version == 2
    assert refused.value.who == people.admin.name
    assert people.admin.name in str(refused.value)
    # Saving again on the version it was shown (keep mine) goes through, and bumps it.
    editing.save_entity(
        people.as_ann,
        "record",
        record.record_id,
        {"title": "Tax update 2026"},
        expected_version=refused.value.version,
    )
    stored = CpeRecord.get_by_id(record.record_id)
    assert (stored.title, stored.sponsor, stored.row_version) == (
        "Tax update 2026",
        "Beta Learning",
        3,
    )


@pytest.mark.parametrize(
    ("entity", "make", "change"),
    [
        (
            "license",
            lambda p: licenses.create_license(
                p.as_ann, {"credential": "CPA", "jurisdiction": "Ohio"}
            ),
            {"license_number": "12345"},
        ),
        ("user", lambda p: p.ann, {"name": "Ann Other"}),
    ],
)
def test_every_form_kind_carries_a_version(people, entity, make, change):
    made = make(people)
    pk = (made.value if hasattr(made, "value") else made).get_id()
    opened = _open(people.as_admin, entity, pk)
    editing.save_entity(people.as_admin, entity, pk, change, expected_version=opened["row_version"])
    with pytest.raises(StaleEdit):
        editing.save_entity(
            people.as_admin, entity, pk, change, expected_version=opened["row_version"]
        )
    assert _open(people.as_admin, entity, pk)["row_version"] == opened["row_version"] + 1


def test_an_update_that_read_an_old_row_is_refused_at_write_time(people):
    """The write itself is conditional: a service that read the row before another desk wrote
    it cannot write its stale copy back (UPDATE … WHERE row_version = the one read)."""
    record = records.create_record(people.as_ann, dict(RECORD)).value
    stale = CpeRecord.get_by_id(record.record_id)
    records.update_record(people.as_admin, record.record_id, {"sponsor": "Beta Learning"})
    with pytest.raises(Conflict, match="changed or deleted by someone else"):
        rows.update(people.as_ann, stale, {"title": "Old copy"}, "record")
    assert CpeRecord.get_by_id(record.record_id).sponsor == "Beta Learning"


def test_saving_without_a_version_still_works_and_bumps_it(people):
    """Callers that do not hold a form (imports, the command line, the services' own updates)
    save as before; the version moves on so any open form learns of it."""
    record = records.create_record(people.as_ann, dict(RECORD)).value
    records.update_record(people.as_ann, record.record_id, {"sponsor": "Gamma"})
    assert CpeRecord.get_by_id(record.record_id).row_version == 2


def test_a_reminder_fired_while_its_form_is_open_is_not_saved_back(people):
    """Firing moves the reminder to its next occurrence; a form opened before must not save the
    old occurrence back (the reminder would fire again)."""
    import datetime as dt

    from cpe_desktop.db.models import Reminder
    from cpe_desktop.services import reminders

    made = reminders.create_reminder(
        people.as_ann,
        {"message": "Log CPE", "frequency": "monthly", "next_reminder": "2026-06-01T09:00"},
    ).value
    opened = _open(people.as_ann, "reminder", made.reminder_id)
    reminders.fire_reminder(people.as_ann, made.reminder_id, dt.datetime(2026, 6, 1, 9, 30))
    with pytest.raises(StaleEdit) as refused:
        editing.save_entity(
            people.as_ann,
            "reminder",
            made.reminder_id,
            {"message": "Log CPE and certificates"},
            expected_version=opened["row_version"],
        )
    assert refused.value.theirs["next_reminder"] == dt.datetime(2026, 7, 1, 9, 0)
    assert Reminder.get_by_id(made.reminder_id).next_reminder == dt.datetime(2026, 7, 1, 9, 0)
