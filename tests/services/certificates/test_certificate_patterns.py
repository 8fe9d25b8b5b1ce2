"""One test per failure pattern of issue 17 (certificate reading that is right or silent).

Each docstring gives the worked example: what the certificate prints, and what the reader
proposed before. Certificates that depend on where text is drawn are written as PDFs (the
tests' own writer); the others are given as the text a reader sees.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cpe_desktop.services.certificates.layout import Cell, layout_lines
from cpe_desktop.services.certificates.text import parse_certificate_text, read_certificate
from tests.helpers.certificate_pdfs import pdf_bytes

PERSON = "Marcus T. Lee"


def _read(tmp_path, items, person=PERSON):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf_bytes(tuple(items)))
    facts = read_certificate(path, person=person)
    assert facts.reason is None
    return facts


def _fields(facts):
    return {(f.value.field, f.value.credits) for f in facts.fields}


def test_a_quoted_name_is_not_the_title_when_the_quoted_title_wraps(tmp_path):
    """“Marcus T. Lee” / for successfully completing / “Data Analytics for Auditors: From
    Sampling / to Full-Population Testing”: the name was the only one-line quoted string and
    became the title."""
    facts = _read(
        tmp_path,
        [
            (None, 500, 12, False, "This certificate is awarded to"),
            (None, 470, 20, True, f"\u201c{PERSON}\u201d"),
            (None, 440, 12, False, "for successfully completing"),
            (None, 412, 16, True, "\u201cData Analytics for Auditors: From Sampling"),
            (None, 392, 16, True, "to Full-Population Testing\u201d"),
            (110, 340, 11, False, "Date: October 21, 2025"),
        ],
    )
    title = "Data Analytics for Auditors: From Sampling to Full-Population Testing"
    assert facts.title.value == title
    assert "to Full-Population Testing" in facts.title.source
    # As text, the quoted title over a line break is read too, and the name never is.
    text = (
        f"\u201c{PERSON}\u201d\nfor successfully completing\n"
        "\u201cData Analytics for Auditors: From Sampling\nto Full-Population Testing\u201d"
    )
    assert parse_certificate_text(text, PERSON).title.value == title
    assert parse_certificate_text(f"\u201c{PERSON}\u201d\nDate: May 5, 2025", PERSON).title is None


def test_a_wrapped_title_is_read_whole_or_not_at_all(tmp_path):
    """Program: 2025 Fall Federal Tax Conference: / Individual, Partnership and Ethics Tracks
    was cut to "2025 Fall Federal Tax Conference"; a title over three lines with no clear end
    gave its first line."""
    facts = _read(
        tmp_path,
        [
            (None, 505, 24, True, "CERTIFICATE OF COMPLETION"),
            (None, 418, 12, False, "has successfully completed the webcast"),
            (None, 392, 16, True, "Internal Control Over Financial Reporting:"),
            (None, 372, 16, True, "Testing IT General Controls"),
            (110, 330, 11, False, "Date completed: Nov. 4, 2025"),
        ],
    )
    assert facts.title.value == (
        "Internal Control Over Financial Reporting: Testing IT General Controls"
    )
    text = (
        "Program: 2025 Fall Federal Tax Conference:\nIndividual, Partnership and Ethics Tracks\n"
        "Dates: October 6\u20138, 2025"
    )
    assert parse_certificate_text(text).title.value == (
        "2025 Fall Federal Tax Conference: Individual, Partnership and Ethics Tracks"
    )
    unclear = "has successfully completed\nAudit Sampling\nin Practice Today\nAnd Tomorrow Too"
    assert parse_certificate_text(unclear).title is None


def test_lead_in_words_are_not_kept_in_the_title():
    """ "has successfully completed the qualified assessment for / Consolidations and
    Noncontrolling Interests" gave "qualified assessment for Consolidations …"; "attended the
    continuing professional education program / Marketing Your Accounting Practice on
    LinkedIn" gave nothing."""
    assessment = (
        "Hannah Fischer\nhas successfully completed the qualified assessment for\n"
        "Consolidations and Noncontrolling Interests\nCompletion date: Sep 30, 2025"
    )
    assert parse_certificate_text(assessment).title.value == (
        "Consolidations and Noncontrolling Interests"
    )
    program = (
        "Priya Raman attended the continuing professional education program\n"
        "Marketing Your Accounting Practice on LinkedIn\nheld on June 5, 2025"
    )
    facts = parse_certificate_text(program)
    assert facts.title.value == "Marketing Your Accounting Practice on LinkedIn"
    assert facts.completed_on.value == dt.date(2025, 6, 5)
    lead_only = "has successfully completed the qualified assessment for\nCompleted: May 5, 2025"
    assert parse_certificate_text(lead_only).title is None


