"""What a mutation changed, so each view refreshes only for its own kind of data."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from cpe_desktop.db.plain_tables import TABLES as PLAIN_TABLES

USERS = "users"
CREDENTIALS = "credentials"
LICENSES = "licenses"
RECORDS = "records"
ATTACHMENTS = "attachments"
REQUIREMENTS = "requirements"
CUSTOM_FIELDS = "custom_fields"
PREFERENCES = "preferences"
NOTIFICATIONS = "notifications"
REMINDERS = "reminders"
REPORTS = "reports"
EMAILS = "emails"
AUDIT = "audit"
ACTIVITY = "activity"
TASKS = "tasks"

# Each table's own kind of change, by table name: what a mutation writing its rows reports, so
# the views listing them and the caches read from them refresh. Every table of ``ALL_MODELS`` has
# one (tests/services/test_change_kinds.py). ``users._CASCADE`` (what a person's deletion
# changes) and ``desks/live_changes`` (what other desks refresh) follow from it. A plain table's
# kind is its name (db/plain.py).
TABLE_KINDS: dict[str, str] = {
    "users": USERS,
    "credentials": CREDENTIALS,
    "licenses": LICENSES,
    "attachments": ATTACHMENTS,
    "cpe_records": RECORDS,
    "record_credits": RECORDS,
    "custom_fields": CUSTOM_FIELDS,
    "custom_field_values": CUSTOM_FIELDS,
    "state_requirements": REQUIREMENTS,
    "requirement_components": REQUIREMENTS,
    "notifications": NOTIFICATIONS,
    "audit_logs": AUDIT,
    "preferences": PREFERENCES,
    "reports": REPORTS,
    "reminders": REMINDERS,
    "emails": EMAILS,
    "activity_logs": ACTIVITY,
    "task_queue": TASKS,
    **{table.name: table.name for table in PLAIN_TABLES},
}

# Every kind is some table's; ``Changes.of`` refuses any other.
ALL_KINDS = frozenset(TABLE_KINDS.values())


@dataclass(frozen=True)
class Changes:
    kinds: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *kinds: str) -> Changes:
        unknown = set(kinds) - ALL_KINDS
        if unknown:
            raise ValueError(f"unknown change kinds: {sorted(unknown)}")
        return cls(frozenset(kinds))

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.kinds | other.kinds)

    def __contains__(self, kind: str) -> bool:
        return kind in self.kinds

    def __bool__(self) -> bool:
        return bool(self.kinds)


# How many outcomes have reported each kind of change in this process. A cache of data read
# from the database (services/compliance.py) remembers the counts it was filled at and is dropped
# when one of its kinds moves: every service mutation returns an Outcome, so this sees every
# change made through the services, whichever thread made it.
_GENERATIONS: dict[str, int] = dict.fromkeys(ALL_KINDS, 0)
_GENERATIONS_LOCK = threading.Lock()


def note(changes: Changes) -> None:
    """Count ``changes`` (done for every Outcome; call it for a change made another way)."""
    with _GENERATIONS_LOCK:
        for kind in changes.kinds:
            _GENERATIONS[kind] += 1


def generation(*kinds: str) -> tuple[int, ...]:
    """The counts of these kinds of change so far: equal tuples mean none of them happened
    through the services in between."""
    return tuple(_GENERATIONS[kind] for kind in kinds)


# Covariant: an Outcome[Email] is an Outcome[Email | None] (the value is read-only).
T = TypeVar("T", covariant=True)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """A mutation's result: the value, what changed, and warnings the user should see."""

    value: T
    changes: Changes
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        note(self.changes)
