"""A holder's credits sorted by date and summed by kind, so any window's sum is cheap.

A firm's dashboard evaluates every license of every person at once (tens of thousands of
records), and each license looks at several overlapping windows (the period, the previous one,
the ethics period, each year). So each holder's records are classified and sorted once, running
totals per kind of credit are kept, and any window's sum is two ``bisect`` look-ups and a
subtraction. ``caps`` walks credit by credit only the windows where a cap binds.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from itertools import accumulate, compress, islice
from operator import attrgetter, itemgetter, lt, not_
from typing import Any, NamedTuple

from cpe_desktop.rules.credits import CreditIssue
from cpe_desktop.rules.facts import CapName, RecordFacts
from cpe_desktop.rules.record_columns import RecordColumns
from cpe_desktop.rules.record_profiles import (
    ZERO,
    check,
    field_kind,
    method_of,
    profile_of,
    profiles,
    silent_of,
    sums_of,
    wrong_of,
)

# Kinds of credit with a running total. Ethics restricted to a jurisdiction is "ethics@<key>".
TOTAL, ETHICS, TECHNICAL = "total", "ethics", "technical"
SELF_STUDY: CapName = "self_study"
NANO: CapName = "nano"
NON_TECHNICAL: CapName = "non_technical"
CAP_ORDER: tuple[CapName, ...] = (SELF_STUDY, NANO, NON_TECHNICAL)


def jurisdiction_key(name: str | None) -> str | None:
    """How two spellings of a jurisdiction are compared: case, spacing and ends ignored."""
    return (" ".join(name.casefold().split()) or None) if name else None


class Credit(NamedTuple):
    """One positive credits line of a record, classified."""

    ethics: bool
    field: str
    amount: Decimal
    technical: bool
    non_technical: bool


_order = attrgetter("completed_on", "record_id")
_by_day = attrgetter("completed_on")
_record_id = attrgetter("record_id")


def _sorted_records(
    records: Iterable[RecordFacts], view: tuple[date, date] | None
) -> list[RecordFacts]:
    """The records sorted by (completed_on, record_id), each once (the same record passed
    twice counts once; two different records with one id are refused), only those in
    ``view`` (first, last) when given."""
    given = records if isinstance(records, list) else list(records)
    ids = list(map(_record_id, given))
    # Given in record_id order (as the database gives them), the stable sort by day alone
    # keeps that order among a day's records. (Ids rising all through are also unique.)
    by = _by_day
    if not all(map(lt, ids, islice(ids, 1, None))):
        if view is not None:  # the records in view first, then as given
            first, last = view
            given = [record for record in given if first <= record.completed_on <= last]
            ids, view = list(map(_record_id, given)), None
        if len(set(ids)) != len(ids):  # a record given twice: the first one, checked
            unique: dict[int, RecordFacts] = {}
            for record in given:
                # "Each credit once": the same record passed twice counts once.
                seen = unique.setdefault(record.record_id, record)
                if seen is not record and seen != record:
                    raise ValueError(f"two different records have the id {record.record_id}")
            given, ids = list(unique.values()), list(unique)
        by = _by_day if ids == sorted(ids) else _order
    found = sorted(given, key=by)
    if view is not None:  # (sorted by day: those in view are a slice)
        dates = list(map(_by_day, found))
        lo, hi = bisect_left(dates, view[0]), bisect_right(dates, view[1])
        if lo or hi < len(found):
            found = found[lo:hi]
    return found


class Ledger:
    """One holder's records sorted by (completed_on, record_id), with running totals per kind.

    Records are kept as parallel lists indexed by position (cheaper to build for tens of
    thousands of records than an object each). Zero and negative credits never count;
    ``check_credits`` reports them.
    """

    def __init__(
        self,
        records: Iterable[RecordFacts],
        as_entered: dict[int, RecordFacts] | None = None,
        view: tuple[date, date] | None = None,
    ) -> None:
        """``view`` (first, last): only the records completed from ``first`` to ``last`` are
        kept, as if only those were given. ``records`` may be ``RecordColumns`` (in rising
        ids, as the database reads them): then no record is built unless looked at alone."""
        # Records whose credits were rewritten (a credit factor): checked as the holder entered
        # them, so a halved 1.5 is not reported as breaking the increments.
        self.as_entered = as_entered or {}
        # The records in order, as given (a list), or built when looked at alone (from
        # ``RecordColumns``); ``columns``: what the ledger reads of them, position by position.
        self.records: Sequence[RecordFacts]
        if isinstance(records, RecordColumns):
            columns = self.records = records.by_day(view)
        else:
            self.records = _sorted_records(records, view)
            columns = RecordColumns.of(self.records)
        self.columns = columns
        self.dates: list[date] = columns.days
        # What each record's lines and delivery method make of it, worked out once for all the
        # records with the same (equal) ones; the amounts are each record's own.
        found = profiles(columns.credits, columns.methods)
        # (total, ethics, technical, non-technical) of each record, as four columns.
        sums = list(zip(*map(sums_of, found), strict=True)) or [(), (), (), ()]
        totals, ethics, technical, non_technical = map(list, sums)
        positions = range(len(found))
        # (self-study, nano) of each record.
        self.methods: list[tuple[bool, bool]] = list(map(method_of, found))
        # Records with a credits issue (``issues`` says how), as the holder entered them (not as
        # a credit factor rewrote them).
        wrong = list(compress(positions, map(wrong_of, found)))
        if self.as_entered:
            wrong = []
            for p, record_id in enumerate(columns.ids):
                entered = self.as_entered.get(record_id)
                if entered is None:
                    bad = found[p].wrong
                else:
                    bad = profile_of(entered.credits, entered.delivery_method).wrong
                if bad:
                    wrong.append(p)
        self._wrong: list[int] = wrong
        # Records with no certificate or a credits issue.
        flagged = list(compress(positions, map(not_, columns.certified)))
        self._flagged: list[int] = sorted({*flagged, *wrong}) if wrong else flagged
        # Records whose delivery method or a field of study is "Not stated".
        self._unstated: list[int] = list(compress(positions, map(silent_of, found)))
        self._face: dict[str, list[Decimal]] = {
            TOTAL: totals,
            ETHICS: ethics,
            TECHNICAL: technical,
            NON_TECHNICAL: non_technical,
        }
        self._running: dict[str, list[Decimal]] = {}
        self._credits: dict[int, tuple[Credit, ...]] = {}
        self._tags: list[str | None] | None = None
        self._tagged = False
        self._unnumbered: bool | None = None
        self._notes: dict[Callable[..., Any], dict[int, Any]] = {}
        self._lines: dict[tuple[int, int], dict[tuple[str, str | None], Decimal]] = {}

    def __len__(self) -> int:
        return len(self.dates)

    def bounds(self, start: date, end: date) -> tuple[int, int]:
        """Positions ``lo:hi`` of the records completed from ``start`` to ``end`` inclusive."""
        if end < start:
            return 0, 0
        return bisect_left(self.dates, start), bisect_right(self.dates, end)

    def record_ids(self) -> list[int]:
        """Every record's id, in order (do not change the list)."""
        return self.columns.ids

    def titles(self) -> list[str]:
        """Every record's title, in order (do not change the list)."""
        return self.columns.titles

    def unnumbered(self) -> bool:
        """Whether some record's id is 0 or less (an opening balance's), worked out once."""
        if self._unnumbered is None:
            ids = self.record_ids()
            self._unnumbered = bool(ids) and min(ids) <= 0
        return self._unnumbered

    def tags(self, lo: int, hi: int) -> list[str | None]:
        """The ethics jurisdictions (as ``jurisdiction_key``) of records ``lo:hi``."""
        return self._all_tags()[lo:hi]

    def _all_tags(self) -> list[str | None]:
        """Every record's ``tags``, worked out once (do not change the list); ``_tagged`` then
        says whether any is not None."""
        if self._tags is None:
            named = self.columns.ethics()
            self._tags = (
                [  # (most records name no jurisdiction: no call for them)
                    jurisdiction_key(name) if name else None for name in named
                ]
                if any(named)
                else [None] * len(named)  # no record names one
            )
            self._tagged = any(self._tags)
        return self._tags

    def face_values(self, kind: str) -> list[Decimal]:
        """Every record's face value of ``kind``, in order (do not change the list)."""
        values = self._face.get(kind)
        if values is None:
            if kind in (SELF_STUDY, NANO):
                which = kind == NANO
                totals = self._face[TOTAL]
                values = (
                    [t if m[which] else ZERO for t, m in zip(totals, self.methods, strict=True)]
                    if any(map(itemgetter(which), self.methods))
                    else [ZERO] * len(totals)  # no record by that method (most have no nano)
                )
            else:  # "ethics@<jurisdiction>"
                tag = kind.partition("@")[2]
                tags = self._all_tags()
                values = (
                    [
                        e if e and t == tag else ZERO
                        for e, t in zip(self._face[ETHICS], tags, strict=True)
                    ]
                    if self._tagged
                    else [ZERO] * len(tags)  # no record names a jurisdiction
                )
            self._face[kind] = values
        return values

    def credits(self, position: int) -> tuple[Credit, ...]:
        """The record's positive credits, in the order a cap drops them: outside ethics first,
        then by field and amount."""
        credits = self._credits.get(position)
        lines = self.columns.credits[position]
        if credits is None and len(lines) == 1:
            ((name, amount),) = lines
            kind = field_kind(name)
            credits = (Credit(kind[0], name, amount, kind[1], kind[2]),) if amount > ZERO else ()
            self._credits[position] = credits
        if credits is None:
            credits = tuple(
                sorted(
                    Credit(kind[0], name, amount, kind[1], kind[2])
                    for name, amount in lines
                    if amount > ZERO
                    for kind in (field_kind(name),)
                )
            )
            self._credits[position] = credits
        return credits

    def value(self, kind: str, position: int, amounts: list[Decimal] | None = None) -> Decimal:
        """The record's credits of ``kind``: from ``amounts`` (what caps left, one per
        ``credits()``), else at face value."""
        if amounts is None:
            return self.face_values(kind)[position]
        credits = self.credits(position)
        if kind in (TOTAL, SELF_STUDY, NANO):
            if kind != TOTAL and not self.methods[position][kind == NANO]:
                return ZERO
            return sum(amounts, ZERO)
        if kind == TECHNICAL:
            return sum((a for c, a in zip(credits, amounts, strict=True) if c.technical), ZERO)
        if kind == NON_TECHNICAL:
            return sum((a for c, a in zip(credits, amounts, strict=True) if c.non_technical), ZERO)
        if kind != ETHICS:  # "ethics@<jurisdiction>": ethics tagged with that jurisdiction only
            tag = self._all_tags()[position]
            if tag != kind.partition("@")[2]:
                return ZERO
        return sum((a for c, a in zip(credits, amounts, strict=True) if c.ethics), ZERO)

    def face(self, kind: str, lo: int, hi: int) -> Decimal:
        """The face value of the credits of ``kind`` in records ``lo:hi``."""
        running = self._running.get(kind)
        if running is None:
            values = self.face_values(kind)
            # No credit of this kind (a firm's ledgers mostly have no nano learning, no ethics
            # tagged with a jurisdiction): every running sum is ZERO + ZERO + ..., that is
            # Decimal 0, without adding them one by one. (A face value of nothing is always
            # ZERO itself, never another zero such as 0.00: see ``__init__``, ``face_values``.)
            running = self._running[kind] = (
                [ZERO, *accumulate(values)] if any(values) else [ZERO] * (len(values) + 1)
            )
        return running[hi] - running[lo]

    def issues(self, position: int) -> tuple[tuple[str, CreditIssue], ...]:
        """Every credits line breaking the NASBA increments (or impossible), with its field."""
        columns = self.columns
        method, credits = columns.methods[position], columns.credits[position]
        if self.as_entered:
            entered = self.as_entered.get(columns.ids[position])
            if entered is not None:
                method, credits = entered.delivery_method, entered.credits
        if len(credits) == 1:  # most records: no generator, and nothing when nothing is wrong
            name, value = credits[0]
            found = check(value, method)
            return tuple([(name, issue) for issue in found]) if found else ()
        return tuple((name, issue) for name, value in credits for issue in check(value, method))

    def flagged(self, lo: int, hi: int) -> list[int]:
        """Positions in ``lo:hi`` of the records with no certificate or a credits issue."""
        flagged = self._flagged
        return flagged[bisect_left(flagged, lo) : bisect_left(flagged, hi)]

    def wrong(self, lo: int, hi: int) -> list[int]:
        """Positions in ``lo:hi`` of the records whose credits break the increments (``issues``
        says how)."""
        wrong = self._wrong
        return wrong[bisect_left(wrong, lo) : bisect_left(wrong, hi)]

    def memo(self, make: Callable[[Ledger, int], Any]) -> dict[int, Any]:
        """Position -> ``make(self, position)`` for the records worked out so far (the caller
        fills in the rest): what the engine says about a record is the same for every license
        that shares this ledger."""
        found = self._notes.get(make)
        if found is None:
            found = self._notes[make] = {}
        return found

    def notes(self, position: int, make: Callable[[Ledger, int], Any]) -> Any:
        """``make(self, position)``, worked out once per record and ``make`` (see ``memo``)."""
        memo = self.memo(make)
        found = memo.get(position)
        if found is None:
            found = memo[position] = make(self, position)
        return found

    def line_sums(self, lo: int, hi: int) -> dict[tuple[str, str | None], Decimal]:
        """(field of study, delivery method) -> the positive credits of records ``lo:hi`` in
        that field by that method (do not change it): the components judged over one window
        (most of a rule's, over its period) share one pass over its records."""
        found = self._lines.get((lo, hi))
        if found is None:
            found = self._lines[(lo, hi)] = {}
            methods, lines = self.columns.methods, self.columns.credits
            for p in range(lo, hi):
                method = methods[p]
                for name, amount in lines[p]:
                    if amount > ZERO:
                        key = (name, method)
                        found[key] = found.get(key, ZERO) + amount
        return found

    def not_stated(self, lo: int, hi: int) -> list[int]:
        """Positions in ``lo:hi`` of the records whose delivery method or a field of study says
        nothing (``record_profiles.says_nothing``: "Not stated")."""
        found = self._unstated
        return found[bisect_left(found, lo) : bisect_left(found, hi)]


__all__ = [
    "CAP_ORDER",
    "ETHICS",
    "NANO",
    "NON_TECHNICAL",
    "SELF_STUDY",
    "TECHNICAL",
    "TOTAL",
    "ZERO",
    "Credit",
    "Ledger",
    "jurisdiction_key",
]
