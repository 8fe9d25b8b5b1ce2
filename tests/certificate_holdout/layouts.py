"""Holdout certificate layouts: written apart from the reader, to test it (see README.md).

Same conventions as ``tests/certificate_corpus/layouts.py``: each layout is a function from a
truth file (``truth/*.json``) to the lines it places on the page as
``tests.helpers.certificate_pdfs`` draws them, (x, y, size, bold, text) with x None for a centred
line. ``expected`` holds what a careful reader takes from the certificate (an element it does not
print is left out); ``printed`` how this certificate spells things, and the elements it prints
that are not expected of a reader (hours that are not CPE credits, an IRS provider number, a PTIN).
"""

from __future__ import annotations

from typing import Any

from tests.helpers.certificate_pdfs import NASBA_STATEMENT, Item

Truth = dict[str, Any]
TIME_STATEMENT = "CPE credits have been granted based on a 50-minute hour."


def _e(t: Truth, key: str, default: Any = "") -> Any:
    return t["expected"].get(key, default)


def _p(t: Truth, key: str, default: Any = "") -> Any:
    return t["printed"].get(key, default)


def _title(t: Truth) -> list[str]:
    return _p(t, "title_lines") or [_e(t, "title")]


def _statement(sponsor: str, y: float, x: float = 72, size: float = 7) -> list[Item]:
    lines = [line.format(sponsor=sponsor) for line in NASBA_STATEMENT]
    return [(x, y - i * (size + 2), size, False, line) for i, line in enumerate(lines)]


def _centred(lines: list[str], y: float, size: float, step: float) -> list[Item]:
    return [(None, y - i * step, size, True, line) for i, line in enumerate(lines)]


def webcast_day_of(t: Truth) -> list[Item]:
    """A landscape webcast certificate with a very large centred "CERTIFICATE", the date written
    "given this 14th day of March, 2025" and credits as "CPE Credits: 1.5 (Specialized
    Knowledge)"; an LLC's name and address on top."""
    ((field, credits),) = _e(t, "fields")
    title = _title(t)
    low = 330 - len(title) * 22
    return [
        (None, 560, 13, True, _e(t, "sponsor")),
        (None, 546, 9, False, _p(t, "address")),
        (None, 492, 40, True, "CERTIFICATE"),
        (None, 462, 16, False, "of Completion"),
        (None, 428, 11, False, "This is to certify that"),
        (None, 394, 26, True, t["participant"]),
        (None, 362, 11, False, "has completed the live webcast"),
        *_centred(title, 336, 16, 22),
        (None, low, 11, False, f"given this {_p(t, 'date')}"),
        (120, low - 44, 11, False, f"CPE Credits: {credits} ({field})"),
        (120, low - 60, 11, False, f"Delivery Method: {_e(t, 'delivery_method')}"),
        (470, low - 44, 11, False, f"NASBA Sponsor ID: {_e(t, 'sponsor_id')}"),
        (470, low - 60, 11, False, "Program Level: Overview"),
        (120, 170, 10, False, _p(t, "signer")),
        (120, 158, 8, False, "Director, Continuing Professional Education"),
        *_statement(_e(t, "sponsor"), 130),
        (72, 76, 7, False, TIME_STATEMENT),
    ]


