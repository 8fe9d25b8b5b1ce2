"""A demo record's certificate of completion: a small one-page PDF written here, without Qt.

Plain PDF 1.4 with the two standard Helvetica fonts, text placed with text operators as
certificate generators do, so the program's certificate reader (pypdf) reads back the attendee,
the program, the date, the credits per field of study and the delivery method. No timestamps or
random ids are written: the same record gives the same bytes (and the same SHA-256).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

PAGE = (792, 612)  # US Letter, landscape
# (x, y, size, bold, text); x None centres the line on the page.
Line = tuple[float | None, float, float, bool, str]


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")  # what /WinAnsiEncoding shows
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _hours(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _day(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def certificate_lines(
    *,
    attendee: str,
    title: str,
    sponsor: str,
    sponsor_id: str | None,
    started_on: dt.date | None,
    completed_on: dt.date,
    delivery_method: str,
    credits: Sequence[tuple[str, Decimal]],
) -> list[Line]:
    """What the certificate says, line by line."""
    when = _day(completed_on)
    if started_on is not None and started_on != completed_on:
        when = f"{_day(started_on)} - {when}"
    total = sum((amount for _, amount in credits), Decimal(0))
    lines: list[Line] = [
        (None, 520, 28, True, "Certificate of Completion"),
        (None, 480, 13, False, sponsor),
        (None, 440, 11, False, "This certifies that"),
        (None, 410, 22, True, attendee),
        (None, 380, 11, False, "has successfully completed"),
        (None, 350, 16, True, title),
        (90, 306, 11, False, f"Sponsor: {sponsor}"),
        (90, 288, 11, False, f"Date: {when}"),
        (90, 270, 11, False, f"Delivery method: {delivery_method}"),
        (90, 252, 11, False, f"CPE credits: {_hours(total)}"),
    ]
    y = 226
    lines.append((90, y, 11, True, "Field of study"))
    lines.append((420, y, 11, True, "Credits"))
    for field, amount in credits:
        y -= 18
        lines.append((90, y, 11, False, field))
        lines.append((420, y, 11, False, _hours(amount)))
    if sponsor_id:
        lines.append((90, 96, 9, False, f"NASBA sponsor ID: {sponsor_id}"))
    lines.append(
        (90, 82, 8, False, "In accordance with the standards of the National Registry of CPE")
    )
    lines.append(
        (90, 72, 8, False, "Sponsors, CPE credits have been granted based on a 50-minute hour.")
    )
    return lines


def pdf_bytes(lines: Sequence[Line]) -> bytes:
    """A one-page PDF file holding ``lines``."""
    out_ops = [b"0.15 0.3 0.55 RG 3 w 24 24 744 564 re S"]  # a border, as certificates have
    for x, y, size, bold, text in lines:
        if x is None:  # centred: Helvetica averages about half an em per character
            x = (PAGE[0] - len(text) * size * (0.56 if bold else 0.5)) / 2
        font = b"/F2" if bold else b"/F1"
        out_ops.append(b"BT %s %g Tf %g %g Td (%s) Tj ET" % (font, size, x, y, _escape(text)))
    stream = b"\n".join(out_ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>" % PAGE,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
