"""Form saving: an item and its custom values in one transaction, errors under the form's keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpe_desktop.db.models import AuditLog, CpeRecord, CustomFieldValue, License, Reminder
from cpe_desktop.services import custom_fields, licenses, records
from cpe_desktop.services.editing import saving as editing
from cpe_desktop.services.errors import PermissionDenied, ValidationError

RECORD = {
    "title": "Tax update",
    "completed_on": "2026-03-02",
    "delivery_method": "Group Live",
    "credits": [{"field": "Taxes", "credits": "4"}],
}


@pytest.fixture
def fields(people):
    """A required integer and an optional date custom field on records, one text on licenses."""
    admin = people.as_admin
    hours = custom_fields.define_field(
        admin,
        {"entity": "record", "field_name": "Minutes", "field_type": "integer", "required": True},
    ).value
    when = custom_fields.define_field(
        admin, {"entity": "record", "field_name": "Reviewed on", "field_type": "date"}
    ).value
    note = custom_fields.define_field(
        admin, {"entity": "license", "field_name": "Board login", "field_type": "text"}
    ).value
    return hours, when, note


def test_record_and_custom_values_are_saved_together(people, fields):
    hours, when, _ = fields
    outcome = editing.save_entity(
        people.as_ann,
        "record",
        None,
        RECORD,
        {hours.custom_field_id: "200", editing.custom_key(when.custom_field_id): "2026-04-01"},
    )
    record = CpeRecord.get_by_id(outcome.value.record_id)
    assert record.user_id == people.ann.user_id
    loaded = editing.load_entity(people.as_ann, "record", record.record_id)
    assert loaded[f"custom:{hours.custom_field_id}"] == 200
    assert loaded[f"custom:{when.custom_field_id}"] == dt.date(2026, 4, 1)
    assert {"records", "custom_fields", "audit"} <= set(outcome.changes.kinds)


def test_a_bad_custom_value_means_the_record_is_not_created(people, fields):
    hours, _, _ = fields
    audits = AuditLog.select().count()
    with pytest.raises(ValidationError) as err:
        editing.save_entity(people.as_ann, "record", None, RECORD, {hours.custom_field_id: "lots"})
    assert list(err.value.errors) == [f"custom:{hours.custom_field_id}"]
    assert "number" in err.value.errors[f"custom:{hours.custom_field_id}"]
    assert CpeRecord.select().count() == 0
    assert CustomFieldValue.select().count() == 0
    assert AuditLog.select().count() == audits


def test_item_and_custom_errors_are_reported_together(people, fields):
    hours, _, _ = fields
    with pytest.raises(ValidationError) as err:
        editing.save_entity(
            people.as_ann, "record", None, RECORD | {"title": ""}, {hours.custom_field_id: ""}
        )
    assert set(err.value.errors) == {"title", f"custom:{hours.custom_field_id}"}
    assert CpeRecord.select().count() == 0


def test_failure_inside_set_value_rolls_back_the_update(people, fields, monkeypatch):
    _, when, _ = fields
    record = records.create_record(people.as_ann, RECORD).value

    def refuse(*args, **kwargs):
        raise ValidationError("Reviewed on", "is not allowed today")

    monkeypatch.setattr(custom_fields, "set_value", refuse)
    with pytest.raises(ValidationError) as err:
        editing.save_entity(
            people.as_ann,
            "record",
            record.record_id,
            {"title": "Renamed"},
            {when.custom_field_id: "2026-01-01"},
        )
    assert err.value.errors == {f"custom:{when.custom_field_id}": "is not allowed today"}
    assert CpeRecord.get_by_id(record.record_id).title == "Tax update"


def test_custom_field_of_another_kind_is_refused(people, fields):
    _, _, note = fields
    with pytest.raises(ValidationError) as err:
        editing.save_entity(people.as_ann, "record", None, RECORD, {note.custom_field_id: "x"})
    assert f"custom:{note.custom_field_id}" in err.value.errors
    assert CpeRecord.select().count() == 0


def test_update_license_with_custom_value_and_load_it_back(people, fields):
    _, _, note = fields
    license_ = licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Texas", "issued_on": "2010-05-01"}
    ).value
    editing.save_entity(
        people.as_ann,
        "license",
        license_.license_id,
        {"license_number": "T-1"},
        {note.custom_field_id: "ann.tx"},
    )
    loaded = editing.load_entity(people.as_ann, "license", license_.license_id)
    assert loaded["license_number"] == "T-1"
    assert loaded["issued_on"] == dt.date(2010, 5, 1)
    assert loaded["credential"] == "CPA"
    assert loaded[f"custom:{note.custom_field_id}"] == "ann.tx"
    assert License.get_by_id(license_.license_id).jurisdiction == "Texas"


def test_permission_is_checked_by_the_service(people):
    with pytest.raises(PermissionDenied):
        editing.save_entity(people.as_ann, "credential", None, {"code": "XX", "name": "X"}, {})
    record = records.create_record(people.as_ann, RECORD).value
    with pytest.raises(PermissionDenied):
        editing.load_entity(people.as_bob, "record", record.record_id)


def test_load_gives_dates_and_decimals(people):
    record = records.create_record(people.as_ann, RECORD).value
    loaded = editing.load_entity(people.as_ann, "record", record.record_id)
    assert loaded["completed_on"] == dt.date(2026, 3, 2)
    assert loaded["credits"] == [{"field": "Taxes", "credits": Decimal("4.00")}]
    assert loaded["certificate"] is None


@pytest.mark.parametrize(
    ("entity", "data", "key", "expected"),
    [
        ("user", {"name": "Cy", "email": "cy@example.com"}, "email", "cy@example.com"),
        ("credential", {"code": "abc", "name": "A B C"}, "code", "ABC"),
        (
            "requirement",
            {"credential": "CPA", "jurisdiction": "Atlantis", "period_years": 2},
            "period_years",
            2,
        ),
        (
            "custom_field",
            {"entity": "user", "field_name": "Team", "field_type": "choice", "options": ["A"]},
            "options",
            ["A"],
        ),
    ],
)
def test_every_kind_saves_and_loads(people, entity, data, key, expected):
    outcome = editing.save_entity(people.as_admin, entity, None, data)
    loaded = editing.load_entity(people.as_admin, entity, outcome.value.get_id())
    assert loaded[key] == expected


def test_reminder_saves_and_loads(people):
    data = {"message": "m", "frequency": "once", "next_reminder": "2026-07-01T08:15"}
    outcome = editing.save_entity(people.as_ann, "reminder", None, data)
    loaded = editing.load_entity(people.as_ann, "reminder", outcome.value.reminder_id)
    assert loaded["next_reminder"] == dt.datetime(2026, 7, 1, 8, 15)
    assert Reminder.select().count() == 1


def test_unknown_entity_or_custom_values_on_plain_kinds_are_programming_errors(people):
    with pytest.raises(ValueError):
        editing.save_entity(people.as_admin, "planet", None, {})
    with pytest.raises(ValueError):
        editing.save_entity(people.as_admin, "reminder", None, {}, {1: "x"})


def test_license_picture_holds_tracking_and_saves_it(people):
    license_ = licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Texas", "issued_on": "2010-05-01"}
    ).value
    editing.save_entity(
        people.as_ann,
        "license",
        license_.license_id,
        {"opening_hours": "12.5", "opening_ethics_hours": 2, "home_jurisdiction": "Ohio"},
        {},
    )
    loaded = editing.load_entity(people.as_ann, "license", license_.license_id)
    assert (
        loaded["opening_hours"],
        loaded["opening_ethics_hours"],
        loaded["home_jurisdiction"],
    ) == (Decimal("12.5"), Decimal(2), "Ohio")
    assert isinstance(loaded["tracked_from"], dt.date)  # the start of the then-current period


def test_pictures_hold_license_attributes_and_record_topics(people):
    """ARCHITECTURE.md §4: what the holder ticked and a record's course topics, as lists of
    names."""
    from cpe_desktop.services import records, requirements
    from tests.helpers.atlantis_rule import ATLANTIS_RULE

    requirements.create_requirement(
        people.as_admin,
        {**ATLANTIS_RULE, "components": [{"kind": "course", "hours": 1, "topic": "Atlantis Law"}]},
    )
    license_ = licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Atlantis"}
    ).value
    editing.save_entity(
        people.as_ann, "license", license_.license_id, {"attributes": ["performs_attest"]}, {}
    )
    loaded = editing.load_entity(people.as_ann, "license", license_.license_id)
    assert loaded["attributes"] == ["performs_attest"]
    record = records.create_record(
        people.as_ann,
        {
            "title": "Law",
            "completed_on": "2026-02-01",
            "delivery_method": "Group Live",
            "credits": [{"field": "Regulatory Ethics", "credits": 1}],
            "topics": ["Atlantis Law"],
        },
    ).value
    assert editing.load_entity(people.as_ann, "record", record.record_id)["topics"] == [
        "Atlantis Law"
    ]
