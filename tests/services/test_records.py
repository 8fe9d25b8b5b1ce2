"""CPE records: validation naming each field, NASBA increment warnings without changing values,
credits split across fields, and multi-record delete."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cpe_desktop.db.models import CpeRecord, RecordCredit
from cpe_desktop.services import records
from cpe_desktop.services.errors import ValidationError


def _record(**overrides):
    data = {
        "title": "Annual tax update",
        "sponsor": "ACME CPE",
        "sponsor_id": "103456",
        "completed_on": "2026-03-02",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 4}, {"field": "Regulatory Ethics", "credits": 2}],
    }
    data.update(overrides)
    return data


def test_create_record_with_split_credits(people):
    outcome = records.create_record(people.as_ann, _record())
    record = outcome.value
    assert record.user_id == people.ann.user_id
    assert outcome.warnings == ()
    assert records.credits_of(CpeRecord.get_by_id(record.record_id)) == [
        {"field": "Regulatory Ethics", "credits": Decimal("2.00")},
        {"field": "Taxes", "credits": Decimal("4.00")},
    ]
    assert {"records", "audit"} <= outcome.changes.kinds


def test_aliases_are_normalised(people):
    record = records.create_record(
        people.as_ann,
        _record(delivery_method="webinar", credits=[{"field": "taxation", "credits": "1.5"}]),
    ).value
    assert record.delivery_method == "Group Internet Based"
    assert RecordCredit.get(RecordCredit.record == record).field_of_study == "Taxes"


def test_increment_warning_keeps_the_value(people):
    outcome = records.create_record(
        people.as_ann, _record(credits=[{"field": "Auditing", "credits": "1.3"}])
    )
    assert len(outcome.warnings) == 1
    assert "1.3" in outcome.warnings[0] and "round down to 1.2" in outcome.warnings[0]
    assert RecordCredit.get(RecordCredit.record == outcome.value).credits == Decimal("1.30")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"completed_on": "2026-02-30"}, "completed_on"),
        ({"completed_on": "2027-01-01"}, "completed_on"),  # after the pinned today, 2026-06-15
        ({"completed_on": "03/02/2026"}, "completed_on"),
        ({"delivery_method": "carrier pigeon"}, "delivery_method"),
        ({"credits": []}, "credits"),
        ({"credits": [{"field": "Knitting", "credits": 1}]}, "credits[0].field"),
        ({"credits": [{"field": "Taxes", "credits": 0}]}, "credits[0].credits"),
        ({"credits": [{"field": "Taxes", "credits": -1}]}, "credits[0].credits"),
        ({"credits": [{"field": "Taxes", "credits": "lots"}]}, "credits[0].credits"),
        ({"credits": [{"field": "Taxes", "credits": 30}]}, "credits[0].credits"),
        (
            {"credits": [{"field": "Taxes", "credits": 1}, {"field": "tax", "credits": 2}]},
            "credits[1].field",
        ),
        (
            {"credits": [{"field": "Taxes", "credits": 16}, {"field": "Auditing", "credits": 16}]},
            "credits",
        ),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_records_are_refused_naming_the_field(people, change, field):
    with pytest.raises(ValidationError) as err:
        records.create_record(people.as_ann, _record(**change))
    assert field in err.value.errors
    assert CpeRecord.select().count() == 0 and RecordCredit.select().count() == 0


def test_college_course_may_exceed_a_day(people):
    outcome = records.create_record(
        people.as_ann,
        _record(delivery_method="College Course", credits=[{"field": "Finance", "credits": 45}]),
    )
    assert outcome.warnings == ()


def test_update_replaces_credits_only_when_given(people):
    record = records.create_record(people.as_ann, _record()).value
    records.update_record(people.as_ann, record.record_id, {"title": "Renamed"})
    fresh = CpeRecord.get_by_id(record.record_id)
    assert fresh.title == "Renamed" and len(records.credits_of(fresh)) == 2
    records.update_record(
        people.as_ann, record.record_id, {"credits": [{"field": "Finance", "credits": 8}]}
    )
    assert records.credits_of(CpeRecord.get_by_id(record.record_id)) == [
        {"field": "Finance", "credits": Decimal("8.00")}
    ]


def test_update_checks_credits_against_the_stored_method(people):
    record = records.create_record(
        people.as_ann,
        _record(delivery_method="Nano Learning", credits=[{"field": "Taxes", "credits": "0.4"}]),
    ).value
    outcome = records.update_record(
        people.as_ann, record.record_id, {"credits": [{"field": "Taxes", "credits": "0.5"}]}
    )
    assert len(outcome.warnings) == 1 and "Nano Learning" in outcome.warnings[0]


def test_delete_several_records_at_once(people):
    ids = [
        records.create_record(people.as_ann, _record(title=f"Course {i}")).value.record_id
        for i in range(3)
    ]
    outcome = records.delete_records(people.as_ann, ids[:2])
    assert outcome.value == 2
    assert [r.record_id for r in CpeRecord.select()] == [ids[2]]
    assert RecordCredit.select().count() == 2  # the kept record's two credit lines


def test_delete_is_all_or_nothing(people):
    mine = records.create_record(people.as_ann, _record()).value
    theirs = records.create_record(people.as_bob, _record()).value
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied, checked precisely elsewhere
        records.delete_records(people.as_ann, [mine.record_id, theirs.record_id])
    assert CpeRecord.select().count() == 2


def test_list_records_by_period(people):
    for day in ("2026-01-10", "2026-03-02", "2026-05-20"):
        records.create_record(people.as_ann, _record(title=day, completed_on=day))
    import datetime as dt

    found = records.list_records(
        people.as_ann, people.ann.user_id, start=dt.date(2026, 2, 1), end=dt.date(2026, 5, 20)
    )
    assert [r.title for r in found] == ["2026-03-02", "2026-05-20"]
    assert len(found[0].credits) == 2
