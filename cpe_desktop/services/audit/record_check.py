"""Records and licenses checked against their latest audit entries (``cpe-tracker check``, the
Audit Log view's Check everything), and the words for what differs.

Each record (with its credit lines) and each license is compared with the ``after`` picture of
its latest audit entry, as ``audit.snapshot`` takes it. A row that differs was "changed outside
the program"; a row the log says exists but is gone (while its owner still exists: deleting a
person removes their rows by cascade) was "removed outside the program"; a row with no entry at
all was "added outside the program". Columns a later schema added are compared only once an
entry records them. The chain itself is checked in ``chain.py``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from dataclasses import dataclass
from typing import Any

from cpe_desktop.db.models import Attachment, AuditLog, CpeRecord, License, RecordCredit, User
from cpe_desktop.db.typed import tuples
from cpe_desktop.services.audit import trail as audit


@dataclass(frozen=True)
class Finding:
    """One thing found: the audit entry it concerns (if any), the item, and what is wrong."""

    what: str
    log_id: int | None = None
    entity: str | None = None
    entity_id: str | None = None

    def __str__(self) -> str:
        return self.what


# Rows compared with their latest audit entry: entity name, model, label for messages.
_STATEFUL = (("record", CpeRecord, "record"), ("license", License, "license"))


def check_records() -> list[Finding]:
    """Records (with credit lines) and licenses whose columns differ from their latest audit
    entry, that are gone though the log says they exist, or that the log never saw."""
    findings: list[Finding] = []
    latest = _latest_entries()
    people = {pk for (pk,) in tuples(User.select(User.user_id))}
    attachments = {pk for (pk,) in tuples(Attachment.select(Attachment.attachment_id))}
    credits = _credit_lines()
    for entity, model, label in _STATEFUL:
        present: set[str] = set()
        for row in model.select().iterator():
            key = str(row._pk)
            present.add(key)
            extra = {"credits": credits.get(row._pk, [])} if model is CpeRecord else {}
            current = audit.snapshot(row, **extra)
            entry = latest.get((entity, key))
            name = _name(label, key, current)
            if entry is None:
                findings.append(
                    Finding(
                        f"{name} was added outside the program: no audit entry records it.",
                        entity=entity,
                        entity_id=key,
                    )
                )
                continue
            log_id, action, after_text = entry
            if action.startswith("delete") or after_text is None:
                findings.append(
                    Finding(
                        f"{name} exists, but audit entry {log_id} says it was deleted: it was "
                        "put back outside the program.",
                        log_id=log_id,
                        entity=entity,
                        entity_id=key,
                    )
                )
                continue
            if json.dumps(current, sort_keys=True, default=str) == after_text:
                continue  # the usual case, as audit.write wrote it: nothing to compare
            recorded = _loads(after_text)
            if "attachment_id" in recorded and recorded["attachment_id"] not in attachments:
                recorded["attachment_id"] = None  # the certificate was deleted: SET NULL
            diff = differences(recorded, current)
            if diff:
                findings.append(
                    Finding(
                        f"{name} was changed outside the program: {'; '.join(diff)} (its latest "
                        f"audit entry is {log_id}).",
                        log_id=log_id,
                        entity=entity,
                        entity_id=key,
                    )
                )
        for (kind, key), (log_id, action, after_text) in latest.items():
            if kind != entity or key in present or action.startswith("delete"):
                continue
            recorded = _loads(after_text)
            if recorded.get("user_id") not in people:
                continue  # its owner was deleted, and the rows with them
            findings.append(
                Finding(
                    f"{_name(label, key, recorded)} was removed outside the program (its latest "
                    f"audit entry, {log_id}, shows it).",
                    log_id=log_id,
                    entity=entity,
                    entity_id=key,
                )
            )
    return findings


def _latest_entries() -> dict[tuple[str, str], tuple[int, str, str | None]]:
    latest: dict[tuple[str, str], tuple[int, str, str | None]] = {}
    query = (
        AuditLog.select(
            AuditLog.log_id,
            AuditLog.action,
            AuditLog.entity,
            AuditLog.entity_id,
            AuditLog.after_json,
        )  # fmt: skip
        .where(AuditLog.entity.in_([entity for entity, _, _ in _STATEFUL]))
        .order_by(AuditLog.log_id)
        .tuples()
    )
    for log_id, action, entity, entity_id, after in query.iterator():
        latest[(entity, entity_id)] = (log_id, action, after)
    return latest


def _credit_lines() -> dict[int, list[dict[str, Any]]]:
    lines: dict[int, list[dict[str, Any]]] = {}
    query = RecordCredit.select(
        RecordCredit.record, RecordCredit.field_of_study, RecordCredit.credits
    ).tuples()
    for record_id, field_of_study, amount in query.iterator():
        lines.setdefault(record_id, []).append(
            {"field": field_of_study, "credits": audit.json_value(amount)}
        )
    return lines


def _loads(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _name(label: str, key: str, picture: dict[str, Any]) -> str:
    title = picture.get("title") or picture.get("jurisdiction")
    return f"{label.capitalize()} {key}" + (f" ({title!s})" if title else "")


def differences(
    recorded: dict[str, Any], current: dict[str, Any], *, every_key: bool = False
) -> list[str]:
    """``name: recorded → current`` for each column both sides know (``every_key``: and the
    ones only one side has)."""
    found: list[str] = []
    names = sorted(set(recorded) | set(current)) if every_key else sorted(recorded)
    for name in names:
        if name not in current or name not in recorded:
            if every_key:
                found.append(f"{name} {'added' if name in current else 'removed'}")
            continue
        if name == "credits":
            found.extend(_credit_differences(recorded[name], current[name]))
        elif not _same(recorded[name], current[name]):
            found.append(f"{name} {_shown(recorded[name])} → {_shown(current[name])}")
    return found


def _credit_differences(recorded: Any, current: Any) -> list[str]:
    def lines(value: Any) -> dict[str, Any]:
        if not isinstance(value, list):
            return {}
        return {
            str(line.get("field")): line.get("credits") for line in value if isinstance(line, dict)
        }

    was, now = lines(recorded), lines(current)
    found = []
    for name in sorted(set(was) | set(now)):
        if name not in now:
            found.append(f"{name} credits {_shown(was[name])} removed")
        elif name not in was:
            found.append(f"{name} credits {_shown(now[name])} added")
        elif not _same(was[name], now[name]):
            found.append(f"{name} credits {_shown(was[name])} → {_shown(now[name])}")
    return found


def _same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return False
    try:
        return decimal.Decimal(str(a)) == decimal.Decimal(str(b))
    except (decimal.InvalidOperation, ValueError):
        pass
    if isinstance(a, str) and isinstance(b, str):
        try:  # the same moment written two ways ("2026-01-01 09:00" / "2026-01-01T09:00")
            return dt.datetime.fromisoformat(a) == dt.datetime.fromisoformat(b)
        except ValueError:
            return False
    return False


def _shown(value: Any) -> str:
    if value is None:
        return "(empty)"
    printable = isinstance(value, str) and value.isprintable()
    text = value if printable else json.dumps(value)  # control characters shown escaped
    return text if len(text) <= 60 else text[:57] + "…"
