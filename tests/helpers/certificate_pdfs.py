"""Certificate PDFs made in the tests, in the styles real sponsors use, with what they say.

Each layout is written as plain PDF syntax (Helvetica text placed with text operators, as word
processors and certificate generators do), so the service tests need no Qt. A layout places its
lines where a real certificate has them: columns side by side on one baseline, the NASBA
statement wrapped over several lines, a table of fields of study, letterheads and signatures.
``expected`` holds the facts a careful reader takes from it. The sponsors, people and numbers
are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

# (x, y, size, bold, text); x None centres the line on the page.
Item = tuple[float | None, float, float, bool, str]
PAGE = (792, 612)  # US Letter, landscape

NASBA_STATEMENT = (
    "{sponsor} is registered with the National Association of State Boards of Accountancy",
    "(NASBA) as a sponsor of continuing professional education on the National Registry of CPE",
    "Sponsors. State boards of accountancy have final authority on the acceptance of individual",
    "courses for CPE credit. Complaints regarding registered sponsors may be submitted to the",
    "National Registry of CPE Sponsors through its website: www.nasbaregistry.org.",
)


@dataclass(frozen=True)
class Layout:
    name: str
    items: tuple[Item, ...]
    expected: dict[str, object] = field(default_factory=dict)

    def pdf(self) -> bytes:
        return pdf_bytes(self.items)

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.name}.pdf"
        path.write_bytes(self.pdf())
        return path


def _statement(sponsor: str, y: float, size: float = 8) -> tuple[Item, ...]:
    lines = [line.format(sponsor=sponsor) for line in NASBA_STATEMENT]
    return tuple((72, y - i * (size + 2), size, False, line) for i, line in enumerate(lines))


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")  # what /WinAnsiEncoding shows: “ ” – & and friends
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def content_stream(items: tuple[Item, ...]) -> bytes:
    """The page's drawing operators: one text object per placed line."""
    out = [b"0.8 0.6 0.2 RG 3 w 24 24 744 564 re S"]  # a border, as certificates have
    for x, y, size, bold, text in items:
        if x is None:  # centred: Helvetica averages about half an em per character
            x = (PAGE[0] - len(text) * size * (0.56 if bold else 0.5)) / 2
        font = b"/F2" if bold else b"/F1"
        out.append(b"BT %s %g Tf %g %g Td (%s) Tj ET" % (font, size, x, y, _escape(text)))
    return b"\n".join(out)


def pdf_bytes(items: tuple[Item, ...], *, stream: bytes | None = None) -> bytes:
    """A one-page PDF 1.4 file with the two standard Helvetica fonts and a cross-reference table."""
    data = content_stream(items) if stream is None else stream
    fonts = b"/Font << /F1 4 0 R /F2 5 0 R >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << %s >> "
        b"/Contents 6 0 R >>" % (*PAGE, fonts),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def scanned_pdf() -> bytes:
    """A certificate that was scanned: a page of drawing (here: grey blocks), no text at all."""
    blocks = b"\n".join(
        b"0.%d g %d %d %d 14 re f" % (3 + i % 5, 90 + (i % 3) * 20, 500 - i * 24, 420 - i * 9)
        for i in range(14)
    )
    return pdf_bytes((), stream=blocks)


BIG_FOUR_WEBCAST = Layout(
    "big_four_webcast",
    (
        (72, 550, 14, True, "Harbor & Finch LLP"),
        (None, 480, 26, True, "CERTIFICATE OF COMPLETION"),
        (None, 440, 12, False, "This certifies that"),
        (None, 405, 24, False, "Jane Q. Accountant"),
        (None, 375, 12, False, "has successfully completed the webcast"),
        (None, 345, 18, True, "\u201cRevenue Recognition: Lessons From the First Year\u201d"),
        (110, 300, 11, False, "Date completed: March 2, 2025"),
        (430, 300, 11, False, "CPE credits: 2.0"),
        (110, 282, 11, False, "Field of study: Accounting"),
        (430, 282, 11, False, "Delivery method: Group Internet Based"),
        (110, 264, 11, False, "NASBA Sponsor ID: 103456"),
        (430, 264, 11, False, "Program level: Intermediate"),
        (110, 200, 10, False, "Maya Ortiz, Partner, Learning & Development"),
        *_statement("Harbor & Finch LLP", 150),
        (72, 86, 8, False, "In accordance with the standards of the National Registry of CPE"),
        (72, 76, 8, False, "Sponsors, CPE credits have been granted based on a 50-minute hour."),
    ),
    {
        "title": "Revenue Recognition: Lessons From the First Year",
        "sponsor": "Harbor & Finch LLP",
        "sponsor_id": "103456",
        "completed_on": dt.date(2025, 3, 2),
        "credits": Decimal("2.0"),
        "fields": [("Accounting", Decimal("2.0"))],
        "delivery_method": "Group Internet Based",
    },
)

