"""Field-by-field checking of input dictionaries, collecting every error with its field name.

Services build a :class:`Validator` over the caller's data, read each field through a typed
method, and call :meth:`Validator.done`; all problems are reported together, each naming its field.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from cpe_desktop.services.errors import ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Control characters other than tab, newline and carriage return (code points below 32).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_CHARACTERS = _CONTROL  # what ``Validator.text`` refuses in a text
MISSING = object()
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: Any) -> dt.date:
    """An ISO ``YYYY-MM-DD`` date (or a date object); raises ValueError with a plain message."""
    if value.__class__ is str:  # a text read before: its day again (an import reads each twice)
        day = _DAYS_READ.get(value)
        if day is not None:
            return day
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY-MM-DD")
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"must be a date written YYYY-MM-DD, not {value!r}")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a real calendar date") from None
    if value.__class__ is str:
        if len(_DAYS_READ) >= _DAYS_KEPT:
            _DAYS_READ.clear()
        _DAYS_READ[value] = day
    return day


# Texts parse_date has read, with their day (dates cannot change), at most _DAYS_KEPT of them.
_DAYS_READ: dict[str, dt.date] = {}
_DAYS_KEPT = 20_000


def parse_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, decimal.Decimal):
        number = value
    elif isinstance(value, int):
        number = decimal.Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        number = decimal.Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = decimal.Decimal(value.strip())
        except decimal.InvalidOperation:
            raise ValueError(f"must be a number, not {value!r}") from None
    else:
        raise ValueError("must be a number")
    if not number.is_finite():
        raise ValueError("must be a finite number")
    return number


# Whole numbers stay within a signed 64-bit column; anything wider is refused before Python builds
# a huge int (``int(Decimal("1e1000000"))`` takes the CPU for most of a minute).
MAX_WHOLE_DIGITS = 18


def parse_whole_number(value: Any) -> int:
    """A whole number of at most 18 digits; ValueError with a plain message otherwise."""
    try:
        number = parse_decimal(value)
    except ValueError as exc:
        raise ValueError(str(exc).replace("a number", "a whole number")) from None
    if number.adjusted() >= MAX_WHOLE_DIGITS:
        raise ValueError("is too large")
    if number != number.to_integral_value():
        raise ValueError("must be a whole number")
    return int(number)


def parse_bounded_decimal(value: Any, *, max_digits: int = 15, places: int = 6) -> decimal.Decimal:
    """A decimal below 10**max_digits with at most ``places`` decimals (for free-form values)."""
    number = parse_decimal(value)
    if number and number.adjusted() >= max_digits:
        raise ValueError("is too large")
    if number.as_tuple().exponent < -places:  # type: ignore[operator]
        raise ValueError(f"may have at most {places} decimal places")
    return number


class Validator:
    """Reads fields from ``data`` and remembers every problem."""

    def __init__(
        self,
        data: Mapping[str, Any],
        allowed: Iterable[str] | None = None,
        *,
        partial: bool = False,
    ) -> None:
        if not isinstance(data, Mapping):
            raise ValidationError("data", "must be an object of field names and values")
        self.data = data
        self.partial = partial  # updates: absent fields are left as they are
        self.errors: dict[str, str] = {}
        if allowed is not None:
            allowed = set(allowed)
            for key in data:
                if key not in allowed:
                    self.errors[str(key)] = "is not a known field"

    def has(self, name: str) -> bool:
        return name in self.data

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def _raw(self, name: str, required: bool) -> Any:
        if name not in self.data:
            if required and not self.partial:
                self.error(name, "is required")
            return MISSING
        value = self.data[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(name, "is required")
                return MISSING
            return None
        return value

    def text(self, name: str, *, required: bool = False, max_length: int = 1000) -> Any:
        value = self._raw(name, required)
        if value is MISSING or value is None:
            return value
        if not isinstance(value, str):
            self.error(name, "must be text")
            return MISSING
        value = value.strip()
        if len(value) > max_length:
            self.error(name, f"must be at most {max_length} characters")
            return MISSING
        if _CONTROL.search(value):
            self.error(name, "contains control characters")
            return MISSING
        return value

    def email(self, name: str, *, required: bool = False) -> Any:
        value = self.text(name, required=required, max_length=254)
        if isinstance(value, str):
            value = value.lower()  # may lengthen some letters, so measure afterwards
            if not _EMAIL.match(value) or len(value) > 254:
                self.error(name, f"{value!r} is not an email address")
                return MISSING
            return value
        return value

    def choice(self, name: str, options: Iterable[str], *, required: bool = False) -> Any:
        value = self.text(name, required=required)
        options = tuple(options)
        if isinstance(value, str) and value not in options:
            self.error(name, f"must be one of {', '.join(options)} (got {value!r})")
            return MISSING
        return value

    def date(self, name: str, *, required: bool = False) -> Any:
        value = self._raw(name, required)
        if value is MISSING or value is None:
            return value
        try:
            return parse_date(value)
        except ValueError as exc:
            self.error(name, str(exc))
            return MISSING

    def decimal(
        self,
        name: str,
        *,
        required: bool = False,
        minimum: decimal.Decimal | int | None = None,
        maximum: decimal.Decimal | int | None = None,
        places: int = 2,
    ) -> Any:
        value = self._raw(name, required)
        if value is MISSING or value is None:
            return value
        try:
            number = parse_decimal(value)
        except ValueError as exc:
            self.error(name, str(exc))
            return MISSING
        if minimum is not None and number < minimum:
            self.error(name, f"must be at least {minimum}")
            return MISSING
        if maximum is not None and number > maximum:
            self.error(name, f"must be at most {maximum}")
            return MISSING
        if number.as_tuple().exponent < -places:  # type: ignore[operator]
            self.error(name, f"may have at most {places} decimal places")
            return MISSING
        return number

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Any:
        value = self._raw(name, required)
        if value is MISSING or value is None:
            return value
        try:
            result = parse_whole_number(value)
        except ValueError as exc:
            self.error(name, str(exc))
            return MISSING
        if minimum is not None and result < minimum:
            self.error(name, f"must be at least {minimum}")
            return MISSING
        if maximum is not None and result > maximum:
            self.error(name, f"must be at most {maximum}")
            return MISSING
        return result

    def boolean(self, name: str, *, required: bool = False) -> Any:
        value = self._raw(name, required)
        if value is MISSING or value is None:
            return value
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("false", "no", "0"):
            return False
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self.error(name, "must be true or false")
        return MISSING

    def done(self) -> None:
        """Raise every collected problem at once."""
        if self.errors:
            raise ValidationError(self.errors)


def present(values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that were given (drops those the validator marked missing or in error)."""
    return {key: value for key, value in values.items() if value is not MISSING}
