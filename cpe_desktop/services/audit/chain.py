"""Checking the audit log's hash chain, and the records against their latest audit entries.

How the chain is written is in ``services/audit/trail.py``. Here:

- :func:`verify_chain` walks the entries in id order. Each entry's hash is computed again from
  its content and its stored ``prev_hash`` (an edited entry no longer matches), each
  ``prev_hash`` must be the previous entry's hash (a removed or rewritten entry breaks the link),
  and the last entry must be the one ``audit_chain_head`` names, with as many entries as it
  counts (removing the newest entries leaves the head pointing past them). ``user_id`` is not in
  the hash (it turns NULL when the person is deleted): it must equal the hashed ``actor_id``, or
  be NULL once that person is gone. With ``tail=N`` only the newest N entries are hashed again,
  plus the head and the count: cheap enough for every start.
- ``record_check.check_records`` compares each record and license with its latest audit entry
  (see there); :func:`verify` runs both.

What a chain can and cannot prove: it shows that the log and those rows were changed by
something other than this program, and where. Someone who can write the database file and who
recomputes every later hash with this (public) algorithm, and the head with them, is NOT
detected: the chain has no secret and no copy outside the database. Only an outside anchor (the
head's hash written down, printed in a report, or kept in a backup that was not rewritten too)
would show that. Entries written before the upgrade to schema 6 are chained as they were found
then.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cpe_desktop.db.models import (
    AuditChainHead,
    AuditLog,
    User,
)
from cpe_desktop.db.typed import tuples
from cpe_desktop.services.audit import hashing
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.audit.record_check import Finding, check_records, differences

log = logging.getLogger(__name__)

START_UP_TAIL = 200  # entries hashed again at each start; `cpe-tracker check` hashes them all

_COLUMNS = (
    AuditLog.log_id,
    AuditLog.user,
    AuditLog.actor_id,
    AuditLog.action,
    AuditLog.timestamp,
    AuditLog.entity,
    AuditLog.entity_id,
    AuditLog.details,
    AuditLog.before_json,
    AuditLog.after_json,
    AuditLog.prev_hash,
    AuditLog.entry_hash,
)


@dataclass(frozen=True)
class ChainReport:
    entries: int  # entries in the log
    checked: int  # entries hashed again (all of them unless a tail check)
    breaks: tuple[Finding, ...] = ()  # the log itself altered, removed or added to
    changed: tuple[Finding, ...] = ()  # records and licenses that differ from the log
    records_checked: bool = False
    head_hash: str | None = None
    findings: tuple[Finding, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", (*self.breaks, *self.changed))

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        """One line for the Audit Log view and the command line."""
        if self.ok:
            noun = "entry" if self.entries == 1 else "entries"
            extent = "" if self.checked == self.entries else f", newest {self.checked} hashed"
            also = "; records and licenses match it" if self.records_checked else ""
            return f"Chain verified ({self.entries:,} {noun}{extent}){also}."
        count = len(self.findings)
        return (
            f"The audit log shows {count} change{'s' if count != 1 else ''} made outside the "
            f"program: {self.findings[0].what}" + (" …" if count > 1 else "")
        )


def verify(*, tail: int | None = None, records: bool = True) -> ChainReport:
    """The whole check: the chain (``tail``: only its newest entries) and, with ``records``,
    the records and licenses against it."""
    report = verify_chain(tail=tail)
    if not records:
        return report
    return ChainReport(
        entries=report.entries,
        checked=report.checked,
        breaks=report.breaks,
        changed=tuple(check_records()),
        records_checked=True,
        head_hash=report.head_hash,
    )


def verify_chain(*, tail: int | None = None) -> ChainReport:
    """Hash the entries again (all, or the newest ``tail``) and compare with the head."""
    head = AuditChainHead.get_or_none(AuditChainHead.head_id == audit.HEAD_ID)
    total = AuditLog.select().count()
    anchor: tuple[Any, ...] | None = None
    if tail is None:
        rows: Iterable[tuple[Any, ...]] = (
            AuditLog.select(*_COLUMNS).order_by(AuditLog.log_id).tuples().iterator()
        )
    else:
        newest = AuditLog.select(*_COLUMNS).order_by(AuditLog.log_id.desc()).limit(tail + 1)
        rows = list(reversed(list(tuples(newest))))
        if len(rows) > tail:  # the entry before the tail: only its hash is taken, as the link
            anchor, rows = rows[0], rows[1:]
    breaks: list[Finding] = []
    walk = _Walk(breaks)
    if anchor is not None:
        walk.anchor(anchor)
    checked = 0
    for row in rows:
        walk.step(row)
        checked += 1
    breaks.extend(_against_head(head, walk, total))
    return ChainReport(
        entries=total,
        checked=checked,
        breaks=tuple(breaks),
        head_hash=head.last_hash if head else None,
    )


class _Walk:
    """The entries in id order: each one's own hash, its link to the one before, its person."""

    def __init__(self, breaks: list[Finding]) -> None:
        self.breaks = breaks
        self.previous_id: int | None = None
        self.previous_hash: str | None = None
        self.chained = 0  # entries carrying a hash
        self.removed_reported = False
        self._people: set[int] | None = None

    def anchor(self, row: tuple[Any, ...]) -> None:
        self.previous_id, self.previous_hash = row[0], row[-1]

    def step(self, row: tuple[Any, ...]) -> None:
        log_id, user_id, actor_id, action, timestamp, entity, entity_id = row[:7]
        details, before, after, prev_hash, stored = row[7:]
        label = _entry_label(log_id, action, entity_id)
        where = {"log_id": log_id, "entity": entity, "entity_id": entity_id}
        if stored is None:
            self.breaks.append(
                Finding(f"{label} was added outside the program: it carries no hash.", **where)
            )
            return
        self.chained += 1
        digest = hashing.entry_hash(
            log_id, actor_id, action, timestamp, entity, entity_id, details, before, after,
            prev_hash,
        )  # fmt: skip
        if digest != stored:
            self.breaks.append(
                Finding(f"{label} was altered outside the program: {_altered(row)}", **where)
            )
        if user_id != actor_id and not (user_id is None and not self._person_exists(actor_id)):
            self.breaks.append(
                Finding(
                    f"{label}: the person was changed outside the program, from "
                    f"{_person(actor_id)} to {_person(user_id)}.",
                    **where,
                )
            )
        if prev_hash != self.previous_hash:
            self.breaks.append(Finding(self._link_break(log_id), **where))
        self.previous_id, self.previous_hash = log_id, stored

    def _link_break(self, log_id: int) -> str:
        self.removed_reported = True
        if self.previous_id is None:
            return (
                f"Audit entries before entry {log_id} were removed outside the program (it "
                "follows an entry that is gone)."
            )
        gap = log_id - self.previous_id - 1
        if gap > 0:
            ids = str(self.previous_id + 1) if gap == 1 else f"{self.previous_id + 1}–{log_id - 1}"
            return (
                f"Audit {'entry' if gap == 1 else 'entries'} {ids} "
                f"{'was' if gap == 1 else 'were'} removed outside the program (the chain breaks "
                f"between entry {self.previous_id} and entry {log_id})."
            )
        return (
            f"The chain breaks between entry {self.previous_id} and entry {log_id}: entry "
            f"{self.previous_id}'s hash was rewritten, or entries between them were removed."
        )

    def _person_exists(self, user_id: int | None) -> bool:
        if user_id is None:
            return False
        if self._people is None:
            self._people = {pk for (pk,) in tuples(User.select(User.user_id))}
        return user_id in self._people


