"""NASBA credit increments: is a number of CPE credits plausible and correctly rounded?

The NASBA Statement on Standards for CPE Programs says how credits are earned for each delivery
method (1 credit = 50 minutes; at least 1.0 for group programs, then multiples of 0.2 or 0.5; and so
on). Boards and old certificates differ, so a value that breaks these increments is *accepted with a
warning* and never changed; only values that cannot be true (not a number, not finite, zero,
negative, more than 1,000) are errors.

A record is one program, which may run several days (a 4-day conference earns 30 or more credits)
or a whole term (a 3 semester hour college course is 45 credits). A full program day is at most
about 8 hours of 50 minutes, so more than 10 credits per program day is *warned about*, never
refused: the program may have run longer than the dates say. Instructor, Author and College
Course credit is not earned in program days, so it is not bound by that warning.

Everything here works in ``Decimal`` so 1.2 is exactly 1.2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from cpe_desktop.rules.fields import (
    BLENDED_LEARNING,
    GROUP_INTERNET_BASED,
    GROUP_LIVE,
    NANO_LEARNING,
    NON_PROGRAM_METHODS,
    QAS_SELF_STUDY,
    normalize_delivery_method,
)
from cpe_desktop.rules.wording import day_text

Severity = Literal["error", "warning"]
CreditsInput = Decimal | int | float | str

# More than this in one entry (or one record) cannot be true: a full-time college year is 24
# semester hours, 360 credits; a career's CPE is a few thousand, spread over many records.
MAX_CREDITS = Decimal(1000)
# A program day of about 8 hours of 50 minutes is 10 credits; more is warned about (not refused).
MAX_CREDITS_PER_PROGRAM_DAY = Decimal(10)
# The credits of all records on one calendar day: more than its 24 hours is warned about.
MAX_CREDITS_PER_DAY = Decimal(24)
SEMESTER_HOUR_CREDITS = Decimal(15)
QUARTER_HOUR_CREDITS = Decimal(10)

_FIFTH = Decimal("0.2")
_HALF = Decimal("0.5")


@dataclass(frozen=True)
class CreditIssue:
    """One problem with a credits value, worded for the person who typed it."""

    severity: Severity
    field: str
    message: str


@dataclass(frozen=True)
class _IncrementRule:
    minimum: Decimal
    steps: tuple[Decimal, ...]

    def describe(self) -> str:
        steps = " or ".join(_fmt(step) for step in self.steps)
        return f"a multiple of {steps}"


# Methods absent here (Independent Study, Instructor, Author, College Course, unknown) have no
# NASBA increment: boards measure them in other ways.
_GROUP_RULE = _IncrementRule(minimum=Decimal("1.0"), steps=(_FIFTH, _HALF))
_RULES: dict[str, _IncrementRule] = {
    GROUP_LIVE: _GROUP_RULE,
    GROUP_INTERNET_BASED: _GROUP_RULE,
    BLENDED_LEARNING: _GROUP_RULE,
    QAS_SELF_STUDY: _IncrementRule(minimum=Decimal("0.5"), steps=(_FIFTH, _HALF)),
    NANO_LEARNING: _IncrementRule(minimum=_FIFTH, steps=(_FIFTH,)),
}

# Plain decimal numbers only: no thousands separators, no decimal comma, no exponent, no "_".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def parse_credits(text: str) -> Decimal:
    """Read credits typed by a person ("1.5", " 2 ") exactly; ValueError if not a number."""
    if not isinstance(text, str):
        raise TypeError(f"parse_credits() needs text, not {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise ValueError("Credits are missing; enter a number such as 1.5.")
    if _NUMBER.fullmatch(stripped) is None:
        shown = stripped if len(stripped) <= 40 else stripped[:37] + "..."
        hint = " Use a decimal point, not a comma." if "," in stripped else ""
        raise ValueError(f"{shown!r} is not a number of credits; enter a number such as 1.5.{hint}")
    return Decimal(stripped)


def _to_decimal(value: object) -> Decimal:
    """Any accepted input as an exact, finite Decimal; ValueError with a readable reason."""
    # bool is an int subclass, but True credits is a mistake, not 1.0.
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError("Credits must be a number such as 1.5.")
    if isinstance(value, str):
        return parse_credits(value)
    # A float goes through its shortest repr so 1.3 means 1.3, not 1.3000000000000000444.
    decimal = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not decimal.is_finite():
        raise ValueError("Credits must be a finite number such as 1.5.")
    return decimal


def _fmt(value: Decimal) -> str:
    """Credits as people write them (1.0, 1.2, 24.0); huge or tiny values in short e-notation."""
    if value and not -6 <= value.adjusted() <= 6:
        return f"{value:.3e}"
    # Trim trailing zeros by hand: Decimal.normalize() would round to the context precision.
    text = format(value, "f")
    if "." not in text:
        return text + ".0"
    text = text.rstrip("0")
    return text + "0" if text.endswith(".") else text


def _is_multiple(value: Decimal, step: Decimal) -> bool:
    # Remainder is exact for the small, bounded values checked here (quotient ≤ 5,000).
    return value % step == 0


def _round_down(value: Decimal, rule: _IncrementRule) -> Decimal:
    if value < rule.minimum:
        return Decimal(0)
    return max((value // step) * step for step in rule.steps)


def check_credits(credits: object, delivery_method: str | None) -> list[CreditIssue]:
    """Errors and warnings for one credits entry of a record; an empty list means it is fine.

    Errors (the value cannot be true, for every delivery method): not a number, not finite, zero,
    negative, or more than 1,000. Warnings: the value breaks the NASBA increments for the delivery
    method (the message suggests the rounded-down value). How many credits a program can earn per
    day is about the whole record and its dates: see :func:`check_program_days`.
    ``delivery_method`` may be any spelling ``normalize_delivery_method`` understands.
    """
    try:
        value = _to_decimal(credits)
    except ValueError as exc:
        return [CreditIssue("error", "credits", str(exc))]
    if value < 0:
        return [CreditIssue("error", "credits", f"Credits cannot be negative ({_fmt(value)}).")]
    if value == 0:
        return [CreditIssue("error", "credits", "Credits must be more than zero.")]
    if value > MAX_CREDITS:
        return [CreditIssue("error", "credits", _too_many(value, "one entry"))]
    method = normalize_delivery_method(delivery_method) if delivery_method else None
    rule = _RULES.get(method) if method else None
    if rule is None:
        return []
    rounded = _round_down(value, rule)
    suggestion = (
        f"NASBA credits round down to {_fmt(rounded)}"
        if rounded
        else f"NASBA gives no credit below {_fmt(rule.minimum)}"
    )
    if value < rule.minimum:
        return [
            CreditIssue(
                "warning",
                "credits",
                f"{_fmt(value)} is below the {_fmt(rule.minimum)} minimum for {method}; "
                f"{suggestion}.",
            )
        ]
    if not any(_is_multiple(value, step) for step in rule.steps):
        above = f" above {_fmt(rule.minimum)}" if rule.minimum > max(rule.steps) else ""
        return [
            CreditIssue(
                "warning",
                "credits",
                f"{_fmt(value)} is not {rule.describe()}{above} for {method}; {suggestion}.",
            )
        ]
    return []


def _too_many(value: Decimal, what: str) -> str:
    return (
        f"{_fmt(value)} credits cannot be right for {what} (more than 1,000; a full-time "
        "college year is 360); check the number."
    )


def program_days(started_on: date | None, completed_on: date | None) -> int:
    """The days a program ran, first and last included: 1 without a first day (or a last)."""
    if started_on is None or completed_on is None or started_on >= completed_on:
        return 1
    return (completed_on - started_on).days + 1


def check_program_days(
    total: object,
    started_on: date | None,
    completed_on: date | None,
    delivery_method: str | None,
) -> list[CreditIssue]:
    """Issues of a record's total credits against the days its program ran.

    An error when the total is not a usable number or is more than 1,000 (several entries can add
    up to that). A warning when a program earns more than 10 credits per program day (1 credit =
    50 minutes, so 10 credits fill an 8 hour 20 minute day), the days being ``started_on`` to
    ``completed_on`` inclusive, or the completion day alone when ``started_on`` is None.
    Instructor, Author and College Course credit is not earned in program days: no warning.
    A first day after the last is the caller's error to report; here it counts as one day.
    """
    try:
        value = _to_decimal(total)
    except ValueError as exc:
        return [CreditIssue("error", "credits", str(exc))]
    if value > MAX_CREDITS:
        return [CreditIssue("error", "credits", _too_many(value, "one record"))]
    method = normalize_delivery_method(delivery_method) if delivery_method else None
    if method in NON_PROGRAM_METHODS:
        return []
    days = program_days(started_on, completed_on)
    if value <= MAX_CREDITS_PER_PROGRAM_DAY * days:
        return []
    if days == 1:
        message = (
            f"{_fmt(value)} credits over 1 day is more than 10 a day; if the program ran "
            "several days, enter its first day."
        )
    else:
        assert started_on is not None and completed_on is not None
        average = (value / days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        message = (
            f"{_fmt(value)} credits over {days} days ({day_text(started_on)} to "
            f"{day_text(completed_on)}) is {_fmt(average)} a day, more than 10; check the "
            "credits and the first day."
        )
    return [CreditIssue("warning", "credits", message)]


def round_down_credits(value: CreditsInput, delivery_method: str | None) -> Decimal:
    """The largest value ≤ ``value`` the method's NASBA increments allow (0 below the minimum).

    Methods without an increment rule return the value unchanged. Raises ValueError for a value
    that is not a finite, non-negative number.
    """
    decimal = _to_decimal(value)
    if decimal < 0:
        raise ValueError(f"Credits cannot be negative ({_fmt(decimal)}).")
    method = normalize_delivery_method(delivery_method) if delivery_method else None
    rule = _RULES.get(method) if method else None
    return decimal if rule is None else _round_down(decimal, rule)


def college_credits(
    semester_hours: CreditsInput | None = None, quarter_hours: CreditsInput | None = None
) -> Decimal:
    """CPE credits for a college course: 1 semester hour = 15 credits, 1 quarter hour = 10.

    Give exactly one of the two; raises ValueError otherwise or for a negative/non-numeric value.
    """
    if (semester_hours is None) == (quarter_hours is None):
        raise ValueError("Give either semester hours or quarter hours for a college course.")
    if semester_hours is not None:
        hours, per_hour = _to_decimal(semester_hours), SEMESTER_HOUR_CREDITS
    else:
        hours, per_hour = _to_decimal(quarter_hours), QUARTER_HOUR_CREDITS
    if hours < 0:
        raise ValueError(f"College hours cannot be negative ({_fmt(hours)}).")
    return hours * per_hour


def check_daily_total(total: CreditsInput, on: date | None = None) -> list[CreditIssue]:
    """A warning when the credits earned on one calendar day add up to more than 24.

    It is a warning, not an error: the dates of old certificates are often approximate (a
    conference's certificates all dated its last day), and the record may be right. The caller
    decides what a day holds: program records only (Instructor, Author and College Course credit
    is not earned on given days), and a multi-day program's credits spread evenly over its days
    (``credits / program_days(started_on, completed_on)`` on each), so a 30-credit 4-day
    conference adds 7.5 to each of its days rather than 30 to its last.
    """
    try:
        value = _to_decimal(total)
    except ValueError as exc:
        return [CreditIssue("error", "credits", str(exc))]
    if value <= MAX_CREDITS_PER_DAY:
        return []
    day = f"on {on.isoformat()}" if on is not None else "in one day"
    return [
        CreditIssue(
            "warning",
            "credits",
            f"The records {day} add up to {_fmt(value)} credits, more than the 24 hours a day "
            "holds; check the dates and credits (a program that ran several days needs its "
            "first day).",
        )
    ]


__all__ = [
    "MAX_CREDITS",
    "MAX_CREDITS_PER_DAY",
    "MAX_CREDITS_PER_PROGRAM_DAY",
    "QUARTER_HOUR_CREDITS",
    "SEMESTER_HOUR_CREDITS",
    "CreditIssue",
    "CreditsInput",
    "Severity",
    "check_credits",
    "check_daily_total",
    "check_program_days",
    "college_credits",
    "parse_credits",
    "program_days",
    "round_down_credits",
]
