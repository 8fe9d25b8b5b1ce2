"""Reading a certificate's text layer: each sponsor's layout gives its facts, each with the text
it came from; unreadable PDFs give empty facts and a reason; doubtful values stay empty."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from cpe_desktop.rules.fields import DELIVERY_METHODS, FIELDS_OF_STUDY
from cpe_desktop.services.certificates import names as certificate_names
from cpe_desktop.services.certificates import text as certificate_text
from cpe_desktop.services.certificates.parse import clean_lines
from cpe_desktop.services.certificates.text import (
    CertificateFacts,
    extract_text,
    parse_certificate_text,
    read_certificate,
)
from tests.helpers.certificate_pdfs import (
    BIG_FOUR_WEBCAST,
    LAYOUTS,
    NANO_LEARNING,
    QAS_SELF_STUDY,
    STATE_SOCIETY_SEMINAR,
    pdf_bytes,
    reading_order,
    scanned_pdf,
)

NAMES = ("title", "sponsor", "sponsor_id", "completed_on", "credits", "delivery_method")


def _values(facts: CertificateFacts) -> dict[str, object]:
    values = {name: getattr(facts, name) and getattr(facts, name).value for name in NAMES}
    values["fields"] = [(f.value.field, f.value.credits) for f in facts.fields]
    return values


def _facts_of(layout) -> CertificateFacts:
    """The facts in the text of ``layout`` as a reader sees it."""
    return parse_certificate_text("\n".join(reading_order(layout)))


def _parsed(text: str) -> dict[str, object]:
    return _values(parse_certificate_text(text))


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_pypdf_reads_each_layout_in_reading_order(tmp_path, layout):
    text, reason = extract_text(layout.write(tmp_path))
    assert reason is None
    assert clean_lines(text) == reading_order(layout)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_each_layout_gives_its_facts(tmp_path, layout):
    facts = read_certificate(layout.write(tmp_path))
    assert facts.reason is None
    assert _values(facts) == layout.expected


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_every_fact_names_the_lines_it_came_from(tmp_path, layout):
    facts = read_certificate(layout.write(tmp_path))
    lines = reading_order(layout)
    found = facts.found()
    assert set(found) == set(NAMES) | {"fields"}
    for name, fact in found.items():
        for part in fact.source.split("\n"):
            assert any(part in line for line in lines), (name, part)


def test_sources_are_the_certificate_lines_a_user_can_find():
    facts = _facts_of(BIG_FOUR_WEBCAST)
    assert facts.sponsor_id.source == "NASBA Sponsor ID: 103456 Program level: Intermediate"
    assert facts.completed_on.source == "Date completed: March 2, 2025 CPE credits: 2.0"
    assert facts.sponsor.source.startswith("Harbor & Finch LLP is registered with the National")
    assert facts.title.source == (
        "has successfully completed the webcast\n"
        "\u201cRevenue Recognition: Lessons From the First Year\u201d"
    )
    seminar = _facts_of(STATE_SOCIETY_SEMINAR)
    assert [f.source for f in seminar.fields] == [
        "Taxes 12.0",
        "Regulatory Ethics 4.0",
        "Business Management & Organization 2.0",
    ]


def test_a_scanned_certificate_has_no_text_and_says_so(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    facts = read_certificate(path)
    assert facts.is_empty() and facts.found() == {}
    assert facts.reason == certificate_text.NO_TEXT
    assert "scanned" in facts.reason


@pytest.mark.parametrize(
    "content",
    [
        NANO_LEARNING.pdf()[:300],  # cut off while downloading
        NANO_LEARNING.pdf()[:-200],  # lost its cross-reference table and trailer
        b"%PDF-1.7\n" + bytes(range(256)) * 20,
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n",
    ],
    ids=["truncated", "no-trailer", "garbage", "dangling-pages"],
)
def test_a_damaged_pdf_gives_empty_facts_with_a_reason(tmp_path, content):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    facts = read_certificate(path)
    assert facts.is_empty()
    assert facts.reason in (certificate_text.UNREADABLE, certificate_text.NO_TEXT)


def _encrypted(user_password: str, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(NANO_LEARNING.pdf()))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_password_protected_pdf_gives_empty_facts_with_a_reason(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted("secret", "RC4-128"))
    facts = read_certificate(path)
    assert facts.is_empty()
    assert facts.reason == certificate_text.LOCKED


def test_a_pdf_locked_only_against_editing_is_read(tmp_path):
    path = tmp_path / "locked-for-editing.pdf"
    path.write_bytes(_encrypted("", "RC4-128"))
    assert _values(read_certificate(path)) == NANO_LEARNING.expected


def test_pictures_and_missing_files_give_a_reason(tmp_path):
    picture = tmp_path / "scan.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    assert read_certificate(picture).reason == certificate_text.NOT_PDF
    missing = read_certificate(tmp_path / "gone.pdf")
    assert missing.is_empty() and "could not be read" in missing.reason


def test_text_without_certificate_details_says_nothing_was_recognised(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf_bytes(((72, 500, 12, False, "Dear member, thank you for renewing."),)))
    facts = read_certificate(path)
    assert facts.is_empty() and facts.reason == certificate_text.NOTHING_FOUND


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Date Completed: March 2, 2025", dt.date(2025, 3, 2)),
        ("Completion date: Mar. 2nd, 2025", dt.date(2025, 3, 2)),
        ("Date: 03/02/2025", dt.date(2025, 3, 2)),
        ("Date: 3/2/25", dt.date(2025, 3, 2)),
        ("Date of completion: 2 March 2025", dt.date(2025, 3, 2)),
        ("Completed on 02-Mar-2025", dt.date(2025, 3, 2)),
        ("Date attended: 2025-03-02", dt.date(2025, 3, 2)),
        ("Date: 15/03/2025", dt.date(2025, 3, 15)),  # cannot be month 15: day first
        ("Program Dates: June 10-12, 2025", dt.date(2025, 6, 12)),
        ("Dates: May 30 - June 1, 2025", dt.date(2025, 6, 1)),
        ("Date(s): 04/01/2025 - 04/03/2025", dt.date(2025, 4, 3)),
        ("This program was held on September 9, 2024 in Denver.", dt.date(2024, 9, 9)),
    ],
)
def test_completion_dates_in_many_forms(line, date):
    assert _parsed(line)["completed_on"] == date


@pytest.mark.parametrize(
    "text",
    [
        "Date: 02/30/2025",  # no such day
        "Issue date: 03/02/2025",
        "Date of birth: 03/02/1980",
        "Date: 03/02/2025\nDate: 03/09/2025",  # two programs? leave it to the user
        "Printed 03/05/2025",
    ],
)
def test_doubtful_dates_are_left_empty(text):
    assert _parsed(text)["completed_on"] is None


@pytest.mark.parametrize(
    ("line", "credits"),
    [
        ("CPE Credits: 4.0", Decimal("4.0")),
        ("Recommended CPE credit: 8.0 hours", Decimal("8.0")),
        ("You earned 4 CPE hours", Decimal("4")),
        ("Total CPE Credits Earned: 1.5", Decimal("1.5")),
        ("Awarded 2.5 hours of CPE credit", Decimal("2.5")),
        ("Credits: 4.0\nTotal CPE Credits: 6.0", Decimal("6.0")),
    ],
)
def test_credits_in_many_forms(line, credits):
    assert _parsed(line)["credits"] == credits


@pytest.mark.parametrize(
    "text",
    [
        "1 CPE credit = 50 minutes",
        "Credits are based on a 50-minute hour.",
        "CPE Credits: 4.0\nCPE Credits: 8.0",
        "CPE Credits: 0",
        "Hours: 9 - 5",
    ],
)
def test_doubtful_credits_are_left_empty(text):
    assert _parsed(text)["credits"] is None


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("Field of Study: Auditing", [("Auditing", None)]),
        (
            "Taxes \u2013 4.0, Regulatory Ethics \u2013 2.0",
            [("Taxes", Decimal("4.0")), ("Regulatory Ethics", Decimal("2.0"))],
        ),
        (
            "Fields of study: Taxes (4.0); Ethics (Behavioral) (1.0)",
            [("Taxes", Decimal("4.0")), ("Behavioral Ethics", Decimal("1.0"))],
        ),
        ("Subject area: Tax\nCPE Credits: 2.0", [("Taxes", Decimal("2.0"))]),
        (
            "4.0 CPE credits in Auditing and 1.0 CPE credit in Regulatory Ethics",
            [("Auditing", Decimal("4.0")), ("Regulatory Ethics", Decimal("1.0"))],
        ),
        # The split does not add up to the total: keep the fields, let the user type the split.
        (
            "Field of study: Taxes - 3.0, Accounting - 3.0\nTotal CPE credits: 8.0",
            [("Taxes", None), ("Accounting", None)],
        ),
    ],
)
def test_fields_of_study_with_their_credits(text, fields):
    assert _parsed(text)["fields"] == fields


@pytest.mark.parametrize(
    "text",
    [
        "Field of Study: Taxes, Estate Planning",  # not a NASBA field: the list is incomplete
        "Field of Study: Ethics",  # regulatory or behavioral?
        "Economics 101",  # a title, not 101 credits of Economics
        "Field of Study: Taxes - 2.0\nTaxes - 3.0",
    ],
)
def test_doubtful_fields_are_left_empty(text):
    assert _parsed(text)["fields"] == []


@pytest.mark.parametrize(
    ("line", "method"),
    [
        ("Delivery Method: Group Internet Based", "Group Internet Based"),
        ("Delivery format: QAS Self Study", "QAS Self Study"),
        ("Instructional delivery method: Group-Live", "Group Live"),
        ("Format: Self-study", "QAS Self Study"),
        ("Delivery method: Group Internet-Based (Webcast)", "Group Internet Based"),
        ("This nano-learning program was completed online", "Nano Learning"),
        ("Delivery: Live webcast", "Group Internet Based"),
    ],
)
def test_delivery_methods_map_to_the_nasba_names(line, method):
    assert _parsed(line)["delivery_method"] == method


@pytest.mark.parametrize(
    "text",
    [
        "Available as Group Live or Group Internet Based programs",
        "Summit Self-Study CPE, Inc. is registered with NASBA as a sponsor of CPE.",
        "Delivery method: on demand",
    ],
)
def test_doubtful_delivery_methods_are_left_empty(text):
    assert _parsed(text)["delivery_method"] is None


@pytest.mark.parametrize(
    ("line", "sponsor_id"),
    [
        ("NASBA Sponsor ID: 103456", "103456"),
        ("Sponsor # 103456", "103456"),
        ("Registry ID 108765", "108765"),
        ("National Registry of CPE Sponsors ID Number: 112939", "112939"),
        ("Provider: ACME CPE (NASBA #103456)", "103456"),
        ("QAS Sponsor No. 140940", "140940"),
    ],
)
def test_sponsor_ids(line, sponsor_id):
    assert _parsed(line)["sponsor_id"] == sponsor_id


@pytest.mark.parametrize(
    "text",
    [
        "Texas Sponsor #009360",  # a state board's number, not NASBA's
        "NASBA Sponsor ID: 111111\nNASBA Sponsor ID: 222222",
        "Based on the NASBA 2016 fields of study",
        "Certificate number: 123456",
    ],
)
def test_doubtful_sponsor_ids_are_left_empty(text):
    assert _parsed(text)["sponsor_id"] is None


@pytest.mark.parametrize(
    ("text", "title", "sponsor"),
    [
        ("Course Title: Fraud Risk\nProvider: ACME CPE", "Fraud Risk", "ACME CPE"),
        (
            "for successfully completing Lease Accounting Update presented by North CPE on "
            "May 5, 2025",
            "Lease Accounting Update",
            "North CPE",
        ),
        (
            "has successfully completed the following program: Data Analytics, Part 2",
            "Data Analytics, Part 2",
            None,
        ),
        (
            "Jane Doe\nhas successfully completed\nAdvanced Revenue\nRecognition Topics\n"
            "Date Completed: Jan 5, 2025",
            "Advanced Revenue Recognition Topics",
            None,
        ),
        ("Sponsored by: Harbor & Finch LLP, NASBA Sponsor 103456", None, "Harbor & Finch LLP"),
        # A named title wins over "Program:"; two named titles that differ are left to the user.
        ("Program: Year-end\nCourse Title: Tax Essentials", "Tax Essentials", None),
        ("Course Title: Tax Essentials\nProgram Title: Year-end", None, None),
        ("has successfully completed the requirements for 8 CPE credits", None, None),
        ("Sponsor: 103456", None, None),
    ],
)
def test_titles_and_sponsors(text, title, sponsor):
    parsed = _parsed(text)
    assert (parsed["title"], parsed["sponsor"]) == (title, sponsor)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_arbitrary_text_never_crashes_the_parser(text):
    facts = parse_certificate_text(text)
    assert facts.is_empty() == (facts.reason is not None)


_PIECES = st.sampled_from(
    [
        "Sponsor:", "NASBA", "Sponsor ID", "#", "Field of Study:", "Taxes", "\u2013", "4.0",
        "CPE", "credits", "Date:", "March", "2", ",", "2025", "03/02/2025", "31/02/2025",
        "has successfully completed", "\n", "\u201c", "\u201d", "presented by", "Inc.", ".",
        "is registered with NASBA", "(", ")", "Group Live", "Self-study", "Delivery Method:",
        "Total", "hours", "Registry ID", "0", "250", "Program:", "Regulatory Ethics", "|",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map(" ".join))
def test_certificate_like_text_gives_only_sound_facts(text):
    facts = parse_certificate_text(text)
    lines = clean_lines(text)
    for fact in facts.found().values():
        assert all(any(part in line for line in lines) for part in fact.source.split("\n"))
    if facts.credits is not None:
        assert 0 < facts.credits.value <= 200
    assert all(f.value.field in FIELDS_OF_STUDY for f in facts.fields)
    assert all(f.value.credits is None or f.value.credits > 0 for f in facts.fields)
    assert facts.delivery_method is None or facts.delivery_method.value in DELIVERY_METHODS
    assert facts.completed_on is None or 1980 <= facts.completed_on.value.year <= 2100


def test_qas_layout_reads_the_split_given_on_one_line():
    facts = _facts_of(QAS_SELF_STUDY)
    line = "Field of Study: Taxes \u2013 6.0, Regulatory Ethics \u2013 2.0"
    assert [fact.source for fact in facts.fields] == [line, line]


# --- course topics the title names ----------------------------------------------------------

TOPICS = ["California Regulatory Review", "Fraud", "Illinois Sexual Harassment Prevention"]
PLACES = ["California", "Illinois", "New York"]


def test_a_topic_s_significant_words_leave_out_its_jurisdiction():
    assert certificate_names.topic_words("California Regulatory Review", PLACES) == [
        "regulatory",
        "review",
    ]
    assert certificate_names.topic_words("Fraud", PLACES) == ["fraud"]
    assert certificate_names.topic_words("California", PLACES) == ["california"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Regulatory Review 2026", ["California Regulatory Review"]),
        ("CALIFORNIA REGULATORY REVIEW (Board-approved)", ["California Regulatory Review"]),
        (
            "Sexual Harassment Prevention for Illinois CPAs",
            ["Illinois Sexual Harassment Prevention"],
        ),
        ("Fraud risks in small audits", ["Fraud"]),
        ("Regulatory Review and Fraud", ["California Regulatory Review", "Fraud"]),
        # The words side by side and whole, not anywhere in the title.
        ("Review of regulatory changes", []),
        ("Defrauding the taxman: a history", []),
        ("Tax update 2026", []),
    ],
)
def test_the_title_proposes_the_topics_it_names(title, expected):
    assert certificate_names.find_topics(title, TOPICS, PLACES) == expected
