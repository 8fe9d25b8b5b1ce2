"""Reporting periods: which dates a requirement looks at, for every ``period_basis`` of
ARCHITECTURE.md §4.

Boards count CPE over periods that start and end in very different ways (calendar years, fiscal
years, the holder's birth month, anniversaries of the license, a window rolling back from the next
reporting date), and a holder may know their real deadline better than any rule
(``period_end_override``). Everything here reduces those to one idea, a *chain* of periods that
start on the anniversaries of one anchor date, so the current period, the one before it, the
ethics period and the years of a period (for annual minimums) are all worked out the same way.

Dates are inclusive. A 29 February anniversary falls on 1 March in common years: the year is
complete only once 28 February has passed, so a period that starts on 29 February 2024 ends on
28 February of a common year. Pure functions; no database, no Qt, no clock (``as_of`` is given).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

PERIOD_BASES: tuple[str, ...] = ("calendar", "fiscal", "birth_month", "license_date", "rolling")
_DAY = timedelta(days=1)


class MissingInformation(ValueError):
    """A period cannot be worked out because the holder or license lacks a fact.

    ``missing`` names the fact in words a person understands ("birth date", "issue date",
    "fiscal year start month"), so the caller can ask for exactly that; ``key`` names it for
    programs ("birth_date", "issue_date", "fiscal_start_month", "period_end", "license_number").
    """

    def __init__(self, missing: str, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.missing = missing
        self.key = key or missing.replace(" ", "_")


class PeriodRule(Protocol):
    """The parts of a requirement that decide its periods (``compliance.Rule`` has them)."""

    @property
    def period_basis(self) -> str: ...
    @property
    def period_years(self) -> int: ...
    @property
    def period_start_month(self) -> int | None: ...
    @property
    def cycle_anchor_year(self) -> int | None: ...
    @property
    def ethics_period_years(self) -> int | None: ...
    @property
    def cycle_anchor(self) -> str | None: ...
    @property
    def cycle_parity_offset(self) -> int: ...


class PeriodLicense(Protocol):
    """The parts of a license that decide its periods (``compliance.LicenseFacts`` has them)."""

    @property
    def issued_on(self) -> date | None: ...
    @property
    def period_end_override(self) -> date | None: ...
    @property
    def license_number(self) -> str | None: ...


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier); 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return date(day.year + years, 3, 1)


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive span of dates: a reporting period, an ethics period or one year of either."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def days_left(self, as_of: date) -> int:
        """Whole days after ``as_of`` until the period ends: 0 on its last day and after it."""
        return max(0, (self.end - as_of).days)

    def years(self) -> tuple[Period, ...]:
        """The period as consecutive one-year spans from its start (the last one clipped to end).

        Each span is computed from the period start, never from the previous span, so a period
        starting on 29 February does not drift to 1 March for good after one common year.
        Worked out once per period (``_YEARS``: a firm's licenses share a few periods).
        """
        found = _YEARS.get(self)
        if found is None:
            if len(_YEARS) >= _MOST_YEARS:
                _YEARS.clear()
            found = _YEARS[self] = self._years()
        return found

    def _years(self) -> tuple[Period, ...]:
        """``years()`` worked out."""
        spans: list[Period] = []
        k = 0
        while (start := add_years(self.start, k)) <= self.end:
            spans.append(Period(start, min(self.end, add_years(self.start, k + 1) - _DAY)))
            k += 1
        return tuple(spans)


# Period -> its ``years()`` (periods and their years are immutable: one tuple serves them all).
_YEARS: dict[Period, tuple[Period, ...]] = {}
_MOST_YEARS = 4096


# --- Chains of periods ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chain:
    """Periods of ``step`` years starting on every ``step``-th anniversary of ``anchor``.

    The anchor may lie before or after the dates asked about; the chain runs both ways.
    """

    anchor: date
    step: int

    def containing(self, day: date) -> Period:
        # Whole years from the anchor to ``day`` (negative before it), then down to a cycle start.
        years = day.year - self.anchor.year
        if add_years(self.anchor, years) > day:
            years -= 1
        k = years // self.step
        start = add_years(self.anchor, k * self.step)
        return Period(start, add_years(self.anchor, (k + 1) * self.step) - _DAY)


def _rolling(reporting_years: _Chain, years: int, day: date) -> Period:
    """The ``years`` years ending on the end of the reporting year that contains ``day``."""
    end = reporting_years.containing(day).end
    return Period(add_years(end + _DAY, -years), end)


def _fiscal_month(rule: PeriodRule) -> int:
    month = rule.period_start_month
    if month is None:
        raise MissingInformation(
            "fiscal year start month",
            "A fiscal-year requirement needs the month its years start in (period_start_month).",
            "fiscal_start_month",
        )
    return month


def anchor_kind(rule: PeriodRule) -> str:
    """The rule's ``cycle_anchor``, with the default ARCHITECTURE.md §4 gives when it is unset."""
    if rule.cycle_anchor:
        return rule.cycle_anchor
    return "fixed" if rule.cycle_anchor_year is not None else "issue_year"


def _anchor_year(rule: PeriodRule, license: PeriodLicense, as_of: date) -> int:
    """The year cycles are aligned to before any parity shift: the rule's fixed year, else the
    issue year, else the as-of year.

    For fiscal years the cycle starts on the first fiscal-year start on or after the issue date:
    Florida (61H1-33.003(1)(a)) ends the initial period on the third 30 June after the
    certificate date, so a certificate of August 2020 starts its two-year cycles on 1 July 2021.
    """
    if anchor_kind(rule) == "fixed" and rule.cycle_anchor_year is not None:
        return rule.cycle_anchor_year
    issued = license.issued_on
    if anchor_kind(rule) == "issue_year" and issued is not None:
        month = rule.period_start_month
        if (
            rule.period_basis == "fiscal"
            and month is not None
            and issued > date(issued.year, month, 1)
        ):
            return issued.year + 1
        return issued.year
    return as_of.year


def _last_digit(number: str | None) -> int:
    digits = [c for c in (number or "") if c.isdigit()]
    if not digits:
        raise MissingInformation(
            "license number",
            "This board sets the cycle by the last digit of the license number.",
            "license_number",
        )
    return int(digits[-1])


def _end_parity(
    rule: PeriodRule, license: PeriodLicense, holder_birth_date: date | None
) -> int | None:
    """For parity anchors, the parity (0 even, 1 odd) of the years periods end in."""
    kind = anchor_kind(rule)
    if kind == "birth_year_parity":
        if holder_birth_date is None:
            raise MissingInformation(
                "birth date",
                "This board sets the cycle by the parity of the holder's birth year.",
                "birth_date",
            )
        return (holder_birth_date.year + rule.cycle_parity_offset) % 2
    if kind == "license_number_parity":
        return (_last_digit(license.license_number) + rule.cycle_parity_offset) % 2
    return None


def period_inputs(
    rule: PeriodRule, license: PeriodLicense, holder_birth_date: date | None
) -> tuple[object, ...]:
    """All that this module reads of a rule, a license and its holder's birth date: equal
    inputs, equal periods (and the same ``MissingInformation``) on any day, so a firm's licenses
    can share them. Of the birth date only whether there is one, its month (birth-month periods
    and anchors) and its year's parity (birth-year parity anchors) are read."""
    kind = anchor_kind(rule)
    by_month = rule.period_basis == "birth_month" or kind == "birth_month"
    by_parity = kind == "birth_year_parity"
    born = holder_birth_date
    return (
        rule.period_basis,
        rule.period_years,
        rule.period_start_month,
        rule.cycle_anchor_year,
        rule.ethics_period_years,
        rule.cycle_anchor,
        rule.cycle_parity_offset,
        license.issued_on,
        license.period_end_override,
        license.license_number,
        born is None,
        born.month if by_month and born is not None else None,
        born.year % 2 if by_parity and born is not None else None,
    )


def anchor_is_assumed(rule: PeriodRule, license: PeriodLicense) -> bool:
    """True when cycles longer than a year had to be aligned to the as-of year (no facts to go by).

    The caller should then tell the user that the cycle years are a guess.
    """
    if license.period_end_override is not None or rule.period_basis not in (
        "calendar",
        "fiscal",
        "birth_month",
    ):
        return False
    longest = max(rule.period_years, rule.ethics_period_years or 1)
    return longest > 1 and anchor_kind(rule) == "issue_year" and license.issued_on is None


def _birth_month(holder_birth_date: date | None) -> int:
    if holder_birth_date is None:
        raise MissingInformation(
            "birth date",
            "This board's periods end with the holder's birth month.",
            "birth_date",
        )
    return holder_birth_date.month


def _ask_period_end() -> MissingInformation:
    return MissingInformation(
        "period end",
        "Only you know when this license's reporting period ends (a renewal group, an SSN "
        "digit or a date on your renewal notice).",
        "period_end",
    )


def _reporting_years(
    rule: PeriodRule, license: PeriodLicense, holder_birth_date: date | None = None
) -> _Chain:
    """For ``rolling``: the one-year chain whose ends are the reporting dates."""
    if license.period_end_override is not None:
        # The holder's real deadline recurs every year on the same day (e.g. a Texas license
        # expiring at the end of the birth month): the window rolls from there.
        return _Chain(license.period_end_override + _DAY, 1)
    if anchor_kind(rule) == "birth_month":
        # Texas: the license, and the window's reporting year, ends with the birth month.
        month = _birth_month(holder_birth_date)
        return _Chain(date(2001, 1, 1) if month == 12 else date(2000, month + 1, 1), 1)
    if anchor_kind(rule) == "holder_supplied":
        raise _ask_period_end()
    if rule.period_start_month is not None:
        return _Chain(date(2000, rule.period_start_month, 1), 1)
    return _Chain(date(2000, 1, 1), 1)


def _chain(
    rule: PeriodRule,
    license: PeriodLicense,
    holder_birth_date: date | None,
    as_of: date,
    years: int,
) -> _Chain:
    """The chain of ``years``-year periods for a non-rolling basis (or an override)."""
    if license.period_end_override is not None:
        # The N years ending on the deadline; later (and earlier) periods follow on from it.
        return _Chain(license.period_end_override + _DAY, years)
    basis = rule.period_basis
    if anchor_kind(rule) == "holder_supplied" and basis != "license_date":
        raise _ask_period_end()
    if basis == "license_date":
        if license.issued_on is None:
            raise MissingInformation(
                "issue date",
                "A reporting period that runs from the license date needs the issue date.",
                "issue_date",
            )
        return _Chain(license.issued_on, years)
    if basis == "calendar":
        start = _calendar_start
    elif basis == "fiscal":
        month = _fiscal_month(rule)

        def start(year: int) -> date:
            return date(year, month, 1)
    elif basis == "birth_month":
        month = _birth_month(holder_birth_date)

        # A period ending on the last day of the birth month in year E starts on the first day
        # of the next month: anchoring there keeps every end on a month end, Feb 29 included.
        def start(year: int) -> date:
            return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    else:
        raise ValueError(
            f"unknown period basis {basis!r}; expected one of {', '.join(PERIOD_BASES)}"
        )
    chain = _Chain(start(_anchor_year(rule, license, as_of)), years)
    parity = _end_parity(rule, license, holder_birth_date)
    # Every period of an even-length chain ends in a year of one parity: shift a year if wrong.
    if parity is not None and years % 2 == 0 and chain.containing(as_of).end.year % 2 != parity:
        chain = _Chain(start(_anchor_year(rule, license, as_of) + 1), years)
    return chain


def _calendar_start(year: int) -> date:
    return date(year, 1, 1)


def _period(
    rule: PeriodRule,
    license: PeriodLicense,
    holder_birth_date: date | None,
    as_of: date,
    years: int,
    back: int,
) -> Period:
    """The period containing ``as_of`` (``back`` = 0) or ``back`` periods before it."""
    if back < 0:
        raise ValueError("back counts periods before the current one; it cannot be negative")
    if rule.period_basis == "rolling":
        reporting = _reporting_years(rule, license, holder_birth_date)
        day = as_of
        for _ in range(back):
            # The window that ended on the reporting date before this one (they overlap).
            day = reporting.containing(day).start - _DAY
        return _rolling(reporting, years, day)
    # One chain for every step back, so an anchor guessed from ``as_of`` stays the same.
    chain = _chain(rule, license, holder_birth_date, as_of, years)
    period = chain.containing(as_of)
    for _ in range(back):
        period = chain.containing(period.start - _DAY)
    return period


def current_period(
    rule: PeriodRule, license: PeriodLicense, holder_birth_date: date | None, as_of: date
) -> Period:
    """The reporting period that contains ``as_of`` (ARCHITECTURE.md §4 step 1).

    With a ``period_end_override`` the period is the N years ending on it, and the periods
    before and after it follow on from it (as-of date past the deadline: the next N years); for
    ``rolling`` the deadline recurs yearly and the window is the N years ending on its next
    anniversary. ``license_date`` cycles run from the issue date; ``cycle_anchor_year`` is not
    used there. Raises ``MissingInformation`` when a fact the basis needs is missing (birth date
    for ``birth_month``, issue date for ``license_date``, start month for ``fiscal``).
    """
    return _period(rule, license, holder_birth_date, as_of, rule.period_years, 0)


def previous_period(
    rule: PeriodRule,
    license: PeriodLicense,
    holder_birth_date: date | None,
    as_of: date,
    back: int = 1,
) -> Period:
    """The period before the current one (``back`` = 2: the one before that, and so on); for
    ``rolling``, the window ending a reporting date earlier (which overlaps the current one)."""
    return _period(rule, license, holder_birth_date, as_of, rule.period_years, back)


def reporting_year(
    rule: PeriodRule, license: PeriodLicense, holder_birth_date: date | None, day: date
) -> Period:
    """For a ``rolling`` rule, the one-year span ending on a reporting date that contains
    ``day`` (the year a renewal reports); for any other rule, the period containing ``day``."""
    if rule.period_basis != "rolling":
        return _period(rule, license, holder_birth_date, day, rule.period_years, 0)
    return _reporting_years(rule, license, holder_birth_date).containing(day)


def _ethics_years(rule: PeriodRule) -> int:
    return rule.ethics_period_years or rule.period_years


def ethics_period(
    rule: PeriodRule, license: PeriodLicense, holder_birth_date: date | None, as_of: date
) -> Period:
    """The ethics period containing ``as_of``: the reporting period's alignment with
    ``ethics_period_years`` as the length (the reporting period itself when that is unset)."""
    return _period(rule, license, holder_birth_date, as_of, _ethics_years(rule), 0)


def previous_ethics_period(
    rule: PeriodRule,
    license: PeriodLicense,
    holder_birth_date: date | None,
    as_of: date,
    back: int = 1,
) -> Period:
    """The ethics period before the current one (``back`` as for ``previous_period``)."""
    return _period(rule, license, holder_birth_date, as_of, _ethics_years(rule), back)


__all__ = [
    "PERIOD_BASES",
    "MissingInformation",
    "Period",
    "PeriodLicense",
    "PeriodRule",
    "add_years",
    "anchor_is_assumed",
    "anchor_kind",
    "current_period",
    "period_inputs",
    "ethics_period",
    "previous_ethics_period",
    "previous_period",
    "reporting_year",
]
