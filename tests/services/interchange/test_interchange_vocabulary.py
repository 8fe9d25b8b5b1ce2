"""A spreadsheet's own words, dates and numbers, as the mapped import reads them.

Board codes and trackers' words for fields of study and delivery methods become the NASBA names
(a word too vague to choose is refused with its choices); two-digit years, credits with their
unit and thousands separators are read; a decimal comma is refused; the headings people use are
recognised. Arbitrary text never crashes a cell.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpe_desktop.db.models import CpeRecord, User
from cpe_desktop.rules.fields import (
    _FIELD_ALIASES,
    _METHOD_ALIASES,
    DELIVERY_METHODS,
    FIELDS_OF_STUDY,
    normalize_delivery_method,
    normalize_field,
)
from cpe_desktop.services import users
from cpe_desktop.services.interchange import vocabulary
from cpe_desktop.services.interchange.cells import (
    credits_cell,
    field_cell,
    full_year,
    parse_text_date,
)
from cpe_desktop.services.interchange.mapped_import import import_mapped, preview
from cpe_desktop.services.interchange.mapping import FIELDS, guess_mapping
from cpe_desktop.services.interchange.tabular import csv_table

D = dt.date


@pytest.fixture
def alice(seeded, system) -> User:
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


# --- fields of study ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A&A", "Accounting"),
        ("AA", "Accounting"),
        ("aa", "Accounting"),
        ("Accounting & Auditing", "Accounting"),
        ("Accounting and Auditing", "Accounting"),
        ("Accounting/Auditing", "Accounting"),
        ("TX", "Taxes"),
        ("Tax", "Taxes"),
        ("Taxes (8.0)", "Taxes"),
        ("Taxes (8)", "Taxes"),
        ("Taxes [2 hrs]", "Taxes"),
        ("Taxes - 2 hrs", "Taxes"),
        ("Taxes: 1.5", "Taxes"),
        ("Accounting 4 CPE", "Accounting"),
        ("Ethics", "Regulatory Ethics"),
        ("ethics (2.0)", "Regulatory Ethics"),
        ("PSR", "Regulatory Ethics"),
        ("Professional Standards & Responsibilities", "Regulatory Ethics"),
        ("Professional Standards", "Regulatory Ethics"),
        ("Behavioral Ethics", "Behavioral Ethics"),
        ("Behavioral Ethics (2)", "Behavioral Ethics"),
        ("Ethics (Behavioral)", "Behavioral Ethics"),
        ("Technology", "Information Technology"),
        ("IT", "Information Technology"),
        ("MAS", "Management Services"),
        ("Consulting", "Management Services"),
        ("Specialized Knowledge", "Specialized Knowledge"),
        ("  Auditing (Governmental)  ", "Auditing (Governmental)"),
    ],
)
def test_board_codes_and_common_words_name_a_field(text, expected):
    assert vocabulary.field_of(text) == expected
    assert field_cell("field_of_study", text) == (expected, None)


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("Computer Science", ("Information Technology", "Computer Software & Applications")),
        ("Management", ("Management Services", "Business Management & Organization")),
        ("Governmental", ("Accounting (Governmental)", "Auditing (Governmental)")),
    ],
)
def test_a_vague_field_is_refused_with_its_choices(text, choices):
    assert vocabulary.field_of(text) is None
    assert vocabulary.field_choices(text) == choices
    value, problem = field_cell("field_of_study", text)
    assert value == text
    assert (
        problem
        == f"{text!r} could mean {choices[0]} or {choices[1]}; choose the field of study it is"
    )


@pytest.mark.parametrize("text", ["Astrology", "Not stated", "", "Taxes (4), Ethics (2)", "8.0"])
def test_an_unknown_field_passes_through_for_the_record_check(text):
    assert vocabulary.field_of(text) is None
    assert field_cell("field_of_study", text) == (text, None)


# --- delivery methods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Conference", "Group Live"),
        ("Seminar", "Group Live"),
        ("Classroom", "Group Live"),
        ("In-person", "Group Live"),
        ("in person", "Group Live"),
        ("Webinar", "Group Internet Based"),
        ("Virtual", "Group Internet Based"),
        ("Live online", "Group Internet Based"),
        ("Webcast", "Group Internet Based"),
        ("On-Demand", "QAS Self Study"),
        ("on demand", "QAS Self Study"),
        ("Self-study", "QAS Self Study"),
        ("Self Study", "QAS Self Study"),
        ("Online course", "QAS Self Study"),
        ("Nano", "Nano Learning"),
        ("Group Live", "Group Live"),
    ],
)
def test_common_words_name_a_delivery_method(text, expected):
    assert vocabulary.delivery_of(text) == expected
    assert field_cell("delivery_method", text) == (expected, None)


def test_online_alone_is_refused_with_both_meanings():
    value, problem = field_cell("delivery_method", "Online")
    assert vocabulary.delivery_of("Online") is None
    assert value == "Online"
    assert problem == (
        "'Online' could mean Group Internet Based or QAS Self Study; choose the method it is"
    )


def test_the_vocabulary_agrees_with_the_applications_names():
    """Every name and alias rules.fields knows means the same here; every word names a NASBA
    value; no word is both understood and called vague."""
    for name in FIELDS_OF_STUDY:
        for spelling in (name, *_FIELD_ALIASES.get(name, ())):
            assert vocabulary.field_of(spelling) == name == normalize_field(spelling)
    for name in DELIVERY_METHODS:
        for spelling in (name, *_METHOD_ALIASES.get(name, ())):
            assert vocabulary.delivery_of(spelling) == name == normalize_delivery_method(spelling)
    for word, name in vocabulary._FIELDS.items():
        assert name in FIELDS_OF_STUDY and word not in vocabulary._FIELD_CHOICES
        assert normalize_field(word) in (None, name)
    for word, name in vocabulary._DELIVERY.items():
        assert name in DELIVERY_METHODS and word not in vocabulary._DELIVERY_CHOICES
        assert normalize_delivery_method(word) in (None, name)
    for choices in (*vocabulary._FIELD_CHOICES.values(), *vocabulary._DELIVERY_CHOICES.values()):
        assert len(choices) >= 2
        assert set(choices) <= set(FIELDS_OF_STUDY) | set(DELIVERY_METHODS)


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (24, D(2026, 6, 1), 2024),
        (26, D(2026, 6, 1), 2026),
        (27, D(2026, 6, 1), 2027),  # next year: a program booked ahead
        (28, D(2026, 6, 1), 1928),
        (99, D(2026, 6, 1), 1999),
        (0, D(2026, 6, 1), 2000),
        (0, D(2099, 6, 1), 2100),
        (2024, D(2026, 6, 1), 2024),
        (1999, D(2026, 6, 1), 1999),
    ],
)
def test_a_two_digit_year_is_the_latest_not_after_next_year(year, today, expected):
    assert full_year(year, today) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/14/24", D(2024, 3, 14)),
        ("03/14/24", D(2024, 3, 14)),
        ("12/31/99", D(1999, 12, 31)),
        ("2-Mar-24", D(2024, 3, 2)),
        ("2 March 24", D(2024, 3, 2)),
        # The existing forms are read as before.
        ("3/14/2024", D(2024, 3, 14)),
        ("2024-03-14", D(2024, 3, 14)),
        ("Mar 14, 2024", D(2024, 3, 14)),
        ("14 March 2024", D(2024, 3, 14)),
    ],
)
def test_dates_with_two_digit_years_are_read(text, expected):
    assert parse_text_date(text, today=D(2026, 6, 1)) == expected


def test_a_range_of_two_digit_year_dates_gives_both_days():
    assert field_cell("completed_on", "3/14/24 - 3/16/24") == (D(2024, 3, 16), None)
    assert field_cell("started_on", "3/14/24 - 3/16/24") == (D(2024, 3, 14), None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/21/2023 11:34 AM", D(2023, 3, 21)),  # a learning platform's completion stamp
        ("03/21/2023 11:34AM", D(2023, 3, 21)),
        ("Mar 2, 2025 at 9:00", D(2025, 3, 2)),
        ("March 14, 2024, 10:30 a.m. EST", D(2024, 3, 14)),
        ("21-Mar-2023 14:05", D(2023, 3, 21)),
        ("2025-03-02T09:00:00Z", D(2025, 3, 2)),
        ("2025-03-02T23:30:00-05:00", D(2025, 3, 2)),  # the day as the file writes it
    ],
)
def test_a_time_of_day_after_the_date_is_left_off(text, expected):
    assert parse_text_date(text, today=D(2026, 6, 1)) == expected


@pytest.mark.parametrize("text", ["11:34 AM", "3/14/2024 25", "3/14/2024 11:34 junk"])
def test_a_time_alone_or_other_trailing_text_is_still_refused(text):
    with pytest.raises(ValueError, match="is not a date"):
        parse_text_date(text, today=D(2026, 6, 1))


@pytest.mark.parametrize("text", ["3/14/124", "2/30/24", "14/3/24", "3/14/"])
def test_other_short_forms_are_still_refused(text):
    value, problem = field_cell("completed_on", text)
    assert value == text and problem


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 hrs", Decimal("2")),
        ("2hrs", Decimal("2")),
        ("2 hr.", Decimal("2")),
        ("1.5 CPE", Decimal("1.5")),
        ("1.5 credits", Decimal("1.5")),
        ("1 credit", Decimal("1")),
        ("8 hours", Decimal("8")),
        ("4 CPE hours", Decimal("4")),
        ("0.5 h", Decimal("0.5")),
        ("1,000", Decimal("1000")),
        ("1,000.5 hours", Decimal("1000.5")),
        # Plain numbers reach the record check as written, as they always have.
        ("1.5", "1.5"),
        (" 2 ", "2"),
        ("lots", "lots"),
        ("", ""),
    ],
)
def test_credits_with_a_unit_or_thousands_are_read(text, expected):
    assert credits_cell(text) == (expected, None)
    assert field_cell("credits", text) == (expected, None)


@pytest.mark.parametrize(
    ("text", "suggested"),
    [("1,5", "1.5"), ("1,25 hrs", "1.25"), ("2,50", "2.50"), ("1,0000", "1.0000")],
)
def test_a_decimal_comma_is_refused_in_words(text, suggested):
    value, problem = credits_cell(text)
    assert value == text
    assert problem == (
        f"{text!r} has a comma inside the number; write the credits with a decimal point "
        f"(for example {suggested}) — a comma is read only between thousands, as in 1,000"
    )


def test_real_numbers_are_converted_as_before():
    assert credits_cell(2) == (Decimal(2), None)
    assert credits_cell(0.1 + 0.2) == (Decimal("0.3"), None)
    assert credits_cell(None) == ("", None)


# --- headings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("CPE credit hours", "credits"),
        ("Credits Completed", "credits"),
        ("Hours Earned", "credits"),
        ("Total CPE Hours", "credits"),
        ("CPE provider name", "sponsor"),
        ("Provider", "sponsor"),
        ("Sponsoring Organization", "sponsor"),
        ("NASBA Sponsor Number", "sponsor_id"),
        ("Subject Areas", "field_of_study"),
        ("Field(s) of Study", "field_of_study"),
        ("Classification Code", "field_of_study"),
        ("Date of Course Completion", "completed_on"),
        ("Completion Date", "completed_on"),
        ("Course/activity title", "title"),
        ("Program Name", "title"),
        ("Name of Course", "title"),
        ("Course Format", "delivery_method"),
        ("Learning Format", "delivery_method"),
        ("Method of Delivery", "delivery_method"),
    ],
)
def test_the_headings_of_board_forms_and_platform_exports_are_recognised(heading, field):
    assert guess_mapping(["Unrelated", heading]) == {field: 1}


# --- through the mapped import --------------------------------------------------------------------


def test_a_file_in_its_own_words_imports_as_the_preview_shows(system, alice):
    table = csv_table(
        "Date of Course Completion,Course/activity title,CPE provider name,Course Format,"
        "Subject Areas,CPE credit hours\n"
        "3/14/24,Tax season,ACME,Conference,Taxes (8.0),8 hrs\n"
        "4/2/24,State ethics,Board,On-Demand,PSR,2 CPE\n"
        "5/9/24,Audit update,ACME,Virtual,A&A,1.5 credits\n",
        "log.csv",
    )
    mapping = guess_mapping(table.headers)
    checked = preview(system, table, mapping, alice)
    assert checked.ok, checked.errors
    shown = [
        (r.values["completed_on"], r.values["delivery_method"], r.values["credits"])
        for r in checked.records
    ]
    import_mapped(system, table, mapping, alice)
    saved = [
        (
            r.completed_on,
            r.delivery_method,
            [{"field": c.field_of_study, "credits": c.credits} for c in r.credits],
        )
        for r in CpeRecord.select().order_by(CpeRecord.completed_on)
    ]
    assert saved == shown
    assert saved == [
        (D(2024, 3, 14), "Group Live", [{"field": "Taxes", "credits": Decimal("8.00")}]),
        (
            D(2024, 4, 2),
            "QAS Self Study",
            [{"field": "Regulatory Ethics", "credits": Decimal("2.00")}],
        ),
        (
            D(2024, 5, 9),
            "Group Internet Based",
            [{"field": "Accounting", "credits": Decimal("1.50")}],
        ),
    ]


def test_a_vague_word_and_a_decimal_comma_stop_the_import_with_their_reasons(system, alice):
    table = csv_table(
        "Date,Title,Format,Field,Hours\n"
        "3/14/24,One,Online,Taxes,2\n"
        '3/15/24,Two,Webinar,Taxes,"1,5"\n',
        "log.csv",
    )
    checked = preview(system, table, guess_mapping(table.headers), alice)
    messages = [e.message for e in checked.errors]
    assert any("'Online' could mean Group Internet Based or QAS Self Study" in m for m in messages)
    assert any("'1,5' has a comma inside the number" in m for m in messages)
    assert CpeRecord.select().count() == 0


# --- arbitrary text -------------------------------------------------------------------------------


@given(field=st.sampled_from(FIELDS), text=st.text(max_size=40))
def test_arbitrary_text_never_crashes_a_cell(field, text):
    value, problem = field_cell(field, text)
    assert problem is None or (isinstance(problem, str) and problem)
    assert isinstance(value, (str, dt.date, Decimal))


@given(st.text(alphabet="0123456789,. -/hrsCPEcredit", max_size=20))
def test_number_like_text_is_a_number_or_passed_on_or_refused_in_words(text):
    value, problem = credits_cell(text)
    assert isinstance(value, (Decimal, str))
    if isinstance(value, Decimal):
        assert problem is None and value >= 0
    if problem is not None:
        assert "comma" in problem


@given(st.text(max_size=40))
def test_vocabulary_never_crashes_and_answers_a_nasba_name_or_none(text):
    assert vocabulary.field_of(text) in (*FIELDS_OF_STUDY, None)
    assert vocabulary.delivery_of(text) in (*DELIVERY_METHODS, None)
    assert set(vocabulary.field_choices(text)) <= set(FIELDS_OF_STUDY)
    assert set(vocabulary.delivery_choices(text)) <= set(DELIVERY_METHODS)


def test_every_field_abbreviation_the_shipped_rules_use_is_read():
    """The subject codes the shipped requirement notes use for boards' categories (e.g.
    Alabama's ">=8 A&A", Arizona's "accounting/auditing/tax/business law/MAS") are words an
    import reads, so a log written in a board's own shorthand maps onto the fields the rules
    count. Codes are found as upper-case tokens of two to five letters (with "&") that the
    vocabulary claims as fields; a new code added to the notes fails here until it is known."""
    import json
    import re

    from cpe_desktop.services.shipped_data import read_data

    known_not_fields = {"NASBA", "CPE", "CPA", "AICPA", "CE", "QAS", "CFP", "IIA", "IRS", "CIA"}
    codes: set[str] = set()
    for rule in read_data()["requirements"]:
        text = (rule.get("notes") or "") + json.dumps(rule.get("components") or [])
        for token in re.findall(r"(?<![\w&])([A-Z][A-Z&]{1,4})(?![\w&])", text):
            if "&" in token or token in {"MAS", "PSR", "AA", "TX", "MS", "PD", "SK"}:
                codes.add(token)
    codes -= known_not_fields
    assert {"A&A", "MAS"} <= codes
    unread = sorted(code for code in codes if vocabulary.field_of(code) is None)
    assert unread == [] or set(unread) <= {"B&P", "CR&R"}, unread  # statute names, not fields
