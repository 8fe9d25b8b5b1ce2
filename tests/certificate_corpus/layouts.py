"""Certificate layouts in the style of real CPE sponsors and platforms (see README.md).

Each layout is a function from a certificate's truth file (``truth/*.json``) to the lines it
places on the page, as ``tests.helpers.certificate_pdfs`` draws them: (x, y, size, bold, text),
x None for a centred line. What a layout prints comes from the truth file: ``expected`` holds the
values a careful reader takes from the certificate, ``printed`` how this certificate spells them
(its date format, how its title wraps, its address and signer). Layouts print in the order the
real ones draw: the flattened forms draw every label first and every value after them.
"""

from __future__ import annotations

from typing import Any

from tests.helpers.certificate_pdfs import NASBA_STATEMENT, Item

Truth = dict[str, Any]
TIME_STATEMENT = "CPE credits have been granted based on a 50-minute hour."


def _e(truth: Truth, key: str, default: str = "") -> Any:
    return truth["expected"].get(key, default)


def _p(truth: Truth, key: str, default: Any = "") -> Any:
    return truth["printed"].get(key, default)


def _title_lines(truth: Truth) -> list[str]:
    return _p(truth, "title_lines") or [_e(truth, "title")]


def _fields_text(truth: Truth, pattern: str, joiner: str = ", ") -> str:
    return joiner.join(pattern.format(f=f, c=c) for f, c in _e(truth, "fields", []))


def _statement(sponsor: str, y: float, x: float = 72, size: float = 7) -> list[Item]:
    lines = [line.format(sponsor=sponsor) for line in NASBA_STATEMENT]
    return [(x, y - i * (size + 2), size, False, line) for i, line in enumerate(lines)]


def nasba_group_live(t: Truth) -> list[Item]:
    """NASBA's element list laid out as its sample Group Live certificate: sponsor and address on
    top, the participant, the title, a field-of-study table, the registry id under its label."""
    items: list[Item] = [
        (None, 560, 14, True, _e(t, "sponsor")),
        (None, 544, 9, False, _p(t, "address")),
        (None, 505, 24, True, "CERTIFICATE OF COMPLETION"),
        (None, 470, 11, False, "Participant's Name"),
        (None, 448, 18, True, t["participant"]),
        (None, 420, 11, False, "Program Title"),
    ]
    for i, line in enumerate(_title_lines(t)):
        items.append((None, 398 - i * 20, 15, True, line))
    items += [
        (90, 330, 10, True, "Field of Study"),
        (330, 330, 10, True, "CPE Credits"),
    ]
    for i, (field, credits) in enumerate(_e(t, "fields", [])):
        items += [(90, 314 - i * 14, 10, False, field), (330, 314 - i * 14, 10, False, credits)]
    items += [
        (480, 330, 10, True, "Date Completed"),
        (480, 316, 10, False, _p(t, "date")),
        (480, 296, 10, True, "Location"),
        (480, 282, 10, False, _p(t, "location")),
        (480, 262, 10, True, "Delivery Method"),
        (480, 248, 10, False, _e(t, "delivery_method")),
        (480, 228, 10, True, "Total CPE Credits"),
        (480, 214, 10, False, _e(t, "credits")),
        (90, 200, 10, True, "NASBA SPONSOR REGISTRY ID"),
        (90, 186, 10, False, _e(t, "sponsor_id")),
        (300, 160, 10, False, _p(t, "signer")),
        (300, 148, 8, False, "Director of Continuing Education"),
        *_statement(_e(t, "sponsor"), 120),
        (72, 66, 7, False, TIME_STATEMENT),
    ]
    return items


