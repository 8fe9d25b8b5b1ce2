"""Caps (ARCHITECTURE.md §4 step 4): which credits of one reporting period count, and how many each
cap dropped.

Boards limit self-study (QAS Self Study + Nano Learning), nano learning alone and non-technical
fields, in hours or as a percentage of the required total (the lower wins). Caps overlap (a nano
course on personal development meets all three), so the order in which credits are dropped
decides how many hours survive: this module keeps the largest total any choice could keep, and
is the only place that decides it. Windows where no cap binds are never walked.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import accumulate, compress

from cpe_desktop.rules.ledger import (
    ETHICS,
    NANO,
    NON_TECHNICAL,
    SELF_STUDY,
    TECHNICAL,
    TOTAL,
    ZERO,
    Ledger,
)


def cap_limits(
    total_hours: Decimal | None, caps: dict[str, tuple[Decimal | None, Decimal | None]]
) -> dict[str, Decimal]:
    """Each cap's limit in hours: the lower of its hours and its percentage of ``total_hours``
    (a percentage means nothing without a total and is then ignored)."""
    limits: dict[str, Decimal] = {}
    for name, (hours, pct) in caps.items():
        candidates = [hours] if hours is not None else []
        if pct is not None and total_hours is not None:
            candidates.append(total_hours * pct / 100)
        if candidates:
            limits[name] = min(candidates)
    return limits


class CappedWindow:
    """The credits of records ``lo:hi`` of a ledger (one reporting period) after the caps.

    Which credits a cap drops: first the kind another cap also limits (non-technical nano before
    technical nano; non-technical self-study before technical self-study), which keeps the
    largest possible total; then credits outside ethics before ethics credits; then the latest
    completed first. Caps are applied nano, then self-study, then non-technical, each to what
    the ones before it left.
    """

    def __init__(self, ledger: Ledger, lo: int, hi: int, limits: dict[str, Decimal]) -> None:
        self.ledger, self.lo, self.hi = ledger, lo, hi
        self.limits = limits
        self.dropped = dict.fromkeys(limits, ZERO)
        self._touched: dict[int, list[Decimal]] | None = None
        self._columns: dict[str, list[Decimal]] = {}
        self._running: dict[str, list[Decimal]] = {}
        if any(ledger.face(cap, lo, hi) > limit for cap, limit in limits.items()):
            self._apply_caps()

    @property
    def binding(self) -> bool:
        """True when some cap dropped credits."""
        return self._touched is not None

    def _apply_caps(self) -> None:
        """Drop what each cap does not allow, nano then self-study then non-technical."""
        ledger, lo, hi = self.ledger, self.lo, self.hi
        methods, non_technical = ledger.methods, ledger.face_values(NON_TECHNICAL)
        credits_of = ledger.credits
        # Credit by credit, but only for the records some cap looks at; the rest count in full.
        touched: dict[int, list[Decimal]] = {}
        # Dropping non-technical credits first only helps when a non-technical cap follows.
        later_non_technical = NON_TECHNICAL in self.limits
        for cap in (NANO, SELF_STUDY, NON_TECHNICAL):
            limit = self.limits.get(cap)
            if limit is None:
                continue
            if cap == NON_TECHNICAL:
                positions = [p for p in range(lo, hi) if non_technical[p]]
            else:
                which = cap == NANO
                positions = [p for p in range(lo, hi) if methods[p][which]]
            candidates = []  # (drop order, position, credit index)
            held = ZERO
            for p in positions:
                mine = credits_of(p)
                amounts = touched.get(p)
                if amounts is None:
                    amounts = touched[p] = [credit.amount for credit in mine]
                for j, credit in enumerate(mine):
                    if amounts[j] and (cap != NON_TECHNICAL or credit.non_technical):
                        held += amounts[j]
                        first = cap != NON_TECHNICAL and not (
                            later_non_technical and credit.non_technical
                        )
                        candidates.append((first, credit.ethics, -p, j))
            excess = held - limit
            if excess <= 0:
                continue
            self.dropped[cap] = excess
            candidates.sort()
            for _, _, minus_p, j in candidates:
                amounts = touched[-minus_p]
                take = min(excess, amounts[j])
                amounts[j] -= take
                excess -= take
                if not excess:
                    break
        self._touched = touched
        # What counts of each record, by kind (windows are summed many times).
        total, ethics, technical = (
            ledger.face_values(kind)[lo:hi] for kind in (TOTAL, ETHICS, TECHNICAL)
        )
        for p, amounts in touched.items():
            t = e = k = ZERO
            for credit, amount in zip(credits_of(p), amounts, strict=True):
                t += amount
                if credit.ethics:
                    e += amount
                if credit.technical:
                    k += amount
            total[p - lo], ethics[p - lo], technical[p - lo] = t, e, k
        self._columns.update({TOTAL: total, ETHICS: ethics, TECHNICAL: technical})

    def _column(self, kind: str) -> list[Decimal]:
        """Each record's counted credits of ``kind`` (binding caps only)."""
        column = self._columns.get(kind)
        if column is None:
            if kind.startswith(ETHICS + "@"):
                tag = kind.partition("@")[2]
                tags = self.ledger.tags(self.lo, self.hi)
                ethics = self._columns[ETHICS]
                column = [e if e and t == tag else ZERO for e, t in zip(ethics, tags, strict=True)]
            else:
                assert self._touched is not None
                column = self.ledger.face_values(kind)[self.lo : self.hi]
                for p, amounts in self._touched.items():
                    column[p - self.lo] = self.ledger.value(kind, p, amounts)
            self._columns[kind] = column
        return column

    def counted_all(self, kind: str) -> Decimal:
        """The counted credits of ``kind`` in the whole window."""
        return self.counted(kind, self.lo, self.hi)

    def counted(self, kind: str, lo: int, hi: int) -> Decimal:
        """The counted credits of ``kind`` in records ``lo:hi`` (clipped to this window)."""
        lo, hi = max(lo, self.lo), min(hi, self.hi)
        if hi <= lo:
            return ZERO
        if self._touched is None:
            return self.ledger.face(kind, lo, hi)
        running = self._running.get(kind)
        if running is None:
            running = self._running[kind] = [ZERO, *accumulate(self._column(kind))]
        return running[hi - self.lo] - running[lo - self.lo]

    def amounts(self, position: int) -> list[Decimal] | None:
        """The record's credits as the caps left them, one per ``ledger.credits(position)``;
        None when no cap touched it (its credits count at face value)."""
        if self._touched is None:
            return None
        return self._touched.get(position)

    def touched(self) -> dict[int, list[Decimal]]:
        """Position -> ``amounts(position)`` for every record a cap looked at (none when no cap
        binds; do not change it)."""
        return self._touched or {}

    def counted_positions(self) -> list[int]:
        """Ledger positions of the records with some counted credit."""
        if self._touched is None:
            totals = self.ledger.face_values(TOTAL)[self.lo : self.hi]
        else:
            totals = self._column(TOTAL)
        return list(compress(range(self.lo, self.lo + len(totals)), totals))


__all__ = ["CappedWindow", "cap_limits"]
