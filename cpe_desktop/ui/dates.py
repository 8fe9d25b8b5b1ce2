"""How dates read on screen: the user's locale, but always with a four-digit year (ten years of
certificates make "5/31/27" ambiguous); and how a whole date typed as it reads (``2/18/2026``)
is read, for the date inputs of ``ui/date_edits.py`` (imported by the forms that show one, not
with the window's start)."""

from __future__ import annotations

import datetime as dt
import functools
import re

from PySide6.QtCore import QDate, QLocale

from cpe_desktop.rules import wording


@functools.lru_cache(maxsize=8)
def _format(locale_name: str, with_time: bool) -> str:
    locale = QLocale(locale_name)
    text = re.sub(r"y+", "yyyy", locale.dateFormat(QLocale.FormatType.ShortFormat))
    if with_time:
        text += " " + locale.timeFormat(QLocale.FormatType.ShortFormat)
    return text


def date_format(with_time: bool = False, locale: QLocale | None = None) -> str:
    """The locale's short date (and time) format with a four-digit year."""
    return _format((locale or QLocale()).name(), with_time)


def locale_day_text(day: dt.date) -> str:
    """A date in the user's locale with a four-digit year (``12/31/2026`` in the US)."""
    return QLocale().toString(QDate(day.year, day.month, day.day), date_format())


def use_locale_dates() -> None:
    """Make every sentence the program writes (cards, notifications, reports) use the same
    date format as the date inputs: the user's locale, four-digit years."""
    wording.set_day_format(locale_day_text)


# --- typing a whole date -------------------------------------------------------------------------

SEPARATORS = frozenset("/-. ,")


def _order(display_format: str) -> tuple[str, str, str]:
    """The order of day, month and year in a display format: ``("M", "d", "y")`` for M/d/yyyy."""
    seen: list[str] = []
    for char in display_format:
        if char in "dMy" and char not in seen:
            seen.append(char)
    return tuple(seen) if len(seen) == 3 else ("M", "d", "y")  # type: ignore[return-value]


def _full_year(digits: str) -> int:
    """A year as typed: four digits as they are; two as 1970-2069 (Python's ``%y`` rule)."""
    year = int(digits)
    if len(digits) <= 2:
        return year + (2000 if year < 70 else 1900)
    return year


def parse_typed_date(text: str, display_format: str) -> dt.date | None:
    """A date typed in the order of ``display_format`` (the locale's), with any separators
    (``2/18/2026``, ``2-18-26``, ``2.18.2026``) or none (``02182026``, ``021826``); None when
    it is not a date."""
    order = _order(display_format)
    text = text.strip()
    if not text or any(not (c.isdigit() or c in SEPARATORS) for c in text):
        return None
    parts = re.findall(r"\d+", text)
    if len(parts) == 1:  # digits only: two for the day and month, the rest the year
        digits = parts[0]
        if len(digits) not in (6, 8):
            return None
        year_width = len(digits) - 4
        parts, at = [], 0
        for name in order:
            width = year_width if name == "y" else 2
            parts.append(digits[at : at + width])
            at += width
    if len(parts) != 3:
        return None
    value = dict(zip(order, parts, strict=True))
    if len(value["d"]) > 2 or len(value["M"]) > 2 or len(value["y"]) not in (1, 2, 4):
        return None
    try:
        return dt.date(_full_year(value["y"]), int(value["M"]), int(value["d"]))
    except ValueError:
        return None


def typed_sections(text: str, display_format: str) -> dict[str, int] | None:
    """The first sections of a date typed in part, in the order of ``display_format``:
    ``"2"`` is month 2, ``"2/18"`` month 2 and day 18 (``{"M": 2, "d": 18}``), ``"0218"`` the
    same; a year only when typed whole (four digits). None when it is not the start of a date.
    Someone typing one section and moving on with Tab keeps what they typed."""
    order = _order(display_format)
    text = text.strip()
    if not text or any(not (c.isdigit() or c in SEPARATORS) for c in text):
        return None
    parts = re.findall(r"\d+", text)
    if len(parts) == 1 and text.isdigit() and len(text) > (4 if order[0] == "y" else 2):
        digits, parts, at = text, [], 0
        for name in order:
            if at < len(digits):
                width = 4 if name == "y" else 2
                if len(digits) - at < width:
                    return None  # "123": 1/23 or 12/3?
                parts.append(digits[at : at + width])
                at += width
    if not parts or len(parts) > 3:
        return None
    sections = {}
    for name, part in zip(order, parts, strict=False):
        if (name == "y" and len(part) != 4) or (name != "y" and len(part) > 2):
            return None
        sections[name] = int(part)
    return sections


_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?\s*(?:([ap])\.?\s*m?\.?)?$", re.IGNORECASE)


def parse_typed_time(text: str) -> dt.time | None:
    """A time as typed: ``9:30``, ``930``, ``9 pm``, ``9:30 PM``, ``21:30``; None if not one."""
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)
