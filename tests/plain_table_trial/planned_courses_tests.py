"""The example plain table, declared in one module: what a person and the program see of it.

Run only in the copy of the program ``tests/test_plain_table_trial.py`` makes (as
``tests/services/test_planned_courses.py``), where ``planned_courses.py`` is one of
``db/plain_tables/``. Everything here follows from that declaration: the service's checks and
permissions, the audit entries, the tab, the form, what deleting a license or a person does,
the demo firm's rows and the account's export and import.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpe_desktop.db.models import PLAIN_MODELS, PLAIN_TABLES, AuditLog, License
from cpe_desktop.services import licenses, plain_rows, users
from cpe_desktop.services.changes import AUDIT
from cpe_desktop.services.editing import entities, saving
from cpe_desktop.services.errors import Conflict, PermissionDenied, ValidationError
from cpe_desktop.services.tables import paging

(TABLE,) = (table for table in PLAIN_TABLES if table.name == "planned_courses")
PlannedCourse = PLAIN_MODELS["planned_courses"]


def _license(ctx, person) -> int:
    data = {"user_id": person.user_id, "credential": "CPA", "jurisdiction": "Texas"}
    return licenses.create_license(ctx, data).value.license_id


def _entries(action: str) -> list[AuditLog]:
    return list(
        AuditLog.select()
        .where(AuditLog.entity == "planned_course", AuditLog.action == f"{action} planned_course")
        .order_by(AuditLog.log_id)
    )


def test_a_member_plans_a_course_with_its_audit_entry(people):
    outcome = plain_rows.create(
        TABLE,
        people.as_ann,
        {"title": "  Ethics for CPAs ", "planned_on": "2026-09-14", "hours": "4"},
    )

    row = PlannedCourse.get_by_id(outcome.value.planned_course_id)
    assert (row.user_id, row.title, row.planned_on, row.hours) == (
        people.ann.user_id,
        "Ethics for CPAs",
        dt.date(2026, 9, 14),
        Decimal("4.00"),
    )
    assert row.booked is False and row.license_id is None and row.row_version == 1
    assert outcome.changes.kinds == {"planned_courses", AUDIT}
    (entry,) = _entries("create")
    assert entry.entity_id == str(row.planned_course_id) and "Ethics for CPAs" in entry.after_json


def test_every_problem_is_named_by_its_field_and_nothing_is_written(people):
    with pytest.raises(ValidationError) as caught:
        plain_rows.create(
            TABLE,
            people.as_ann,
            {
                "title": "",
                "planned_on": "14/09/2026",
                "hours": "250",
                "field_of_study": "Astrology",
                "colour": "red",
            },
        )

    errors = caught.value.errors
    assert errors["title"] == "is required"
    assert "planned_on" in errors and "hours" in errors
    assert errors["field_of_study"].startswith("must be one of Accounting")
    assert errors["colour"] == "is not a known field"
    assert PlannedCourse.select().count() == 0 and _entries("create") == []


def test_members_keep_to_their_own_rows_and_licenses(people):
    with pytest.raises(PermissionDenied):
        plain_rows.create(
            TABLE,
            people.as_ann,
            {"user_id": people.bob.user_id, "title": "Not mine", "planned_on": "2026-09-01"},
        )
    bobs = plain_rows.create(
        TABLE,
        people.as_admin,
        {"user_id": people.bob.user_id, "title": "Tax", "planned_on": "2026-09-01"},
    ).value
    for action in (
        lambda: plain_rows.get(TABLE, people.as_ann, bobs.planned_course_id),
        lambda: plain_rows.update(TABLE, people.as_ann, bobs.planned_course_id, {"title": "x"}),
        lambda: plain_rows.delete(TABLE, people.as_ann, bobs.planned_course_id),
    ):
        with pytest.raises(PermissionDenied):
            action()
    with pytest.raises(ValidationError) as caught:
        plain_rows.create(
            TABLE,
            people.as_ann,
            {
                "title": "On Bob's license",
                "planned_on": "2026-09-01",
                "license_id": _license(people.as_admin, people.bob),
            },
        )
    assert caught.value.errors == {"license_id": "must be a license of the same person"}


def test_an_edit_changes_what_it_names_and_is_audited_before_and_after(people):
    row = plain_rows.create(
        TABLE, people.as_ann, {"title": "Lease update", "planned_on": "2026-10-02", "hours": "8"}
    ).value

    plain_rows.update(TABLE, people.as_ann, row.planned_course_id, {"booked": True, "hours": "6.5"})

    stored = PlannedCourse.get_by_id(row.planned_course_id)
    assert (stored.title, stored.booked, stored.hours, stored.row_version) == (
        "Lease update",
        True,
        Decimal("6.50"),
        2,
    )
    (entry,) = _entries("update")
    assert '"booked": false' in entry.before_json and '"booked": true' in entry.after_json


def test_the_form_saves_and_reopens_it_and_a_stale_form_is_refused(people):
    ctx = people.as_ann
    license_id = _license(people.as_admin, people.ann)
    outcome = saving.save_entity(
        ctx,
        "planned_course",
        None,
        {
            "title": "Fraud schemes",
            "planned_on": dt.date(2026, 11, 3),
            "hours": Decimal("2"),
            "field_of_study": "Auditing",
            "license_id": license_id,
            "booked": False,
            "notes": "Webinar, evening",
        },
    )
    pk = outcome.value.planned_course_id

    loaded = saving.load_entity(ctx, "planned_course", pk)
    assert loaded["title"] == "Fraud schemes" and loaded["license_id"] == license_id
    assert loaded["notes"] == "Webinar, evening"
    saving.save_entity(ctx, "planned_course", pk, {"title": "Fraud"}, expected_version=1)
    with pytest.raises(Conflict):
        saving.save_entity(ctx, "planned_course", pk, {"title": "Late"}, expected_version=1)


def test_the_tab_lists_a_members_own_rows_and_the_holder_for_an_administrator(people):
    for ctx, person, title in (
        (people.as_ann, people.ann, "Ann's course"),
        (people.as_bob, people.bob, "Bob's course"),
    ):
        plain_rows.create(
            TABLE,
            ctx,
            {"title": title, "planned_on": "2026-09-01", "license_id": _license(ctx, person)},
        )
    spec = paging.SPECS["planned_courses"]
    assert spec.title == "Planned courses" and spec.default_sort == ("planned_on", False)
    assert [c.key for c in spec.columns] == [
        "title",
        "planned_on",
        "hours",
        "field_of_study",
        "license",
        "booked",
        "holder",
    ]

    ann_rows = [values for _pk, values in paging.fetch_page(spec, people.as_ann)]
    admin_rows = [values for _pk, values in paging.fetch_page(spec, people.as_admin)]

    assert [(row[0], row[4]) for row in ann_rows] == [("Ann's course", "CPA Texas")]
    assert len(ann_rows[0]) == 6  # the holder's column is the administrator's
    assert sorted((row[0], row[-1]) for row in admin_rows) == [
        ("Ann's course", "Ann Member"),
        ("Bob's course", "Bob Member"),
    ]


def test_deleting_asks_by_its_title_and_removes_it_with_an_entry(people):
    row = plain_rows.create(
        TABLE, people.as_ann, {"title": "Ethics", "planned_on": "2026-09-01"}
    ).value
    entity = entities.BY_TABLE["planned_courses"]
    assert entity.describe(row) == "“Ethics”"
    assert (entity.one, entity.several) == ("planned course", "planned courses")

    plain_rows.delete(TABLE, people.as_ann, row.planned_course_id)

    assert PlannedCourse.select().count() == 0
    (entry,) = _entries("delete")
    assert entry.after_json is None and "Ethics" in entry.before_json


def test_a_license_removed_leaves_the_plan_and_a_person_removed_takes_it(people):
    license_id = _license(people.as_admin, people.ann)
    row = plain_rows.create(
        TABLE,
        people.as_ann,
        {"title": "Ethics", "planned_on": "2026-09-01", "license_id": license_id},
    ).value

    licenses.delete_license(people.as_admin, license_id)
    assert PlannedCourse.get_by_id(row.planned_course_id).license_id is None
    assert License.select().where(License.license_id == license_id).count() == 0

    outcome = users.delete_user(people.as_admin, people.ann.user_id)
    assert PlannedCourse.select().count() == 0
    assert "planned_courses" in outcome.changes.kinds


def test_the_demo_firm_plans_its_courses_and_says_so(seeded):
    from cpe_desktop.services.demo import demo_clock, make_demo_firm

    as_of = dt.date(2026, 6, 15)
    summary = make_demo_firm(demo_clock(as_of), users_count=3, records_per_user=5, seed=7)

    rows = list(PlannedCourse.select().order_by(PlannedCourse.planned_course_id))
    assert len(rows) == 6  # the declaration's two rows for each of the three people
    assert {row.planned_on for row in rows} == {
        as_of + dt.timedelta(days=30),
        as_of + dt.timedelta(days=75),
    }
    first_licenses = {
        row.user_id: License.select()
        .where(License.user == row.user_id)
        .order_by(License.license_id)
        .first()
        .license_id
        for row in rows
    }
    for row in rows:
        expected = first_licenses[row.user_id] if row.title == "Ethics for CPAs" else None
        assert row.license_id == expected
    assert "6 planned courses" in summary.describe()