def qas_exam_completion(t: Truth) -> list[Item]:
    """A self-study publisher's certificate (the elements funcpe.com lists: course number,
    certificate number, IRS program number, state sponsor numbers): "upon passing the final
    examination", "Date of completion: 02/17/2025", a field/credit table beside the facts."""
    items: list[Item] = [
        (72, 565, 12, True, _e(t, "sponsor")),
        (72, 552, 8, False, _p(t, "address")),
        (560, 565, 9, False, f"Certificate No. {_p(t, 'certificate_no')}"),
        (None, 505, 24, True, "Certificate of Completion"),
        (None, 478, 11, False, "Awarded to"),
        (None, 455, 18, True, t["participant"]),
        (None, 430, 11, False, "upon passing the final examination of the self-study course"),
        *_centred(_title(t), 405, 15, 20),
        (110, 340, 10, False, f"Course number: {_p(t, 'course_no')}"),
        (110, 324, 10, False, f"Date of completion: {_p(t, 'date')}"),
        (110, 308, 10, False, f"Delivery method: {_e(t, 'delivery_method')}"),
        (110, 292, 10, False, f"Recommended CPE credits: {_e(t, 'credits')}"),
        (420, 340, 10, True, "Field of study"),
        (620, 340, 10, True, "Credits"),
    ]
    for i, (field, credits) in enumerate(_e(t, "fields")):
        items += [(420, 324 - i * 16, 10, False, field), (620, 324 - i * 16, 10, False, credits)]
    items += [
        (110, 258, 9, False, f"National Registry sponsor ID: {_e(t, 'sponsor_id')}"),
        (110, 245, 9, False, f"IRS program number: {_p(t, 'irs_number')}"),
        (110, 232, 9, False, _p(t, "state_numbers")),
        (520, 245, 9, False, _p(t, "signer")),
        (520, 233, 8, False, "Registrar"),
        *_statement(_e(t, "sponsor"), 200),
        (72, 146, 7, False, f"{_e(t, 'sponsor')} is registered with NASBA as a Quality"),
        (
            72,
            137,
            7,
            False,
            "Assurance Service (QAS) sponsor of continuing professional education.",
        ),
        (72, 124, 7, False, TIME_STATEMENT),
    ]
    return items


def irs_ea_certificate(t: Truth) -> list[Item]:
    """An IRS-approved continuing-education provider's certificate for an enrolled agent (the
    IRS asks for the program number on it and keeps attendance by PTIN): provider number,
    program number and PTIN, hours in an IRS category, no NASBA sponsor id."""
    return [
        (None, 550, 22, True, "Certificate of Completion"),
        (None, 528, 10, False, "IRS Approved Continuing Education Provider"),
        (100, 480, 11, False, f"Participant name: {t['participant']}"),
        (100, 462, 11, False, f"PTIN: {_p(t, 'ptin')}"),
        (100, 444, 11, False, f"Program title: {_e(t, 'title')}"),
        (100, 426, 11, False, f"IRS program number: {_p(t, 'irs_number')}"),
        (100, 408, 11, False, f"Date of completion: {_p(t, 'date')}"),
        (100, 390, 11, False, f"CE hours: {_p(t, 'hours')}"),
        (100, 372, 11, False, f"Delivery method: {_e(t, 'delivery_method')}"),
        (100, 340, 11, False, f"Provider name: {_e(t, 'sponsor')}"),
        (100, 322, 11, False, f"IRS provider number: {_p(t, 'provider_number')}"),
        (100, 304, 11, False, _p(t, "address")),
        (100, 250, 10, False, _p(t, "signer")),
        (100, 238, 8, False, "Authorized signature"),
        (72, 160, 8, False, "Hours are reported to the IRS under the participant's PTIN."),
    ]


def isaca_chapter_attendance(t: Truth) -> list[Item]:
    """A professional association chapter's webinar certificate (ISACA's audit documentation
    asks for the attendee, the sponsoring organisation, the title, the date and the CPE hours):
    no NASBA id, no field of study, no delivery method, the date "21 May 2025"."""
    return [
        (72, 560, 14, True, _e(t, "sponsor")),
        (None, 500, 26, True, "Certificate of Attendance"),
        (None, 465, 12, False, "presented to"),
        (None, 435, 22, True, t["participant"]),
        (None, 405, 12, False, "for attending the chapter webinar"),
        *_centred([f"\u201c{line}\u201d" for line in _title(t)], 380, 16, 20),
        (None, 330, 12, False, f"held on {_p(t, 'date')}"),
        (None, 312, 12, False, f"and is awarded {_p(t, 'hours')} CPE hours"),
        (120, 220, 10, False, _p(t, "signer")),
        (120, 208, 8, False, "Chapter President"),
        (72, 150, 8, False, "One CPE hour is awarded for each 50 minutes of active participation."),
    ]


