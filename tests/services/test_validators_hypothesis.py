"""Hypothesis on every validator and on the services' entry points.

Whatever a form, an import file or a script hands over, a validator returns a value of its type or
records an error naming the field, and a service either succeeds or raises a ``ServiceError``
whose ``ValidationError.errors`` name fields of the input; a refused call leaves every table,
the audit log included, exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import string
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import peewee
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cpe_desktop.db.models import EVERY_MODEL, CustomField, SchemaVersion
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
from cpe_desktop.services.validation import MISSING, Validator, parse_date, parse_decimal

# Service tests run @given inside the test (fixtures are set up once, each example rolls back its
# writes), so no function-scoped fixture is shared between examples.
SETTINGS = settings(max_examples=150, deadline=None, database=None)
SERVICE_SETTINGS = settings(SETTINGS, max_examples=120)

# Anything at all a caller might pass for one field.
ANY = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.text()),
    st.dictionaries(st.text(), st.integers()),
    st.decimals(),
)
NAMES = st.text(min_size=1, max_size=12)
CONTROL = {chr(c) for c in range(32)} - set("\t\n\r")


def _field_errors_only(v: Validator, name: str) -> None:
    assert set(v.errors) <= {name}
    for message in v.errors.values():
        assert isinstance(message, str) and message


def _absent_or_blank(
    v: Validator, name: str, present: bool, value: Any, required: bool, partial: bool, result
) -> bool:
    """Check the outcome when the field is missing or empty; True when that case applied."""
    if not present:
        assert result is MISSING
        assert v.errors == ({name: "is required"} if required and not partial else {})
        return True
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            assert result is MISSING and v.errors == {name: "is required"}
        else:
            assert result is None and v.errors == {}
        return True
    return False


def _made(name: str, value: Any, present: bool, partial: bool) -> Validator:
    return Validator({name: value} if present else {}, partial=partial)


def _outcome(v: Validator, name: str, result) -> bool:
    """True when the value was accepted; then no error was recorded, else exactly one."""
    _field_errors_only(v, name)
    if result is MISSING:
        assert name in v.errors
        return False
    assert v.errors == {}
    return True


FIELD_CASE = {
    "name": NAMES,
    "value": ANY,
    "present": st.booleans(),
    "required": st.booleans(),
    "partial": st.booleans(),
}


# --- Validator methods ---------------------------------------------------------------------------


@SETTINGS
@given(**FIELD_CASE, max_length=st.integers(0, 40))
def test_text(name, value, present, required, partial, max_length):
    v = _made(name, value, present, partial)
    result = v.text(name, required=required, max_length=max_length)
    if _absent_or_blank(v, name, present, value, required, partial, result):
        return
    if _outcome(v, name, result):
        assert isinstance(value, str)
        assert result == value.strip()
        assert len(result) <= max_length
        assert not set(result) & CONTROL


@SETTINGS
@given(**FIELD_CASE)
@example(
    name="email", value="ann@" + "İ" * 240 + ".com", present=True, required=True, partial=False
)
def test_email(name, value, present, required, partial):
    v = _made(name, value, present, partial)
    result = v.email(name, required=required)
    if _absent_or_blank(v, name, present, value, required, partial, result):
        return
    if _outcome(v, name, result):
        assert result == result.lower() == value.strip().lower()
        assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", result)
        assert len(result) <= 254  # the width of users.email


@SETTINGS
@given(data=st.data(), **FIELD_CASE, options=st.lists(NAMES, min_size=1, max_size=4))
def test_choice(data, name, value, present, required, partial, options):
    if data.draw(st.booleans()):
        value = data.draw(st.sampled_from(options))
    v = _made(name, value, present, partial)
    result = v.choice(name, options, required=required)
    if _absent_or_blank(v, name, present, value, required, partial, result):
        return
    if _outcome(v, name, result):
        assert result in options


@SETTINGS
@given(**FIELD_CASE | {"value": st.one_of(ANY, st.dates(), st.dates().map(dt.date.isoformat))})
def test_date(name, value, present, required, partial):
    v = _made(name, value, present, partial)
    result = v.date(name, required=required)
    if _absent_or_blank(v, name, present, value, required, partial, result):
        return
    if _outcome(v, name, result):
        assert type(result) is dt.date
        if isinstance(value, str):
            assert result.isoformat() == value.strip()


_CASE = {"name": "hours", "present": True, "required": False, "partial": False}


def _decimal_places(number: decimal.Decimal) -> int:
    """Digits after the point, trailing zeros not counted (exactly, at any size)."""
    sign, digits, exponent = number.as_tuple()
    while len(digits) > 1 and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    return max(0, -exponent) if any(digits) else 0


BOUND = st.one_of(st.none(), st.integers(-1000, 1000))


@SETTINGS
@given(**FIELD_CASE, minimum=BOUND, maximum=BOUND, places=st.integers(0, 4))
@example(**_CASE, value=1e30, minimum=None, maximum=None, places=2)
@example(**_CASE, value="1E+40", minimum=0, maximum=None, places=2)
def test_decimal(name, value, present, required, partial, minimum, maximum, places):
    v = _made(name, value, present, partial)
    result = v.decimal(name, required=required, minimum=minimum, maximum=maximum, places=places)
    if _absent_or_blank(v, name, present, value, required, partial, result):
        return
    if _outcome(v, name, result):
        assert isinstance(result, decimal.Decimal) and result.is_finite()
        assert not isinstance(value, bool)
        assert minimum is None or result >= minimum
        assert maximum is None or result <= maximum
        assert _decimal_places(result) <= places


@SETTINGS
@given(**FIELD_CASE, minimum=BOUND, maximum=BOUND)
def test_integer(name, value, present, required, partial, minimum, maximum):
    v = _made(name, value, present, partial)
    result = v.integer(name, required=required, minimum=minimum, maximum=maximum)
    if _absent_or_blank(v, name, present, value, required, partial, result):
        return
    if _outcome(v, name, result):
        assert type(result) is int
        assert not isinstance(value, bool)
        assert result == parse_decimal(value)
        assert minimum is None or result >= minimum
        assert maximum is None or result <= maximum


class _NoHugeInt(decimal.Decimal):
    """A number that refuses to become a Python int (building one with a million digits takes
    most of a minute, so a nine-character "1e1000000" in a form or import would hang)."""

    def __int__(self) -> int:
        raise AssertionError(f"{self} was turned into an int before its size was checked")


@pytest.mark.parametrize(("maximum", "minimum"), [(10, 1), (None, 1), (None, None)])
def test_integer_refuses_a_huge_number_without_building_it(maximum, minimum):
    v = Validator({"period_years": _NoHugeInt("1e1000000")})
    assert v.integer("period_years", minimum=minimum, maximum=maximum) is MISSING
    assert set(v.errors) == {"period_years"}


@SETTINGS
@given(**FIELD_CASE | {"value": st.one_of(ANY, st.sampled_from(["Yes", " no ", "TRUE", "0"]))})
def test_boolean(name, value, present, required, partial):
    v = _made(name, value, present, partial)
    result = v.boolean(name, required=required)
    if _absent_or_blank(v, name, present, value, required, partial, result):
        return
    if _outcome(v, name, result):
        assert type(result) is bool
        if isinstance(value, str):
            assert result is (value.strip().lower() in ("true", "yes", "1"))


@SETTINGS
@given(data=st.dictionaries(st.text(), ANY, max_size=6), allowed=st.lists(st.text(), max_size=4))
def test_unknown_keys_are_named(data, allowed):
    v = Validator(data, allowed)
    assert set(v.errors) == {key for key in data if key not in allowed}
    if v.errors:
        with pytest.raises(ValidationError) as err:
            v.done()
        assert err.value.errors == v.errors
    else:
        v.done()


# --- parsers -------------------------------------------------------------------------------------


@SETTINGS
@given(value=st.one_of(ANY, st.dates(), st.datetimes(), st.dates().map(dt.date.isoformat)))
def test_parse_date(value):
    try:
        result = parse_date(value)
    except ValueError as exc:
        assert str(exc)
        return
    assert type(result) is dt.date


@SETTINGS
@given(value=ANY)
def test_parse_decimal(value):
    try:
        result = parse_decimal(value)
    except ValueError as exc:
        assert str(exc)
        return
    assert isinstance(result, decimal.Decimal) and result.is_finite()
    assert not isinstance(value, bool)


@SETTINGS
@given(
    name=st.sampled_from(sorted(preferences.SETTINGS)),
    value=st.one_of(
        ANY,
        st.sampled_from(["America/Chicago", " UTC ", "local", "90, 30, 7", "7;30", "dark", "587"]),
        st.lists(st.integers(-5, 800)),
    ),
)
def test_each_setting_parses_or_says_why(name, value):
    setting = preferences.SETTINGS[name]
    try:
        parsed = setting.parse(value)
    except ValueError as exc:
        assert str(exc)
        return
    # what is stored reads back as the same value
    assert setting.parse(setting.dump(parsed)) == parsed
    assert setting.parse(setting.default) == setting.default


@SETTINGS
@given(
    field_type=st.sampled_from(custom_fields.FIELD_TYPES),
    value=st.one_of(ANY, st.dates(), st.sampled_from(["2026-01-31", "yes", "Gold", "12", "1.5"])),
)
@example(field_type="integer", value="1e5000")
def test_custom_value_parses_or_says_why(field_type, value):
    field = CustomField(field_type=field_type, options='["Gold", "Silver"]')
    try:
        typed = custom_fields.parse_value(field, value)
    except ValueError as exc:
        assert str(exc)
        return
    # the stored text reads back as the same value
    assert custom_fields.parse_value(field, custom_fields._dump(typed)) == typed


# --- services ------------------------------------------------------------------------------------

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
        "smtp_host": TEXT,
        "smtp_port": st.integers(1, 65535),
        "smtp_security": st.sampled_from(["starttls", "tls", "none"]),
        "smtp_user": TEXT,
        "smtp_sender": st.one_of(st.just(""), st.emails()),
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