def builder_session(t: Truth) -> list[Item]:
    """A conference platform's certificate builder: static sponsor text, the participant's name
    in quotes, the quoted session title wrapped by the text box, per-field credits under
    "Field(s) of study & CPE credits:" and "NASBA Registry Sponsor ID: n"."""
    title = _title_lines(t)
    items: list[Item] = [
        (None, 540, 26, True, "Certificate of Attendance"),
        (None, 500, 12, False, "This certificate is awarded to"),
        (None, 470, 20, True, f"\u201c{t['participant']}\u201d"),
        (None, 440, 12, False, "for successfully completing"),
    ]
    for i, line in enumerate(title):
        first, last = i == 0, i == len(title) - 1
        text = ("\u201c" if first else "") + line + ("\u201d" if last else "")
        items.append((None, 412 - i * 20, 16, True, text))
    items += [
        (110, 340, 11, False, f"Date: {_p(t, 'date')}"),
        (110, 324, 11, False, f"Location: {_p(t, 'location')}"),
        (110, 308, 11, False, f"Delivery method: {_e(t, 'delivery_method')}"),
        (110, 292, 11, False, f"Total CPE credits: {_e(t, 'credits')}"),
        (430, 340, 11, False, "Field(s) of study & CPE credits:"),
    ]
    for i, (field, credits) in enumerate(_e(t, "fields", [])):
        items.append((430, 324 - i * 16, 11, False, f"{field}: {credits} hour(s)"))
    items += [
        (110, 240, 10, False, _e(t, "sponsor")),
        (110, 228, 9, False, _p(t, "address")),
        (110, 216, 9, False, f"NASBA Registry Sponsor ID: {_e(t, 'sponsor_id')}"),
        (430, 216, 9, False, f"Verified by {_p(t, 'signer')}"),
        *_statement(_e(t, "sponsor"), 180),
        (72, 126, 7, False, TIME_STATEMENT),
    ]
    return items


def lms_assessment(t: Truth) -> list[Item]:
    """An LMS's self-study certificate (a Moodle-style custom certificate): elements placed one
    under the other, the title after "has successfully completed the qualified assessment for",
    a single field read as "CPE credit: 1.2 in Information Technology", "Authorized by …"."""
    items: list[Item] = [
        (None, 545, 22, True, "Certificate of Completion"),
        (None, 510, 12, False, "This is to certify that"),
        (None, 485, 18, True, t["participant"]),
        (None, 458, 12, False, "has successfully completed the qualified assessment for"),
    ]
    for i, line in enumerate(_title_lines(t)):
        items.append((None, 432 - i * 20, 15, True, line))
    field, credits = _e(t, "fields")[0]
    items += [
        (140, 350, 11, False, f"Completion date: {_p(t, 'date')}"),
        (140, 334, 11, False, f"CPE credit: {credits} in {field}"),
        (140, 318, 11, False, f"Instructional delivery method: {_e(t, 'delivery_method')}"),
        (140, 302, 11, False, f"NASBA Sponsor ID: {_e(t, 'sponsor_id')}"),
        (140, 260, 11, False, f"Authorized by {_e(t, 'sponsor')}"),
        (140, 246, 9, False, _p(t, "address")),
        (140, 232, 9, False, _p(t, "signer")),
        *_statement(_e(t, "sponsor"), 190),
        (72, 136, 7, False, TIME_STATEMENT),
    ]
    return items


def wordpress_course(t: Truth) -> list[Item]:
    """A WordPress LMS certificate (a post turned into a PDF, shortcodes filled in): centred
    sentences, "Presented by" the sponsor, the completion date spelled out."""
    items: list[Item] = [
        (None, 540, 24, True, "Certificate of Completion"),
        (None, 505, 12, False, "Presented to"),
        (None, 480, 20, True, t["participant"]),
        (None, 452, 12, False, "for the successful completion of"),
    ]
    for i, line in enumerate(_title_lines(t)):
        items.append((None, 428 - i * 20, 15, True, line))
    items += [
        (None, 370, 12, False, f"Completed on {_p(t, 'date')}"),
        (None, 352, 11, False, f"Presented by {_e(t, 'sponsor')}"),
        (None, 320, 11, False, f"CPE Credits: {_e(t, 'credits')}"),
        (None, 304, 11, False, f"Field of Study: {_fields_text(t, '{f}')}"),
        (None, 288, 11, False, f"Delivery Method: {_e(t, 'delivery_method')}"),
        (None, 272, 11, False, f"NASBA Sponsor #{_e(t, 'sponsor_id')}"),
        (None, 220, 10, False, _p(t, "signer")),
        *_statement(_e(t, "sponsor"), 170),
        (72, 116, 7, False, TIME_STATEMENT),
    ]
    return items


