"""Hypothesis on every validator and parser.

Whatever a form, an import file or a script hands over, a validator returns a value of its type or
records an error naming the field.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cpe_desktop.db.models import CustomField
from cpe_desktop.services import (
    custom_fields,
    preferences,
)
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.validation import MISSING, Validator, parse_date, parse_decimal
from tests.helpers.strategies import ANY, SETTINGS

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
