"""Judging requirement components (ARCHITECTURE.md §4) for one license in one evaluation.

``compliance`` works out the headline figures (total, ethics, technical, annual minimum, the
three caps); this module judges everything else a board asks, on the same ledger and the same
capped windows, and says what that changes:

- ``min`` and ``course`` count the credits that matched, as the caps left them (a credit a cap
  dropped counts nowhere); ``course`` windows of several years reach back before the period at
  face value.
- ``max`` drops what matched above its limit (per year for ``scope`` year); the hours dropped come
  off the counted total. Other components' counts are not reduced by it (a known simplification).
- ``ethics_state_specific`` counts the ethics tagged with the license's jurisdiction in the ethics
  period; the headline ethics figure then counts all ethics (Georgia: 1 of 4 hours).
- ``credit_factor`` rewrites matching credits before anything is counted (``factored_records``).
- Components whose ``applies_if`` the holder did not tick are left out; alternatives are
  resolved last: the requirement holds when every component outside groups holds and every
  component of at least one group holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from cpe_desktop.rules.caps import CappedWindow
from cpe_desktop.rules.component_facts import (
    DELIVERY_GROUPS,
    FIELD_GROUPS,
    GROUP_WORDS,
    Component,
    ComponentResult,
)
from cpe_desktop.rules.facts import LicenseFacts, RecordFacts, Rule
from cpe_desktop.rules.fields import normalize_delivery_method, normalize_field
from cpe_desktop.rules.ledger import ZERO, Ledger, jurisdiction_key

if TYPE_CHECKING:  # the evaluation context imports this module
    from cpe_desktop.rules.evaluation_context import EvaluationContext
from cpe_desktop.rules.periods import Period, add_years
from cpe_desktop.rules.quick_build import builder
from cpe_desktop.rules.wording import day_text, hours_text

_DAY = timedelta(days=1)
# ``ComponentResult(...)`` with its ``__dict__`` set whole (``rules/quick_build.py``).
_component_result = builder(ComponentResult)


def applicable(rule: Rule, license: LicenseFacts) -> tuple[Component, ...]:
    """The rule's components that apply to this license (``applies_if`` ticked or absent)."""
    return tuple(
        c for c in rule.components if c.applies_if is None or c.applies_if in license.attributes
    )


class _Match:
    """Which credit lines a component looks at: by field of study and/or delivery method."""

    def __init__(self, component: Component) -> None:
        self.fields = frozenset(
            name for item in component.fields for name in FIELD_GROUPS.get(item, (item,))
        )
        self.methods = frozenset(
            name for item in component.delivery for name in DELIVERY_GROUPS.get(item, (item,))
        )
        self._field_cache: dict[str, bool] = {}
        self._method_cache: dict[str, bool] = {}
        # (field, delivery method) of a line -> ``line(...)``, filled in by ``_Judge._sum``.
        self.lines: dict[tuple[str, str | None], bool] = {}

    def method(self, record: RecordFacts) -> bool:
        return self.method_named(record.delivery_method)

    def method_named(self, method: str | None) -> bool:
        if not self.methods:
            return True
        if method is None:
            return False
        found = self._method_cache.get(method)
        if found is None:
            found = self._method_cache[method] = (
                normalize_delivery_method(method) or method
            ) in self.methods
        return found

    def line(self, field: str, method: str | None) -> bool:
        """Whether a credit line in ``field`` by ``method`` is one the component looks at."""
        return self.method_named(method) and self.field(field)

    def field(self, name: str) -> bool:
        if not self.fields:
            return True
        found = self._field_cache.get(name)
        if found is None:
            found = self._field_cache[name] = (normalize_field(name) or name) in self.fields
        return found


_MATCHES: dict[tuple[tuple[str, ...], tuple[str, ...]], _Match] = {}


def _match(component: Component) -> _Match:
    """The component's ``_Match``, one for all components naming the same fields and delivery
    methods, so its look-ups are made once for a whole firm rather than once per license."""
    key = (component.fields, component.delivery)
    found = _MATCHES.get(key)
    if found is None:
        if len(_MATCHES) >= 1024:
            _MATCHES.clear()
        found = _MATCHES[key] = _Match(component)
    return found


def factored_records(
    components: Iterable[Component], records: Iterable[RecordFacts]
) -> list[RecordFacts] | None:
    """The records with every ``credit_factor`` applied (None when no factor applies)."""
    factors = [(c, _match(c)) for c in components if c.kind == "credit_factor"]
    if not factors:
        return None
    out = []
    for record in records:
        credits = record.credits
        for component, match in factors:
            if match.method(record):
                assert component.factor is not None
                credits = tuple(
                    (name, amount * component.factor if match.field(name) else amount)
                    for name, amount in credits
                )
        out.append(record if credits == record.credits else replace(record, credits=credits))
    return out