def webinar_ce(t: Truth) -> list[Item]:
    """A webinar platform's continuing-education component: a grid of label / value pairs,
    two columns on each baseline, credits "earned", the method after "Credit type: CPE –"."""
    title = _title_lines(t)
    items: list[Item] = [
        (72, 560, 12, True, _e(t, "sponsor")),
        (None, 510, 22, True, "Continuing Education Certificate"),
        (90, 460, 11, False, f"Attendee: {t['participant']}"),
        (90, 440, 11, False, f"Event: {title[0]}"),
    ]
    for i, line in enumerate(title[1:], start=1):
        items.append((90, 440 - i * 16, 11, False, line))
    low = 440 - len(title) * 16 - 10
    items += [
        (90, low, 11, False, f"Date: {_p(t, 'date')}"),
        (400, low, 11, False, f"Credits earned: {_e(t, 'credits')}"),
        (90, low - 20, 11, False, f"Credit type: CPE \u2013 {_e(t, 'delivery_method')}"),
        (400, low - 20, 11, False, f"Field of study: {_fields_text(t, '{f}')}"),
        (90, low - 40, 11, False, f"Provider: {_e(t, 'sponsor')}"),
        (400, low - 40, 11, False, f"NASBA ID: {_e(t, 'sponsor_id')}"),
        *_statement(_e(t, "sponsor"), 200),
        (72, 146, 7, False, TIME_STATEMENT),
    ]
    return items


def small_firm_webinar(t: Truth) -> list[Item]:
    """A small training firm's live-webinar certificate: the title after "the continuing
    professional education program", the NASBA sponsor number and a state board's number."""
    items: list[Item] = [
        (None, 545, 22, True, "Certificate of Completion"),
        (None, 505, 12, False, f"{t['participant']} attended"),
        (None, 485, 12, False, "the continuing professional education program"),
    ]
    for i, line in enumerate(_title_lines(t)):
        items.append((None, 458 - i * 20, 16, True, line))
    items += [
        (120, 380, 11, False, f"held on {_p(t, 'date')}"),
        (120, 362, 11, False, f"Delivery method: {_e(t, 'delivery_method')}"),
        (120, 344, 11, False, f"CPE credits: {_e(t, 'credits')} ({_fields_text(t, '{f}')})"),
        (120, 300, 11, False, f"Sponsor: {_e(t, 'sponsor')}"),
        (120, 284, 10, False, f"NASBA sponsor number {_e(t, 'sponsor_id')}"),
        (120, 270, 10, False, f"Texas State Board sponsor number {_p(t, 'state_id')}"),
        (120, 240, 10, False, _p(t, "signer")),
        *_statement(_e(t, "sponsor"), 200),
        (72, 146, 7, False, TIME_STATEMENT),
    ]
    return items


def society_conference(t: Truth) -> list[Item]:
    """A state society's multi-day conference: the society's name over the page, a date range,
    a table of fields with "Taxes: 6 hour(s)" lines, "Authorized by" the society."""
    items: list[Item] = [
        (None, 560, 15, True, _e(t, "sponsor")),
        (None, 520, 22, True, "Certificate of Attendance"),
        (110, 480, 11, False, f"Name: {t['participant']}"),
        (110, 462, 11, False, f"Program: {_title_lines(t)[0]}"),
    ]
    for i, line in enumerate(_title_lines(t)[1:], start=1):
        items.append((110, 462 - i * 16, 11, False, line))
    low = 462 - len(_title_lines(t)) * 16 - 4
    items += [
        (110, low, 11, False, f"Dates: {_p(t, 'date')}"),
        (110, low - 18, 11, False, f"Location: {_p(t, 'location')}"),
        (110, low - 36, 11, False, f"Instructional Delivery Method: {_e(t, 'delivery_method')}"),
        (110, low - 60, 11, True, "CPE credits by field of study"),
    ]
    fields = _e(t, "fields", [])
    for i, (field, credits) in enumerate(fields):
        items.append((110, low - 76 - i * 15, 11, False, f"{field}: {credits} hour(s)"))
    bottom = low - 76 - len(fields) * 15
    items += [
        (110, bottom - 6, 11, True, f"Total: {_e(t, 'credits')} CPE credits"),
        (110, bottom - 40, 10, False, f"Authorized by {_e(t, 'sponsor')}"),
        (110, bottom - 54, 10, False, f"NASBA Sponsor ID {_e(t, 'sponsor_id')}"),
        (72, 72, 7, False, TIME_STATEMENT),
    ]
    return items