def iia_two_day_seminar(t: Truth) -> list[Item]:
    """An internal auditors' chapter seminar over two days: the participant's name (one that
    reads like words) printed large without a lead-in, a date range, location, one field."""
    ((field, _credits),) = _e(t, "fields")
    title = _title(t)
    low = 430 - len(title) * 20
    return [
        (None, 565, 12, True, _e(t, "sponsor")),
        (None, 520, 24, True, "Certificate of Completion"),
        (None, 480, 28, True, t["participant"]),
        (None, 452, 11, False, "attended the seminar"),
        *_centred(_title(t), 430, 15, 20),
        (140, low - 20, 11, False, f"Dates: {_p(t, 'date')}"),
        (140, low - 36, 11, False, f"Location: {_p(t, 'location')}"),
        (140, low - 52, 11, False, f"Delivery method: {_e(t, 'delivery_method')}"),
        (440, low - 20, 11, False, f"CPE credits earned: {_e(t, 'credits')}"),
        (440, low - 36, 11, False, f"Field of study: {field}"),
        (440, low - 52, 11, False, f"NASBA Registry #{_e(t, 'sponsor_id')}"),
        (140, 200, 10, False, _p(t, "signer")),
        (140, 188, 8, False, "Chapter Education Chair"),
        *_statement(_e(t, "sponsor"), 150),
        (72, 100, 7, False, TIME_STATEMENT),
    ]


def conference_sessions(t: Truth) -> list[Item]:
    """A conference's combined certificate (Conference i/o: the total of the sessions attended
    and a breakdown by session): session titles and dates in a table, the conference's name as
    the program, per-field totals under the table."""
    items: list[Item] = [
        (None, 568, 12, True, _e(t, "sponsor")),
        (None, 555, 8, False, _p(t, "address")),
        (None, 522, 22, True, "Certificate of Attendance"),
        (None, 497, 11, False, "This certifies that"),
        (None, 474, 18, True, t["participant"]),
        (None, 452, 11, False, "attended the following sessions of"),
        *_centred(_title(t), 430, 15, 20),
        (None, 405, 11, False, f"{_p(t, 'date')} \u00b7 {_p(t, 'location')}"),
        (72, 378, 9, True, "Session"),
        (390, 378, 9, True, "Date"),
        (470, 378, 9, True, "Field of study"),
        (650, 378, 9, True, "CPE"),
    ]
    sessions = _p(t, "sessions")
    for i, (name, day, field, credits) in enumerate(sessions):
        y = 364 - i * 13
        items += [
            (72, y, 9, False, name),
            (390, y, 9, False, day),
            (470, y, 9, False, field),
            (650, y, 9, False, credits),
        ]
    low = 364 - len(sessions) * 13 - 12
    totals = "; ".join(f"{f} {c}" for f, c in _e(t, "fields"))
    items += [
        (72, low, 10, True, f"Total CPE credits: {_e(t, 'credits')}"),
        (72, low - 14, 10, False, f"By field of study: {totals}"),
        (72, low - 28, 10, False, f"Instructional delivery method: {_e(t, 'delivery_method')}"),
        (72, low - 42, 10, False, f"NASBA Sponsor ID: {_e(t, 'sponsor_id')}"),
        (470, low - 42, 10, False, _p(t, "signer")),
        *_statement(_e(t, "sponsor"), 150),
        (72, 100, 7, False, TIME_STATEMENT),
    ]
    return items


