"""Spreadsheet cells as the record checks want them: dates, numbers and text as people type them.

People's own spreadsheets hold real Excel dates and numbers, or text such as ``03/02/2025`` or
``Mar 2, 2025``, and an identifier column Excel turned into a number (``103456.0``). Each cell is
converted for the field it is mapped to; a cell that cannot be is reported in words that say
which forms are understood. Month names are matched here, not with ``strptime``, whose names
follow the process locale (a Qt application sets it from the desktop).

A multi-day program is often written as one cell of dates ("3/2/2026 - 3/5/2026", "Mar 2-5, 2026",
"2-5 March 2026"): such a cell gives the program's last day as its completion date and its first
day as ``started_on``.

A two-digit year ("3/14/24", "2-Mar-24") is the most recent year ending in those digits that is
not after next year: in 2026, "24" is 2024 and "27" is 2027, but "28" is 1928.

Credits may carry their unit ("2 hrs", "1.5 CPE", "3 credits") and thousands separators
("1,000"); a decimal comma ("1,5") is refused rather than guessed, since "1,500" would read
either way. Field of study and delivery method cells are read through ``vocabulary``: a board's
code or a tracker's word ("AA", "Taxes (8.0)", "Webinar", "On-Demand") becomes the NASBA name,
and a word too vague to choose ("Online") is refused with the choices it could mean.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from cpe_desktop.services.interchange import vocabulary
from cpe_desktop.services.interchange.csv_format import restore

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
_NAMED_FIRST = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")  # Mar 2, 2025
# 2 March 2025, 2-Mar-2025, 2-Mar-25 (Excel's d-mmm-yy written out as text)
_DAY_FIRST = re.compile(r"(\d{1,2})[\s-]+([a-z]+)\.?[\s-]+(\d{4}|\d{2})")
# A time of day after the date, as exports of learning platforms write it: "03/21/2023 11:34 AM",
# "Mar 2, 2025 at 9:00", "2025-03-02T09:00:00Z". The day is what a CPE record keeps.
_TIME_OF_DAY = re.compile(
    r"(?:,?\s+(?:at\s+)?|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?\s*"
    r"(?:z|utc|gmt|[a-z]{2,4}t|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
DATE_FORMS = "2025-03-02, 03/02/2025 or 03/02/25 (month/day/year) or Mar 2, 2025"
# Between the two dates of a range: a dash (ASCII, en or em) or the words to/through/thru/until.
# A date written YYYY-MM-DD alone: no split at its dashes gives two dates, so never a range.
_ONE_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_BETWEEN = re.compile(r"\s*[-\u2013\u2014]\s*|\s+(?:to|through|thru|until|till)\s+")
# Shorthands naming the month (and year) once: "Mar 2-5, 2026", "Mar 30 - Apr 2, 2026",
# "2-5 March 2026".
_DASH = r"\s*(?:[-\u2013\u2014]|to|through|thru)\s*"
_SAME_MONTH = re.compile(rf"([a-z]+)\.?\s+(\d{{1,2}}){_DASH}(\d{{1,2}}),?\s+(\d{{4}})")
_TWO_MONTHS = re.compile(
    rf"([a-z]+)\.?\s+(\d{{1,2}}){_DASH}([a-z]+)\.?\s+(\d{{1,2}}),?\s+(\d{{4}})"
)
_DAYS_FIRST = re.compile(rf"(\d{{1,2}}){_DASH}(\d{{1,2}})\s+([a-z]+)\.?,?\s+(\d{{4}})")


def full_year(year: int, today: dt.date | None = None) -> int:
    """A year as written: two digits are the most recent such year not after next year."""
    if year >= 100:
        return year
    latest = (today or dt.date.today()).year + 1
    return latest - (latest - year) % 100


def _plain_iso_day(text: str) -> bool:
    """``text`` is exactly ``YYYY-MM-DD`` in ASCII digits (no space, no time): what ``_ISO`` and
    ``_ONE_ISO_DAY`` match whole, and ``_TIME_OF_DAY`` never does."""
    return (
        len(text) == 10
        and text[4] == "-" == text[7]
        and text.isascii()
        and (text[:4] + text[5:7] + text[8:]).isdigit()
    )


_PLAIN_ISO_DAYS = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}\n)*[0-9]{4}-[0-9]{2}-[0-9]{2}")


def plain_iso_days(texts: Collection[str]) -> dict[str, dt.date] | None:
    """Each text's day when every one is a plain ISO day (``_plain_iso_day``) that is a real
    day, read at C speed: what ``parse_text_date`` gives each; None otherwise (read them one by
    one). Every text ten characters long, their lines joined match the pattern only if each is
    ``YYYY-MM-DD`` in ASCII digits (no text can hold the newline between them)."""
    if not texts or {10} != set(map(len, texts)):
        return None
    if not _PLAIN_ISO_DAYS.fullmatch("\n".join(texts)):
        return None
    try:
        return dict(zip(texts, map(dt.date.fromisoformat, texts), strict=True))
    except ValueError:  # not a real day (the long way says why)
        return None


def parse_text_date(text: str, today: dt.date | None = None) -> dt.date:
    """A date typed as text in one of the common forms; ValueError with a plain message if not.

    ``today`` places a two-digit year (the current date when not given).
    """
    if _plain_iso_day(text):  # most cells: read without the patterns when a real day
        try:
            return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            pass  # the long way says why
    value = text.strip()
    if (time := _TIME_OF_DAY.search(value)) and time.start() > 0:
        value = value[: time.start()]
    lowered = value.lower()
    parts: tuple[int, int, int] | None = None
    hint = ""
    if match := _ISO.fullmatch(value):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _US.fullmatch(value):
        parts = (full_year(int(match[3]), today), int(match[1]), int(match[2]))
        hint = " (dates with slashes are read month/day/year)"
    elif (match := _NAMED_FIRST.fullmatch(lowered)) and match[1] in _MONTHS:
        parts = (int(match[3]), _MONTHS[match[1]], int(match[2]))
    elif (match := _DAY_FIRST.fullmatch(lowered)) and match[2] in _MONTHS:
        parts = (full_year(int(match[3]), today), _MONTHS[match[2]], int(match[1]))
    if parts is None:
        raise ValueError(f"{value!r} is not a date; write it as {DATE_FORMS}")
    try:
        return dt.date(*parts)
    except ValueError:
        raise ValueError(f"{value!r} is not a real calendar date{hint}") from None


def parse_date_range(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a cell such as "3/2/2026 - 3/5/2026" or "Mar 2-5, 2026".

    None when the text is not two dates (a single date, or anything else). The days are returned
    as written, even when the first comes after the last: the record check says so in words.
    """
    if _plain_iso_day(text):  # most cells: one day, whose dashes are its own
        return None
    value = " ".join(text.strip().split())
    if _ONE_ISO_DAY.fullmatch(value):
        return None
    lowered = value.lower()
    try:
        if (match := _SAME_MONTH.fullmatch(lowered)) and match[1] in _MONTHS:
            month, year = _MONTHS[match[1]], int(match[4])
            return dt.date(year, month, int(match[2])), dt.date(year, month, int(match[3]))
        if (
            (match := _TWO_MONTHS.fullmatch(lowered))
            and match[1] in _MONTHS
            and match[3] in _MONTHS
        ):
            year = int(match[5])
            first = dt.date(year, _MONTHS[match[1]], int(match[2]))
            last = dt.date(year, _MONTHS[match[3]], int(match[4]))
            if last < first:  # "Dec 30 - Jan 2, 2026": the year written is the last day's
                first = first.replace(year=year - 1)
            return first, last
        if (match := _DAYS_FIRST.fullmatch(lowered)) and match[3] in _MONTHS:
            month, year = _MONTHS[match[3]], int(match[4])
            return dt.date(year, month, int(match[1])), dt.date(year, month, int(match[2]))
    except ValueError:  # "Feb 30-31, 2026": not real days, so not a range of them
        return None
    # Two full dates around a separator; ISO dates hold dashes themselves, so every separator is
    # tried and the range is used only when exactly one split gives two dates.
    found = set()
    for between in _BETWEEN.finditer(value):
        try:
            first = parse_text_date(value[: between.start()])
            last = parse_text_date(value[between.end() :])
        except ValueError:
            continue
        found.add((first, last))
    return found.pop() if len(found) == 1 else None