def firm_learning(t: Truth) -> list[Item]:
    """A firm's internal learning certificate: the firm on the left, a centred colon title that
    wraps, two columns of labelled facts on shared baselines, sponsor id under its label."""
    items: list[Item] = [
        (72, 560, 13, True, _e(t, "sponsor")),
        (None, 505, 24, True, "CERTIFICATE OF COMPLETION"),
        (None, 470, 12, False, "This certifies that"),
        (None, 445, 20, False, t["participant"]),
        (None, 418, 12, False, "has successfully completed the webcast"),
    ]
    lines = _title_lines(t)
    for i, line in enumerate(lines):
        items.append((None, 392 - i * 20, 16, True, line))
    low = 392 - len(lines) * 20 - 20
    items += [
        (110, low, 11, False, f"Date completed: {_p(t, 'date')}"),
        (430, low, 11, False, f"CPE credits: {_e(t, 'credits')}"),
        (110, low - 18, 11, False, "Field of study: " + _fields_text(t, "{f} \u2013 {c}")),
        (430, low - 18, 11, False, f"Delivery method: {_e(t, 'delivery_method')}"),
        (110, low - 36, 11, False, "Sponsor ID"),
        (110, low - 50, 11, False, _e(t, "sponsor_id")),
        (430, low - 36, 11, False, "Program level: Basic"),
        *_statement(_e(t, "sponsor"), 150),
        (72, 96, 7, False, TIME_STATEMENT),
    ]
    return items


def nano_app(t: Truth) -> list[Item]:
    """A nano-learning app's certificate: compact, date written day first."""
    return [
        (72, 540, 18, True, _p(t, "brand")),
        (72, 515, 11, False, "Nano Learning Certificate"),
        (72, 470, 11, False, f"Learner: {t['participant']}"),
        (72, 452, 11, False, f"Course name: {_e(t, 'title')}"),
        (72, 434, 11, False, f"Completed: {_p(t, 'date')}"),
        (72, 416, 11, False, f"CPE credit: {_e(t, 'credits')} in {_e(t, 'fields')[0][0]}"),
        (72, 398, 11, False, f"Format: {_e(t, 'delivery_method')}"),
        (72, 380, 11, False, f"Provider: {_e(t, 'sponsor')}"),
        (72, 362, 11, False, f"National Registry of CPE Sponsors ID: {_e(t, 'sponsor_id')}"),
        (72, 320, 7, False, TIME_STATEMENT),
    ]


def university_blended(t: Truth) -> list[Item]:
    """A university executive-education certificate: crest text, "for the successful completion
    of the program", a date range, blended learning and "Presented by" the school."""
    items: list[Item] = [
        (None, 560, 12, True, _p(t, "crest")),
        (None, 520, 24, True, "Certificate of Completion"),
        (None, 490, 12, False, "awarded to"),
        (None, 465, 20, True, t["participant"]),
        (None, 438, 12, False, "for the successful completion of the program"),
    ]
    lines = _title_lines(t)
    for i, line in enumerate(lines):
        items.append((None, 412 - i * 20, 16, True, line))
    low = 412 - len(lines) * 20 - 20
    items += [
        (None, low, 11, False, _p(t, "date")),
        (None, low - 30, 11, False, f"Presented by {_e(t, 'sponsor')}"),
        (120, low - 70, 11, False, f"Instructional method: {_e(t, 'delivery_method')}"),
        (120, low - 86, 11, False, f"Recommended CPE credits: {_e(t, 'credits')}"),
        (120, low - 102, 11, False, f"Field(s) of study: {_fields_text(t, '{f} ({c})', '; ')}"),
        (120, low - 118, 11, False, f"NASBA Registry Sponsor ID: {_e(t, 'sponsor_id')}"),
        (72, 84, 7, False, TIME_STATEMENT),
    ]
    return items


def tax_dual_credit(t: Truth) -> list[Item]:
    """A tax educator's certificate for CPAs and enrolled agents: the IRS program number (with
    its own digits and a year) beside the NASBA id, credits given "in" a field."""
    field, credits = _e(t, "fields")[0]
    return [
        (72, 560, 13, True, _e(t, "sponsor")),
        (72, 546, 9, False, _p(t, "address")),
        (None, 500, 22, True, "Certificate of Completion"),
        (None, 465, 12, False, f"Participant: {t['participant']}"),
        (None, 440, 12, False, f"Program: {_e(t, 'title')}"),
        (None, 415, 12, False, f"Date of completion: {_p(t, 'date')}"),
        (None, 390, 12, False, f"CPE credit: {credits} in {field}"),
        (None, 372, 12, False, f"IRS CE credit: {credits} Federal Tax Law"),
        (None, 354, 12, False, f"Delivery method: {_e(t, 'delivery_method')}"),
        (None, 320, 10, False, f"IRS Program Number: {_p(t, 'irs_number')}"),
        (None, 306, 10, False, f"NASBA Sponsor Number: {_e(t, 'sponsor_id')}"),
        (None, 270, 10, False, _p(t, "signer")),
        *_statement(_e(t, "sponsor"), 220),
        (72, 166, 7, False, TIME_STATEMENT),
    ]