def _against_head(head: AuditChainHead | None, walk: _Walk, total: int) -> Iterator[Finding]:
    if head is None:
        if total:
            yield Finding(
                "The audit chain's head is missing (removed outside the program): the newest "
                "entries could have been removed unnoticed."
            )
        return
    if head.rebuilt_at is not None:
        yield Finding(
            f"The audit chain's head was removed outside the program and started again after "
            f"entry {head.rebuilt_at}: entries removed before then cannot be detected."
        )
    last_id, last_hash = walk.previous_id, walk.previous_hash
    if head.last_log_id is not None and (last_id is None or last_id < head.last_log_id):
        first = (last_id or 0) + 1
        ids = str(first) if first == head.last_log_id else f"{first}–{head.last_log_id}"
        plural = first != head.last_log_id
        walk.removed_reported = True
        ending = "nothing" if last_id is None else f"entry {last_id}"
        yield Finding(
            f"The newest audit {'entries' if plural else 'entry'} ({ids}) "
            f"{'were' if plural else 'was'} removed outside the program: the chain ends at entry "
            f"{head.last_log_id}, the log at {ending}.",
            log_id=head.last_log_id,
        )
    elif last_id == head.last_log_id and last_hash != head.last_hash:
        yield Finding(
            f"Audit entry {last_id}'s hash was rewritten outside the program (the chain's head "
            "holds another).",
            log_id=last_id,
        )
    chained = AuditLog.select().where(AuditLog.entry_hash.is_null(False)).count()
    if chained != head.entry_count and not walk.removed_reported:
        missing = head.entry_count - chained
        if missing > 0:
            what = f"{missing} audit entr{'y was' if missing == 1 else 'ies were'} removed"
        else:
            what = f"{-missing} audit entr{'y was' if missing == -1 else 'ies were'} added"
        yield Finding(
            f"{what} outside the program: the chain counts {head.entry_count:,}, the log holds "
            f"{chained:,}."
        )


