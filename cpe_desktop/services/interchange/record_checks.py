"""Checking the many records of one import: each kind of record judged once.

An import of ten thousand rows holds a few hundred kinds of record: its records differ mostly in
their titles and days, otherwise in a few methods, fields and amounts. :class:`RecordChecks`
gives what :func:`checks.check_record` gives for each record (the record form's own reader,
``records.read_record_fields``), judging a stand-in once per kind; anything unusual or wrong is
judged the long way, so every message is the reader's own.
``tests/services/interchange/test_import_bulk_shortcuts.py`` holds it to ``check_record``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from cpe_desktop.rules.credits import check_program_days
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.interchange.checks import RECORD_KEYS, Checked, check_record
from cpe_desktop.services.records import EARLIEST, NOT_STATED, NOT_STATED_METHOD, TEXT_LIMITS
from cpe_desktop.services.validation import CONTROL_CHARACTERS, parse_date

_FREE_TEXT = {name: (name == "title", limit) for name, limit in TEXT_LIMITS.items()}
_SAME_AS_ITSELF = frozenset({str, int, bool, type(None), dt.date})  # equal only when alike
_SLOW = object()
_UNREAD = "\x00unread"  # no text read holds a NUL: Validator.text refuses control characters


class RecordChecks:
    """:func:`check_record` for the many records of one import, judged once per kind of record.

    The plain text fields (``records.TEXT_LIMITS``: title, sponsor, ...) bear on no other check,
    and a last day with no first day bears on none once it is a real day in range; an import's
    records differ in little else (a few methods, fields and amounts). So a record whose plain
    texts are usable as they are is judged as a stand-in with the same other values, remembered
    by them, and given its own texts and day back; anything else (a text too long, a control
    character, a blank title, a value of another type, any error at all) is judged the long way,
    by :func:`check_record` itself, so every message is its own. ``today`` is read once.
    """

    def __init__(
        self,
        ctx: ServiceContext,
        keys: Sequence[str] = RECORD_KEYS,
        known_topics: Collection[str] | None = None,
    ) -> None:
        self.ctx, self.keys, self.known_topics = ctx, keys, known_topics
        self.fast = "certificate" not in keys  # a certificate's name is the only other text
        self.today = ctx.clock.today()
        self._judged: dict[tuple[Any, ...], Checked] = {}
        self._plans: dict[tuple[str, ...], _Plan] = {}
        self._parts: dict[tuple[Any, ...], Any] = {}  # per one-line key: _line_part's
        self._totals: dict[tuple[str, Any], Any] = {}  # per total and method
        # Each plain text field's texts as read (``_plain_text``), each text read once.
        self._texts: dict[str, dict[str, str | None]] = {name: {} for name in _FREE_TEXT}
        self._days: dict[Any, Any] = {}

    def check(self, data: Mapping[str, Any]) -> Checked:
        """:func:`check_record`'s judgment of ``data``. Afterwards :attr:`alike` says whether it
        was judged through a stand-in with a lone last day (see :meth:`judged_alike`)."""
        self.alike = False
        found = self._shortcut(data) if self.fast and data.__class__ is dict else None
        if found is None:
            return check_record(self.ctx, data, self.keys, self.known_topics)
        return found

    # Set by :meth:`check`: the record was judged through its stand-in with a lone last day, so
    # a record whose values are the same but for another title read by :meth:`title_text` and
    # another last day read by :meth:`lone_day` (neither None) is judged the same, but for
    # those two values.
    alike = False

    def title_text(self, raw: Any) -> str | None:
        """A title as the record's judgment reads it when it is plain text (stripped); None: a
        blank title, or one the long way has something to say about."""
        if raw.__class__ is not str:
            return None
        read = self._texts["title"]
        text = read.get(raw, _UNREAD)
        if text == _UNREAD:
            text = read[raw] = _plain_text(raw, *_FREE_TEXT["title"])
        return text or None

    def plain_titles(self, stripped: Sequence[str]) -> bool:
        """Whether :meth:`title_text` reads every title whose stripped text is one of these as
        that text (none blank, too long or holding a control character)."""
        limit = _FREE_TEXT["title"][1]
        return (
            all(stripped)
            and max(map(len, stripped), default=0) <= limit
            and all(map(str.isprintable, stripped))
        )

    def lone_day(self, raw: Any) -> dt.date | None:
        """A last day as a real day neither in the future nor before ``records.EARLIEST``
        (read once per value); None: anything else."""
        key = raw if raw.__class__ is str else value_key(raw)
        if raw is None or key is None:
            return None
        day = self._days.get(key, _SLOW)
        if day is _SLOW:
            try:
                day = parse_date(raw)
            except ValueError:
                day = None
            day = self._days[key] = self._in_range(day)
        return day

    def lone_days(self, read: Mapping[str, dt.date | None]) -> dict[str, dt.date | None]:
        """:meth:`lone_day` of each text, given what ``parse_date`` reads each as (None: it
        cannot); each is remembered as :meth:`lone_day` would remember it."""
        low, high = EARLIEST, self.today  # (as _in_range has them)
        found = {
            text: day if day is not None and low <= day <= high else None
            for text, day in read.items()
        }
        self._days.update(found)
        return found

    def _in_range(self, day: dt.date | None) -> dt.date | None:
        return day if day is not None and EARLIEST <= day <= self.today else None

    def _shortcut(self, data: Mapping[str, Any]) -> Checked | None:
        """The record judged through its stand-in; None: judge it the long way."""
        names = tuple(data)
        plan = self._plans.get(names)
        if plan is None:
            plan = self._plans[names] = _plan(names)
        free, others, has_credits = plan
        texts: dict[str, str | None] = {}
        key: list[Any] = [names]
        for name, required, limit in free:
            raw = data[name]
            read = self._texts[name]
            if raw.__class__ is not str:
                return None
            text = read.get(raw, _UNREAD)
            if text == _UNREAD:
                text = read[raw] = _plain_text(raw, required, limit)
            if text is None:
                return None
            if text:
                texts[name] = text
                key.append(True)
            else:
                texts[name] = None
                key.append(False)
        day = self._lone_day(data)
        for name in others:
            raw = data[name]
            if day is not None and name == "completed_on":
                key.append(_IN_RANGE)
            elif raw.__class__ is str:
                key.append(raw)
            else:
                part = value_key(raw)
                if part is None:
                    return None
                key.append(part)
        judged: Checked | None
        if has_credits:
            lines = _lines_key(data["credits"])
            if lines is None:
                return None
            if day is not None and len(lines) > 1:
                judged = self._lines_apart(data, texts, key, lines)
                if judged is None:
                    return None
                self.alike = True
                return self._own(judged, texts, day)
            key.append(lines)
        judged = self._judged_as(data, texts, day, tuple(key))
        if judged.errors:
            return None
        self.alike = day is not None
        return self._own(judged, texts, day)

    def _judged_as(
        self,
        data: Mapping[str, Any],
        texts: Mapping[str, str | None],
        day: dt.date | None,
        key: tuple[Any, ...],
        credits: Any = _SLOW,
    ) -> Checked:
        """The stand-in's judgment (remembered by ``key``): ``data`` with "x" for each plain
        text, today for a lone last day and, when given, these ``credits``."""
        judged = self._judged.get(key)
        if judged is None:
            stand_in = dict(data)
            stand_in.update({name: "x" if text else "" for name, text in texts.items()})
            if day is not None:
                stand_in["completed_on"] = self.today
            if credits is not _SLOW:
                stand_in["credits"] = credits
            judged = self._judged[key] = check_record(
                self.ctx, stand_in, self.keys, self.known_topics
            )
        return judged

    def _lines_apart(
        self,
        data: Mapping[str, Any],
        texts: Mapping[str, str | None],
        key: list[Any],
        lines: tuple[Any, ...],
    ) -> Checked | None:
        """A record of several credit lines and a lone last day judged from its lines, each
        judged as the record's only line (remembered as a one-line record's), as the record
        reader puts them together: each line's warnings in turn, then the method's, then the
        total's against the day (``check_program_days``). None: a line with a problem, a field
        listed twice, a total with a problem, or warnings not of that shape: the long way."""
        raw = data["credits"]
        parts = []
        for line, item in zip(lines, raw, strict=True):
            line_key = (*key, (line,))
            part = self._parts.get(line_key, _SLOW)
            if part is _SLOW:
                judged = self._judged_as(data, texts, self.today, line_key, [item])
                part = self._parts[line_key] = self._line_part(judged)
            if part is None:
                return None
            parts.append(part)
        first = parts[0][0]
        method = first.values.get("delivery_method")
        credits = [line for _, line, _ in parts]
        if len({line["field"] for line in credits}) < len(credits):
            return None  # a field listed twice: said by the long way
        total = self._total_warnings(sum((line["credits"] for line in credits), Decimal(0)), method)
        if total is None:
            return None
        values = dict(first.values)
        values["credits"] = credits
        tail = [NOT_STATED_METHOD] if method == NOT_STATED else []
        warnings = [warning for _, _, own in parts for warning in own]
        return Checked(values, {}, [*warnings, *tail, *total])

    def _line_part(self, judged: Checked) -> tuple[Checked, dict[str, Any], list[str]] | None:
        """A one-line stand-in's judgment, its line and the line's own warnings (what precede
        the method's and the total's); None: a problem, or warnings not of that shape."""
        if judged.errors:
            return None
        method = judged.values.get("delivery_method")
        (line,) = judged.values["credits"]
        after = self._total_warnings(sum((line["credits"],), Decimal(0)), method)
        if after is None:
            return None
        after = [*([NOT_STATED_METHOD] if method == NOT_STATED else []), *after]
        cut = len(judged.warnings) - len(after)
        if cut < 0 or judged.warnings[cut:] != after:
            return None
        return judged, line, judged.warnings[:cut]

    def _total_warnings(self, total: Decimal, method: Any) -> list[str] | None:
        """``records._check_total``'s warnings for a record of one day (None: an error), once
        per total as written and method."""
        key = (str(total), method)
        found = self._totals.get(key, _SLOW)
        if found is _SLOW:
            found = self._totals[key] = _total_warnings(total, method, self.today)
        return found

    def _own(
        self, judged: Checked, texts: Mapping[str, str | None], day: dt.date | None
    ) -> Checked:
        """A stand-in's judgment as the record's: its own texts and day put back."""
        values = dict(judged.values)
        values.update(texts)
        if day is not None:
            values["completed_on"] = day
        credits = values.get("credits")
        if credits.__class__ is list:
            values["credits"] = [dict(line) for line in credits]
        return Checked(values, {}, list(judged.warnings))

    def _lone_day(self, data: Mapping[str, Any]) -> dt.date | None:
        """The record's last day when nothing else reads it: no first day is given, and it is a
        real day neither in the future nor before ``records.EARLIEST``; else None."""
        started = data.get("started_on")
        if started is not None and not (started.__class__ is str and not started.strip()):
            return None
        return self.lone_day(data.get("completed_on"))


def _total_warnings(total: Decimal, method: Any, day: dt.date) -> list[str] | None:
    """``records._check_total``'s warnings for a record of one day (None: an error)."""
    issues = check_program_days(total, None, day, method)
    if any(issue.severity == "error" for issue in issues):
        return None
    return [issue.message for issue in issues]


