"""Compliance for the people and licenses in the database, as of a date.

Copies what the engine needs out of the database in a few queries, one per table (every
requirement row, every license in view, its rules' components, and the records of their holders
with their credit lines, only from the first day a period looks at), then lets
``rules.compliance`` judge them all at once. The dashboard, the ``status`` command and reports
all come through here. The records, and the licenses and people in view, are read by
``compliance_reads`` (faster than peewee's own conversion).

What was read and judged is kept (see ``_Memory``): judging again with nothing changed re-reads
only the licenses and rules, and re-judges only the licenses whose inputs differ. Kept records
are dropped when their version in the database moves or an Outcome reports records, attachments
or people changed (``services/changes.py``). ``tests/benchmarks/bench_compliance_db.py`` times
both ways.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, cast

import peewee

from cpe_desktop.db.models import (
    CpeRecord,
    Credential,
    License,
    RequirementComponent,
    StateRequirement,
    User,
    database,
)
from cpe_desktop.db.rule_columns import names_of, rows_in_force, rule_from_columns
from cpe_desktop.rules.compliance import (
    Evaluation,
    LicenseFacts,
    RecordFacts,
    Rule,
    evaluate_prepared,
    prepare,
)
from cpe_desktop.rules.component_facts import ComponentResult
from cpe_desktop.rules.facts import FirstPeriod
from cpe_desktop.rules.quick_build import builder
from cpe_desktop.rules.reciprocity import apply_reciprocity
from cpe_desktop.rules.wording import day_format
from cpe_desktop.services import changes
from cpe_desktop.services.changes import ATTACHMENTS, RECORDS, USERS
from cpe_desktop.services.compliance_reads import (
    compiled,
    plain_models_of,
    read_records,
)
from cpe_desktop.services.context import ServiceContext

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


# ``LicenseStatus(...)`` with its ``__dict__`` set whole (``rules/quick_build.py``): one per
# license in view.
_license_status = builder(LicenseStatus)


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
    wanted = tuple(sorted(set(state_ids)))
    for part in plain_models_of(
        ("components", wanted),
        lambda: (
            RequirementComponent.select()
            .where(RequirementComponent.requirement.in_(wanted))
            .order_by(RequirementComponent.requirement, RequirementComponent.position)
        ),
    ):
        found[part.__data__["requirement"]].append(part.__data__)
    return found


def _rules_in_force(
    as_of: dt.date, wanted: set[tuple[int, str]]
) -> dict[tuple[int, str], StateRequirement]:
    """(credential_id, jurisdiction) → the row with the latest effective date not after as_of,
    for the pairs ``wanted``: chosen over four columns of every row (in row order, as a plain
    scan reads them), and only the chosen rows read whole."""
    _, sql, params = compiled(
        ("rules, light",), lambda: StateRequirement.select(*_LIGHT).order_by(_LIGHT[0])
    )
    light = [_Light(*_light_values(row)) for row in database.execute_sql(sql, params)]
    chosen = {key: row for key, row in rows_in_force(light, as_of).items() if key in wanted}
    if not chosen:
        return {}
    ids = tuple(row.state_id for row in chosen.values())
    whole = {
        row.state_id: row
        for row in plain_models_of(
            ("rules", ids),
            lambda: StateRequirement.select().where(StateRequirement.state_id.in_(ids)),
        )
    }
    return {key: whole[row.state_id] for key, row in chosen.items() if row.state_id in whole}


# The four columns a rule in force is chosen by, as peewee would give them (``_Light``).
_LIGHT: tuple[peewee.Field, ...] = (
    StateRequirement.state_id,
    StateRequirement.credential,
    StateRequirement.state_name,
    StateRequirement.effective_from,
)


class _Light(NamedTuple):
    state_id: int
    credential_id: int
    state_name: str
    effective_from: dt.date | None


def _light_values(row: tuple[Any, ...]) -> Iterator[Any]:
    """A row of ``_LIGHT``'s columns, each as its field converts it."""
    return (field.python_value(value) for field, value in zip(_LIGHT, row, strict=True))


# What the last evaluations read and found, so that the dashboard, which judges again after
# every change, does only the work the change asks for:
# - each person's records, re-read when the records' version in the database moves (any
#   program, any desk) or when an Outcome reported records, attachments or people changed in
#   this process (services/changes.py: an edit that keeps the version, a certificate deleted);
# - each license's evaluation, kept while its facts, its rule, the day, the date wording and
#   its holder's records are the very same; reciprocity is applied afresh over all of them.
# One database at a time (a weak reference: another database, even at the same address,
# starts afresh).
_RECORD_KINDS = (RECORDS, ATTACHMENTS, USERS)