def university_ceu(t: Truth) -> list[Item]:
    """A university's non-credit continuing-studies certificate: Continuing Education Units
    (one CEU is ten contact hours), not CPE credits; no field of study, no NASBA id."""
    return [
        (None, 560, 14, True, _e(t, "sponsor")),
        (None, 500, 26, True, "Certificate of Completion"),
        (None, 465, 12, False, "This certifies that"),
        (None, 438, 20, True, t["participant"]),
        (None, 410, 12, False, "has satisfactorily completed the non-credit course"),
        *_centred(_title(t), 385, 16, 20),
        (None, 345, 12, False, f"on {_p(t, 'date')}"),
        (None, 325, 12, False, _p(t, "ceu_line")),
        (140, 230, 10, False, _p(t, "signer")),
        (140, 218, 8, False, "Dean"),
        (72, 140, 8, False, "One Continuing Education Unit (CEU) is ten contact hours of"),
        (72, 130, 8, False, "participation in an organised continuing education experience."),
    ]


def training_no_credit(t: Truth) -> list[Item]:
    """A training company's course-completion certificate with no CPE credit: the course's
    length in hours, the date and a certificate number above their captions."""
    return [
        (None, 540, 24, True, "Certificate of Completion"),
        (None, 505, 12, False, "This certificate is awarded to"),
        (None, 475, 22, True, t["participant"]),
        (None, 445, 12, False, f"for successfully completing the {_p(t, 'hours')}-hour"),
        (None, 429, 12, False, f"instructor-led training course provided by {_e(t, 'sponsor')} in"),
        *_centred(_title(t), 400, 17, 22),
        (200, 300, 12, False, _p(t, "date")),
        (200, 286, 9, False, "Date of Completion"),
        (470, 300, 12, False, _p(t, "certificate_no")),
        (470, 286, 9, False, "Certificate Number"),
        (470, 230, 10, False, _p(t, "signer")),
        (
            None,
            150,
            8,
            False,
            "This certificate does not award continuing professional education credit.",
        ),
    ]


def provider_grid(t: Truth) -> list[Item]:
    """A national CPE provider's webcast certificate: a two-column table of labels and values,
    the course title wrapped in its cell, prerequisites and program level, the NASBA number and
    two state boards' numbers on one line."""
    title = _title(t)
    rows = [("Course title", title[0])] + [("", line) for line in title[1:]]
    rows += [
        ("Course ID", _p(t, "course_id")),
        ("Date completed", _p(t, "date")),
        ("Delivery method", _e(t, "delivery_method")),
        ("Field of study", ", ".join(f for f, _ in _e(t, "fields"))),
        ("CPE credits", _e(t, "credits")),
        ("Program level", "Intermediate"),
        ("Prerequisites", _p(t, "prerequisites")),
    ]
    items: list[Item] = [
        (72, 565, 13, True, _e(t, "sponsor")),
        (72, 552, 8, False, _p(t, "address")),
        (None, 505, 26, True, "CERTIFICATE OF COMPLETION"),
        (None, 472, 18, True, t["participant"]),
        (None, 452, 10, False, "has successfully completed the following live webcast"),
    ]
    for i, (label, value) in enumerate(rows):
        y = 420 - i * 16
        if label:
            items.append((130, y, 10, True, label))
        items.append((290, y, 10, False, value))
    low = 420 - len(rows) * 16 - 14
    items += [
        (130, low, 9, False, _p(t, "numbers_line")),
        (130, low - 30, 10, False, _p(t, "signer")),
        *_statement(_e(t, "sponsor"), 150),
        (72, 100, 7, False, TIME_STATEMENT),
    ]
    return items


