"""Where tracking of a license starts when nobody said (ARCHITECTURE.md §4).

A person who adds a license issued in 2008 has not typed in eighteen years of certificates:
judging those years would call every such license overdue. So a license carries
``tracked_from`` and nothing that ended before it is judged. This module picks the default: the
start of the period containing the holder's earliest record (the current period's start when
there is none); for a rolling window, the start of the reporting year containing it, since the
window's earlier years were never tracked. Pure function; the caller gives "today".
"""

from __future__ import annotations

from datetime import date

from cpe_desktop.rules.facts import LicenseFacts, Rule
from cpe_desktop.rules.periods import MissingInformation, reporting_year


def default_tracked_from(
    rule: Rule | None, license: LicenseFacts, as_of: date, earliest_record: date | None
) -> date:
    """The first day to judge for ``license``: the start of the period (for ``rolling`` rules,
    of the reporting year) containing ``earliest_record``, or ``as_of`` when there is none.

    Without a rule, the earliest record's date (or ``as_of``). When the period cannot be worked
    out (the birth date or the period end is missing), 1 January of that year.
    """
    day = min(earliest_record, as_of) if earliest_record is not None else as_of
    if rule is None:
        return day
    try:
        return reporting_year(rule, license, license.birth_date, day).start
    except MissingInformation:
        # No birth date or period end yet: 1 January is late enough that no past period can
        # be judged on a guess, and early enough to count this year's records.
        return date(day.year, 1, 1)


__all__ = ["default_tracked_from"]