class _Memory:
    """What the last evaluations of one database read and found."""

    def __init__(self) -> None:
        self.database: weakref.ref | None = None
        self.version: tuple | None = None
        self.generation: tuple[int, ...] | None = None
        # holder -> (the day from which their records were read, those records)
        # (keyed as the engine's facts name them: a license or holder never saved is None)
        self.records: dict[int | None, tuple[dt.date, Sequence[RecordFacts]]] = {}
        self.evaluations: dict[int | None, tuple[tuple, Evaluation]] = {}

    def same_database(self) -> bool:
        current = database.obj
        if self.database is None or self.database() is not current:
            self.forget()
            self.database = weakref.ref(current) if current is not None else None
            return False
        return True

    def forget(self) -> None:
        self.version = self.generation = None
        self.records = {}
        self.evaluations = {}


_MEMORY = _Memory()
_MEMORY_LOCK = threading.Lock()


def _records_version() -> tuple:
    """Changes whenever a record is added, edited (credits and certificate included) or removed."""
    return tuple(database.execute_sql(_VERSION).fetchone())


# (Written once rather than built by peewee each time.) Each figure is a query of its own, so
# that each is answered from the end of an index rather than by reading every record: the
# primary key's for the newest id, ``cpe_records_updated_at`` (schema 11) for the newest edit,
# and SQLite counts rows without reading them for a plain ``COUNT(*)`` (the same count as
# ``COUNT(record_id)``: the key is never NULL).
_VERSION = "SELECT ({}), ({}), ({})".format(
    *(
        f"SELECT {figure} FROM {CpeRecord._meta.table_name}"
        for figure in ("COUNT(*)", "MAX(record_id)", "MAX(updated_at)")
    )
)


def forget_cached_records() -> None:
    """Drop what earlier evaluations read and found (benchmarks measuring a cold start; tests
    that write behind the services)."""
    with _MEMORY_LOCK:
        _MEMORY.forget()


def _check_records() -> None:
    """Forget the records read (and so the evaluations made with them) when they may have
    changed since."""
    memory = _MEMORY
    memory.same_database()
    version = _records_version()
    generation = changes.generation(*_RECORD_KINDS)
    if memory.version != version or memory.generation != generation:
        memory.records = {}
        memory.evaluations = {}  # each was made with records now dropped
        memory.version, memory.generation = version, generation


def _records_since(
    needed: dict[int | None, dt.date],
) -> dict[int | None, Sequence[RecordFacts]]:
    """Each holder's records completed on or after the day given (maybe more), as the engine's
    ``RecordColumns`` (none: an empty list): the same ones as last time for a person whose
    records did not change and were read far enough back."""
    memory = _MEMORY
    short = {
        holder: day
        for holder, day in needed.items()
        if holder not in memory.records or memory.records[holder][0] > day
    }
    if short:
        since = min(short.values())
        found = read_records({holder for holder in short if holder is not None}, since)
        for holder in short:
            memory.records[holder] = (since, found.get(holder, []) if holder is not None else [])
    return {holder: memory.records[holder][1] for holder in needed}


def evaluate_licenses(
    ctx: ServiceContext, user_id: int | None = None, as_of: dt.date | None = None
) -> list[LicenseStatus]:
    """Every license of ``user_id`` (None: the actor's own; an administrator's: everyone's),
    judged as of ``as_of`` (default today), most urgent first."""
    as_of = as_of or ctx.clock.today()
    owner: int | None = None  # (None: everyone's)
    if user_id is not None:
        ctx.require_owner(user_id, "see the compliance")
        owner = user_id
    elif not ctx.actor.is_admin:
        owner = ctx.actor.user_id
    held = _with_holders(
        plain_models_of(("licenses in force", owner), lambda: _licenses_of(owner)),
        lambda: plain_models_of(("people", owner), lambda: _people_of(owner)),
    )
    rules = _rules_in_force(as_of, {(lic.credential_id, lic.jurisdiction) for lic in held})
    pairs: list[tuple[License, StateRequirement]] = []
    for license_ in held:
        row = rules.get((license_.credential_id, license_.jurisdiction))
        if row is not None:
            pairs.append((license_, row))
    parts = components_of(sorted({row.state_id for _, row in pairs}))
    ruled = {
        state_id: rule_of(row, parts.get(state_id, []))
        for state_id, row in {row.state_id: row for _, row in pairs}.items()
    }
    judged_pairs = [(_facts(lic), ruled[row.state_id]) for lic, row in pairs]
    with _MEMORY_LOCK, _collector_paused():
        evaluations = _evaluations(judged_pairs, as_of)
    judged = {lic.license_id: (row, ev) for (lic, row), ev in zip(pairs, evaluations, strict=True)}
    result = [
        _license_status(lic.user, lic, *judged.get(lic.license_id, (None, None))) for lic in held
    ]
    return sorted(result, key=lambda item: item.urgency)


def _licenses_of(owner: int | None) -> peewee.ModelSelect[Any]:
    """The active licenses of ``owner`` (None: everyone's)."""
    query = License.select().where(License.status == "active")
    return query if owner is None else query.where(License.user == owner)


