"""How an evaluation is said to a person: hours, dates and what is missing, in one sentence.

Kept apart from the engine so the dashboard, reminders, reports and the CLI word a result the
same way, and so the arithmetic in ``compliance`` stays free of text. Dates are written by one
formatter for the whole program: ``31 Dec 2026`` until the program sets the user's locale format
(``set_day_format``; the window does so at start-up), so every sentence reads the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cpe_desktop.rules.facts import Evaluation

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def plain_day_text(day: date) -> str:
    """A date as people read it on a deadline, in any locale: ``31 Dec 2026``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_day_format: Callable[[date], str] = plain_day_text


def set_day_format(formatter: Callable[[date], str] | None) -> None:
    """Write every date with ``formatter`` from now on (None: back to ``31 Dec 2026``). It must
    give four-digit years: ten years of certificates make "5/31/27" ambiguous."""
    global _day_format
    _day_format = formatter or plain_day_text


def day_format() -> Callable[[date], str]:
    """The formatter ``day_text`` uses now (results worded with another one read differently)."""
    return _day_format


def day_text(day: date) -> str:
    """A date in the program's one date format (see ``set_day_format``)."""
    return _day_format(day)


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
                f"{_hours(year.required - year.counted)} short of its "
                f"{hours_text(year.required)}-hour minimum"
            )
        elif not year.judged and year.year_start <= ev.as_of and year.counted < year.required:
            # The year under way; later years follow once it is over.
            parts.append(
                f"{_hours(year.required - year.counted)} in the year ending "
                f"{day_text(year.year_end)} (annual minimum {hours_text(year.required)})"
            )
    if not parts:
        later = later_need(ev)
        return f"Nothing is missing yet; {later}" if later else "Nothing is missing"
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:]


def _h(hours: Decimal) -> str:
    return f"{hours_text(hours)} h"


def _ethics_words(ev: Evaluation) -> str:
    return f"{ev.ethics_jurisdiction} ethics" if ev.ethics_jurisdiction else "ethics"


def _component_needs(ev: Evaluation) -> list[tuple[Decimal, str, date]]:
    """(hours missing, what, by when) of the components a sentence names: minimums, courses and
    part-state ethics still short, outside alternative groups (a group is either met, or the
    total's own need stands for it); year-scope ones only for the year under way."""
    needs = []
    for part in ev.components:
        if part.headline or part.alternative or not part.missing:
            continue
        if part.kind not in ("min", "course", "ethics_state_specific") or part.met is False:
            continue
        if part.window_start > ev.as_of:
            continue
        needs.append((part.missing, part.what, part.window_end))
    return needs


def _need_sentence(ev: Evaluation) -> str | None:
    """ "Need 26 h, 4 of them Texas ethics, by 31 Dec 2026" for the current period, or None."""
    same_deadline = ev.ethics_period_end == ev.period_end
    ethics_now = ev.shortfall_ethics if same_deadline else Decimal(0)
    components = _component_needs(ev)
    with_period = [(h, what) for h, what, end in components if end == ev.period_end]
    later = [(h, what, end) for h, what, end in components if end != ev.period_end]
    needed = max(
        [ev.shortfall_total, ev.shortfall_technical, ethics_now, *(h for h, _ in with_period)]
    )
    parts: list[str] = []
    if needed:
        kinds = [
            (h, what)
            for h, what in (
                (ethics_now, _ethics_words(ev)),
                (ev.shortfall_technical, "technical"),
                *with_period,
            )
            if h
        ]
        text = f"Need {_h(needed)}"
        if len(kinds) == 1 and kinds[0][0] == needed:
            text = f"Need {_h(needed)} of {kinds[0][1]}"
        elif kinds:
            # Two kinds at most: the card lists every component; a sentence stays a sentence.
            named = [f"{hours_text(h)} of them {what}" for h, what in kinds[:2]]
            more = len(kinds) - 2
            if more > 0:
                text += f", {named[0]}, {named[1]} and {more} more requirement{'s' * (more > 1)},"
            else:
                text += ", " + " and ".join(named) + ","
        parts.append(f"{text} by {day_text(ev.period_end)}")
    if not same_deadline and ev.shortfall_ethics:
        parts.append(
            f"{_h(ev.shortfall_ethics)} of {_ethics_words(ev)} by {day_text(ev.ethics_period_end)}"
        )
    for h, what, end in later:
        if end >= ev.as_of:
            parts.append(f"{_h(h)} of {what} by {day_text(end)}")
    if not parts:
        # Only the running year's annual minimum may be missing.
        for year in ev.annual:
            if not year.judged and year.year_start <= ev.as_of and year.counted < year.required:
                return (
                    f"Need {_h(year.required - year.counted)} by {day_text(year.year_end)} "
                    f"for the {hours_text(year.required)}-hour annual minimum"
                )
        return None
    sentence = "; ".join(parts)
    return sentence if sentence.startswith("Need") else f"Need {sentence}"


def overdue_text(ev: Evaluation) -> str | None:
    """What a tracked past period still lacks, said apart from the current need; None when
    nothing is overdue."""
    previous = ev.previous
    if previous is None or previous.made_up:
        return None
    still = [
        (previous.outstanding_total, ""),
        (previous.outstanding_ethics, f" of {_ethics_words(ev)}"),
        (previous.outstanding_technical, " technical"),
    ]
    missing = ", ".join(f"{_h(h)}{what}" for h, what in still if h)
    return f"Overdue: {missing} still missing from the period that ended " + day_text(
        previous.period_end
    )


def headline(ev: Evaluation) -> str:
    """The one plain sentence first (ARCHITECTURE.md §4): what is needed by when, e.g. "Need 26 h,
    4 of them Texas ethics, by 31 Dec 2026". A period whose end only the holder knows asks
    for it; a license met through the home state says so; nothing needed says until when."""
    # Worded for whoever reads it: the holder, or an administrator looking over the firm.
    if any(i.missing == "period_end" for i in ev.issues):
        return "Tell us when the current reporting period ends"
    need = _need_sentence(ev)
    if ev.met_through:
        if need:
            return f"Met through the {ev.met_through} license; {need[0].lower()}{need[1:]}"
        return f"Met through the {ev.met_through} license"
    if need:
        return need
    first = ev.first_period
    if first is not None and not first.required_total and not first.required_ethics:
        return f"Nothing due in the first period, which ends {day_text(ev.period_end)}"
    if ev.status == "overdue":
        return f"Nothing more needed by {day_text(ev.period_end)} once the overdue hours are in"
    later = later_need(ev)
    if later and ev.status != "complete":
        return f"Met so far; {later}"
    return f"All requirements met for the period ending {day_text(ev.period_end)}"


def later_need(ev: Evaluation) -> str | None:
    """What a later part of the period still asks once everything due so far is met: a year not
    yet begun short of its annual minimum (an enrolled agent's 16 hours in the period's last
    year), or a component whose window opens later; None when nothing is left."""
    for year in ev.annual:
        if year.year_start > ev.as_of and year.counted < year.required:
            return (
                f"the year ending {day_text(year.year_end)} still needs its "
                f"{hours_text(year.required)}-hour annual minimum"
            )
    for part in ev.components:
        if part.headline or part.alternative or not part.missing or part.met is False:
            continue
        if part.kind in ("min", "course", "ethics_state_specific") and part.window_start > ev.as_of:
            return f"{_h(part.missing)} of {part.what} by {day_text(part.window_end)}"
    return None


__all__ = [
    "day_text",
    "headline",
    "hours_text",
    "overdue_text",
    "plain_day_text",
    "set_day_format",
    "shortfall_text",
]