def test_sponsor_ids_under_their_label_with_two_words_or_as_a_key(tmp_path):
    """ "NASBA SPONSOR REGISTRY ID" over "118004" was missed; "NASBA Registry Sponsor ID:
    148812" was rejected as a state board's number; "nationalRegistry: 112233" was missed."""
    assert parse_certificate_text("NASBA SPONSOR REGISTRY ID\n118004").sponsor_id.value == (
        "118004"
    )
    line = "NASBA Registry Sponsor ID: 148812"
    assert parse_certificate_text(line).sponsor_id.value == "148812"
    assert parse_certificate_text("sponsor:\nnationalRegistry: 112233").sponsor_id.value == (
        "112233"
    )
    assert parse_certificate_text("Texas State Board sponsor number 8841").sponsor_id is None
    # In a column, under its label, beside another column's lines.
    facts = _read(
        tmp_path,
        [
            (110, 330, 11, False, "Date completed: Nov. 4, 2025"),
            (430, 330, 11, False, "CPE credits: 3.0"),
            (110, 312, 11, False, "Sponsor ID"),
            (430, 312, 11, False, "Program level: Basic"),
            (110, 298, 11, False, "144872"),
        ],
    )
    assert facts.sponsor_id.value == "144872"
    assert facts.sponsor_id.source == "Sponsor ID\n144872"


def test_credits_per_field_in_hours_and_in_a_field():
    """ "Field(s) of study & CPE credits:" over "Taxes: 6 hour(s)" was cut at "CPE credits:"
    and the fields dropped; "CPE credit: 1.2 in Information Technology" gave no field."""
    text = (
        "Total CPE credits: 8\nField(s) of study & CPE credits:\nTaxes: 6 hour(s)\n"
        "Regulatory Ethics: 2 hour(s)\nNASBA Registry Sponsor ID: 148812"
    )
    facts = parse_certificate_text(text)
    assert _fields(facts) == {("Taxes", Decimal(6)), ("Regulatory Ethics", Decimal(2))}
    assert facts.credits.value == 8
    one = parse_certificate_text("CPE credit: 1.2 in Information Technology")
    assert _fields(one) == {("Information Technology", Decimal("1.2"))}
    assert one.credits.value == Decimal("1.2")
    inside = parse_certificate_text("CPE credits: 2.0 (Communications and Marketing)")
    assert _fields(inside) == {("Communications and Marketing", Decimal("2.0"))}


def test_sponsors_after_authorized_by_presented_by_and_a_name_key():
    """ "Authorized by Ledgerline Learning LLC", "Presented by Northfield CPE Academy" and a
    "sponsor:" block's "name: Pinecrest Learning Co." gave no sponsor (or "name: …")."""
    assert parse_certificate_text("Authorized by Ledgerline Learning LLC").sponsor.value == (
        "Ledgerline Learning LLC"
    )
    assert parse_certificate_text("Presented by Northfield CPE Academy").sponsor.value == (
        "Northfield CPE Academy"
    )
    block = "participant:\nname: Ethan Walker\nsponsor:\nname: Pinecrest Learning Co."
    facts = parse_certificate_text(block)
    assert facts.sponsor.value == "Pinecrest Learning Co."
    assert facts.sponsor.source == "sponsor:\nname: Pinecrest Learning Co."
    # The participant's name is not a sponsor, however it is introduced.
    assert parse_certificate_text("Presented by Ann Member", "Ann Member").sponsor is None


