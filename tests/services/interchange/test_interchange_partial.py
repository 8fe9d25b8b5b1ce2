"""Importing what is right: values for missing columns, "Not stated", chosen columns, and
skipping the rows with problems (the rest imported in one transaction, the others reported)."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from cpe_desktop.db.models import AuditLog, CpeRecord, User
from cpe_desktop.services import records, users
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import import_file
from cpe_desktop.services.interchange.mapped_import import (
    import_mapped,
    preview,
)
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.spreadsheet_import import column_index, import_spreadsheet
from cpe_desktop.services.interchange.tabular import csv_table
from cpe_desktop.services.records import NOT_STATED
from tests.helpers.interchange_documents import table_counts

# A personal log: no delivery method column, a bad credits cell on line 4, a totals line.
LOG = (
    "Date,Course,Sponsor,Subject,Hours\n"
    "2025-01-10,Tax update,ACME,Taxes,2\n"
    "2025-02-11,Audit basics,ACME,Auditing,3\n"
    "2025-03-12,Ethics for CPAs,Board,Regulatory Ethics,two\n"
    "2025-04-13,Excel tricks,ACME,Computer Software & Applications,1\n"
    "Total,,,,8\n"
)
ALL_ROWS = {"delivery_method": NOT_STATED}


@pytest.fixture
def alice(seeded, system) -> User:
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


def _titles(user: User) -> list[str]:
    query = CpeRecord.select().where(CpeRecord.user == user.user_id).order_by(CpeRecord.title)
    return [record.title for record in query]


def _table(text: str = LOG):
    return csv_table(text, "log.csv")


def test_all_or_nothing_stays_the_default_and_writes_nothing(system, alice):
    table = _table()
    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_mapped(system, table, guess_mapping(table.headers), alice, constants=ALL_ROWS)
    assert "line 4, Hours" in caught.value.errors
    assert table_counts() == before


def test_skip_bad_rows_imports_the_good_records_and_reports_the_rest(system, alice, tmp_path):
    table = _table()
    report = tmp_path / "not imported.csv"
    audits = AuditLog.select().count()

    summary = import_mapped(
        system,
        table,
        guess_mapping(table.headers),
        alice,
        constants=ALL_ROWS,
        skip_bad_rows=True,
        not_imported=report,
    )

    assert _titles(alice) == ["Audit basics", "Excel tricks", "Tax update"]
    assert summary.records_added == 3
    assert AuditLog.select().count() == audits + 3  # one audit entry per record
    skipped = {row.number: row.reasons for row in summary.not_imported}
    assert "two" in skipped[4][0]  # the credits cell it could not read, with its column
    # The totals line is never a record: set aside by the reader, or refused as a row.
    set_aside = {item.number for item in summary.set_aside}
    assert 6 in set_aside or 6 in skipped
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["line", "reason", "Date", "Course", "Sponsor", "Subject", "Hours"]
    by_line = {row[0]: row for row in rows[1:]}
    assert by_line["4"][2:] == [
        "2025-03-12",
        "Ethics for CPAs",
        "Board",
        "Regulatory Ethics",
        "two",
    ]
    text = summary.describe()
    assert "Not imported" in text and "line 4" in text and str(report) in text


def test_a_record_with_one_bad_row_is_left_out_whole(system, alice):
    table = _table(
        "Date,Course,Sponsor,Subject,Hours\n"
        "2025-01-10,Conference,ACME,Taxes,4\n"
        "2025-01-10,Conference,ACME,Auditing,-1\n"
        "2025-02-10,Webinar,ACME,Taxes,1\n"
    )
    summary = import_mapped(
        system, table, guess_mapping(table.headers), alice, constants=ALL_ROWS, skip_bad_rows=True
    )
    assert _titles(alice) == ["Webinar"]
    skipped = {row.number: row.reasons for row in summary.not_imported}
    assert set(skipped) == {2, 3}
    assert skipped[2] == ("part of the record on line 3, which has a problem",)


def test_a_missing_column_still_refuses_the_file_when_skipping_rows(system, alice):
    # No column for the credits (and nothing in any column is hours): refused whole.
    table = _table("Date,Course,Sponsor,Subject\n2025-01-10,Tax update,ACME,Taxes\n")
    with pytest.raises(ValidationError) as caught:
        import_mapped(system, table, guess_mapping(table.headers), alice, skip_bad_rows=True)
    assert "line 1, Credits column" in caught.value.errors
    assert _titles(alice) == []


def test_a_log_without_fields_of_study_is_honestly_not_stated_said_once(system, alice):
    """An internal auditor's log keeps hours but no NASBA field: each record's field is "Not
    stated" (counted toward the total only), said once for the file, not once per record."""
    table = _table("Date,Course,Hours\n2025-01-10,Tax update,2\n2025-02-10,Audit,1\n")
    shown = preview(system, table, guess_mapping(table.headers), alice)
    assert shown.ok, shown.error_dict()
    assert [r.values["credits"][0]["field"] for r in shown.records] == [NOT_STATED, NOT_STATED]
    notes = [w for w in shown.warnings if "not stated" in w.lower()]
    assert notes == [
        "2 records: no column says how the programs were delivered: marked 'Not stated' "
        "(counted toward the total only, never as self-study); choose a column or a value to "
        "say otherwise",
        "2 records: no column says each course's field of study: marked 'Not stated' (counted "
        "toward the total only, never toward a field's minimum); choose a column or a value to "
        "say otherwise",
    ]


