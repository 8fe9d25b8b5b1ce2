"""The mapped spreadsheet import: guessing columns, previewing, duplicates, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from cpe_desktop.db.models import ActivityLog, AuditLog, CpeRecord, User
from cpe_desktop.services import records, users
from cpe_desktop.services.errors import PermissionDenied, ServiceError, ValidationError
from cpe_desktop.services.interchange.cells import parse_text_date
from cpe_desktop.services.interchange.csv_format import HEADER
from cpe_desktop.services.interchange.mapped_import import (
    import_mapped,
    preview,
)
from cpe_desktop.services.interchange.mapping import guess_mapping, mapping_problems
from cpe_desktop.services.interchange.spreadsheet_import import import_spreadsheet
from cpe_desktop.services.interchange.tabular import csv_table
from tests.helpers.interchange_documents import csv_texts, table_counts

PORTAL = (
    "Date Completed,Course Title,Sponsor Name,NASBA ID,Delivery,Subject Area,CPE Hours,"
    "Ethics State,Comments\n"
)


@pytest.fixture
def alice(seeded, system) -> User:
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


def _table(text: str):
    return csv_table(text, "mine.csv")


def _saved(user: User) -> list[tuple]:
    query = CpeRecord.select().where(CpeRecord.user == user.user_id).order_by(CpeRecord.record_id)
    return [
        (
            r.completed_on.isoformat(),
            r.title,
            r.sponsor,
            r.delivery_method,
            r.notes,
            tuple(sorted((c.field_of_study, c.credits) for c in r.credits)),
        )
        for r in query
    ]


# --- guessing the mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # The template itself, exactly.
        (list(HEADER), {name: index for index, name in enumerate(HEADER)}),
        # A provider portal's export.
        (
            PORTAL.strip().split(","),
            {
                "completed_on": 0,
                "title": 1,
                "sponsor": 2,
                "sponsor_id": 3,
                "delivery_method": 4,
                "field_of_study": 5,
                "credits": 6,
                "ethics_jurisdiction": 7,
                "notes": 8,
            },
        ),
        # A hand-kept log: short names, odd spacing and case, a column we do not know.
        (
            [" Date ", "Program", "Provider", "Registry #", "Format", "Category", "CPE", "Where"],
            {
                "completed_on": 0,
                "title": 1,
                "sponsor": 2,
                "sponsor_id": 3,
                "delivery_method": 4,
                "field_of_study": 5,
                "credits": 6,
            },
        ),
        # Another firm's sheet: parenthesised units, "Credits", "Notes", the owner's email.
        (
            ["Completion Date", "Course", "Hours (CPE)", "Field of Study", "Email", "Notes"],
            {"completed_on": 0, "title": 1, "credits": 2, "field_of_study": 3, "notes": 5},
        ),
        # Two columns that could be the title: the leftmost wins; blank headings are skipped.
        (["", "Course Name", "Program", "Credits"], {"title": 1, "credits": 3}),
    ],
)
def test_common_headings_are_recognised(headers, expected):
    guessed = guess_mapping(headers)
    assert {k: v for k, v in guessed.items() if k != "email"} == expected


def test_an_email_column_is_recognised_so_other_peoples_rows_are_refused():
    assert guess_mapping(["email", *HEADER])["email"] == 0
    assert guess_mapping(["User Email", "Date"]) == {"completed_on": 1, "email": 0}


def test_a_missing_required_column_is_named_with_the_headings_found():
    table = _table("Date,Course,Provider\n2025-01-01,A,B\n")
    problems = mapping_problems(table, guess_mapping(table.headers))
    assert set(problems) == {"delivery_method", "field_of_study", "credits"}
    assert "'Date', 'Course', 'Provider'" in problems["credits"]
    assert "'CPE'" in problems["credits"] and "'Hours'" in problems["credits"]


def test_one_column_cannot_feed_two_fields():
    table = _table(PORTAL)
    mapping = guess_mapping(table.headers) | {"notes": 1}
    assert "already chosen for title" in mapping_problems(table, mapping)["notes"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-02", dt.date(2025, 3, 2)),
        ("2025-03-02 00:00:00", dt.date(2025, 3, 2)),
        ("03/02/2025", dt.date(2025, 3, 2)),
        ("3/2/2025", dt.date(2025, 3, 2)),
        ("Mar 2, 2025", dt.date(2025, 3, 2)),
        ("March 2 2025", dt.date(2025, 3, 2)),
        ("2 March 2025", dt.date(2025, 3, 2)),
        ("02-Mar-2025", dt.date(2025, 3, 2)),
    ],
)
def test_common_date_spellings_are_read(text, expected):
    assert parse_text_date(text) == expected


@pytest.mark.parametrize(("text", "words"), [("02/30/2025", "real calendar"), ("soon", "03/02")])
def test_unreadable_dates_say_which_forms_work(text, words):
    with pytest.raises(ValueError, match=words):
        parse_text_date(text)


# --- preview and import ---------------------------------------------------------------------------


def test_a_portal_export_imports_with_the_guessed_mapping(system, alice):
    table = _table(
        PORTAL
        + "03/02/2025,Tax update,ACME,103456,Live,Taxes,4,Texas,\n"
        + "03/02/2025,Tax update,ACME,103456,Live,Regulatory Ethics,2,Texas,\n"
        + "Apr 10 2025,Nano bites,,,Nano,Accounting,0.4,,short\n"
    )
    mapping = guess_mapping(table.headers)
    checked = preview(system, table, mapping, alice)
    assert checked.ok and [r.rows for r in checked.records] == [(2, 3), (4,)]
    assert checked.duplicates == 0

    summary = import_mapped(system, table, mapping, alice)

    assert summary.describe() == (
        "Imported 2 records for alice@example.com; 0 records already present were skipped."
    )
    assert _saved(alice) == [
        (
            "2025-03-02",
            "Tax update",
            "ACME",
            "Group Live",
            None,
            (("Regulatory Ethics", Decimal("2.00")), ("Taxes", Decimal("4.00"))),
        ),
        (
            "2025-04-10",
            "Nano bites",
            None,
            "Nano Learning",
            "short",
            (("Accounting", Decimal("0.40")),),
        ),
    ]
    # One audit entry per record and one activity entry, written with the records.
    assert AuditLog.select().where(AuditLog.entity == "record").count() == 2
    assert [a.action for a in ActivityLog.select()] == ["imported mine.csv"]


def test_errors_name_the_row_and_the_files_own_column_name(system, alice):
    table = _table(
        PORTAL
        + "03/02/2025,Fine,,,Live,Taxes,2,,\n"
        + "31/02/2025,Bad date,,,Live,Taxes,2,,\n"
        + "03/04/2025,Bad hours,,,Live,Taxes,lots,,\n"
        + "03/05/2025,Bad field,,,Live,Astrology,2,,\n"
    )
    checked = preview(system, table, guess_mapping(table.headers), alice)
    assert [(e.row, e.column) for e in checked.errors] == [
        (3, "Date Completed"),
        (4, "CPE Hours"),
        (5, "Subject Area"),
    ]
    assert "'31/02/2025' is not a real calendar date (dates with slashes are read month/day" in (
        checked.errors[0].message
    )
    assert checked.errors[1].where == "line 4, CPE Hours"
    assert checked.records == []

    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_mapped(system, table, guess_mapping(table.headers), alice)
    assert list(caught.value.errors) == [
        "line 3, Date Completed",
        "line 4, CPE Hours",
        "line 5, Subject Area",
    ]
    assert table_counts() == before


def test_the_command_line_path_refuses_a_file_without_a_credits_column(system, alice, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Date,Course,Format,Subject\n2025-01-01,A,Live,Taxes\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        import_spreadsheet(system, path)
    assert list(caught.value.errors) == ["line 1, Credits column"]
    assert "not found" in str(caught.value) and "'CPE'" in str(caught.value)
    assert _saved(alice) == []


def test_rows_with_data_only_in_unmapped_columns_are_ignored_and_named(system, alice):
    table = _table(
        "Date,Course,Format,Subject,Hours,Instructor\n2025-01-01,A,Live,Taxes,2,Kim\n,,,,,Lee\n"
    )
    summary = import_mapped(system, table, guess_mapping(table.headers), alice)
    assert summary.records_added == 1
    assert summary.warnings == ["not imported (no field chosen for them): 'Instructor'"]


def test_a_member_cannot_import_for_someone_else(people):
    table = _table("Date,Course,Format,Subject,Hours\n2025-01-01,A,Live,Taxes,2\n")
    with pytest.raises(PermissionDenied):
        preview(people.as_ann, table, guess_mapping(table.headers), people.bob)
    assert (
        import_mapped(people.as_ann, table, guess_mapping(table.headers), people.ann).records_added
        == 1
    )


def test_progress_is_reported_up_to_one_hundred(system, alice):
    lines = [f"2025-02-{day:02d},Course {day},Live,Taxes,2" for day in range(1, 29)]
    table = _table("Date,Course,Format,Subject,Hours\n" + "\n".join(lines) + "\n")
    seen: list[tuple[int, str]] = []
    import_mapped(
        system,
        table,
        guess_mapping(table.headers),
        alice,
        progress=lambda p, m: seen.append((p, m)),
    )
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert any("Importing record" in message for _, message in seen)


# --- duplicates -----------------------------------------------------------------------------------

DUPLICATES = (
    "Date,Course,Provider,Format,Subject,Hours,Notes\n"
    "2025-03-02,Tax update,ACME,Group Live,Taxes,4,from the file\n"
    "2025-03-02,Tax update,ACME,Group Live,Auditing,1,from the file\n"
    "2025-03-09,Audit,,Group Live,Auditing,2,\n"
    "2025-03-10,New one,,Group Live,Auditing,2,\n"
)


def _stored(system, alice) -> None:
    for title, sponsor, notes in (("Tax update", "ACME", "typed by hand"), ("Audit", None, "kept")):
        records.create_record(
            system,
            {
                "user_id": alice.user_id,
                "title": title,
                "sponsor": sponsor,
                "completed_on": "2025-03-02" if title == "Tax update" else "2025-03-09",
                "delivery_method": "Group Live",
                "notes": notes,
                "credits": [{"field": "Taxes", "credits": 4}]
                if title == "Tax update"
                else [{"field": "Auditing", "credits": 2}],
            },
        )


def test_duplicates_are_counted_and_skipped(system, alice):
    _stored(system, alice)
    table = _table(DUPLICATES)
    checked = preview(system, table, guess_mapping(table.headers), alice)
    assert checked.duplicates == 2 and len(checked.records) == 3
    before = _saved(alice)

    summary = import_mapped(system, table, guess_mapping(table.headers), alice, "skip")

    assert (summary.records_added, summary.records_skipped) == (1, 2)
    assert _saved(alice)[:2] == before
    assert _saved(alice)[2][1] == "New one"


def test_merge_updates_stored_records_and_leaves_empty_cells_alone(system, alice):
    _stored(system, alice)
    table = _table(DUPLICATES)
    audits = AuditLog.select().count()

    summary = import_mapped(system, table, guess_mapping(table.headers), alice, "merge")

    assert (summary.records_added, summary.records_merged, summary.records_unchanged) == (1, 1, 1)
    assert summary.describe() == (
        "Imported 1 record for alice@example.com; of 2 records already present, "
        "1 was updated and 1 was unchanged."
    )
    tax, audit, new = _saved(alice)
    # The file's credits replace the stored ones; its note replaces the hand-typed one.
    assert tax[4:] == (
        "from the file",
        (("Auditing", Decimal("1.00")), ("Taxes", Decimal("4.00"))),
    )
    # "Audit" has an empty Notes cell and the same credits: nothing to change, no audit entry.
    assert audit[4] == "kept"
    assert new[1] == "New one"
    # Two audit entries: the new record's and the update's.
    assert AuditLog.select().count() == audits + 2
    assert CpeRecord.select().count() == 3


def test_an_unknown_duplicate_choice_is_refused(system, alice):
    table = _table(DUPLICATES)
    with pytest.raises(ValidationError, match="skip or merge"):
        import_mapped(system, table, guess_mapping(table.headers), alice, "replace")


# --- Hypothesis -----------------------------------------------------------------------------------


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=csv_texts([*HEADER, "Date", "CPE Hours", "Course"]))
def test_arbitrary_csv_through_the_guessed_mapping_is_imported_or_refused_cleanly(
    system, alice, text
):
    before = table_counts()
    try:
        table = csv_table(text, "fuzz.csv")
        summary = import_mapped(system, table, guess_mapping(table.headers), alice)
    except ValidationError as exc:
        assert all(name.startswith("line ") or name == "…" for name in exc.errors), exc.errors
        assert table_counts() == before
    except ServiceError:
        assert table_counts() == before
    else:
        added = table_counts()["cpe_records"] - before["cpe_records"]
        assert added == summary.records_added


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_semicolon_and_tab_separated_files_with_a_byte_order_mark_are_read(
    system, alice, delimiter
):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["Date", "Course", "Format", "Subject", "Hours"])
    writer.writerow(["2025-01-02", "Audit; part 1, day 2", "Live", "Taxes", "1.5"])
    table = _table("\ufeff" + out.getvalue())
    assert table.headers == ("Date", "Course", "Format", "Subject", "Hours")
    summary = import_mapped(system, table, guess_mapping(table.headers), alice)
    assert summary.records_added == 1
    assert _saved(alice)[0][1] == "Audit; part 1, day 2"