def test_a_flattened_form_pairs_each_value_with_its_label(tmp_path):
    """A filled and flattened form draws "Course Title:", "Sponsor:" … first and the values
    after all of them; the text came out as eight labels then eight values, and the title,
    the sponsor id and the credits were missed."""
    labels = ["Participant Name:", "Course Title:", "Sponsor:", "NASBA Sponsor ID:"]
    labels += ["Date Completed:", "CPE Credits:", "Field of Study:", "Delivery Method:"]
    values = [PERSON, "S Corporation Basis and Distributions", "Keystone Tax Institute"]
    values += ["103377", "07/22/2025", "4.0", "Taxes (4.0)", "Group Live"]
    items = [(100, 470 - i * 28, 11, True, label) for i, label in enumerate(labels)]
    items += [(260, 470 - i * 28, 11, False, value) for i, value in enumerate(values)]
    facts = _read(tmp_path, items)
    assert facts.title.value == "S Corporation Basis and Distributions"
    assert facts.title.source == "Course Title: S Corporation Basis and Distributions"
    assert facts.sponsor.value == "Keystone Tax Institute"
    assert facts.sponsor_id.value == "103377"
    assert facts.completed_on.value == dt.date(2025, 7, 22)
    assert facts.credits.value == Decimal("4.0")
    assert _fields(facts) == {("Taxes", Decimal("4.0"))}
    assert facts.delivery_method.value == "Group Live"


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


_NAMES = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
_SHAPES = st.sampled_from(
    [
        "\u201c{name}\u201d", "Course Title: {name}", "has successfully completed {name}",
        "for successfully completing\n\u201c{name}\u201d", "Program:\n{name}", "{name}",
        "Title: {name}\nDate: May 5, 2025", "Presented to\n{name}", '"{name}"',
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600), _NAMES)
def test_arbitrary_text_never_crashes_the_reader(text, person):
    facts = parse_certificate_text(text, person)
    assert facts.is_empty() == (facts.reason is not None)
    assert facts.title is None or _key(facts.title.value) != _key(person)


@settings(max_examples=400, deadline=None)
@given(_NAMES, st.lists(_SHAPES, min_size=1, max_size=5), st.text(max_size=80))
def test_the_person_s_name_is_never_proposed_as_the_title(person, shapes, noise):
    text = "\n".join(shape.format(name=person) for shape in shapes) + "\n" + noise
    facts = parse_certificate_text(text, person)
    assert facts.title is None or _key(facts.title.value) != _key(person)


_CELLS = st.builds(
    Cell,
    st.floats(-1000, 1000),
    st.floats(-1000, 1000),
    st.floats(0.5, 60),
    st.sampled_from(["/Helvetica", "/Helvetica-Bold", ""]),
    st.text(min_size=1, max_size=60),
    st.floats(-1000, 2000),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELLS, max_size=40))
def test_any_placement_of_text_gives_lines_without_losing_text(cells):
    pieces = sorted(c.text for c in cells)
    lines = layout_lines([Cell(c.x, c.y, c.size, c.font, c.text, c.right) for c in cells])
    for piece in pieces:
        assert any(piece in line for line in lines)


def test_a_page_drawn_upside_down_and_flipped_back_reads_top_to_bottom(tmp_path):
    """Browsers' PDF writers flip the page (``1 0 0 -1 0 612 cm``) and each line back with its
    text matrix; the rows still read from the top of the page down."""
    lines = [(100, "Course Title: Audit Sampling"), (130, "Date completed: May 5, 2025")]
    lines += [(160, "NASBA SPONSOR REGISTRY ID"), (176, "118004")]
    body = b"1 0 0 -1 0 612 cm\n" + b"\n".join(
        b"BT /F1 11 Tf 1 0 0 -1 72 %d Tm (%s) Tj ET" % (top, text.encode()) for top, text in lines
    )
    path = tmp_path / "flipped.pdf"
    path.write_bytes(pdf_bytes((), stream=body))
    facts = read_certificate(path)
    assert facts.title.value == "Audit Sampling"
    assert facts.completed_on.value == dt.date(2025, 5, 5)
    assert facts.sponsor_id.value == "118004"