def _people_of(owner: int | None) -> peewee.ModelSelect[Any]:
    """``owner`` (None: everyone)."""
    return User.select() if owner is None else User.select().where(User.user_id == owner)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a firm's records are read and judged: tens of
    thousands of new objects that live on (kept in ``_MEMORY``), which it would otherwise walk
    again and again and find no garbage in (a tenth of the evaluation). The window runs without
    automatic collection anyway (``ui/gc_guard.py``): then it is not paused here, and this
    never switches on a collector it did not switch off. Nothing here makes cycles.

    Afterwards the young objects are handed to the oldest generation as they are
    (``_promote_young``) rather than walked by the next young pass, which would find them all
    alive (some 20,000 for a firm, 4 ms)."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        _promote_young()
        if paused:
            gc.enable()


def _promote_young() -> None:
    """Every object the collector tracks moved to its oldest generation unexamined:
    ``gc.freeze()`` sets them all aside in one step, ``gc.unfreeze()`` puts them back into the
    oldest generation (whose collections, rarer, still examine them; nothing is freed or kept
    differently, a cycle made by someone else meanwhile is only found later). Not done when
    something else has frozen objects (``gc.get_freeze_count()``): unfreezing would undo it."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _with_holders(licenses: list[License], people: Callable[[], list[User]]) -> list[License]:
    """The licenses, each with its holder and credential attached (as a join would read them,
    but one model per person and per credential rather than one per license: a firm's
    licenses share fifty people and a few credentials); a license whose holder or credential
    is not there is left out, as the join would leave it out."""
    if not licenses:
        return []
    holders = {person.user_id: person for person in people()}
    credentials = {
        credential.credential_id: credential
        for credential in plain_models_of(("credentials",), Credential.select)
    }
    held = []
    for license_ in licenses:
        holder = holders.get(license_.user_id)
        credential = credentials.get(license_.credential_id)
        if holder is None or credential is None:
            continue
        license_.user, license_.credential = holder, credential
        # As read from the database (peewee does the same after a join).
        cast(Any, license_)._dirty.clear()
        held.append(license_)
    return held


def _evaluations(pairs: list[tuple[LicenseFacts, Rule]], as_of: dt.date) -> list[Evaluation]:
    """``evaluate_all`` of these licenses, reusing each kept evaluation whose inputs are the very
    same; only the rest go through the engine, with their holders' records read (from the
    first day one of their periods looks at) when not already in memory. Reciprocity is applied
    over all of them."""
    if not pairs:
        return []
    memory = _MEMORY
    _check_records()
    wording = day_format()
    results: list[Evaluation | None] = []
    for facts, rule in pairs:
        kept = memory.evaluations.get(facts.license_id)
        held = memory.records.get(facts.holder_id)
        same = (
            kept is not None
            and held is not None
            and _same_inputs(kept[0], (facts, rule, as_of, wording, held[1]))
        )
        results.append(kept[1] if kept is not None and same else None)
    todo = [i for i, found in enumerate(results) if found is None]
    if todo:
        contexts = prepare([pairs[i] for i in todo], as_of)
        needed: dict[int | None, dt.date] = {}
        for ctx in contexts:
            holder = ctx.license.holder_id
            needed[holder] = min(ctx.earliest(), needed.get(holder, dt.date.max))
        records = _records_since(needed)
        fresh = evaluate_prepared(contexts, records)
        for i, evaluation in zip(todo, fresh, strict=True):
            facts, rule = pairs[i]
            results[i] = evaluation
            key = (facts, rule, as_of, wording, records[facts.holder_id])
            memory.evaluations[facts.license_id] = (key, evaluation)
    return apply_reciprocity(
        [(rule, facts) for facts, rule in pairs], [r for r in results if r is not None]
    )


def _same_inputs(kept: tuple, key: tuple) -> bool:
    """The same facts, rule, day and wording, and the holder's very records list (a list is
    replaced, never changed, when the holder's records are read again)."""
    return (
        kept[4] is key[4]
        and kept[2] == key[2]
        and kept[3] is key[3]
        and kept[0] == key[0]
        and kept[1] == key[1]
    )


def _facts(license_: License) -> LicenseFacts:
    data = license_.__data__  # (what each field's accessor gives back)
    if (
        data.get("opening_hours") is None
        and data.get("opening_ethics_hours") is None
        and data.get("attributes") is None
    ):
        # Most licenses: no opening balance, nothing ticked. Built as ``LicenseFacts(...)``
        # builds them (its ``__post_init__`` makes those Decimal 0, 0 and an empty set, and
        # checks nothing else), with its ``__dict__`` set whole.
        facts = _new(LicenseFacts)
        _set(
            facts,
            "__dict__",
            {
                "license_id": data.get("license_id"),
                "credential": license_.credential.code,
                "jurisdiction": data.get("jurisdiction"),
                "issued_on": data.get("issued_on"),
                "period_end_override": data.get("period_end_override"),
                "birth_date": license_.user.birth_date,
                "holder_id": data.get("user"),
                "license_number": data.get("license_number"),
                "tracked_from": data.get("tracked_from"),
                "opening_hours": Decimal(0),
                "opening_ethics_hours": Decimal(0),
                "home_jurisdiction": data.get("home_jurisdiction"),
                "attributes": frozenset(),
            },
        )
        return facts
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


_new, _set = object.__new__, object.__setattr__


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
