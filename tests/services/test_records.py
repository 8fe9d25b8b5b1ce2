"""CPE records: validation naming each field, NASBA increment warnings without changing values,
credits split across fields, multi-day programs, and multi-record delete."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from cpe_desktop.db.models import AuditLog, CpeRecord, RecordCredit
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
        ({"credits": [{"field": "Taxes", "credits": "1000.5"}]}, "credits[0].credits"),
        (
            {"credits": [{"field": "Taxes", "credits": 1}, {"field": "tax", "credits": 2}]},
            "credits[1].field",
        ),
        (
            {
                "credits": [
                    {"field": "Taxes", "credits": 600},
                    {"field": "Auditing", "credits": 600},
                ]
            },
            "credits",
        ),
        ({"started_on": "2026-03-03"}, "started_on"),  # after completed_on, 2026-03-02
        ({"started_on": "2025-02-28"}, "started_on"),  # 367 days before: no program runs so long
        ({"started_on": "March 1"}, "started_on"),
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


# --- Multi-day programs ---------------------------------------------------------------------------


def test_a_four_day_conference_is_stored_with_its_first_day_and_no_warning(people):
    """30 credits from 2 to 5 March is 7.5 a day: plausible, so no warning at all."""
    outcome = records.create_record(
        people.as_ann,
        _record(
            started_on="2026-03-02",
            completed_on="2026-03-05",
            credits=[
                {"field": "Taxes", "credits": 24},
                {"field": "Regulatory Ethics", "credits": 6},
            ],
        ),
    )
    assert outcome.warnings == ()
    stored = CpeRecord.get_by_id(outcome.value.record_id)
    assert stored.started_on == dt.date(2026, 3, 2)
    assert stored.completed_on == dt.date(2026, 3, 5)
    [entry] = AuditLog.select().where(AuditLog.action == "create record")
    assert json.loads(entry.after_json)["started_on"] == "2026-03-02"


def test_thirty_credits_on_one_day_is_saved_with_a_warning(people):
    outcome = records.create_record(
        people.as_ann, _record(credits=[{"field": "Taxes", "credits": 30}])
    )
    assert outcome.warnings == (
        "30.0 credits over 1 day is more than 10 a day; if the program ran several days, "
        "enter its first day.",
    )
    stored = CpeRecord.get_by_id(outcome.value.record_id)
    assert stored.started_on is None
    assert records.credits_of(stored) == [{"field": "Taxes", "credits": Decimal("30.00")}]


def test_the_per_day_warning_counts_all_lines_of_the_record(people):
    outcome = records.create_record(
        people.as_ann,
        _record(credits=[{"field": "Taxes", "credits": 8}, {"field": "Auditing", "credits": 8}]),
    )
    [warning] = outcome.warnings
    assert warning.startswith("16.0 credits over 1 day")


def test_a_one_day_program_may_name_its_day_twice(people):
    outcome = records.create_record(
        people.as_ann, _record(started_on="2026-03-02", completed_on="2026-03-02")
    )
    assert outcome.warnings == ()
    assert CpeRecord.get_by_id(outcome.value.record_id).started_on == dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("started", "method", "ok"),
    [
        ("2025-03-01", "Group Live", True),  # 366 days before 2026-03-02: the most for a program
        ("2025-02-28", "Group Live", False),
        ("2025-02-28", "QAS Self Study", False),
        ("2024-09-01", "College Course", True),  # a long course: up to five years
        ("2021-03-01", "College Course", True),
        ("2021-02-28", "College Course", False),
        ("2023-01-01", "Author", True),
        ("2023-01-01", "Instructor", True),
    ],
)
def test_how_long_a_record_may_span(people, started, method, ok):
    data = _record(
        started_on=started,
        delivery_method=method,
        credits=[{"field": "Finance", "credits": 45}],
    )
    if ok:
        assert records.create_record(people.as_ann, data).value.started_on.isoformat() == started
    else:
        with pytest.raises(ValidationError) as err:
            records.create_record(people.as_ann, data)
        assert set(err.value.errors) == {"started_on"}
        assert "check the year" in err.value.errors["started_on"]


def test_a_first_day_after_the_last_is_refused_in_words(people):
    with pytest.raises(ValidationError) as err:
        records.create_record(people.as_ann, _record(started_on="2026-03-05"))
    assert err.value.errors == {
        "started_on": "2026-03-05 is after the program's last day (2026-03-02); a program's "
        "first day comes on or before the day it was completed"
    }


def test_an_update_is_judged_with_the_stored_dates_and_credits(people):
    record = records.create_record(
        people.as_ann,
        _record(
            started_on="2026-03-02",
            completed_on="2026-03-05",
            credits=[{"field": "Taxes", "credits": 30}],
        ),
    ).value
    # Clearing the first day makes it 30 credits on one day: saved, with the warning.
    outcome = records.update_record(people.as_ann, record.record_id, {"started_on": None})
    [warning] = outcome.warnings
    assert "if the program ran several days, enter its first day" in warning
    assert CpeRecord.get_by_id(record.record_id).started_on is None
    # Giving it back: no warning.
    outcome = records.update_record(people.as_ann, record.record_id, {"started_on": "2026-03-02"})
    assert outcome.warnings == ()
    # Moving the last day before the stored first day names completed_on.
    with pytest.raises(ValidationError) as err:
        records.update_record(people.as_ann, record.record_id, {"completed_on": "2026-03-01"})
    assert set(err.value.errors) == {"completed_on"}
    assert "before the program's first day (2026-03-02)" in err.value.errors["completed_on"]
    # An update of something else repeats no warning.
    assert records.update_record(people.as_ann, record.record_id, {"notes": "x"}).warnings == ()
    [entry, *_] = (
        AuditLog.select().where(AuditLog.action == "update record").order_by(AuditLog.log_id)
    )
    assert json.loads(entry.before_json)["started_on"] == "2026-03-02"
    assert json.loads(entry.after_json)["started_on"] is None


def test_changing_the_method_to_a_program_applies_the_program_span(people):
    record = records.create_record(
        people.as_ann,
        _record(
            started_on="2025-01-12",
            delivery_method="College Course",
            credits=[{"field": "Finance", "credits": 45}],
        ),
    ).value
    with pytest.raises(ValidationError) as err:
        records.update_record(people.as_ann, record.record_id, {"delivery_method": "Group Live"})
    assert "a program runs at most a year" in err.value.errors["started_on"]


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