def _entry_label(log_id: int, action: str | None, entity_id: str | None) -> str:
    thing = f"{action} {entity_id}" if entity_id is not None else (action or "")
    return f"Audit entry {log_id} ({thing.strip()})"


def _person(user_id: int | None) -> str:
    return "nobody" if user_id is None else f"person {user_id}"


def _altered(row: tuple[Any, ...]) -> str:
    """What can be said about an edited entry: its content no longer matches its hash; where
    the same item's neighbouring entries disagree with its before/after, those fields."""
    log_id, _user, _actor, _action, _time, entity, entity_id = row[:7]
    before, after = row[8], row[9]
    notes: list[str] = []
    if entity is not None and entity_id is not None:
        same = AuditLog.select(AuditLog.log_id, AuditLog.before_json, AuditLog.after_json).where(
            (AuditLog.entity == entity) & (AuditLog.entity_id == entity_id)
        )
        later = same.where(AuditLog.log_id > log_id).order_by(AuditLog.log_id).first()
        earlier = same.where(AuditLog.log_id < log_id).order_by(AuditLog.log_id.desc()).first()
        if later is not None and later.before_json is not None and after is not None:
            diff = _json_differences(later.before_json, after)
            if diff:
                notes.append(f"its after state differs from entry {later.log_id}'s before: {diff}")
        if earlier is not None and earlier.after_json is not None and before is not None:
            diff = _json_differences(earlier.after_json, before)
            if diff:
                notes.append(
                    f"its before state differs from entry {earlier.log_id}'s after: {diff}"
                )
    if not notes:
        return "its content no longer matches its hash."
    return "its content no longer matches its hash; " + "; ".join(notes) + "."


def _json_differences(expected_text: str, found_text: str) -> str:
    try:
        expected, found = json.loads(expected_text), json.loads(found_text)
    except ValueError:
        return "not readable JSON"
    if not isinstance(expected, dict) or not isinstance(found, dict):
        return "" if expected == found else "different"
    return "; ".join(differences(expected, found, every_key=True))


def tail_problems() -> list[str]:
    """The start-up check: the newest entries, the head and the count (records not compared)."""
    return [str(finding) for finding in verify_chain(tail=START_UP_TAIL).breaks]


def check_at_start() -> list[str]:
    """:func:`tail_problems`, each also logged as a warning (``cpe-tracker check`` and the Audit
    Log view show the whole check). About 20 ms on a 20,000-record database."""
    problems = tail_problems()
    for problem in problems:
        log.warning("audit log: %s", problem)
    return problems