def test_a_file_without_a_delivery_column_is_honestly_not_stated(system, alice):
    """ARCHITECTURE.md §2: history from a log that never recorded how a course was delivered is "Not
    stated" (counted toward the total only, never as self-study); the preview says so."""
    table = _table("Date,Course,Subject,Hours\n2025-01-10,Tax update,Taxes,2\n")
    shown = preview(system, table, guess_mapping(table.headers), alice)
    assert shown.ok
    assert [r.values["delivery_method"] for r in shown.records] == [NOT_STATED]
    assert any(
        "no column says how the programs were delivered: marked 'Not stated'" in w
        for w in shown.warnings
    )


def test_not_stated_fills_a_missing_column_and_is_noted_in_the_preview(system, alice):
    table = _table("Date,Course,Hours\n2025-01-10,Tax update,2\n2025-02-10,Audit,1\n")
    constants = {"delivery_method": "Not stated", "field_of_study": "not  stated"}
    checked = preview(system, table, guess_mapping(table.headers), alice, constants=constants)
    assert checked.ok, checked.errors
    assert checked.records[0].values["delivery_method"] == NOT_STATED
    assert checked.records[0].values["credits"] == [{"field": NOT_STATED, "credits": Decimal("2")}]
    notes = [w for w in checked.warnings if "not stated" in w]
    assert notes == [  # once each, with how many records, not once per record
        "2 records: delivery method not stated: the credits count toward the total only; "
        "choose the method when you know it",
        "2 records: field of study not stated: its credits count toward the total only (never "
        "ethics, technical or subject minimums); choose the field when you know it",
    ]
    import_mapped(system, table, guess_mapping(table.headers), alice, constants=constants)
    stored = CpeRecord.get(CpeRecord.title == "Tax update")
    assert stored.delivery_method == NOT_STATED
    assert [(c.field_of_study, c.credits) for c in stored.credits] == [(NOT_STATED, Decimal(2))]


def test_the_record_service_accepts_not_stated_with_a_warning(system, alice):
    outcome = records.create_record(
        system,
        {
            "user_id": alice.user_id,
            "title": "Old seminar",
            "completed_on": "2020-05-01",
            "delivery_method": "not stated",
            "credits": [{"field": "Not Stated", "credits": "3"}],
        },
    )
    assert outcome.value.delivery_method == NOT_STATED
    assert any("delivery method not stated" in w for w in outcome.warnings)


def test_a_constant_for_a_field_with_a_column_or_an_unknown_field_is_refused(system, alice):
    table = _table("Date,Course,Format,Subject,Hours\n2025-01-10,Tax,Live,Taxes,2\n")
    checked = preview(
        system,
        table,
        guess_mapping(table.headers),
        alice,
        constants={"delivery_method": "Group Live", "title": "x"},
    )
    messages = {error.column: error.message for error in checked.errors}
    assert "has a column and a value" in messages["Delivery method column"]
    assert "cannot be set for every row" in messages["Course title column"]


def test_columns_are_named_by_heading_letter_or_number():
    table = _table("Date,Course,Kind,Hours\n")
    assert column_index(table, "kind") == 2
    assert column_index(table, "  KIND ") == 2
    assert column_index(table, "4") == 3
    assert column_index(table, "B") == 1
    with pytest.raises(ValidationError, match="'Nope' is not a column of the file"):
        column_index(table, "Nope")


def test_a_chosen_column_and_a_constant_make_a_file_importable(system, alice, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Date,Course,Kind\n2025-01-10,Tax update,Webinar\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        import_spreadsheet(system, path)
    assert "no column for credits: add --map 'Kind'=credits" in str(caught.value)

    path.write_text("Date,Course,Kind,Hours\n2025-01-10,Tax update,Webinar,2\n", encoding="utf-8")
    summary = import_file(
        system, path, columns={"delivery_method": "Kind"}, constants={"field_of_study": "Taxes"}
    )
    assert summary.records_added == 1
    stored = CpeRecord.get(CpeRecord.title == "Tax update")
    assert stored.delivery_method == "Group Internet Based"
    assert [c.field_of_study for c in stored.credits] == ["Taxes"]


def test_spreadsheet_options_do_not_apply_to_json(system, alice, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(ValidationError, match="only apply to a spreadsheet"):
        import_file(system, path, skip_bad_rows=True)
    report = tmp_path / "x.csv"
    report.write_text(LOG, encoding="utf-8")
    with pytest.raises(ValidationError, match="ask for both"):
        import_file(system, report, not_imported=tmp_path / "r.csv")