def marketplace_webinar(t: Truth) -> list[Item]:
    """A CPE marketplace's live-webinar certificate: the date with its weekday, credits as
    "CPE Credits: 1.0 (Taxes)", the instructor with designations, the sponsor block in a second
    column, a title with inner quotes and a dash."""
    ((field, credits),) = _e(t, "fields")
    title = _title(t)
    low = 408 - len(title) * 20 - 20
    return [
        (72, 565, 12, True, _e(t, "sponsor")),
        (None, 510, 22, True, "Certificate of Completion"),
        (None, 485, 11, False, "Proudly presented to"),
        (None, 460, 20, True, t["participant"]),
        (None, 432, 11, False, "for completing the live webinar"),
        *_centred(title, 408, 15, 20),
        (130, low, 11, False, f"Webinar date: {_p(t, 'date')}"),
        (130, low - 16, 11, False, f"CPE Credits: {credits} ({field})"),
        (130, low - 32, 11, False, f"Delivery Method: {_e(t, 'delivery_method')}"),
        (130, low - 48, 11, False, f"Instructor: {_p(t, 'instructor')}"),
        (450, low, 11, False, f"Sponsor: {_e(t, 'sponsor')}"),
        (450, low - 16, 11, False, _p(t, "address")),
        (450, low - 32, 11, False, f"NASBA Sponsor Number: {_e(t, 'sponsor_id')}"),
        (450, low - 48, 11, False, "Attendance verified by 3 of 4 polls"),
        *_statement(_e(t, "sponsor"), 170),
        (72, 116, 7, False, TIME_STATEMENT),
    ]


def nano_card(t: Truth) -> list[Item]:
    """A nano-learning app's card: a brand mark that is not the sponsor's name, the date as
    "July 9th, 2025", credits, field and method on one line split by bars, the sponsor and its
    NASBA id on one line."""
    ((field, credits),) = _e(t, "fields")
    return [
        (72, 560, 16, True, _p(t, "brand")),
        (72, 520, 11, False, "Nano Learning Certificate of Completion"),
        (72, 480, 13, True, _e(t, "title")),
        (72, 460, 11, False, f"Earned by {t['participant']}"),
        (72, 440, 11, False, f"Completed {_p(t, 'date')} after passing the nano assessment"),
        (72, 420, 11, False, f"{credits} CPE | {field} | {_e(t, 'delivery_method')}"),
        (
            72,
            400,
            11,
            False,
            f"Sponsor: {_e(t, 'sponsor')} \u00b7 NASBA Sponsor ID {_e(t, 'sponsor_id')}",
        ),
        (72, 360, 7, False, TIME_STATEMENT),
    ]


def society_witness(t: Truth) -> list[Item]:
    """A state society's formal group-live certificate: "In witness whereof … this 3rd day of
    December, 2025", fields and credits as "Accounting (Governmental) – 4.0" in one line split
    by a vertical bar, the location, the registry id after "Registry Sponsor No."."""
    fields = " | ".join(f"{f} \u2013 {c}" for f, c in _e(t, "fields"))
    title = _title(t)
    low = 420 - len(title) * 20
    return [
        (None, 565, 15, True, _e(t, "sponsor")),
        (None, 550, 9, False, _p(t, "address")),
        (None, 505, 28, True, "Certificate of Participation"),
        (None, 472, 12, False, "Be it known that"),
        (None, 446, 20, True, t["participant"]),
        (None, 424, 11, False, "participated in the program"),
        *_centred(title, 400, 15, 20),
        (120, low - 30, 11, False, f"Location: {_p(t, 'location')}"),
        (120, low - 46, 11, False, f"Delivery Method: {_e(t, 'delivery_method')}"),
        (120, low - 62, 11, False, f"Total CPE Credits: {_e(t, 'credits')}"),
        (120, low - 78, 11, False, f"Field(s) of Study: {fields}"),
        (120, low - 94, 11, False, f"Registry Sponsor No. {_e(t, 'sponsor_id')}"),
        (
            120,
            low - 124,
            11,
            False,
            f"In witness whereof, this certificate is given this {_p(t, 'date')}.",
        ),
        (480, 160, 10, False, _p(t, "signer")),
        (480, 148, 8, False, "President and Chief Executive Officer"),
        *_statement(_e(t, "sponsor"), 130),
        (72, 76, 7, False, TIME_STATEMENT),
    ]
