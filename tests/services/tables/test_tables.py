"""Table views without Qt: every table has a spec, pages are read, sorted and searched by the
database on SQLite and PostgreSQL, and members see only their own rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpe_desktop.db.models import (
    ALL_MODELS,
    ActivityLog,
    Attachment,
    CpeRecord,
    DeskSession,
    Email,
    Notification,
    Reminder,
    Report,
    TaskQueue,
)
from cpe_desktop.services import custom_fields, licenses, preferences, records
from cpe_desktop.services.changes import ALL_KINDS
from cpe_desktop.services.errors import PermissionDenied
from cpe_desktop.services.tables import paging as tables
from tests.helpers import samples

NOW = dt.datetime(2026, 6, 15, 9, 30)


def _record(title, sponsor, on, *credits, method="Group Live"):
    return {
        "title": title,
        "sponsor": sponsor,
        "completed_on": on,
        "delivery_method": method,
        "credits": [{"field": f, "credits": c} for f, c in credits],
    }


@pytest.fixture
def filled(people):
    """A few rows in every table, for Ann and Bob."""
    ann, bob = people.ann.user_id, people.bob.user_id
    lic = licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Texas"})
    licenses.create_license(people.as_bob, {"credential": "CPA", "jurisdiction": "Ohio"})
    mine = [
        _record(
            "Annual tax update", "ACME CPE", "2026-03-02", ("Taxes", 4), ("Regulatory Ethics", 2)
        ),
        _record("Audit essentials", "Beta Learning", "2026-01-15", ("Auditing", "1.5")),
        _record("ethics in practice", "ACME CPE", "2025-11-20", ("Behavioral Ethics", 2)),
        _record("Data analytics", None, "2026-03-02", ("Information Technology", 3)),
    ]
    ids = [records.create_record(people.as_ann, r).value.record_id for r in mine]
    records.create_record(
        people.as_bob, _record("Tax planning", "ACME CPE", "2026-02-10", ("Taxes", 3))
    )
    records.create_record(
        people.as_bob,
        _record("Leadership", "Gamma", "2026-04-01", ("Business Management & Organization", 2)),
    )
    attachment = Attachment.create(
        user=ann,
        original_name="tax.pdf",
        sha256="ab" * 32,
        size=1234,
        media_type="application/pdf",
        created_at=NOW,
    )
    Attachment.create(
        user=bob,
        original_name="b.png",
        sha256="cd" * 32,
        size=99,
        media_type="image/png",
        created_at=NOW,
    )
    CpeRecord.update(attachment=attachment).where(CpeRecord.record_id == ids[0]).execute()
    for user in (ann, bob):
        Notification.create(user=user, message=f"Deadline for {user}", created_at=NOW)
        Reminder.create(
            user=user,
            message="Finish ethics",
            frequency="once",
            next_reminder=NOW,
            created_at=NOW,
            license=lic.value if user == ann else None,
        )
        Report.create(user=user, report_type="progress", created_at=NOW, title="Progress")
        Email.create(user=user, subject="Reminder", body="Hi", created_at=NOW)
        ActivityLog.create(user=user, action="login", timestamp=NOW)
        TaskQueue.create(user=user, task_name="import", scheduled_at=NOW)
        preferences.set_preferences(people.as_admin, user, {"theme": "dark"})
    ActivityLog.create(user=None, action="backup", timestamp=NOW)
    # A desk connected now (the Connected view shows the last few minutes by the real clock).
    seen = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    DeskSession.create(
        desk_id="d" * 32,
        user=ann,
        machine="FRONT-DESK",
        program_version="0.1.0",
        database_kind="sqlite",
        started_at=seen,
        last_seen=seen,
    )
    field = custom_fields.define_field(
        people.as_admin, {"entity": "record", "field_name": "Provider code", "field_type": "text"}
    ).value
    custom_fields.set_value(people.as_ann, field.custom_field_id, ids[0], "PX-9")
    samples.fill_empty_tables(people)  # a table added later gets rows made from its form
    return ids


def _all_pks(spec, ctx, **kwargs):
    pks, offset = [], 0
    while True:
        page = tables.fetch_page(spec, ctx, offset=offset, limit=2, **kwargs)
        pks += [pk for pk, _ in page]
        if len(page) < 2:
            return pks
        offset += 2


def _values(spec, ctx, key, **kwargs):
    columns = tables.columns_for(spec, ctx)
    index = [c.key for c in columns].index(key)
    return [values[index] for _, values in tables.fetch_page(spec, ctx, limit=1000, **kwargs)]


def test_every_table_has_a_spec():
    # Every account table, and the desks connected (Administration › Connected).
    shown = {m._meta.table_name for m in (*ALL_MODELS, DeskSession)}
    assert shown == {s.table for s in tables.SPECS.values()}
    assert tables.spec("cpe_records") is tables.spec("records")
    with pytest.raises(KeyError):
        tables.spec("nope")


@pytest.mark.parametrize("name", sorted(tables.SPECS))
def test_specs_are_well_formed(name):
    spec = tables.SPECS[name]
    assert spec.title and spec.empty_text and spec.kinds <= ALL_KINDS
    assert spec.column(spec.default_sort[0]).sortable
    assert all(c.kind in tables.COLUMN_KINDS for c in spec.columns)
    assert all(c.align_right == (c.kind in ("number", "credits")) for c in spec.columns)


@pytest.mark.parametrize("name", sorted(tables.SPECS))
def test_empty_database_pages_nothing(system, name):
    spec = tables.SPECS[name]
    assert tables.count(spec, system) == 0
    assert tables.fetch_page(spec, system, search="anything") == []


@pytest.mark.parametrize("name", sorted(tables.SPECS))
def test_filled_database_pages_every_row_once(filled, people, name):
    spec = tables.SPECS[name]
    total = tables.count(spec, people.as_admin)
    assert total > 0
    pks = _all_pks(spec, people.as_admin)
    assert len(pks) == len(set(pks)) == total
    width = len(tables.columns_for(spec, people.as_admin))
    assert all(len(v) == width for _, v in tables.fetch_page(spec, people.as_admin))
    for key, descending in [(c.key, d) for c in spec.columns for d in (False, True)]:
        assert (
            len(
                tables.fetch_page(
                    spec, people.as_admin, sort_key=key, descending=descending, limit=1000
                )
            )
            == total
        )


OWNED = sorted(n for n, s in tables.SPECS.items() if s.owner is not None and not s.admin_only)


@pytest.mark.parametrize("name", OWNED)
def test_members_see_only_their_own_rows(filled, people, name):
    spec = tables.SPECS[name]
    pk = tables._pk_fields(spec)[0]
    owners = dict(spec.query().select(pk, spec.owner).tuples())
    mine = _all_pks(spec, people.as_ann)
    assert mine and {owners[p] for p in mine} == {people.ann.user_id}
    assert tables.count(spec, people.as_ann) == len(mine) < tables.count(spec, people.as_admin)
    assert all(not c.admin_only for c in tables.columns_for(spec, people.as_ann))


SHARED = [n for n, s in tables.SPECS.items() if s.owner is None and not s.admin_only]


@pytest.mark.parametrize("name", SHARED)
def test_shared_tables_are_visible_to_members(filled, people, name):
    spec = tables.SPECS[name]
    assert tables.count(spec, people.as_ann) == tables.count(spec, people.as_admin) > 0


@pytest.mark.parametrize("name", sorted(n for n, s in tables.SPECS.items() if s.admin_only))
def test_admin_only_tables_refuse_members(filled, people, name):
    spec = tables.SPECS[name]
    with pytest.raises(PermissionDenied):
        tables.fetch_page(spec, people.as_ann)
    with pytest.raises(PermissionDenied):
        tables.count(spec, people.as_ann)
    assert spec not in tables.visible_specs(people.as_ann)
    assert spec in tables.visible_specs(people.as_admin)


def test_records_columns_sum_credits_and_list_fields(filled, people):
    spec = tables.spec("records")
    columns = tables.columns_for(spec, people.as_ann)
    rows = dict(tables.fetch_page(spec, people.as_ann))
    got = dict(zip([c.key for c in columns], rows[filled[0]], strict=True))
    assert got["completed_on"] == dt.date(2026, 3, 2)
    assert got["credits"] == Decimal("6.00") and got["ethics"] == Decimal("2.00")
    assert got["fields"] == "Regulatory Ethics, Taxes"
    assert got["certificate"] is True and got["cf:1"] == "PX-9"
    assert dict(zip([c.key for c in columns], rows[filled[1]], strict=True))["certificate"] is False
    assert "holder" not in got
    admin_columns = [c.key for c in tables.columns_for(spec, people.as_admin)]
    assert "holder" in admin_columns


def test_search_needs_every_term_case_insensitively(filled, people):
    spec = tables.spec("records")
    admin = people.as_admin
    assert sorted(_values(spec, admin, "title", search="acme TAX")) == [
        "Annual tax update",
        "Tax planning",
    ]
    assert _values(spec, admin, "title", search="  acme   tax  bob ") == ["Tax planning"]
    assert _values(spec, admin, "title", search="behavioral") == ["ethics in practice"]
    assert _values(spec, admin, "title", search="2025-11") == ["ethics in practice"]
    assert _values(spec, admin, "title", search="px-9") == ["Annual tax update"]
    assert _values(spec, admin, "title", search="%") == []
    assert _values(spec, admin, "title", search="_") == []
    assert tables.count(spec, admin, "acme") == 3
    assert tables.count(spec, people.as_ann, "acme") == 2
    assert tables.count(spec, admin, "no such words") == 0


@pytest.mark.parametrize("key", ["title", "completed_on", "credits", "sponsor", "fields", "cf:1"])
def test_sorting_is_stable_and_reversible(filled, people, key):
    spec, admin = tables.spec("records"), people.as_admin
    up = _all_pks(spec, admin, sort_key=key)
    down = _all_pks(spec, admin, sort_key=key, descending=True)
    assert up == [pk for pk, _ in tables.fetch_page(spec, admin, sort_key=key, limit=100)]
    assert sorted(up) == sorted(down) and len(up) == 6
    values = _values(spec, admin, key, sort_key=key)
    present = [v.lower() if isinstance(v, str) else v for v in values if v is not None]
    assert present == sorted(present)
    assert values[len(present) :] == [None] * (len(values) - len(present))  # blanks last
    if len(present) == len(values):
        assert down == up[::-1]


def test_default_sort_is_newest_first(filled, people):
    dates = _values(tables.spec("records"), people.as_admin, "completed_on")
    assert dates == sorted(dates, reverse=True)


def test_bad_sort_keys_are_refused(filled, people):
    spec = tables.spec("records")
    with pytest.raises(ValueError):
        tables.fetch_page(spec, people.as_admin, sort_key="nope")
    frozen = tables.Column("title", "Title", CpeRecord.title, sortable=False)
    with pytest.raises(ValueError):
        tables.fetch_page(spec, people.as_admin, sort_key="title", columns=[frozen])


def test_custom_field_columns_show_typed_values_and_sort_numerically(filled, people):
    admin = people.as_admin
    define = custom_fields.define_field
    hours = define(
        admin, {"entity": "record", "field_name": "Approved hours", "field_type": "decimal"}
    ).value
    reviewed = define(
        admin, {"entity": "record", "field_name": "Reviewed", "field_type": "boolean"}
    ).value
    due = define(admin, {"entity": "record", "field_name": "Due", "field_type": "date"}).value
    for record_id, value in zip(filled[:3], ("9", "10", "1.5"), strict=True):
        custom_fields.set_value(admin, hours.custom_field_id, record_id, value)
    custom_fields.set_value(admin, reviewed.custom_field_id, filled[0], "yes")
    custom_fields.set_value(admin, due.custom_field_id, filled[0], "2026-12-31")
    spec = tables.spec("records")
    columns = {c.key: c for c in tables.columns_for(spec, admin)}
    hours_key = f"cf:{hours.custom_field_id}"
    assert columns[hours_key].title == "Approved hours" and columns[hours_key].kind == "number"
    assert columns[f"cf:{reviewed.custom_field_id}"].kind == "bool"
    row = dict(zip(columns, dict(tables.fetch_page(spec, admin))[filled[0]], strict=True))
    assert row[f"cf:{reviewed.custom_field_id}"] is True
    assert row[f"cf:{due.custom_field_id}"] == dt.date(2026, 12, 31)
    assert _values(spec, admin, hours_key, sort_key=hours_key)[:3] == [Decimal("1.5"), 9, 10]
    assert tables.columns_for(tables.spec("licenses"), admin)[-1].key == "holder"


def test_composite_key_table_pages_by_tuple(filled, people):
    custom_fields.set_value(people.as_admin, 1, filled[1], "PX-10")
    spec = tables.spec("custom_field_values")
    pks = _all_pks(spec, people.as_admin)
    assert sorted(pks) == [(1, filled[0]), (1, filled[1])]


def test_holder_and_who_columns(filled, people):
    admin = people.as_admin
    assert set(_values(tables.spec("licenses"), admin, "holder")) == {"Ann Member", "Bob Member"}
    assert "system" in _values(tables.spec("activity_logs"), admin, "who")
    assert _values(tables.spec("reminders"), admin, "license", sort_key="license") == [
        "CPA Texas",
        None,
    ]


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        ("credits", Decimal("4.00"), "4"),
        ("credits", Decimal("1.50"), "1.5"),
        ("credits", 2.5999999999999996, "2.6"),
        ("credits", Decimal("0.25"), "0.25"),
        ("number", 1234, "1234"),
        ("number", Decimal("1.10"), "1.1"),
        ("bool", True, "Yes"),
        ("bool", False, "No"),
        ("date", dt.date(2026, 3, 2), "2026-03-02"),
        ("datetime", dt.datetime(2026, 3, 2, 14, 5, 9), "2026-03-02 14:05"),
        ("badge", "on_track", "On track"),
        ("text", None, ""),
    ],
)
def test_format_value(kind, value, text):
    assert tables.format_value(tables.Column("k", "K", None, kind), value) == text


def test_format_value_uses_the_given_date_formatter():
    column = tables.Column("k", "K", None, "date")
    assert tables.format_value(column, dt.date(2026, 3, 2), lambda d: d.strftime("%d.%m.%Y")) == (
        "02.03.2026"
    )


@given(st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False))
def test_format_credits_round_trips(value):
    text = tables.format_credits(value)
    assert Decimal(text) == value
    assert not (("." in text) and text.endswith("0"))


def test_licenses_show_where_tracking_starts_and_the_home_jurisdiction(filled, people):
    """ARCHITECTURE.md §4 and 4.7: each license row says since when it is tracked and, for
    reciprocity, which license is the holder's home one."""
    ohio = next(lic for lic in licenses.list_licenses(people.as_bob))
    licenses.update_license(
        people.as_bob,
        ohio.license_id,
        {"tracked_from": "2024-01-01", "home_jurisdiction": "Texas"},
    )
    titles = {c.key: c.title for c in tables.columns_for(tables.spec("licenses"), people.as_admin)}
    assert (titles["tracked_from"], titles["home_jurisdiction"]) == (
        "Tracked from",
        "Home jurisdiction",
    )
    spec = tables.spec("licenses")
    assert set(_values(spec, people.as_bob, "tracked_from")) == {dt.date(2024, 1, 1)}
    assert _values(spec, people.as_bob, "home_jurisdiction") == ["Texas"]


