"""One evaluation's fixed inputs and the periods it looks at (ARCHITECTURE.md §4 steps 1-3, 6).

``compliance`` judges a license in a few passes over the holder's ledger; everything those passes
share is worked out here first, once: the current, previous and ethics periods (with the
fallback and issue when a fact is missing), what each period asks of a new licensee, whether a
past period is judged at all (held and tracked all through), the caps, and carryover.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cpe_desktop.rules.caps import CappedWindow, cap_limits
from cpe_desktop.rules.facts import FirstPeriod, Issue, LicenseFacts, Rule
from cpe_desktop.rules.first_period import first_period_need, scaled_technical
from cpe_desktop.rules.ledger import (
    ETHICS,
    NANO,
    NON_TECHNICAL,
    SELF_STUDY,
    TOTAL,
    ZERO,
    Ledger,
    jurisdiction_key,
)
from cpe_desktop.rules.periods import (
    MissingInformation,
    Period,
    add_years,
    anchor_is_assumed,
    current_period,
    ethics_period,
    period_inputs,
    previous_ethics_period,
    previous_period,
    reporting_year,
)


def ethics_counted(
    ledger: Ledger, window: CappedWindow, start: date, end: date, kind: str
) -> Decimal:
    """Ethics completed from ``start`` to ``end``: as ``window``'s caps left them inside it, at
    face value outside it (an ethics period longer than the reporting period)."""
    lo, hi = ledger.bounds(start, end)
    face = ledger.face(kind, lo, hi)
    inner_lo, inner_hi = max(lo, window.lo), min(hi, window.hi)
    if not window.binding or inner_hi <= inner_lo:
        return face
    return face - ledger.face(kind, inner_lo, inner_hi) + window.counted(kind, inner_lo, inner_hi)


# The ledger of a context not yet evaluated: empty, so one serves them all (a firm's contexts
# are thousands, and an empty ledger's look-ups and caches are the same for each).
_NO_RECORDS = Ledger(())


class EvaluationContext:
    """One evaluation's fixed inputs and its periods, worked out before any record is read."""

    def __init__(
        self,
        rule: Rule,
        license: LicenseFacts,
        as_of: date,
        shared: dict[tuple[object, ...], Any] | None = None,
    ) -> None:
        self.rule, self.license, self.as_of = rule, license, as_of
        # Periods and first-period needs worked out for one license hold for every license with
        # the same rule and the same period inputs: ``shared`` keeps them for the contexts of
        # one run (``compliance.prepare``), each kept with the rule it was worked out for.
        self._shared: dict[tuple[object, ...], Any] = {} if shared is None else shared
        self.issues: list[Issue] = []
        self.guessed = False  # (set by _current_or_fallback)
        self.limits = cap_limits(
            rule.total_hours,
            {
                SELF_STUDY: (rule.max_self_study_hours, rule.max_self_study_pct),
                NANO: (rule.max_nano_hours, rule.max_nano_pct),
                NON_TECHNICAL: (rule.max_non_technical_hours, rule.max_non_technical_pct),
            },
        )
        # State-specific: only ethics tagged with the license's jurisdiction counts as ethics.
        self.ethics_kind = ETHICS
        # A component asking part of the ethics to be state-specific replaces the all-or-nothing
        # flag: the headline ethics figure then counts any ethics.
        partial = any(c.kind == "ethics_state_specific" for c in rule.components)
        if rule.ethics_state_specific and not partial:
            self.ethics_kind = f"ethics@{jurisdiction_key(license.jurisdiction) or ''}"
        inputs = period_inputs(rule, license, license.birth_date)
        self.current = self._current_or_fallback(inputs)
        # (the rule's inputs, unless a guessed rule stands in for it)
        self._inputs = (
            inputs if self.rule is rule else period_inputs(self.rule, license, license.birth_date)
        )
        self.ethics = self._period(ethics_period)
        self.previous = self._period(previous_period, 1)
        self.previous_ethics = self._period(previous_ethics_period, 1)
        # Carryover never applies to rolling windows: they overlap, the hours are already in.
        # Year-to-year carryover (next_year) is worked out with the annual minimums instead.
        self.carries = bool(
            rule.carryover_max_hours
            and rule.total_hours is not None
            and self.rule.period_basis != "rolling"
            and rule.carryover_scope == "period"
        )
        self.carries_yearly = bool(
            rule.carryover_max_hours
            and rule.annual_min_hours is not None
            and rule.carryover_scope == "next_year"
        )
        self.first = self.need(self.current)
        tracked = license.tracked_from
        self.opening = (
            (license.opening_hours, license.opening_ethics_hours)
            if tracked is not None and self.current.contains(tracked)
            else (ZERO, ZERO)
        )
        if self.first is not None and rule.total_hours:
            # Percentage caps are a share of what this period asks.
            self.limits = cap_limits(
                self.first.required_total,
                {
                    SELF_STUDY: (rule.max_self_study_hours, rule.max_self_study_pct),
                    NANO: (rule.max_nano_hours, rule.max_nano_pct),
                    NON_TECHNICAL: (rule.max_non_technical_hours, rule.max_non_technical_pct),
                },
            )
        self.before_previous = self._period(previous_period, 2) if self.carries else None
        self.ledger = _NO_RECORDS  # the holder's records, set by _evaluate
        self._windows: dict[Period, CappedWindow] = {}
        self._earliest: date | None = None

    def _current_or_fallback(self, inputs: tuple[object, ...]) -> Period:
        """``_work_out_current``, or what it gave a license with the same rule and ``inputs``
        (the rule's ``period_inputs`` for this license)."""
        rule = self.rule
        key = ("current", id(rule), inputs, self.as_of)
        found = self._shared.get(key)
        if found is None or found[0] is not rule:
            current = self._work_out_current()
            self._shared[key] = (rule, self.rule, current, self.guessed, tuple(self.issues))
            return current
        kept: Period = found[2]
        self.rule, self.guessed = found[1], found[3]
        self.issues.extend(found[4])
        return kept

    def _work_out_current(self) -> Period:
        """The current period; when a fact the rule needs is missing, the same basis aligned to
        the issue year (or calendar years) stands in, with an issue asking for the fact."""
        license = self.license
        self.guessed = False
        try:
            current = current_period(self.rule, license, license.birth_date, self.as_of)
        except MissingInformation as exc:
            if exc.key == "period_end":
                message = (
                    f"{exc} Tell us when the current reporting period ends; until then the "
                    "dates shown are a guess."
                )
            else:
                message = (
                    f"{exc} Enter the {exc.missing} or the license's own deadline; until then "
                    "the dates shown are a guess."
                )
            self.issues.append(Issue("missing_information", None, message, exc.key))
            rolling = self.rule.period_basis == "rolling"
            guesses = (
                replace(self.rule, cycle_anchor="annual" if rolling else "issue_year"),
                replace(self.rule, period_basis="calendar", cycle_anchor="issue_year"),
            )
            for guess in guesses:
                try:
                    current = current_period(guess, license, license.birth_date, self.as_of)
                except MissingInformation:
                    continue
                self.rule = guess
                break
            self.guessed = True
        if anchor_is_assumed(self.rule, license):
            message = (
                "The license has no issue date, so which years its cycle covers is a guess; "
                "enter the issue date or the license's own deadline."
            )
            self.issues.append(Issue("missing_information", None, message, "issue_date"))
        return current

    def _index(self, period: Period) -> int:
        """How many periods after the one containing the issue date ``period`` is (0: that
        one; negative: before it). For rolling windows, counted in reporting years."""
        issued = self.license.issued_on
        assert issued is not None
        rule, birth = self.rule, self.license.birth_date
        first = reporting_year(rule, self.license, birth, issued)
        if rule.period_basis == "rolling":
            return round((period.end - first.end).days / 365.25)
        return round((period.start - first.start).days / (365.25 * rule.period_years))

    def need(self, period: Period) -> FirstPeriod | None:
        """The reduced requirement of ``period`` for a new licensee (None: the full rule)."""
        issued = self.license.issued_on
        if issued is None or self.rule.first_period == "full" or issued > period.end:
            return None
        rule = self.rule
        key = ("need", period, id(rule), self._inputs)
        found = self._shared.get(key)
        if found is None or found[0] is not rule:
            need = first_period_need(rule, issued, period, self._index(period))
            found = self._shared[key] = (rule, need)
        need = found[1]
        return need

    def required(self, period: Period) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
        """(total, ethics, technical) asked of ``period``, first-period reductions included."""
        rule = self.rule
        first = self.first if period == self.current else self.need(period)
        if first is None:
            return rule.total_hours, rule.ethics_hours, rule.technical_min_hours
        return first.required_total, first.required_ethics, scaled_technical(rule, first)

    def _period(self, find: Callable[..., Period], *back: int) -> Period:
        rule = self.rule
        key = (find, back, id(rule), self._inputs, self.as_of)
        found = self._shared.get(key)
        if found is None or found[0] is not rule:
            period = find(rule, self.license, self.license.birth_date, self.as_of, *back)
            found = self._shared[key] = (rule, period)
        period = found[1]
        return period

    def earliest(self) -> date:
        """The first day any period of this evaluation looks at (worked out once: the periods
        are fixed when the context is made)."""
        found = self._earliest
        if found is None:
            found = self._earliest = self._work_out_earliest()
        return found

    def _work_out_earliest(self) -> date:
        periods = (self.current, self.ethics, self.previous, self.previous_ethics)
        first = min(period.start for period in periods)
        # Components counted over several years (a course every 6 years) reach further back.
        years = [c.cycle_years for c in self.rule.components if c.cycle_years]
        if years:
            first = min(first, add_years(self.current.end + timedelta(days=1), -max(years)))
        return min(first, self.before_previous.start) if self.before_previous else first

    def window(self, period: Period) -> CappedWindow:
        """The period's records up to the as-of date, after the caps (each worked out once)."""
        window = self._windows.get(period)
        if window is None:
            lo, hi = self.ledger.bounds(period.start, min(period.end, self.as_of))
            window = self._windows[period] = CappedWindow(self.ledger, lo, hi, self.limits)
        return window

    def judged(self, period: Period) -> bool:
        """Whether a past period is judged: the license was held, and tracked, all through it
        (ARCHITECTURE.md §4: nothing is judged from history the program never saw)."""
        issued, tracked = self.license.issued_on, self.license.tracked_from
        return (issued is None or issued <= period.start) and (
            tracked is None or tracked <= period.start
        )

    def held_during(self, period: Period) -> bool:
        """Whether the license existed at some point of ``period`` (hours earned in a period
        that ended before the license was issued carry nothing into it)."""
        issued = self.license.issued_on
        return issued is None or issued <= period.end

    def carryover(self, into: Period, before: Period | None) -> Decimal:
        """Hours carried into ``into``: the counted hours of ``before`` (the period before it)
        above what it asked, without what ``before`` carried in itself, up to the maximum."""
        rule = self.rule
        if not self.carries or before is None or not self.held_during(before):
            return ZERO
        assert rule.carryover_max_hours is not None
        asked = self.required(before)[0]
        if asked is None:
            return ZERO
        excess = self.window(before).counted_all(TOTAL) - asked
        return min(rule.carryover_max_hours, max(ZERO, excess))

    def yearly_excess(self, year: Period) -> Decimal:
        """For next-year carryover: the year's counted hours above the annual minimum, up to
        the maximum (Michigan: up to 40 hours into the following year)."""
        rule = self.rule
        assert rule.carryover_max_hours is not None and rule.annual_min_hours is not None
        owner = self.current if self.current.contains(year.start) else self.previous
        window = self.window(owner)
        lo, hi = self.ledger.bounds(year.start, min(year.end, self.as_of))
        excess = window.counted(TOTAL, max(lo, window.lo), min(hi, window.hi)) - (
            rule.annual_min_hours
        )
        return min(rule.carryover_max_hours, max(ZERO, excess))


__all__ = ["EvaluationContext", "ethics_counted"]
