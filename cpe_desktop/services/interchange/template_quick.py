"""The records of a plain template CSV judged kind by kind, without an object per row.

``grouping.check_groups`` already judges a record once per kind: records whose rows hold the
same cells but for the title and last day take the first one's judgment with their own title and
day. An import of ten thousand rows still made, for every row and record, the objects that
machinery walks (a ``Row`` and its dict, a ``Group``, the kind's key from the dict, the checked
values and then the values to write), which cost more than judging. Here a file in the common
shape is read column by column instead: the rows are grouped and keyed by kind from their cell
lists, only the first record of each kind becomes a ``Group`` judged by ``GroupJudge`` (the
very code ``check_groups`` runs for it), and every other record is written straight from that
judgment, as ``check_groups`` and then ``bulk_records.prepare`` would make it.

Anything outside that shape answers None, and the caller imports the file the usual way, from
the start: a column without a name, a cell to restore (a leading ``'``), a row shorter or longer
than the header, an ``email`` column, rows of one record apart from each other, a title or last
day unusable as it stands, a record whose kind cannot be reused, or any problem at all (so every
message is the usual way's). ``tests/services/interchange/test_template_quick.py`` holds the
result to the usual way's on many files.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from itertools import compress, islice
from typing import Any

from cpe_desktop.services import bulk_records
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.interchange.grouping import EMAIL, Group, GroupJudge, Problems, Row
from cpe_desktop.services.validation import parse_date

_NEW_RECORD = bulk_records.NewRecord
_SECOND = operator.itemgetter(1)


def judge_rows(
    ctx: ServiceContext,
    header: Sequence[str],
    body: Sequence[tuple[int, list[str]]],
    user_id: int,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[str], list[tuple[bulk_records.RecordKey, bulk_records.NewRecord]]] | None:
    """The warnings and the records ready to write (each with its ``bulk_records.record_key``)
    that ``check_groups`` and ``prepare`` give for these rows (``body``: each non-blank row's
    line and cells, every cell as read), in the records' order; None: not a file of that shape
    (see the module's docstring), to be imported the usual way. ``progress(done, total)``
    hears how many records are judged, now and then."""
    width = len(header)
    if not body or not all(header) or EMAIL in header or len(set(header)) != width:
        return None
    if "title" not in header or "completed_on" not in header:
        return None
    cells = list(map(_SECOND, body))  # each row's cells
    if set(map(len, cells)) != {width}:
        return None
    at_title, at_day = header.index("title"), header.index("completed_on")
    columns = list(zip(*cells, strict=True))
    # What ``grouping.group_key`` reads: the title and sponsor stripped, the day read.
    titles = list(map(str.strip, columns[at_title]))
    read: dict[str, dt.date | None] = {}
    for text in set(columns[at_day]):
        try:
            read[text] = parse_date(text)
        except ValueError:
            read[text] = None
    days = list(map(read.__getitem__, columns[at_day]))
    if not all(titles) or None in read.values():
        return None  # a row standing alone: an unusable title or day, said the usual way
    sponsors = (
        list(map(str.strip, columns[header.index("sponsor")]))
        if "sponsor" in header
        else [""] * len(cells)
    )
    keys = list(zip(titles, days, sponsors, strict=True))
    # Each record's rows follow one another (the usual way also groups rows apart).
    starts = [0, *compress(range(1, len(keys)), map(operator.ne, islice(keys, 1, None), keys))]
    if len(starts) != len(dict.fromkeys(keys)):
        return None
    ends = [*starts[1:], len(keys)]
    # A record's kind: its rows' cells but for the title and the last day, as the usual way's
    # key (``grouping._alike_key``) tells them apart (every cell a text here).
    others = [i for i in range(width) if i not in (at_title, at_day)]
    if len(others) < 2:  # (the template's required columns are more)
        return None
    rest = list(map(operator.itemgetter(*others), cells))  # each row's a tuple
    judge = GroupJudge(ctx, Problems.for_columns(list(header)))
    checks = judge.checks
    # Each record's title and lone day as ``check_groups`` reads them for a record alike: the
    # texts read in one go when they are plain (most files), else one by one.
    own_titles = (
        titles if checks.plain_titles(titles) else list(map(checks.title_text, columns[at_title]))
    )
    lone = checks.lone_days(read)
    own_days = list(map(lone.__getitem__, columns[at_day]))
    kinds: dict[Any, tuple[bulk_records.NewRecord, list[str]]] = {}
    warnings: list[str] = []
    ready: list[tuple[bulk_records.RecordKey, bulk_records.NewRecord]] = []
    append = ready.append
    total = len(starts)
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        kind = (rest[start],) if end - start == 1 else tuple(rest[start:end])
        seen = kinds.get(kind)
        if seen is None:
            span = range(start, end)
            rows = [Row(body[i][0], dict(zip(header, cells[i], strict=True))) for i in span]
            group = Group(rows)
            said, reusable = judge.judge(group)
            if judge.problems or not reusable:
                return None
            made = bulk_records.prepare(user_id, group.values)
            kinds[kind] = (made, said)
            values = made.values
            if said:
                title = group.values.get("title", "")
                warnings.extend(f"line {body[start][0]} ({title}): {w}" for w in said)
            append(
                (
                    (values["title"], values["completed_on"], values.get("sponsor") or None),
                    made,
                )
            )
        else:
            title = own_titles[start]
            day = own_days[start]
            if title is None or day is None:
                return None  # judged the long way by the usual way
            model, said = seen
            values = {**model.values, "title": title, "completed_on": day}  # (keys kept in order)
            if said:
                warnings.extend(f"line {body[start][0]} ({title}): {w}" for w in said)
            append(
                (
                    (title, day, values.get("sponsor") or None),
                    _NEW_RECORD(user_id, values, model.credits),
                )
            )
        if progress is not None and index % 200 == 199:
            progress(index + 1, total)
    return warnings, ready