def test_requirement_components_show_their_rule_and_plain_names(people):
    from cpe_desktop.services import requirements
    from tests.helpers.atlantis_rule import ATLANTIS_RULE

    row = requirements.create_requirement(people.as_admin, dict(ATLANTIS_RULE)).value
    requirements.set_components(
        people.as_admin,
        row.state_id,
        [
            {"kind": "min", "hours": 8, "fields": ["accounting_auditing", "Taxes"]},
            {"kind": "credit_factor", "factor": 0.5, "delivery": ["self_study"]},
        ],
    )
    spec = tables.spec("requirement_components")
    found = {
        tuple(values[:6]) for _, values in tables.fetch_page(spec, people.as_ann, search="Atlantis")
    }
    assert [c.key for c in tables.columns_for(spec, people.as_ann)][:6] == [
        "rule",
        "effective_from",
        "position",
        "kind",
        "label",
        "hours",
    ]
    assert found == {
        ("CPA Atlantis", None, 1, "min", None, Decimal("8.00")),
        ("CPA Atlantis", None, 2, "credit_factor", None, None),
    }
    mine = {"search": "Atlantis", "sort_key": "position"}
    assert _values(spec, people.as_ann, "fields", **mine) == ["accounting_auditing, Taxes", None]
    assert _values(spec, people.as_ann, "delivery", **mine) == [None, "self_study"]
    assert _values(spec, people.as_ann, "factor", **mine) == [None, Decimal("0.5")]
    # Said in words, as the rule editor says them (numbered from 1 above, as it lists them).
    shown = [
        (
            tables.format_value(spec.column("kind"), kind),
            tables.format_value(spec.column("fields"), f),
        )
        for kind, f in zip(
            _values(spec, people.as_ann, "kind", **mine),
            _values(spec, people.as_ann, "fields", **mine),
            strict=True,
        )
    ]
    assert shown == [
        ("At least (a minimum)", "All accounting and auditing, Taxes"),
        ("Counts at a reduced rate", ""),
    ]
