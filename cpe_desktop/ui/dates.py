"""How dates read on screen: the user's locale, but always with a four-digit year (ten years of
certificates make "5/31/27" ambiguous)."""

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
