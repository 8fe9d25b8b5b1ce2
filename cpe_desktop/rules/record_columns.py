"""A holder's records as columns: what the engine reads of each record, one list per fact.

A firm's evaluation reads tens of thousands of records from the database, and the engine's
ledger works on them column by column anyway (``rules.ledger``): read straight into columns, no
``RecordFacts`` is built for a record the engine never looks at alone. ``RecordColumns`` is
still the sequence of the records it holds: indexed or iterated, it builds each one (once) as
``RecordFacts.trusted`` would, equal to the one the constructor would build.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any, overload

from cpe_desktop.rules.facts import RecordFacts

# What a record states beyond the columns, when it states nothing more (most records): no
# ethics jurisdiction, no first day, no topics.
_PLAIN: tuple[str | None, date | None, tuple[str, ...]] = (None, None, ())
_COLUMNS = attrgetter(
    "record_id", "completed_on", "delivery_method", "has_certificate", "credits", "title"
)


class RecordColumns(Sequence[RecordFacts]):
    """Records as parallel lists, position by position: ``ids``, ``days`` (completed on),
    ``methods`` (delivery), ``certified`` (has a certificate), ``credits`` (as
    ``RecordFacts.credits``: ``(field, Decimal)`` pairs) and ``titles``; ``stated``: position ->
    (ethics jurisdiction, first day, topics) of the few records stating any of those. Filled
    in (appended to) before any record is looked at, then never changed."""

    __slots__ = ("ids", "days", "methods", "certified", "credits", "titles", "stated", "_made")

    def __init__(
        self,
        ids: list[int],
        days: list[date],
        methods: list[str | None],
        certified: list[bool],
        credits: list[tuple[tuple[str, Decimal], ...]],
        titles: list[str],
        stated: dict[int, tuple[str | None, date | None, tuple[str, ...]]] | None = None,
    ) -> None:
        self.ids, self.days, self.methods = ids, days, methods
        self.certified, self.credits, self.titles = certified, credits, titles
        self.stated = stated or {}
        # Each position's record once built (None until then; no list until one is).
        self._made: list[RecordFacts | None] | None = None

    @classmethod
    def of(cls, records: list[RecordFacts]) -> RecordColumns:
        """The columns of these records, in their order; indexed, it gives these very
        records."""
        columns: list[list[Any]] = [list(c) for c in zip(*map(_COLUMNS, records), strict=True)]
        ids, days, methods, certified, credits, titles = columns or [[] for _ in range(6)]
        found = cls(ids, days, methods, certified, credits, titles)
        found.stated = {
            p: (r.ethics_jurisdiction, r.started_on, r.topics)
            for p, r in enumerate(records)
            if r.ethics_jurisdiction is not None or r.started_on is not None or r.topics
        }
        found._made = list(records)
        return found

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> RecordFacts: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordFacts]: ...

    def __getitem__(self, index: int | slice) -> RecordFacts | list[RecordFacts]:
        if isinstance(index, slice):
            return [self[p] for p in range(*index.indices(len(self.ids)))]
        made = self._made
        if made is None:
            made = self._made = [None] * len(self.ids)
        record = made[index]
        if record is None:
            p = index + len(self.ids) if index < 0 else index
            ethics, started, topics = self.stated.get(p, _PLAIN)
            record = made[p] = RecordFacts.trusted(
                self.ids[p],
                self.days[p],
                self.methods[p],
                ethics,
                self.certified[p],
                self.credits[p],
                self.titles[p],
                started,
                topics,
            )
        return record

    def __iter__(self) -> Iterator[RecordFacts]:
        return map(self.__getitem__, range(len(self.ids)))

    def ethics(self) -> list[str | None]:
        """Each record's ethics jurisdiction, in order."""
        named: list[str | None] = [None] * len(self.ids)
        for p, (ethics, _, _) in self.stated.items():
            named[p] = ethics
        return named

    def by_day(self, view: tuple[date, date] | None = None) -> RecordColumns:
        """These records (given in rising ``ids``) sorted by (day, id): the stable sort by day
        keeps a day's records in id order. ``view`` (first, last): only those completed from
        ``first`` to ``last``. Itself when that changes nothing."""
        days = self.days
        order: Sequence[int] = sorted(range(len(days)), key=days.__getitem__)
        in_order = list(map(days.__getitem__, order))
        lo, hi = 0, len(days)
        if view is not None:
            lo, hi = bisect_left(in_order, view[0]), bisect_right(in_order, view[1])
        if lo == 0 and hi == len(days) and in_order == days:
            return self  # (already by day: a stable sort left every record in its place)
        order, in_order = order[lo:hi], in_order[lo:hi]
        pick = _picker(order)
        sorted_columns = RecordColumns(
            pick(self.ids),
            in_order,
            pick(self.methods),
            pick(self.certified),
            pick(self.credits),
            pick(self.titles),
        )
        if self.stated:
            at = {old: new for new, old in enumerate(order)}
            sorted_columns.stated = {at[p]: facts for p, facts in self.stated.items() if p in at}
        made = self._made
        if made is not None:
            sorted_columns._made = pick(made)
        return sorted_columns


def _picker(order: Sequence[int]) -> Callable[[Sequence[Any]], list[Any]]:
    """A function giving a column's values at ``order``, as a list (``itemgetter`` of the
    positions: one call per column)."""
    if len(order) < 2:
        return lambda column: [column[p] for p in order]
    get = itemgetter(*order)
    return lambda column: list(get(column))


__all__ = ["RecordColumns"]
