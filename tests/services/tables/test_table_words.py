"""The Administration and certificate views say stored codes in words, on SQLite and PostgreSQL.

Found trying the program as a firm administrator: the Preferences view listed
``notification_method`` = ``tray_and_email``, the Audit Log's Item column ``record`` with empty
Details, Certificates ``application/pdf`` with a byte count, Custom Field Values a bare item
number and a Yes/No field's stored ``true``.
"""

from __future__ import annotations

import datetime as dt

from cpe_desktop.db.models import Attachment, CpeRecord, Reminder
from cpe_desktop.services import custom_fields, licenses, preferences, records
from cpe_desktop.services.tables import paging as tables

NOW = dt.datetime(2026, 6, 15, 9, 30)


def _shown(spec_name, ctx, **kwargs):
    """Each row as the table view shows it: {column title: text}."""
    spec = tables.spec(spec_name)
    columns = tables.columns_for(spec, ctx)
    return [
        {c.title: tables.format_value(c, v) for c, v in zip(columns, values, strict=True)}
        for _, values in tables.fetch_page(spec, ctx, limit=1000, **kwargs)
    ]


def _course(title):
    return {
        "title": title,
        "sponsor": "ACME CPE",
        "completed_on": "2026-03-02",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 4}],
    }


def test_preferences_view_says_settings_and_values_in_words(people):
    preferences.set_preferences(
        people.as_ann,
        people.ann.user_id,
        {"notification_method": "tray_and_email", "reminder_lead_days": "7, 90, 30"},
    )
    rows = _shown("preferences", people.as_admin, search="")
    mine = {(r["Setting"], r["Value"]) for r in rows if r["Person"] == people.ann.name}
    assert mine == {
        ("Notify me by", "Desktop notification and email"),
        ("Warn this many days before a deadline", "90, 30 and 7 days"),
    }


def test_audit_log_says_what_was_done_to_what(people):
    record = records.create_record(people.as_ann, _course("Annual tax update")).value
    licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Texas", "license_number": "012544"}
    )
    rows = _shown("audit_logs", people.as_admin)
    said = {(r["Action"], r["Item"], r["Details"]) for r in rows}
    assert ("Added", "CPE record", "Annual tax update") in said
    assert ("Added", "License", "Texas 012544") in said
    records.delete_record(people.as_ann, record.record_id)
    said = {(r["Action"], r["Item"], r["Details"]) for r in _shown("audit_logs", people.as_admin)}
    # A deleted item has no after picture: its before picture names it.
    assert ("Deleted", "CPE record", "Annual tax update") in said
    assert not any(r["Action"].startswith(("create", "update", "delete")) for r in rows)


def test_certificates_view_names_the_course_type_and_size(people):
    record = records.create_record(people.as_ann, _course("Ethics for CPAs")).value
    attachment = Attachment.create(
        user=people.ann.user_id,
        original_name="ethics.pdf",
        sha256="ab" * 32,
        size=1730,
        media_type="application/pdf",
        created_at=NOW,
    )
    CpeRecord.update(attachment=attachment).where(CpeRecord.record_id == record.record_id).execute()
    (row,) = _shown("attachments", people.as_ann)
    assert (row["File"], row["For the course"], row["Type"], row["Size"]) == (
        "ethics.pdf",
        "Ethics for CPAs",
        "PDF",
        "1.7 KB",
    )
    assert list(row)[-1] == "Fingerprint (SHA-256)"


def test_custom_field_values_name_their_item_and_say_yes_or_no(people):
    record = records.create_record(people.as_ann, _course("Annual tax update")).value
    paid = custom_fields.define_field(
        people.as_admin,
        {"entity": "record", "field_name": "Firm paid", "field_type": "boolean"},
    ).value
    office = custom_fields.define_field(
        people.as_admin, {"entity": "user", "field_name": "Office", "field_type": "text"}
    ).value
    custom_fields.set_value(people.as_ann, paid.custom_field_id, record.record_id, True)
    custom_fields.set_value(people.as_admin, office.custom_field_id, people.ann.user_id, "Dallas")
    rows = {
        (r["Field"], r["Item"], r["Value"]) for r in _shown("custom_field_values", people.as_admin)
    }
    assert rows == {
        ("Firm paid", "Annual tax update", "Yes"),
        ("Office", people.ann.name, "Dallas"),
    }


def test_reminders_say_how_they_repeat_in_one_column(people):
    for frequency, interval in (("every_n_days", 10), ("monthly", None), ("once", None)):
        Reminder.create(
            user=people.ann.user_id,
            message=frequency,
            frequency=frequency,
            interval_days=interval,
            next_reminder=NOW,
            created_at=NOW,
        )
    rows = {r["Message"]: r["Repeats"] for r in _shown("reminders", people.as_ann)}
    assert rows == {"every_n_days": "Every 10 days", "monthly": "Monthly", "once": "Once"}
