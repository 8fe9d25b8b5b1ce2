"""The compliance engine: is one license's holder compliant as of a date, and if not, what is
missing and by when (ARCHITECTURE.md §4, steps 1-7).

It is the one place that decides what "compliant" means, so the dashboard, reports, reminders
and the ``status`` command all agree. Plain data in (``Rule``, ``LicenseFacts``, ``RecordFacts``),
plain data out (``Evaluation``); no database, no Qt, no clock. ``evaluate_all`` evaluates a whole
firm at once, sorting each holder's records a single time.

Choices ARCHITECTURE.md §4 leaves open, made here (the module's tests pin each one):
- Hours still missing: the total, ethics and technical minimum shortfalls. A judged year below
  the annual minimum makes the status ``at_risk``; an unjudged year still short of it keeps the
  status from ``complete`` and counts as hours missing within 90 days of that year's end.
- The pace test compares the hours still missing per remaining day with the hours counted per
  elapsed day since the period (or tracking) began, the as-of date counted as elapsed; it looks
  at the total only, since ethics and technical hours come in whole courses. A slow pace alone
  makes a license at risk only once it is also more than 90 days behind an even pace through
  the period, so a period's first weeks, with nothing counted yet, are not alarms.
- Nothing that ended before ``tracked_from`` is judged, nor anything the license was not held
  all through; hours of a period that ended before the license was issued carry nothing.
- Carryover: the previous period's counted hours (after its caps, without what it carried in
  itself) above ``total_hours``, up to ``carryover_max_hours``; null means none. Never for
  ``rolling`` periods, whose windows overlap.
- ``overdue``: the previous period (and previous ethics period) is judged only when the license
  was held for all of it; it is judged with what it carried in from the one before (which is
  measured without carryover). Hours completed after it ended make it up.
- Ethics outside the reporting period (when the ethics period differs) count at face value.
- A period that cannot be worked out (no birth date, no issue date) falls back to calendar
  years with a ``missing_information`` issue, so one missing date never hides a whole firm.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Any

from cpe_desktop.rules.caps import CappedWindow
from cpe_desktop.rules.component_facts import ComponentResult
from cpe_desktop.rules.components import (
    ComponentOutcome,
    applicable,
    factored_records,
    judge_components,
    pressing,
)
from cpe_desktop.rules.evaluation_context import EvaluationContext, ethics_counted
from cpe_desktop.rules.facts import (
    NOT_STATED,
    CapName,
    CapResult,
    Evaluation,
    FirstPeriod,
    Issue,
    IssueDraft,
    IssueKind,
    LicenseFacts,
    PreviousResult,
    RecordFacts,
    Rule,
    Status,
    YearResult,
)
from cpe_desktop.rules.ledger import (
    CAP_ORDER,
    ETHICS,
    TECHNICAL,
    TOTAL,
    ZERO,
    Ledger,
)
from cpe_desktop.rules.periods import (
    MissingInformation,
    Period,
    add_years,
)
from cpe_desktop.rules.quick_build import builder
from cpe_desktop.rules.reciprocity import apply_reciprocity, unresolved_home
from cpe_desktop.rules.wording import day_format, day_text

AT_RISK_DAYS = 90
_DAY = timedelta(days=1)
# ``Evaluation(...)``, ``YearResult(...)``, ``ComponentResult(...)``, ``PreviousResult(...)``
# and ``CapResult(...)``, each built with its ``__dict__`` set whole
# (``rules/quick_build.py``): a firm's evaluation makes thousands.
_evaluation = builder(Evaluation)
_year_result = builder(YearResult)
_component_result = builder(ComponentResult)
_previous_result = builder(PreviousResult)
_cap_result = builder(CapResult)


def _short(required: Decimal | None, counted: Decimal) -> Decimal:
    return max(ZERO, required - counted) if required is not None else ZERO


def _previous(ctx: EvaluationContext) -> PreviousResult | None:
    """How the previous period ended, and what of its shortfall is still not made up."""
    rule, ledger, as_of = ctx.rule, ctx.ledger, ctx.as_of
    if ctx.guessed:  # history is never judged on a period the program had to guess
        return None
    before, ethics_before = ctx.previous, ctx.previous_ethics
    asked_total, asked_ethics, asked_technical = ctx.required(before)
    if ethics_before != before:
        asked_ethics = rule.ethics_hours
    judge_main = ctx.judged(before) and (asked_total is not None or asked_technical is not None)
    judge_ethics = asked_ethics is not None and ctx.judged(ethics_before)
    if not judge_main and not judge_ethics:
        return None
    old, window = ctx.window(before), ctx.window(ctx.current)
    total = technical = ethics = ZERO
    if judge_main:
        carried = ctx.carryover(before, ctx.before_previous)
        total = _short(asked_total, old.counted_all(TOTAL) + carried)
        technical = _short(asked_technical, old.counted_all(TECHNICAL))
    if judge_ethics:
        counted = ethics_counted(
            ledger, old, ethics_before.start, ethics_before.end, ctx.ethics_kind
        )
        ethics = _short(asked_ethics, counted)
    # Made up only by hours completed after it ended (a rolling window overlaps the last one).
    lo, hi = ledger.bounds(before.end + _DAY, as_of)
    made_up_ethics = ethics_counted(
        ledger, window, max(ctx.ethics.start, ethics_before.end + _DAY), as_of, ctx.ethics_kind
    )
    return _previous_result(
        period_start=before.start,
        period_end=before.end,
        shortfall_total=total,
        shortfall_ethics=ethics,
        shortfall_technical=technical,
        outstanding_total=max(ZERO, total - window.counted(TOTAL, lo, hi)),
        outstanding_ethics=max(ZERO, ethics - made_up_ethics),
        outstanding_technical=max(ZERO, technical - window.counted(TECHNICAL, lo, hi)),
    )


def _annual(ctx: EvaluationContext, window: CappedWindow, period: Period) -> tuple[YearResult, ...]:
    """Each year of the period against the annual minimum.

    Years the license was not held for (they started before the issue date), years that ended
    before tracking began, and every year of a first period that asks nothing are left out: no
    one owes them. Period-to-period carryover never counts here; next-year carryover does.
    """
    required = ctx.rule.annual_min_hours
    if required is None or (ctx.first is not None and not ctx.first.required_total):
        return ()
    issued, tracked = ctx.license.issued_on, ctx.license.tracked_from
    results = []
    for year in period.years():
        if (issued is not None and year.start < issued) or (
            tracked is not None and year.end < tracked
        ):
            continue
        lo, hi = ctx.ledger.bounds(year.start, min(year.end, ctx.as_of))
        earned = window.counted(TOTAL, lo, hi)
        carried = ZERO
        if ctx.carries_yearly:
            before = Period(add_years(year.start, -1), year.start - _DAY)
            if (tracked is None or before.end >= tracked) and ctx.held_during(before):
                carried = ctx.yearly_excess(before)
        judged = year.end <= ctx.as_of
        met = earned + carried >= required if judged else None
        results.append(_year_result(year.start, year.end, required, earned, judged, met, carried))
    return tuple(results)


def _status(
    period: Period,
    ethics: Period,
    as_of: date,
    shortfalls: tuple[Decimal, Decimal, Decimal],
    counted_in_period: Decimal,
    annual: tuple[YearResult, ...],
    previous: PreviousResult | None,
    tracked_from: date | None = None,
    required_total: Decimal | None = None,
    parts: ComponentOutcome | None = None,
) -> Status:
    """ARCHITECTURE.md §4 step 7, in this order: complete, overdue, at_risk, on_track."""
    total, ethics_short, technical = shortfalls
    holds = parts is None or parts.holds
    if not any(shortfalls) and all(year.counted >= year.required for year in annual) and holds:
        return "complete"
    if previous is not None and not previous.made_up:
        return "overdue"
    days_left = period.days_left(as_of)
    if (total or technical) and days_left < AT_RISK_DAYS:
        return "at_risk"
    if ethics_short and ethics.days_left(as_of) < AT_RISK_DAYS:
        return "at_risk"
    for part in pressing(parts) if parts is not None else ():
        # A component judged short, or short with its window ending within 90 days.
        if part.met is False or (part.window_end - as_of).days < AT_RISK_DAYS:
            return "at_risk"
    for year in annual:
        if year.met is False:
            return "at_risk"
        # The year under way, still short of its minimum, ends within 90 days (as its Period's
        # ``contains`` and ``days_left`` tell).
        under_way = year.year_start <= as_of <= year.year_end
        running_short = under_way and year.counted < year.required
        if running_short and max(0, (year.year_end - as_of).days) < AT_RISK_DAYS:
            return "at_risk"
    # Pace: missing / days left > counted / days elapsed, compared without dividing; counted
    # from where tracking began (untracked time earned nothing the program saw). Early in a
    # period nobody has a pace yet: only someone also more than 90 days behind an even pace
    # (the hours still missing would need more than the days left plus 90 at the period's
    # average rate) is at risk.
    start = max(period.start, tracked_from) if tracked_from else period.start
    elapsed = (as_of - start).days + 1
    period_days = (period.end - period.start).days + 1
    behind_even_pace = required_total is None or total * period_days > required_total * (
        days_left + AT_RISK_DAYS
    )
    if total * elapsed > counted_in_period * days_left and behind_even_pace:
        return "at_risk"
    return "on_track"


def _component_list(
    ctx: EvaluationContext,
    parts: ComponentOutcome,
    total: tuple[Decimal | None, Decimal, Decimal],
    ethics: tuple[Decimal | None, Decimal],
    technical: tuple[Decimal | None, Decimal],
    annual: tuple[YearResult, ...],
) -> tuple[ComponentResult, ...]:
    """Every applicable component judged, the headline figures first among equals as entries of
    their own (``headline``), most missing first (ARCHITECTURE.md §4)."""
    period, as_of = ctx.current, ctx.as_of
    ended = period.end <= as_of
    entries: list[ComponentResult] = []

    def entry(
        label: str,
        required: Decimal | None,
        counted: Decimal,
        start: date,
        end: date,
        what: str,
        met: bool | None = None,
    ) -> None:
        if required is None:
            return
        done = counted >= required if met is None else met
        judged_met = done if (end <= as_of or done) else None
        entries.append(
            _component_result(
                "min",
                label,
                required,
                counted,
                ZERO,
                judged_met,
                start,
                end,
                headline=True,
                what=what,
            )
        )

    required_total, counted_total, short_total = total
    entry(
        "Total",
        required_total,
        counted_total,
        period.start,
        period.end,
        "",
        met=not short_total if (ended or not short_total) else None,
    )
    ethics_words = "ethics"
    if ctx.ethics_kind != ETHICS:
        ethics_words = f"{ctx.license.jurisdiction} ethics"
    entry(
        ethics_words.capitalize() if ethics_words == "ethics" else ethics_words,
        ethics[0],
        ethics[1],
        ctx.ethics.start,
        ctx.ethics.end,
        ethics_words,
    )
    entry("Technical", technical[0], technical[1], period.start, period.end, "technical")
    for year in annual:
        entry(
            f"Annual minimum (year ending {day_text(year.year_end)})",
            year.required,
            year.counted,
            year.year_start,
            year.year_end,
            "",
            met=year.met,
        )
    return tuple(_most_missing_first([*entries, *parts.results]))


# What ``_most_missing_first`` sorts by, in falling order.
_MISSING_HEADLINE = attrgetter("missing", "headline")


def _most_missing_first(results: list[ComponentResult]) -> list[ComponentResult]:
    """``results`` most missing first, a headline figure first among equals, equals otherwise
    as given: ``sorted(results, key=lambda r: (-r.missing, not r.headline))``, sorted falling
    (a falling sort keeps equals as given too) rather than by a key negating each amount."""
    return sorted(results, key=_MISSING_HEADLINE, reverse=True)


def _guarded(ctx: EvaluationContext, status: Status) -> Status:
    """No alarm from a guessed period: while a fact the period needs is missing (the period end
    only the holder knows, a birth date, a license number), deadlines are not known, so the
    status is at most "on track" and the result asks for the fact instead."""
    if ctx.guessed and status in ("at_risk", "overdue"):
        return "on_track"
    return status


class _DayTexts:
    """Dates as ``day_text`` writes them, each written once while the format stays the same (a
    firm's records share a few thousand days)."""

    def __init__(self) -> None:
        # One pair, replaced whole, so that a thread never sees texts of another format.
        self.kept: tuple[Callable[[date], str] | None, dict[date, str]] = (None, {})

    def current(self) -> tuple[Callable[[date], str], dict[date, str]]:
        """The format now and the texts written with it (fill in what is missing)."""
        writer = day_format()
        kept, texts = self.kept
        if writer is not kept or len(texts) > 40_000:
            texts = {}
            self.kept = (writer, texts)
        return writer, texts


_DAY_TEXTS = _DayTexts()


def _label(record: RecordFacts) -> str:
    writer, texts = _DAY_TEXTS.current()
    day = texts.get(record.completed_on)
    if day is None:
        day = texts[record.completed_on] = writer(record.completed_on)
    return _named(record.title, day)


def _named(title: str, day: str) -> str:
    """How an issue names a record: its title and day (``day`` already written), or its day
    alone when it has no title."""
    return f"\u201c{title}\u201d ({day})" if title else f"The record of {day}"


def _records(
    ctx: EvaluationContext, window: CappedWindow, ethics: Period
) -> tuple[tuple[int, ...], list[Issue]]:
    """The records that count (toward the total or ethics; the opening balance's id, not a
    record's, left out), and the issues of the records looked at: no certificate (counted
    records) and credits breaking the increments (any of them).

    Each record's issues are worded once per ledger (a holder's licenses share one), and only
    the records with something to say are visited, so a firm's licenses cost what their issues
    cost rather than a pass over every counted record each."""
    ledger = ctx.ledger
    e_lo, e_hi = ledger.bounds(ethics.start, min(ethics.end, ctx.as_of))
    counted = window.counted_positions()
    if e_lo < window.lo or e_hi > window.hi:  # an ethics period reaching outside the period
        ethics_face = ledger.face_values(ctx.ethics_kind)
        outside = [p for p in range(e_lo, e_hi) if ethics_face[p]]
        outside = [p for p in outside if not window.lo <= p < window.hi]
        counted = sorted(counted + outside)
    # Most often the records counted are every one from the first to the last counted: then
    # they are that range (membership without a set; their flagged ones a slice).
    contiguous = bool(counted) and counted[-1] - counted[0] + 1 == len(counted)
    counted_set: range | set[int] = (
        range(counted[0], counted[-1] + 1) if contiguous else set(counted)
    )
    lo, hi = min(window.lo, e_lo), max(window.hi, e_hi)
    flagged = ledger.flagged(lo, hi)
    worded = ledger.memo(_record_notes)
    unworded = [position for position in flagged if position not in worded]
    if unworded:
        _word_records(ledger, unworded, worded)
    issues: list[Issue]
    if not ledger.wrong(lo, hi):  # each flagged record only lacks a certificate: the fast way
        if contiguous:  # (counted lies within lo:hi: its flagged records, in order)
            issues = [worded[p] for p in ledger.flagged(counted[0], counted[-1] + 1)]
        else:
            issues = [worded[p] for p in flagged if p in counted_set]
    else:
        issues = []
        append, extend = issues.append, issues.extend
        for position in flagged:  # (a firm has tens of thousands: kept to the bare minimum)
            notes = worded[position]
            if type(notes) is not tuple:  # only no certificate
                if position in counted_set:
                    append(notes)
                continue
            no_certificate, increments = notes
            if no_certificate is not None and position in counted_set:
                append(no_certificate)
            if increments:
                extend(increments)
    if counted:
        for position in ledger.not_stated(counted[0], counted[-1] + 1):
            not_stated = (
                ledger.notes(position, _not_stated_note) if position in counted_set else None
            )
            if not_stated is not None:  # (never for the opening balance)
                issues.append(not_stated)
    ids = ledger.record_ids()
    found = ids[counted[0] : counted[-1] + 1] if contiguous else [ids[p] for p in counted]
    unnumbered = found and ledger.unnumbered() and min(found) <= 0  # (the opening balance)
    return tuple([r for r in found if r > 0] if unnumbered else found), issues


def _record_notes(ledger: Ledger, position: int) -> tuple[Issue | None, tuple[Issue, ...]]:
    """A record's possible issues, worded: no certificate (None when it has one) and its credits
    breaking the increments."""
    record = ledger.records[position]
    label = _label(record)
    record_id = record.record_id
    no_certificate = (
        None
        if record.has_certificate
        else _record_issue("no_certificate", record_id, f"{label} has no certificate attached.")
    )
    problems = ledger.issues(position)
    increments = (
        tuple(
            [
                _record_issue("increment", record_id, f"{label}, {field}: {problem.message}")
                for field, problem in problems
            ]
        )
        if problems
        else ()
    )
    return no_certificate, increments


def _word_records(ledger: Ledger, positions: list[int], worded: dict[int, Any]) -> None:
    """``worded[p] = _record_notes(ledger, p)`` for each of ``positions`` (sorted, all
    ``flagged``), in one loop: a firm has thousands, most of them only without a certificate.
    For those, ``worded[p]`` is the one issue alone (``_record_notes`` would give it with no
    increments issue: ``(issue, ())``), one object less for each."""
    ids, days, titles = ledger.record_ids(), ledger.dates, ledger.titles()
    writer = _DAY_TEXTS.current()[0]
    wrong = set(ledger.wrong(positions[0], positions[-1] + 1))
    new = object.__new__
    for position in positions:
        if position in wrong:
            worded[position] = _record_notes(ledger, position)
            continue
        # Flagged, and its credits are right: it has no certificate. Worded when its message
        # is first read (``Issue``), as ``_record_notes`` words it, in this date format.
        issue = new(IssueDraft)
        issue.kind = "no_certificate"
        issue.record_id = ids[position]
        issue.missing = None
        issue._words = (_no_certificate, titles[position], days[position], writer)
        issue.__class__ = Issue  # type: ignore[assignment]
        worded[position] = issue


def _no_certificate(title: str, day: date, writer: Callable[[date], str]) -> str:
    """``_label``'s words that the record of ``title`` completed on ``day`` has no
    certificate, the day written by ``writer``."""
    return f"{_named(title, writer(day))} has no certificate attached."


def _record_issue(kind: IssueKind, record_id: int, message: str) -> Issue:
    """``Issue(kind, record_id, message)``, built without the frozen dataclass's field-by-field
    ``__init__`` (a firm's records have thousands): equal to the one it would build."""
    issue = object.__new__(IssueDraft)
    issue.kind = kind
    issue.record_id = record_id
    issue.message = message
    issue.missing = None
    issue._words = None
    issue.__class__ = Issue  # type: ignore[assignment]
    return issue  # type: ignore[return-value]


def _not_stated_note(ledger: Ledger, position: int) -> Issue | None:
    """What a record does not state, worded (None when it states everything, and for the
    opening balance)."""
    record = ledger.records[position]
    unknown = _not_stated(record)
    if not unknown or record.record_id <= 0:
        return None
    return Issue(
        "not_stated",
        record.record_id,
        f"{_label(record)}: {unknown} not stated; its hours count toward the total only until "
        "you say.",
    )


def _not_stated(record: RecordFacts) -> str:
    """What a record does not say ("Not stated"): its delivery method, its field of
    study, both, or nothing ("")."""
    what = []
    if (record.delivery_method or "").strip().casefold() == NOT_STATED.casefold():
        what.append("delivery method")
    if any(name.strip().casefold() == NOT_STATED.casefold() for name, _ in record.credits):
        what.append("field of study")
    return " and ".join(what)


def _evaluate(ctx: EvaluationContext, ledger: Ledger) -> Evaluation:
    ctx.ledger = ledger
    license, as_of = ctx.license, ctx.as_of
    period, ethics = ctx.current, ctx.ethics
    window = ctx.window(period)
    counted_in_period = window.counted_all(TOTAL)
    annual = _annual(ctx, window, period)
    carryover = ctx.carryover(period, ctx.previous)
    if ctx.carries_yearly and annual and annual[0].year_start == period.start:
        carryover = annual[0].carryover_in
    counted_ethics = ethics_counted(ledger, window, ethics.start, as_of, ctx.ethics_kind)
    counted_technical = window.counted_all(TECHNICAL)
    required_total, required_ethics, required_technical = ctx.required(period)
    parts = judge_components(ctx, ledger, required_total)
    # Hours a component cap dropped do not count toward the total.
    counted_in_period -= parts.dropped_total
    counted_technical = min(counted_technical, counted_in_period)
    counted_total = counted_in_period + carryover
    shortfalls = (
        # An alternative path met (New York's 24 hours in one subject) meets the total.
        ZERO if parts.alternative_met else _short(required_total, counted_total),
        _short(required_ethics, counted_ethics),
        _short(required_technical, counted_technical),
    )
    previous = _previous(ctx)
    counted_records, record_issues = _records(ctx, window, ethics)
    caps = tuple(
        _cap_result(name, ctx.limits[name], window.dropped[name])
        for name in CAP_ORDER
        if name in ctx.limits
    )
    return _evaluation(
        license_id=license.license_id,
        as_of=as_of,
        period_start=period.start,
        period_end=period.end,
        ethics_period_start=ethics.start,
        ethics_period_end=ethics.end,
        status=_guarded(
            ctx,
            _status(
                period,
                ethics,
                as_of,
                shortfalls,
                counted_in_period,
                annual,
                previous,
                license.tracked_from,
                required_total,
                parts,
            ),
        ),
        required_total=required_total,
        earned_total=ledger.face(TOTAL, window.lo, window.hi),
        counted_total=counted_total,
        carryover_in=carryover,
        required_ethics=required_ethics,
        counted_ethics=counted_ethics,
        required_technical=required_technical,
        counted_technical=counted_technical,
        shortfall_total=shortfalls[0],
        shortfall_ethics=shortfalls[1],
        shortfall_technical=shortfalls[2],
        days_left=period.days_left(as_of),
        ethics_days_left=ethics.days_left(as_of),
        ethics_jurisdiction=license.jurisdiction if ctx.ethics_kind != ETHICS else None,
        annual=annual,
        caps=caps,
        previous=previous,
        issues=tuple(ctx.issues + record_issues),
        counted_records=counted_records,
        tracked_from=license.tracked_from,
        opening_hours=ctx.opening[0],
        opening_ethics_hours=ctx.opening[1],
        first_period=ctx.first,
        period_guessed=ctx.guessed,
        components=_component_list(
            ctx,
            parts,
            (required_total, counted_total, shortfalls[0]),
            (required_ethics, counted_ethics),
            (required_technical, counted_technical),
            annual,
        ),
    )


def _opening_record(license: LicenseFacts) -> RecordFacts | None:
    """The opening balance as a record completed on ``tracked_from`` (ARCHITECTURE.md §4): hours of
    no stated field (they count toward the total only) and ethics tagged with the license's
    jurisdiction. Its id is negative, so it never clashes with a real record."""
    if license.tracked_from is None or not license.opening_hours:
        return None
    ethics = license.opening_ethics_hours
    credits = (
        [("Not stated", license.opening_hours - ethics)] if license.opening_hours > ethics else []
    )
    if ethics:
        credits.append(("Regulatory Ethics", ethics))
    return RecordFacts(
        record_id=-1,
        completed_on=license.tracked_from,
        delivery_method=None,
        ethics_jurisdiction=license.jurisdiction,
        has_certificate=True,
        credits=tuple(credits),
        title=f"Hours earned before {day_text(license.tracked_from)}",
    )


def _in_view(records: Iterable[RecordFacts], first: date, last: date) -> list[RecordFacts]:
    """The records completed from ``first`` to ``last``: nothing else is ever looked at."""
    return [record for record in records if first <= record.completed_on <= last]


def evaluate(
    rule: Rule, license: LicenseFacts, records: Iterable[RecordFacts], as_of: date
) -> Evaluation:
    """Evaluate one license against ``rule`` as of ``as_of``.

    ``records`` are all of the holder's records (any order, any dates): the engine picks those
    completed inside each period and not after ``as_of``. The same record counts toward every
    license it is passed with. Raises ValueError if two different records looked at share a
    record_id (the same record passed twice counts once).
    """
    ctx = EvaluationContext(rule, license, as_of)
    shared = Ledger(_in_view(records, ctx.earliest(), as_of))
    result = _evaluate(ctx, _own_ledger(ctx, shared))
    return unresolved_home(rule, license, result)


def _own_ledger(ctx: EvaluationContext, shared: Ledger) -> Ledger:
    """The holder's ledger, or one of this license's own when it has an opening balance or its
    rule counts some credits at a factor (both belong to this license alone)."""
    opening = _opening_record(ctx.license)
    if opening is not None and not ctx.earliest() <= opening.completed_on <= ctx.as_of:
        opening = None
    factored = factored_records(applicable(ctx.rule, ctx.license), shared.records)
    if opening is None and factored is None:
        return shared
    extra = [opening] if opening else []
    if factored is None:
        return Ledger([*shared.records, *extra])
    changed = {
        new.record_id: old
        for new, old in zip(factored, shared.records, strict=True)
        if new is not old
    }
    return Ledger([*factored, *extra], as_entered=changed)


def evaluate_all(
    licenses_with_rules: Iterable[tuple[LicenseFacts, Rule]],
    records_by_holder: Mapping[int | None, Iterable[RecordFacts]],
    as_of: date,
) -> list[Evaluation]:
    """Evaluate many licenses at once; results come in the order given.

    Each license's records are ``records_by_holder[license.holder_id]`` (none when absent).
    Each holder's records are sorted and classified once, however many licenses they hold,
    and only as far back as the earliest period any of those licenses looks at.
    """
    pairs = list(licenses_with_rules)
    results = evaluate_each(pairs, records_by_holder, as_of)
    return apply_reciprocity([(rule, license) for license, rule in pairs], results)


def evaluate_each(
    licenses_with_rules: Iterable[tuple[LicenseFacts, Rule]],
    records_by_holder: Mapping[int | None, Iterable[RecordFacts]],
    as_of: date,
) -> list[Evaluation]:
    """``evaluate_all`` before reciprocity: each license on its own rule and its holder's
    records, nothing taken from the holder's other licenses. A caller that keeps results can
    evaluate only the licenses whose facts changed and pass every result, kept or new, to
    ``rules.reciprocity.apply_reciprocity`` (which is what ``evaluate_all`` does)."""
    return evaluate_prepared(prepare(licenses_with_rules, as_of), records_by_holder)


def prepare(
    licenses_with_rules: Iterable[tuple[LicenseFacts, Rule]], as_of: date
) -> list[EvaluationContext]:
    """Each license's periods, worked out before any record is read: ``ctx.earliest()`` is the
    first day its evaluation looks at, so a caller can read only the records from then on.
    Licenses with the same rule and period inputs share the periods worked out."""
    shared: dict[tuple[object, ...], Any] = {}
    return [
        EvaluationContext(rule, license, as_of, shared) for license, rule in licenses_with_rules
    ]


def evaluate_prepared(
    contexts: list[EvaluationContext],
    records_by_holder: Mapping[int | None, Iterable[RecordFacts]],
) -> list[Evaluation]:
    """``evaluate_each`` of contexts from ``prepare`` (each used once). A holder's records may
    leave out any completed before the earliest ``ctx.earliest()`` of their licenses."""
    earliest: dict[int | None, date] = {}
    latest: dict[int | None, date] = {}
    for ctx in contexts:
        holder = ctx.license.holder_id
        earliest[holder] = min(ctx.earliest(), earliest.get(holder, date.max))
        latest[holder] = max(ctx.as_of, latest.get(holder, date.min))
    ledgers = {
        holder: Ledger(records_by_holder.get(holder, ()), view=(first, latest[holder]))
        for holder, first in earliest.items()
    }
    return [_evaluate(ctx, _own_ledger(ctx, ledgers[ctx.license.holder_id])) for ctx in contexts]


__all__ = [
    "AT_RISK_DAYS",
    "CapName",
    "CapResult",
    "Evaluation",
    "FirstPeriod",
    "Issue",
    "IssueKind",
    "LicenseFacts",
    "MissingInformation",
    "Period",
    "PreviousResult",
    "RecordFacts",
    "Rule",
    "Status",
    "YearResult",
    "evaluate",
    "evaluate_all",
    "evaluate_each",
    "evaluate_prepared",
    "prepare",
]
