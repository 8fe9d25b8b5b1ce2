"""The layouts of filled-in forms: fillable certificates flattened, and data merges that print
their record's keys (see ``layouts`` and README.md)."""

from __future__ import annotations

from tests.certificate_corpus.layouts import TIME_STATEMENT, Truth, _e, _fields_text, _p, _statement
from tests.helpers.certificate_pdfs import Item

FORM_LABELS = (
    ("participant", "Participant Name:"),
    ("title", "Course Title:"),
    ("sponsor", "Sponsor:"),
    ("sponsor_id", "NASBA Sponsor ID:"),
    ("date", "Date Completed:"),
    ("credits", "CPE Credits:"),
    ("fields", "Field of Study:"),
    ("delivery_method", "Delivery Method:"),
)


def _form_value(t: Truth, key: str) -> str:
    if key == "participant":
        return t["participant"]
    if key == "date":
        return _p(t, "date")
    if key == "fields":
        return _fields_text(t, "{f} ({c})")
    return str(_e(t, key))


def flattened_form(t: Truth) -> list[Item]:
    """A fillable certificate form filled and flattened (pdf-lib, Acrobat): the template's labels
    are drawn first, then every field's appearance, each value to the right of its label."""
    labels: list[Item] = [
        (None, 540, 22, True, "Certificate of Completion"),
        (72, 560, 10, True, _p(t, "letterhead")),
    ]
    values: list[Item] = []
    for i, (key, label) in enumerate(FORM_LABELS):
        y = 470 - i * 28
        labels.append((100, y, 11, True, label))
        values.append((260, y, 11, False, _form_value(t, key)))
    labels += [
        *_statement(_p(t, "letterhead"), 200),
        (72, 146, 7, False, TIME_STATEMENT),
    ]
    return labels + values


def key_value_export(t: Truth) -> list[Item]:
    """A certificate printed from a data merge that keeps its keys (a generator's JSON record
    drawn as text): "participant:", a "sponsor:" block with "name:" and "nationalRegistry:"."""
    fields = _e(t, "fields")
    items: list[Item] = [
        (None, 550, 20, True, "Certificate of Completion"),
        (90, 500, 10, False, "participant:"),
        (110, 486, 10, False, f"name: {t['participant']}"),
        (90, 466, 10, False, "course:"),
        (110, 452, 10, False, f"courseTitle: {_e(t, 'title')}"),
        (110, 438, 10, False, f"completionDate: {_p(t, 'date')}"),
        (110, 424, 10, False, f"deliveryMethod: {_e(t, 'delivery_method')}"),
        (110, 410, 10, False, f"cpeCredits: {_e(t, 'credits')}"),
        (110, 396, 10, False, f"fieldOfStudy: {', '.join(f for f, _ in fields)}"),
        (90, 376, 10, False, "sponsor:"),
        (110, 362, 10, False, f"name: {_e(t, 'sponsor')}"),
        (110, 348, 10, False, f"address: {_p(t, 'address')}"),
        (110, 334, 10, False, f"nationalRegistry: {_e(t, 'sponsor_id')}"),
        *_statement(_e(t, "sponsor"), 280),
        (72, 226, 7, False, TIME_STATEMENT),
    ]
    return items


def acrobat_columns(t: Truth) -> list[Item]:
    """An Acrobat form in two columns, flattened: the left column's labels, the right column's
    labels, then the values; the sponsor id is a value under its label."""
    left = (("Name of participant", t["participant"]), ("Title of program", _e(t, "title")))
    right = (
        ("Date(s) of program", _p(t, "date")),
        ("CPE credit hours", _e(t, "credits")),
        ("Field of study", _fields_text(t, "{f}")),
        ("Delivery method", _e(t, "delivery_method")),
        ("Sponsor name", _e(t, "sponsor")),
        ("NASBA sponsor ID", _e(t, "sponsor_id")),
    )
    labels: list[Item] = [(None, 560, 20, True, "CPE Certificate of Completion")]
    values: list[Item] = []
    for i, (label, value) in enumerate(left):
        labels.append((72, 500 - i * 44, 10, True, label))
        values.append((72, 486 - i * 44, 11, False, value))
    for i, (label, value) in enumerate(right):
        labels.append((430, 500 - i * 44, 10, True, label))
        values.append((430, 486 - i * 44, 11, False, value))
    return labels + values + [(72, 100, 7, False, TIME_STATEMENT)]
