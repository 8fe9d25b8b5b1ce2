"""What a new licensee owes (ARCHITECTURE.md §4): the board's reduced requirement for the first
period.

Most boards do not ask a full period's hours of someone licensed halfway through it: some exempt
the first period (Illinois, 225 ILCS 450/16(d)), some start with the next full period (Missouri,
New York), some prorate by months held (California 16 CCR 87.1(b): 20 h per full six months;
Oregon OAR 801-040-0100: 3 h a month counting the month of issue), some key the hours to the
quarter of issue (Indiana 872 IAC 1-3-16, North Carolina 21 NCAC 08G .0401(d)), some ramp up
over the first periods (Texas 22 TAC 523.112(c)). This module turns the rule's ``first_period``
keys into the hours asked of one period; ``compliance`` decides which period is which.

Choices made here, where the boards leave the arithmetic open:
- The reduced total never exceeds the rule's total; the technical minimum shrinks in the same
  proportion as the total (never asking more than the board); ethics is ``first_period_ethics``
  when set, nothing when the period is exempt, else the rule's full ethics.
- ``prorate`` counts whole ``unit_months`` from the issue date (from the first of its month when
  the month of issue counts) to the day after the period ends.
- ``table`` takes the entry for the number of whole ``unit_months`` from the period start to the
  issue date (the last entry beyond the table); ``ramp`` the entry for the period's index after
  the one containing the issue date (the full rule beyond the table).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from cpe_desktop.rules.facts import FirstPeriod, Rule
from cpe_desktop.rules.periods import Period
from cpe_desktop.rules.wording import hours_text

_ZERO = Decimal(0)


def whole_months(start: date, end_exclusive: date) -> int:
    """Whole months from ``start`` up to (not including) ``end_exclusive``; 0 if none."""
    months = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    if end_exclusive.day < start.day:
        months -= 1
    return max(0, months)


def _reduced_total(rule: Rule, issued_on: date, period: Period, index: int) -> Decimal | None:
    """The first-period total for ``period`` (``index`` periods after the one containing the
    issue date), or None when the full rule applies."""
    kind, table = rule.first_period, rule.first_period_table
    if kind == "ramp":
        return table[index] if 0 <= index < len(table) else None
    if index != 0:
        return None
    if kind in ("exempt", "starts_next_period"):
        return _ZERO
    units = rule.first_period_unit_months
    if kind == "prorate":
        assert units is not None and rule.first_period_hours_per_unit is not None
        start = issued_on.replace(day=1) if rule.first_period_counts_issue_month else issued_on
        held = whole_months(start, period.end + timedelta(days=1))
        return (held // units) * rule.first_period_hours_per_unit
    if kind == "table":
        assert units is not None
        position = whole_months(period.start, issued_on) // units
        return table[min(position, len(table) - 1)]
    return None


def _describe(kind: str, total: Decimal, index: int) -> str:
    hours = f"{hours_text(total)} h"
    if kind == "exempt":
        return "exempt" if not total else f"exempt but {hours}"
    if kind == "starts_next_period":
        return "nothing due until the next full period"
    if kind == "prorate":
        return f"prorated, {hours}"
    if kind == "ramp":
        return f"year {index + 1} after licensing, {hours}"
    return f"reduced, {hours}"


def first_period_need(
    rule: Rule, issued_on: date | None, period: Period, index: int
) -> FirstPeriod | None:
    """The reduced requirement of ``period`` for a licensee issued on ``issued_on``, or None
    when the rule's full requirement applies (``full``, no issue date, or a later period)."""
    if issued_on is None or rule.first_period == "full" or index < 0:
        return None
    total = _reduced_total(rule, issued_on, period, index)
    if total is None:
        return None
    if rule.total_hours is not None:
        total = min(total, rule.total_hours)
    if rule.first_period_ethics is not None:
        ethics: Decimal | None = rule.first_period_ethics
    elif not total:
        ethics = _ZERO
    else:
        ethics = rule.ethics_hours
    if ethics is not None and rule.ethics_hours is not None:
        ethics = min(ethics, rule.ethics_hours)
    return FirstPeriod(rule.first_period, total, ethics, _describe(rule.first_period, total, index))


def scaled_technical(rule: Rule, first: FirstPeriod | None) -> Decimal | None:
    """The technical minimum of a period: the rule's, shrunk with a reduced total."""
    technical = rule.technical_min_hours
    if first is None or technical is None or not rule.total_hours:
        return technical
    assert first.required_total is not None
    return technical * first.required_total / rule.total_hours


__all__ = ["first_period_need", "scaled_technical", "whole_months"]