@dataclass
class ComponentOutcome:
    """What the components say: each judged, the hours ``max`` components dropped from the
    total, and whether the requirement's components hold (alternatives resolved)."""

    results: list[ComponentResult]
    dropped_total: Decimal
    holds: bool
    alternative_met: str | None
    has_alternatives: bool


def _what(component: Component, jurisdiction: str) -> str:
    if component.kind == "course":
        return component.topic or "the course"
    if component.kind == "ethics_state_specific":
        return f"{jurisdiction} ethics"
    words = [GROUP_WORDS.get(f, f) for f in component.fields]
    words += [GROUP_WORDS.get(d, d) for d in component.delivery]
    return " and ".join(words) if words else "any subject"


# (id of a component, jurisdiction) -> (that component, ``_what`` of them): a firm's licenses
# share their rules' components (each kept with its id: no other object takes it).
_WHATS: dict[tuple[int, str], tuple[Component, str]] = {}
_MOST_WHATS = 4096


def _what_kept(component: Component, jurisdiction: str) -> str:
    """``_what(component, jurisdiction)``, worked out once per component and jurisdiction."""
    key = (id(component), jurisdiction)
    found = _WHATS.get(key)
    if found is None or found[0] is not component:
        if len(_WHATS) >= _MOST_WHATS:
            _WHATS.clear()
        found = _WHATS[key] = (component, _what(component, jurisdiction))
    return found[1]


def _label(component: Component, required: Decimal | None, what: str) -> str:
    if component.label:
        return component.label
    hours = f"{hours_text(required)} h" if required is not None else ""
    if component.kind == "max":
        return f"At most {hours} {what}"
    if component.kind == "credit_factor":
        assert component.factor is not None
        return f"{what.capitalize()} counts at {hours_text(component.factor)}"
    if component.kind == "course" and component.cycle_years:
        return f"{hours} {what} every {component.cycle_years} years"
    return f"{hours} {what}"


class _Judge:
    def __init__(
        self, ctx: EvaluationContext, ledger: Ledger, required_total: Decimal | None
    ) -> None:
        self.ctx, self.ledger = ctx, ledger
        self.required_total = required_total
        self.jurisdiction = ctx.license.jurisdiction

    def _sum(self, match: _Match, window: CappedWindow, start: date, end: date) -> Decimal:
        """Matching credits completed from ``start`` to ``end``: as the window's caps left
        them inside it, at face value outside it."""
        ledger = self.ledger
        lo, hi = ledger.bounds(start, min(end, self.ctx.as_of))
        total = ZERO
        if hi <= lo:
            return total
        # At face value, from the window's sums per field and method (each (field, method)
        # told once for the whole firm) ...
        told = match.lines
        for key, amount in ledger.line_sums(lo, hi).items():
            matched = told.get(key)
            if matched is None:
                matched = told[key] = match.line(*key)
            if matched:
                total += amount
        # ... less what the window's caps took from the records they touched.
        for p, amounts in window.touched().items():
            if not lo <= p < hi or not match.method(ledger.records[p]):
                continue
            for credit, amount in zip(ledger.credits(p), amounts, strict=True):
                if amount != credit.amount and match.field(credit.field):
                    total += amount - credit.amount
        return total

    def _topic_hours(self, topic: str, start: date, end: date) -> Decimal:
        wanted = topic.casefold()
        lo, hi = self.ledger.bounds(start, min(end, self.ctx.as_of))
        total = ZERO
        for p in range(lo, hi):
            record = self.ledger.records[p]
            if any(t.casefold() == wanted for t in record.topics):
                total += sum((c.amount for c in self.ledger.credits(p)), ZERO)
        return total

    def windows(self, component: Component) -> list[tuple[Period, bool]]:
        """(window, judged) for each span the component is judged over."""
        ctx, period = self.ctx, self.ctx.current
        if component.kind == "ethics_state_specific" and component.scope == "period":
            return [(ctx.ethics, ctx.ethics.end <= ctx.as_of)]
        if component.scope == "year":
            issued, tracked = ctx.license.issued_on, ctx.license.tracked_from
            spans = []
            for year in period.years():
                if (issued is not None and year.start < issued) or (
                    tracked is not None and year.end < tracked
                ):
                    continue
                if year.start > ctx.as_of:
                    continue  # a year not begun yet: judged when it comes
                spans.append((year, year.end <= ctx.as_of))
            return spans
        if component.scope == "cycle" or (component.kind == "course" and component.cycle_years):
            assert component.cycle_years is not None
            start = add_years(period.end + _DAY, -component.cycle_years)
            return [(Period(start, period.end), period.end <= ctx.as_of)]
        return [(period, period.end <= ctx.as_of)]

    def judge(self, component: Component) -> list[ComponentResult]:
        ctx = self.ctx
        window = ctx.window(ctx.current)
        match = _match(component)
        what = _what_kept(component, self.jurisdiction)
        results = []
        for span, ended in self.windows(component):
            required: Decimal | None = component.hours
            if component.pct is not None and self.required_total is not None:
                share = self.required_total * component.pct / 100
                if component.kind == "max":
                    required = share if required is None else min(required, share)
                elif required is None:
                    required = share
            dropped = ZERO
            if component.kind == "ethics_state_specific":
                tag = f"ethics@{jurisdiction_key(self.jurisdiction) or ''}"
                lo, hi = self.ledger.bounds(span.start, min(span.end, ctx.as_of))
                counted = self.ledger.face(tag, lo, hi)
            elif component.kind == "course":
                assert component.topic is not None
                counted = self._topic_hours(component.topic, span.start, span.end)
            elif component.kind == "credit_factor":
                counted = ZERO  # the records were rewritten before counting
                required = None
            else:
                counted = self._sum(match, window, span.start, span.end)
                if component.kind == "max" and required is not None and counted > required:
                    dropped, counted = counted - required, required
            if component.kind in ("max", "credit_factor"):
                met: bool | None = True
            elif ended or (required is not None and counted >= required):
                met = required is None or counted >= required
            else:
                met = None
            label = _label(component, required, what)
            if component.scope == "year":
                label += f" (year ending {day_text(span.end)})"
            results.append(
                _component_result(
                    kind=component.kind,
                    label=label,
                    required=required,
                    counted=counted,
                    dropped=dropped,
                    met=met,
                    window_start=span.start,
                    window_end=span.end,
                    alternative=component.alternative,
                    source=component.source,
                    notes=component.notes,
                    what=what,
                )
            )
        return results