def _plain_text(raw: str, required: bool, limit: int) -> str | None:
    """A plain text field's value as ``Validator.text`` reads it when it finds nothing wrong:
    the text stripped, ``""`` for a blank one (None to the record); None: something to say
    (required, too long, control characters), said by the long way."""
    text = raw.strip()
    if not text:
        return None if required else ""
    # Every control character is unprintable: a printable text (most) has none to look for.
    if len(text) > limit or (not text.isprintable() and CONTROL_CHARACTERS.search(text)):
        return None
    return text


_Plan = tuple[tuple[tuple[str, bool, int], ...], tuple[str, ...], bool]
_IN_RANGE = ("a day in range",)  # the key part of a last day no other check reads


def _plan(names: tuple[str, ...]) -> _Plan:
    """A record's names sorted for :meth:`RecordChecks._shortcut`: the plain texts (with whether
    each is required and its longest length), the other values, whether credits are given."""
    free = tuple((name, *_FREE_TEXT[name]) for name in names if name in _FREE_TEXT)
    others = tuple(name for name in names if name not in _FREE_TEXT and name != "credits")
    return free, others, "credits" in names


def value_key(raw: Any) -> Any:
    """``raw`` as a key that only values judged alike share (None: no such key); ``1`` and
    ``True``, ``Decimal("1")`` and ``Decimal("1.0")``, ``0.0`` and ``-0.0`` apart."""
    kind = raw.__class__
    if kind in _SAME_AS_ITSELF:
        return (kind, raw)
    if kind is Decimal or kind is float or kind is dt.datetime:
        return (kind, repr(raw))
    return None


def _lines_key(raw: Any) -> tuple[Any, ...] | None:
    """A credits list of ``{"field", "credits"}`` lines as a key (None: anything else)."""
    if raw.__class__ is not list:
        return None
    found = []
    for line in raw:
        if line.__class__ is not dict or len(line) != 2:
            return None
        field, amount = line.get("field", _SLOW), line.get("credits", _SLOW)
        if field.__class__ is not str:  # a text stands for itself; value_key's are tuples
            field = value_key(field)
        if amount.__class__ is not str:
            amount = value_key(amount)
        if field is None or amount is None:
            return None
        found.append((field, amount))
    return tuple(found)