STATE_SOCIETY_SEMINAR = Layout(
    "state_society_seminar",
    (
        (None, 545, 16, True, "Lakeshore Society of Certified Public Accountants"),
        (None, 500, 24, True, "Certificate of Attendance"),
        (120, 450, 12, False, "Awarded to: Robert Member, CPA"),
        (120, 430, 12, False, "Program: 2025 Annual Tax & Ethics Conference"),
        (120, 410, 12, False, "Program Dates: June 10\u201312, 2025"),
        (120, 390, 12, False, "Location: Chicago, Illinois"),
        (120, 370, 12, False, "Instructional Delivery Method: Group-Live"),
        (120, 340, 11, True, "Field of Study"),
        (420, 340, 11, True, "CPE Credits"),
        (120, 322, 11, False, "Taxes"),
        (420, 322, 11, False, "12.0"),
        (120, 306, 11, False, "Regulatory Ethics"),
        (420, 306, 11, False, "4.0"),
        (120, 290, 11, False, "Business Management & Organization"),
        (420, 290, 11, False, "2.0"),
        (120, 268, 11, True, "Total CPE Credits: 18.0"),
        (120, 240, 10, False, "Sponsor: Lakeshore Society of Certified Public Accountants"),
        (120, 226, 10, False, "NASBA Sponsor #108765"),
        (120, 212, 10, False, "Illinois CPE Sponsor License #158.000123"),
        (120, 180, 9, False, "Recommended CPE credits are based on a 50-minute hour."),
    ),
    {
        "title": "2025 Annual Tax & Ethics Conference",
        "sponsor": "Lakeshore Society of Certified Public Accountants",
        "sponsor_id": "108765",
        "completed_on": dt.date(2025, 6, 12),
        "credits": Decimal("18.0"),
        "fields": [
            ("Taxes", Decimal("12.0")),
            ("Regulatory Ethics", Decimal("4.0")),
            ("Business Management & Organization", Decimal("2.0")),
        ],
        "delivery_method": "Group Live",
    },
)

QAS_SELF_STUDY = Layout(
    "qas_self_study",
    (
        (72, 560, 11, True, "Summit Self-Study CPE, Inc."),
        (72, 546, 9, False, "400 Ridge Road, Boulder, CO 80302"),
        (None, 490, 22, True, "Certificate of Completion"),
        (None, 460, 12, False, "Presented to Ann Member"),
        (100, 410, 12, False, "Course Title: Individual Taxation Update 2025"),
        (100, 390, 12, False, "Date Completed: 03/02/2025"),
        (100, 370, 12, False, "Recommended CPE credit: 8.0 hours"),
        (100, 350, 12, False, "Field of Study: Taxes \u2013 6.0, Regulatory Ethics \u2013 2.0"),
        (100, 330, 12, False, "Delivery Method: QAS Self Study"),
        (100, 310, 12, False, "Registry ID 112233"),
        (100, 280, 10, False, "Final examination passed with a score of 85%. Issued 03/03/2025."),
        *_statement("Summit Self-Study CPE, Inc.", 220),
        (72, 150, 8, False, "Summit Self-Study CPE, Inc. is registered with NASBA as a"),
        (72, 140, 8, False, "Quality Assurance Service (QAS) sponsor of continuing professional"),
        (72, 130, 8, False, "education."),
    ),
    {
        "title": "Individual Taxation Update 2025",
        "sponsor": "Summit Self-Study CPE, Inc.",
        "sponsor_id": "112233",
        "completed_on": dt.date(2025, 3, 2),
        "credits": Decimal("8.0"),
        "fields": [("Taxes", Decimal("6.0")), ("Regulatory Ethics", Decimal("2.0"))],
        "delivery_method": "QAS Self Study",
    },
)

NANO_LEARNING = Layout(
    "nano_learning",
    (
        (72, 540, 20, True, "BriteByte Learning"),
        (72, 515, 12, False, "Nano Learning Certificate"),
        (72, 470, 12, False, "Participant: Ann Member"),
        (72, 450, 12, False, "Program: Lease Classification Basics"),
        (72, 430, 12, False, "Completion date: 2 March 2025"),
        (72, 410, 12, False, "Credits: 0.2 CPE"),
        (72, 390, 12, False, "Field of Study: Accounting"),
        (72, 370, 12, False, "Delivery Method: Nano Learning"),
        (72, 350, 12, False, "Sponsor: BriteByte Learning LLC"),
        (72, 330, 12, False, "NASBA Sponsor Number: 145678"),
    ),
    {
        "title": "Lease Classification Basics",
        "sponsor": "BriteByte Learning LLC",
        "sponsor_id": "145678",
        "completed_on": dt.date(2025, 3, 2),
        "credits": Decimal("0.2"),
        "fields": [("Accounting", Decimal("0.2"))],
        "delivery_method": "Nano Learning",
    },
)

TAX_ASSOCIATION_WEBINAR = Layout(
    "tax_association_webinar",
    (
        (None, 520, 24, True, "Certificate of Completion"),
        (None, 470, 13, False, "Awarded to Ann Member for successfully completing"),
        (None, 440, 18, True, "Ethics for Tax Professionals"),
        (None, 410, 12, False, "presented by Prairie Tax Educators on 2025-03-02"),
        (None, 370, 12, False, "Field(s) of Study: Regulatory Ethics (2.0), Taxes (2.0)"),
        (None, 350, 12, False, "4 CPE hours | Group Internet Based"),
        (None, 330, 12, False, "NASBA Registry ID 108765 \u2022 IRS Provider 4ABC7"),
    ),
    {
        "title": "Ethics for Tax Professionals",
        "sponsor": "Prairie Tax Educators",
        "sponsor_id": "108765",
        "completed_on": dt.date(2025, 3, 2),
        "credits": Decimal("4"),
        "fields": [("Regulatory Ethics", Decimal("2.0")), ("Taxes", Decimal("2.0"))],
        "delivery_method": "Group Internet Based",
    },
)

LAYOUTS = (
    BIG_FOUR_WEBCAST,
    STATE_SOCIETY_SEMINAR,
    QAS_SELF_STUDY,
    NANO_LEARNING,
    TAX_ASSOCIATION_WEBINAR,
)


def reading_order(layout: Layout) -> list[str]:
    """The lines a reader sees, top to bottom, pieces on one baseline left to right."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, size, bold, text in layout.items:
        left = (PAGE[0] - len(text) * size * (0.56 if bold else 0.5)) / 2 if x is None else x
        rows.setdefault(y, []).append((left, text))
    return [" ".join(text for _, text in sorted(rows[y])) for y in sorted(rows, reverse=True)]