def _in_first_period(ctx: EvaluationContext, components: tuple[Component, ...]) -> list[Component]:
    """A new licensee's reduced first period (ARCHITECTURE.md §4) reduces the components with it:
    subject minimums shrink in proportion to the total (nothing when the period asks nothing),
    part-state ethics goes when no ethics is asked; a course the law asks of every licensee
    (California's Regulatory Review of new licensees, 16 CCR 87.1(a); Illinois' harassment
    training) stays."""
    first, total = ctx.first, ctx.rule.total_hours
    if first is None:
        return list(components)
    share = first.required_total / total if first.required_total is not None and total else None
    kept = []
    for component in components:
        if component.kind == "ethics_state_specific" and not first.required_ethics:
            continue
        if component.kind == "min" and component.hours is not None and share is not None:
            if not share:
                continue
            component = replace(component, hours=component.hours * share)
        kept.append(component)
    return kept


def judge_components(
    ctx: EvaluationContext, ledger: Ledger, required_total: Decimal | None
) -> ComponentOutcome:
    """Judge the license's applicable components (``ctx`` is the evaluation's context)."""
    judge = _Judge(ctx, ledger, required_total)
    results: list[ComponentResult] = []
    for component in _in_first_period(ctx, applicable(ctx.rule, ctx.license)):
        results.extend(judge.judge(component))
    dropped_total = sum((r.dropped for r in results if r.kind == "max"), ZERO)

    def ok(result: ComponentResult) -> bool:
        return result.met is True or (result.met is None and not result.missing)

    groups: dict[str, list[ComponentResult]] = {}
    for result in results:
        if result.alternative:
            groups.setdefault(result.alternative, []).append(result)
    met_groups = [name for name, members in groups.items() if all(ok(r) for r in members)]
    chosen = met_groups[0] if met_groups else None
    if chosen is not None:
        # (judged above with ``chosen`` False: only the chosen group's are built again)
        results = [replace(r, chosen=True) if r.alternative == chosen else r for r in results]
    outside = all(ok(r) for r in results if not r.alternative)
    holds = outside and (not groups or chosen is not None)
    return ComponentOutcome(results, dropped_total, holds, chosen, bool(groups))


def pressing(outcome: ComponentOutcome) -> list[ComponentResult]:
    """The components still short that count against the status: those outside groups, and,
    while no alternative is met, those of the group closest to being met."""
    short = [r for r in outcome.results if not r.alternative and r.missing and r.met is not False]
    failed = [r for r in outcome.results if not r.alternative and r.met is False]
    if outcome.has_alternatives and outcome.alternative_met is None:
        groups: dict[str, list[ComponentResult]] = {}
        for r in outcome.results:
            if r.alternative:
                groups.setdefault(r.alternative, []).append(r)
        best = min(groups.values(), key=lambda members: sum(m.missing for m in members))
        short += [r for r in best if r.missing]
    return failed + short


__all__ = [
    "ComponentOutcome",
    "applicable",
    "factored_records",
    "judge_components",
    "pressing",
]