def date_cell(value: Any, *, first_day: bool = False) -> tuple[Any, str | None]:
    """A date: a real date, or text in a known form. Returns (value, problem).

    A range of dates gives its last day (a completion date), or with ``first_day`` its first.
    """
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if value is None or (isinstance(value, str) and not value.strip()):
        return "", None
    if isinstance(value, str):
        try:
            return parse_text_date(value), None
        except ValueError as exc:
            days = parse_date_range(value)
            if days is not None:
                return days[0] if first_day else days[1], None
            return value, str(exc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = text_cell(value)
        return shown, f"is the number {shown}, not a date; format the column as a date"
    return text_cell(value), f"{text_cell(value)!r} is not a date; write it as {DATE_FORMS}"


# Credits written with their unit or thousands separators: "2 hrs", "1.5 CPE", "1,000 credits".
_UNIT = (
    r"(?:hrs?\.?|hours?|h|credits?|cr\.?|cpe(?:\s*(?:hrs?\.?|hours?|credits?|credit\s+hours?))?)"
)
_WITH_UNIT = re.compile(
    rf"(?P<number>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>{_UNIT})?",
    re.IGNORECASE,
)
_DECIMAL_COMMA = re.compile(rf"\d+,\d+\s*(?:{_UNIT})?", re.IGNORECASE)


def credits_cell(value: Any) -> tuple[Any, str | None]:
    """Credits: a number, or text such as "2 hrs", "1.5 CPE" or "1,000". Returns (value, problem).

    Other text is passed on as written; the record check says what is wrong with it.
    """
    if not isinstance(value, str):
        return number_cell(value), None
    text = " ".join(restore(value).split())
    match = _WITH_UNIT.fullmatch(text)
    if match is not None:
        if match["unit"] is None and "," not in match["number"]:
            return text, None  # a plain number: read by the record check as it always was
        return Decimal(match["number"].replace(",", "")), None
    if _DECIMAL_COMMA.fullmatch(text):
        whole, fraction = re.match(r"(\d+),(\d+)", text).groups()  # type: ignore[union-attr]
        shown = f"{whole}.{fraction}"
        return text, (
            f"{text!r} has a comma inside the number; write the credits with a decimal point "
            f"(for example {shown}) — a comma is read only between thousands, as in 1,000"
        )
    return text, None


def number_cell(value: Any) -> Any:
    """Credits: Excel numbers become exact decimals (a sum's 0.30000000000000004 is 0.3)."""
    if isinstance(value, bool):
        return text_cell(value)  # refused by the credit check as "not a number"
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Excel keeps 15 significant digits; anything past the 9th decimal is float noise.
        return Decimal(repr(round(value, 9))) if value == value else text_cell(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return text_cell(value)


def text_cell(value: Any) -> str:
    """Any cell as text: whole numbers without ``.0``, dates as ISO, ``'``-protection removed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return restore(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def vocabulary_cell(field: str, value: Any) -> tuple[str, str | None]:
    """A field of study or delivery method: the NASBA name the cell's word means.

    A word the vocabulary does not know is passed on as written (the record check refuses it with
    the list of names); a word that could mean several is refused here with those choices.
    """
    text = text_cell(value)
    if field == "field_of_study":
        found, choices, what = vocabulary.field_of(text), vocabulary.field_choices, "field of study"
    else:
        found, choices, what = vocabulary.delivery_of(text), vocabulary.delivery_choices, "method"
    if found is not None:
        return found, None
    could_be = choices(text)
    if could_be:
        listed = ", ".join(could_be[:-1]) + f" or {could_be[-1]}"
        return text, f"{text.strip()!r} could mean {listed}; choose the {what} it is"
    return text, None


def field_cell(field: str, value: Any) -> tuple[Any, str | None]:
    """The cell converted for our ``field``, and the problem with it (None when fine)."""
    if field == "completed_on":
        return date_cell(value)
    if field == "started_on":
        return date_cell(value, first_day=True)
    if field == "credits":
        return credits_cell(value)
    if field in ("field_of_study", "delivery_method"):
        return vocabulary_cell(field, value)
    return text_cell(value), None
