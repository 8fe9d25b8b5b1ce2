"""Injectable time: services and rules ask a clock for "now" so tests can pin today."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current moment, timezone-aware, in UTC."""
        ...

    def today(self) -> dt.date:
        """The user's current calendar date (local time)."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return dt.date.today()


class FixedClock:
    """A clock that stands still until moved; for tests and simulations."""

    def __init__(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        self._moment = moment

    def now(self) -> dt.datetime:
        return self._moment

    def today(self) -> dt.date:
        return self._moment.date()

    def set(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        self._moment = moment

    def advance(self, delta: dt.timedelta) -> None:
        self._moment += delta
