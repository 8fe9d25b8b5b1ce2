"""Hypothesis on the services' entry points.

A service either succeeds or raises a ``ServiceError`` whose ``ValidationError.errors`` name
fields of the input; a refused call leaves every table, the audit log included, exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import peewee
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cpe_desktop.db.models import EVERY_MODEL, SchemaVersion
from cpe_desktop.rules.fields import DELIVERY_METHODS, FIELDS_OF_STUDY
from cpe_desktop.services import (
    credentials,
    custom_fields,
    licenses,
    preferences,
    records,
    requirements,
    users,
)
from cpe_desktop.services.context import ROLES, Actor, ServiceContext
from cpe_desktop.services.errors import ServiceError, ValidationError
from tests.helpers.strategies import ANY, SERVICE_SETTINGS

# --- helpers -------------------------------------------------------------------------------------

TABLES = [m._meta.table_name for m in EVERY_MODEL] + [SchemaVersion._meta.table_name]
_COUNT_SQL = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in TABLES)


def _counts(db: peewee.Database) -> dict[str, int]:
    return dict(zip(TABLES, db.execute_sql(_COUNT_SQL).fetchone(), strict=True))


def rarely(unusual: st.SearchStrategy, usual: st.SearchStrategy) -> st.SearchStrategy:
    """``usual`` about seven times in eight, else ``unusual``."""
    return st.integers(0, 7).flatmap(lambda n: unusual if n == 0 else usual)


def mostly(plausible: st.SearchStrategy) -> st.SearchStrategy:
    """Usually a plausible value for the field, sometimes anything at all."""
    return rarely(ANY, plausible)


def inputs(plausible: dict[str, st.SearchStrategy], required: tuple[str, ...] = ()):
    """Dictionaries over the real field names (required ones usually present) plus junk keys."""
    values = {key: mostly(strategy) for key, strategy in plausible.items()}
    base = st.fixed_dictionaries(
        {key: values[key] for key in required},
        optional={key: s for key, s in values.items() if key not in required},
    )
    dropped = st.just(frozenset())
    if required:
        dropped = rarely(st.frozensets(st.sampled_from(required), min_size=1), dropped)
    junk = st.dictionaries(
        st.text(max_size=12).filter(lambda k: k not in plausible), ANY, min_size=1, max_size=2
    )
    return st.builds(
        lambda data, gone, extra: {k: v for k, v in data.items() if k not in gone} | extra,
        base,
        dropped,
        rarely(junk, st.just({})),
    )


def _names_a_field(key: Any, data: dict, known: set[str]) -> bool:
    if not isinstance(key, str):
        return False
    given_keys = {str(k) for k in data}
    root = re.split(r"[\[.]", key, maxsplit=1)[0]
    return key in given_keys or key in known or (root in known and root in given_keys)


def _attempt(db: peewee.Database, call: Callable[[], Any], data: dict, known) -> bool:
    """Run one service call; True when it was accepted. Anything but a ServiceError fails.

    The call runs inside a transaction that is rolled back afterwards, so every example starts
    from the same data (and names, codes and emails never clash with earlier examples).
    """
    with db.atomic() as transaction:
        try:
            before = _counts(db)
            try:
                call()
            except ValidationError as exc:
                assert exc.errors
                for key, message in exc.errors.items():
                    assert _names_a_field(key, data, set(known)), (key, data)
                    assert isinstance(message, str) and message
                assert _counts(db) == before
                return False
            except ServiceError:
                assert _counts(db) == before
                return False
            after = _counts(db)
            # an accepted call writes at least one row with each audit entry, and at most one
            # entry per key it was given
            audits = after["audit_logs"] - before["audit_logs"]
            rows = sum(after.values()) - sum(before.values()) - audits
            assert (1 if data else 0) <= audits <= len(data)
            assert rows >= audits
            return True
        finally:
            transaction.rollback()


@pytest.fixture
def world(db, system, clock):
    """An administrator, a member with a context of their own, and the CPA credential."""
    ada = users.create_user(system, {"name": "Ada", "email": "ada@example.com"}).value
    mo = users.create_user(
        system, {"name": "Mo", "email": "mo@example.com", "role": "member"}
    ).value
    credentials.create_credential(system, {"code": "CPA", "name": "Certified Public Accountant"})
    as_mo = ServiceContext(Actor.for_user(mo), clock)
    return SimpleNamespace(db=db, system=system, ada=ada, mo=mo, as_mo=as_mo)


def _run(world, strategy, call, known, *, members: bool = False, valid=None) -> Counter:
    """Call the service on many inputs (as the system, or also as a member); count outcomes.

    ``valid``, an input the service must accept, is always tried too: with many fields that each
    may be junk, a run could otherwise, rarely, see no accepted input at all.
    """
    seen: Counter = Counter()

    def check(data, member):
        ctx = world.as_mo if member else world.system
        seen[_attempt(world.db, lambda: call(ctx, data), data, known)] += 1

    if valid is not None:
        check = example(data=valid, member=False)(check)
    SERVICE_SETTINGS(
        given(data=strategy, member=st.booleans() if members else st.just(False))(check)
    )()
    return seen


# plausible text: what a person types (ANY still sends control characters and blanks)
TYPED = st.characters(exclude_categories=("Cc", "Cs"))
TEXT = st.text(TYPED, max_size=40)
SHORT = st.text(TYPED, min_size=1, max_size=20).filter(str.strip)
PAST = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2026, 6, 15))
DATES = st.one_of(PAST.map(dt.date.isoformat), PAST)
HOURS = st.one_of(st.decimals(0, 200, places=2), st.integers(0, 200))
CREDITS = st.one_of(st.decimals("0.2", 8, places=1), st.integers(1, 8), st.sampled_from([0.5, 1.5]))
CODES = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=8)


def test_create_user(world):
    strategy = inputs(
        {
            "name": SHORT,
            "email": st.emails(),
            "role": st.sampled_from(ROLES),
            "birth_date": DATES,
            "active": st.booleans(),
            "password": st.one_of(st.just(""), st.text(min_size=8, max_size=12)),
        },
        required=("name", "email"),
    )
    seen = _run(world, strategy, users.create_user, users.FIELDS)
    assert seen[True] and seen[False]


def test_create_license(world):
    people = st.sampled_from([world.ada.user_id, world.mo.user_id])
    cpa = credentials.by_code("CPA").credential_id
    strategy = inputs(
        {
            "user_id": people,
            "credential": st.sampled_from(["CPA", "cpa", "EA"]),
            "credential_id": st.just(cpa),
            "jurisdiction": SHORT,
            "license_number": TEXT,
            "issued_on": DATES,
            "expires_on": DATES,
            "period_end_override": DATES,
            "status": st.sampled_from(licenses.STATUSES),
        },
        required=("user_id", "credential", "jurisdiction"),
    )
    seen = _run(world, strategy, licenses.create_license, licenses.FIELDS, members=True)
    assert seen[True] and seen[False]


def test_create_record(world):
    people = st.sampled_from([world.ada.user_id, world.mo.user_id])
    credit = st.fixed_dictionaries(
        {"field": st.sampled_from(FIELDS_OF_STUDY), "credits": mostly(CREDITS)}
    )
    strategy = inputs(
        {
            "user_id": people,
            "title": SHORT,
            "sponsor": TEXT,
            "sponsor_id": st.text(max_size=10),
            "completed_on": DATES,
            "delivery_method": st.sampled_from(DELIVERY_METHODS),
            "ethics_jurisdiction": TEXT,
            "attachment_id": st.one_of(st.none(), st.integers()),
            "notes": TEXT,
            "credits": st.lists(mostly(credit), min_size=1, max_size=3),
        },
        required=("user_id", "title", "completed_on", "delivery_method", "credits"),
    )
    valid = {
        "user_id": world.mo.user_id,
        "title": "Tax update",
        "completed_on": "2026-03-02",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 2}],
    }
    seen = _run(world, strategy, records.create_record, records.FIELDS, members=True, valid=valid)
    assert seen[True] and seen[False]


def test_create_requirement(world):
    small = st.integers(0, 200)
    plausible = {
        "credential": st.sampled_from(["CPA", "cpa", "EA"]),
        "jurisdiction": SHORT,
        "total_hours": small,
        "period_years": st.integers(1, 5),
        "ethics_hours": small,
        "ethics_period_years": st.integers(1, 5),
        "ethics_state_specific": st.booleans(),
        "period_basis": st.sampled_from(requirements.PERIOD_BASES),
        "period_start_month": st.integers(1, 12),
        "cycle_anchor_year": st.integers(1990, 2030),
        "effective_from": DATES,
        "source": TEXT,
        "verified_on": DATES,
        "notes": TEXT,
    }
    plausible |= {key: HOURS for key in requirements.HOUR_CAPS}
    plausible |= {key: st.decimals(0, 100, places=1) for key in requirements.PERCENT_CAPS}
    strategy = inputs(plausible, required=("credential", "jurisdiction", "period_years"))
    seen = _run(world, strategy, requirements.create_requirement, requirements.KEYS)
    assert seen[True] and seen[False]


def test_create_credential(world):
    strategy = inputs(
        {"code": CODES, "name": SHORT, "issuing_body": TEXT}, required=("code", "name")
    )
    seen = _run(world, strategy, credentials.create_credential, credentials.FIELDS)
    assert seen[True] and seen[False]


def test_set_preferences(world):
    plausible = {
        "timezone": st.sampled_from(["local", "UTC", "America/Chicago", "Europe/Paris"]),
        "reminder_lead_days": st.one_of(
            st.lists(st.integers(1, 730), min_size=1, max_size=4),
            st.sampled_from(["90, 30, 7", "14", "60;30"]),
        ),
        "notification_method": st.sampled_from(["tray", "email", "tray_and_email"]),
        "theme": st.sampled_from(["system", "light", "dark", "Dark"]),
    }
    known = set(preferences.SETTINGS) | {"smtp_password"}
    owners = st.sampled_from(["self", "other", "missing"])
    password = rarely(st.fixed_dictionaries({"smtp_password": TEXT}), st.just({}))
    strategy = st.builds(lambda data, extra: data | extra, inputs(plausible), password)

    seen: Counter = Counter()

    @SERVICE_SETTINGS
    @given(data=strategy, member=st.booleans(), whose=owners)
    def check(data, member, whose):
        ctx = world.as_mo if member else world.system
        user_id = {"self": world.mo.user_id, "other": world.ada.user_id, "missing": 9999}[whose]
        call = lambda: preferences.set_preferences(ctx, user_id, data)  # noqa: E731
        seen[_attempt(world.db, call, data, known)] += 1

    check()
    assert seen[True] and seen[False]


def test_set_firm_settings(world):
    plausible = {
        "smtp_host": TEXT,
        "smtp_port": st.integers(1, 65535),
        "smtp_security": st.sampled_from(["starttls", "tls", "none"]),
        "smtp_user": TEXT,
        "smtp_sender": st.one_of(st.just(""), st.emails()),
    }
    known = set(preferences.FIRM_SETTINGS) | {"smtp_password"}
    password = rarely(st.fixed_dictionaries({"smtp_password": TEXT}), st.just({}))
    strategy = st.builds(lambda data, extra: data | extra, inputs(plausible), password)
    seen = _run(world, strategy, preferences.set_firm_settings, known, members=True)
    assert seen[True] and seen[False]


def test_define_field(world):
    strategy = inputs(
        {
            "entity": st.sampled_from(sorted(custom_fields.ENTITIES)),
            "field_name": SHORT,
            "field_type": st.sampled_from(custom_fields.FIELD_TYPES),
            "options": st.one_of(st.none(), st.lists(SHORT, min_size=1, max_size=3)),
            "required": st.booleans(),
        },
        required=("entity", "field_name", "field_type"),
    )
    seen = _run(world, strategy, custom_fields.define_field, custom_fields.FIELDS)
    assert seen[True] and seen[False]


# --- inputs found to break a service (kept as plain examples) -----------------------------------

KNOWN_BAD = [
    pytest.param(
        licenses.create_license,
        {"user_id": 2**64, "credential": "CPA", "jurisdiction": "Texas"},
        "user_id",
        id="license-user_id-beyond-64-bits",
    ),
    pytest.param(
        licenses.create_license,
        {"user_id": 1, "credential_id": "1e30", "jurisdiction": "Texas"},
        "credential_id",
        id="license-credential_id-beyond-64-bits",
    ),
    pytest.param(
        records.create_record,
        {
            "user_id": 1,
            "title": "Tax update",
            "completed_on": "2026-01-05",
            "delivery_method": "Group Live",
            "attachment_id": 2**63,
            "credits": [{"field": "Taxes", "credits": 2}],
        },
        "attachment_id",
        id="record-attachment_id-beyond-64-bits",
    ),
    pytest.param(
        credentials.create_credential,
        {"code": "ß" * 20, "name": "Twenty sharp s"},
        "code",
        id="credential-code-longer-once-upper-cased",
    ),
    pytest.param(
        users.create_user,
        {"name": "Long", "email": "ann@" + "İ" * 240 + ".com"},
        "email",
        id="user-email-longer-once-lower-cased",
    ),
]


@pytest.mark.parametrize(("service", "data", "field"), KNOWN_BAD)
def test_known_bad_input_is_refused_naming_the_field(world, service, data, field):
    before = _counts(world.db)
    with pytest.raises(ValidationError) as err:
        service(world.system, data)
    assert field in err.value.errors
    assert _counts(world.db) == before
