"""Compliance for the people and licenses in the database, as of a date.

Copies what the engine needs out of the database in a few queries (every requirement row, every
license in view, every record of their holders with its credits), then lets ``rules.compliance``
judge them all at once. The dashboard, the ``status`` command and reports all come through here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee

from cpe_desktop.db.models import (
    CpeRecord,
    Credential,
    License,
    RecordCredit,
    RequirementComponent,
    StateRequirement,
    User,
    database,
)
from cpe_desktop.db.rule_columns import names_of, rows_in_force, rule_from_columns
from cpe_desktop.rules.compliance import Evaluation, LicenseFacts, RecordFacts, Rule, evaluate_all
from cpe_desktop.rules.component_facts import ComponentResult
from cpe_desktop.rules.facts import FirstPeriod
from cpe_desktop.services.context import ServiceContext

_CENT = Decimal("0.01")

# Most urgent first in the firm view.
URGENCY = {"overdue": 0, "at_risk": 1, "no_rule": 2, "on_track": 3, "complete": 4}


@dataclass(frozen=True)
class LicenseStatus:
    """One license of one person, with the rule applied and the engine's verdict.

    ``evaluation`` is None when no requirement rule covers the credential and jurisdiction.
    """

    user: User
    license: License
    requirement: StateRequirement | None
    evaluation: Evaluation | None

    @property
    def status(self) -> str:
        return self.evaluation.status if self.evaluation else "no_rule"

    @property
    def urgency(self) -> tuple:
        days = self.evaluation.days_left if self.evaluation else 10**6
        return (URGENCY[self.status], days, self.user.name, self.license.credential.code)


def rule_of(row: StateRequirement, components: list[dict[str, Any]] | None = None) -> Rule:
    """The engine's view of a requirement row (NULL columns read as the rule's defaults) with
    its components: ``components`` as ``components_of`` gives them, or read here (one query)."""
    if components is None:
        components = components_of([row.state_id]).get(row.state_id, [])
    return rule_from_columns(row.__data__, components)


def components_of(state_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """state_id -> its component rows' columns, in position order, for these requirements:
    one query whatever their number."""
    if not state_ids:
        return {}
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    query = (
        RequirementComponent.select()
        .where(RequirementComponent.requirement.in_(sorted(set(state_ids))))
        .order_by(RequirementComponent.requirement, RequirementComponent.position)
    )
    for part in query:
        found[part.__data__["requirement"]].append(part.__data__)
    return found


def _rules_in_force(as_of: dt.date) -> dict[tuple[int, str], StateRequirement]:
    """(credential_id, jurisdiction) → the row with the latest effective date not after as_of."""
    return rows_in_force(StateRequirement.select(), as_of)


# The last few record sets read, keyed by database and people, with the records' version: the
# dashboard re-judges on every license or rule change, and re-reading 20,000 unchanged records
# each time would cost most of its time. Any record change moves the version.
_CACHE: dict[tuple[int, frozenset[int]], tuple[tuple, dict[int, list[RecordFacts]]]] = {}
_CACHE_SIZE = 4


def _records_version() -> tuple:
    """Changes whenever a record is added, edited (credits and certificate included) or removed."""
    return tuple(
        CpeRecord.select(
            peewee.fn.COUNT(CpeRecord.record_id),
            peewee.fn.MAX(CpeRecord.record_id),
            peewee.fn.MAX(CpeRecord.updated_at),
        )
        .tuples()
        .get()
    )


def forget_cached_records() -> None:
    """Drop the cache (benchmarks measuring a cold start; tests that write behind services)."""
    _CACHE.clear()


def _records_by_holder(holder_ids: set[int]) -> dict[int, list[RecordFacts]]:
    """Every record of these people with its credit lines (the engine picks dates itself)."""
    if not holder_ids:
        return {}
    key = (id(database.obj), frozenset(holder_ids))
    version = _records_version()
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    found = _read_records(holder_ids)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (version, found)
    return found


def _read_records(holder_ids: set[int]) -> dict[int, list[RecordFacts]]:
    query = (
        RecordCredit.select(
            CpeRecord.record_id,
            CpeRecord.user,
            CpeRecord.title,
            CpeRecord.completed_on,
            CpeRecord.delivery_method,
            CpeRecord.ethics_jurisdiction,
            CpeRecord.attachment,
            CpeRecord.started_on,
            CpeRecord.topics,
            RecordCredit.field_of_study,
            RecordCredit.credits,
        )
        .join(CpeRecord)
        .where(CpeRecord.user.in_(sorted(holder_ids)))
        .order_by(CpeRecord.record_id)
    )
    # Raw rows, converted here with caches: peewee's per-value conversion would cost ten times
    # the engine's whole evaluation on a firm's 20,000 records.
    dates: dict[Any, dt.date] = {}
    amounts: dict[Any, Decimal] = {}
    lines: dict[int, list] = {}
    heads: dict[int, tuple] = {}
    topic_lists: dict[Any, tuple[str, ...]] = {}
    cursor = database.execute(query)

    def day_of(value: Any) -> dt.date | None:
        if value is None:
            return None
        day = dates.get(value)
        if day is None:
            day = dates[value] = (
                value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
            )
        return day

    for row in cursor:
        record_id, user_id, title, completed, method, ethics, attachment, started, topics = row[:9]
        field, credits = row[9:]
        if record_id not in heads:
            names = topic_lists.get(topics)
            if names is None:
                names = topic_lists[topics] = names_of(topics)
            heads[record_id] = (
                user_id,
                title,
                day_of(completed),
                method,
                ethics,
                attachment,
                day_of(started),
                names,
            )
            lines[record_id] = []
        amount = amounts.get(credits)
        if amount is None:
            amount = amounts[credits] = Decimal(str(credits)).quantize(_CENT)
        lines[record_id].append((field, amount))
    by_holder: dict[int, list[RecordFacts]] = defaultdict(list)
    for record_id, head in heads.items():
        user_id, title, completed, method, ethics, attachment, started, names = head
        by_holder[user_id].append(
            RecordFacts(
                record_id=record_id,
                completed_on=completed,
                delivery_method=method,
                ethics_jurisdiction=ethics,
                has_certificate=attachment is not None,
                credits=tuple(lines[record_id]),
                title=title,
                started_on=started,
                topics=names,
            )
        )
    return by_holder


def evaluate_licenses(
    ctx: ServiceContext, user_id: int | None = None, as_of: dt.date | None = None
) -> list[LicenseStatus]:
    """Every license of ``user_id`` (None: the actor's own; an administrator's: everyone's),
    judged as of ``as_of`` (default today), most urgent first."""
    as_of = as_of or ctx.clock.today()
    query = (
        License.select(License, Credential, User)
        .join(Credential)
        .switch(License)
        .join(User)
        .where(License.status == "active")
    )
    if user_id is not None:
        ctx.require_owner(user_id, "see the compliance")
        query = query.where(License.user == user_id)
    elif not ctx.actor.is_admin:
        query = query.where(License.user == ctx.actor.user_id)
    held = list(query)
    rules = _rules_in_force(as_of)
    pairs: list[tuple[License, StateRequirement]] = []
    for license_ in held:
        row = rules.get((license_.credential_id, license_.jurisdiction))
        if row is not None:
            pairs.append((license_, row))
    records = _records_by_holder({lic.user_id for lic, _ in pairs})
    parts = components_of([row.state_id for _, row in pairs])
    ruled = {row.state_id: rule_of(row, parts.get(row.state_id, [])) for _, row in pairs}
    evaluations = evaluate_all(
        [(_facts(lic), ruled[row.state_id]) for lic, row in pairs], records, as_of
    )
    judged = {lic.license_id: (row, ev) for (lic, row), ev in zip(pairs, evaluations, strict=True)}
    result = [
        LicenseStatus(lic.user, lic, *judged.get(lic.license_id, (None, None))) for lic in held
    ]
    return sorted(result, key=lambda item: item.urgency)


def _facts(license_: License) -> LicenseFacts:
    return LicenseFacts(
        license_id=license_.license_id,
        credential=license_.credential.code,
        jurisdiction=license_.jurisdiction,
        issued_on=license_.issued_on,
        period_end_override=license_.period_end_override,
        birth_date=license_.user.birth_date,
        holder_id=license_.user_id,
        license_number=license_.license_number,
        tracked_from=license_.tracked_from,
        opening_hours=license_.opening_hours or Decimal(0),
        opening_ethics_hours=license_.opening_ethics_hours or Decimal(0),
        home_jurisdiction=license_.home_jurisdiction,
        attributes=frozenset(names_of(license_.attributes)),
    )


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def status_document(items: list[LicenseStatus], as_of: dt.date) -> dict[str, Any]:
    """The ``status --json`` object (keys listed in ARCHITECTURE.md §4), people sorted by email."""
    people: dict[str, list[dict[str, Any]]] = {}
    for item in sorted(
        items,
        key=lambda i: (
            i.user.email,
            i.license.credential.code,
            i.license.jurisdiction,
            i.license.license_id,
        ),
    ):
        people.setdefault(item.user.email, []).append(_license_json(item))
    return {
        "as_of": as_of.isoformat(),
        "users": [{"email": email, "licenses": found} for email, found in people.items()],
    }


def _license_json(item: LicenseStatus) -> dict[str, Any]:
    ev = item.evaluation
    license_ = item.license
    base = {"credential": license_.credential.code, "jurisdiction": license_.jurisdiction}
    if ev is None:
        return base | {
            "period_start": None,
            "period_end": None,
            "period_guessed": None,
            "status": "no_rule",
            "required_total": None,
            "counted_total": None,
            "required_ethics": None,
            "counted_ethics": None,
            "carryover_in": None,
            "shortfall_total": None,
            "shortfall_ethics": None,
            "annual": [],
            "caps": [],
            "components": [],
            "tracked_from": _iso(license_.tracked_from),
            "first_period": None,
            "met_through": None,
            "headline": no_rule_headline(license_),
            "issues": [
                {
                    "kind": "no_rule",
                    "record_id": None,
                    "message": "No requirement rule for this credential and jurisdiction.",
                    "missing": None,
                }
            ],
        }
    return base | {
        "period_start": ev.period_start.isoformat(),
        "period_end": ev.period_end.isoformat(),
        # True while the period is a stand-in (an issue with "missing" says what to give).
        "period_guessed": ev.period_guessed,
        "status": ev.status,
        "required_total": _number(ev.required_total),
        "counted_total": _number(ev.counted_total),
        "required_ethics": _number(ev.required_ethics),
        "counted_ethics": _number(ev.counted_ethics),
        "carryover_in": _number(ev.carryover_in),
        "shortfall_total": _number(ev.shortfall_total),
        "shortfall_ethics": _number(ev.shortfall_ethics),
        "annual": [
            {
                "year_start": y.year_start.isoformat(),
                "year_end": y.year_end.isoformat(),
                "required": _number(y.required),
                "earned": _number(y.earned),
            }
            for y in ev.annual
        ],
        "caps": [
            {"cap": c.cap, "limit": _number(c.limit), "dropped": _number(c.dropped)}
            for c in ev.caps
        ],
        # ARCHITECTURE.md §4 / 6: every applicable component, most missing first.
        "components": [_component_json(c) for c in ev.components],
        "tracked_from": _iso(ev.tracked_from),
        "first_period": _first_period_json(ev.first_period),
        "met_through": ev.met_through,
        "headline": ev.headline(),
        "issues": [
            {"kind": i.kind, "record_id": i.record_id, "message": i.message, "missing": i.missing}
            for i in ev.issues
        ],
    }


def _component_json(result: ComponentResult) -> dict[str, Any]:
    """One judged component of ``status --json``: ``met`` is null while a year's window is still
    open."""
    return {
        "kind": result.kind,
        "label": result.label,
        "required": _number(result.required),
        "counted": _number(result.counted),
        "dropped": _number(result.dropped),
        "met": result.met,
        "alternative": result.alternative,
        "chosen": result.chosen,
        # True for the entries that mirror the headline figures (total, ethics, ...).
        "headline": result.headline,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _first_period_json(first: FirstPeriod | None) -> dict[str, Any] | None:
    if first is None:
        return None
    return {
        "kind": first.kind,
        "required_total": _number(first.required_total),
        "required_ethics": _number(first.required_ethics),
        "description": first.description,
    }


def no_rule_headline(license_: License) -> str:
    """The plain sentence first for a license no requirement rule covers."""
    return (
        f"No requirement rule for {license_.credential.code} in {license_.jurisdiction}: "
        "add one to see what is needed."
    )
