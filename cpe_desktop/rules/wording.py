"""How an evaluation is said to a person: hours, dates and what is missing, in one sentence.

Kept apart from the engine so the dashboard, reminders, reports and the CLI word a result the
same way, and so the arithmetic in ``compliance`` stays free of text. Month names are fixed
English abbreviations, not the locale's, so the same result always reads the same.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cpe_desktop.rules.facts import Evaluation

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    """A date as people read it on a deadline: ``31 Dec 2026``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def hours_text(hours: Decimal) -> str:
    """Hours without noise: 12.5, 2, 0.2 (never 2.00 or 1.2E+2)."""
    text = format(hours, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _hours(hours: Decimal) -> str:
    return f"{hours_text(hours)} hour" + ("" if hours == 1 else "s")


def shortfall_text(ev: Evaluation) -> str:
    """What is missing and by when, e.g. "12.5 more hours by 31 Dec 2026, 2 of them ethics
    (Texas-approved)"; parts are joined with "; ". Complete: says so."""
    if ev.status == "complete":
        return f"All requirements met for the period ending {day_text(ev.period_end)}"
    ethics = f"ethics ({ev.ethics_jurisdiction}-approved)" if ev.ethics_jurisdiction else "ethics"
    parts: list[str] = []

    previous = ev.previous
    if previous is not None and not previous.made_up:
        still = [
            (previous.outstanding_total, ""),
            (previous.outstanding_ethics, f" of {ethics}"),
            (previous.outstanding_technical, " technical"),
        ]
        missing = ", ".join(f"{_hours(h)}{what}" for h, what in still if h)
        parts.append(
            f"Overdue: {missing} still missing from the period that ended "
            f"{day_text(previous.period_end)}"
        )

    same_deadline = ev.ethics_period_end == ev.period_end
    ethics_now = ev.shortfall_ethics if same_deadline else Decimal(0)
    needed = max(ev.shortfall_total, ev.shortfall_technical, ethics_now)
    if needed:
        text = f"{hours_text(needed)} more hour{'' if needed == 1 else 's'}"
        text += f" by {day_text(ev.period_end)}"
        # "..., 2 of them ethics (Texas-approved) and 10 technical"; "all" when it is all.
        kinds = ((ethics_now, ethics), (ev.shortfall_technical, "technical"))
        named = [(h, what) for h, what in kinds if h]
        for i, (h, what) in enumerate(named):
            if i == 0:
                text += f", {'all' if h == needed else hours_text(h)} of them {what}"
            else:
                text += f" and {hours_text(h)} {what}"
        parts.append(text)
    if not same_deadline and ev.shortfall_ethics:
        parts.append(
            f"{_hours(ev.shortfall_ethics)} of {ethics} by {day_text(ev.ethics_period_end)}"
        )

    for year in ev.annual:
        if year.judged and not year.met:
            parts.append(
                f"the year ending {day_text(year.year_end)} fell "
                f"{_hours(year.required - year.earned)} short of its "
                f"{hours_text(year.required)}-hour minimum"
            )
        elif not year.judged and year.year_start <= ev.as_of and year.earned < year.required:
            # The year under way; later years follow once it is over.
            parts.append(
                f"{_hours(year.required - year.earned)} in the year ending "
                f"{day_text(year.year_end)} (annual minimum {hours_text(year.required)})"
            )
    if not parts:
        return "Nothing is missing"
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:]


__all__ = ["day_text", "hours_text", "shortfall_text"]
