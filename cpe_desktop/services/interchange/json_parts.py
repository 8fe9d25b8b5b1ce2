"""Reading the parts of a ``cpe-tracker/1`` document: a list, an object, an item's keys, a moment,
each problem worded for the person fixing the file and placed at its JSON path. Shared by the
document's checks (:mod:`.json_validation`) and the owned sections' codec (:mod:`.sections`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.checks import key_name, under
from cpe_desktop.services.interchange.common import add_errors
from cpe_desktop.services.validation import Validator

T = TypeVar("T")


def kind_of(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def list_at(value: Any, path: str, what: str, errors: dict[str, str], *, required=False) -> list:
    """The list at ``path`` (absent or null: empty unless required), else an error."""
    if value is None:
        if required:
            errors.setdefault(path, f"is required: a list of {what} (it may be empty)")
        return []
    if not isinstance(value, list):
        errors.setdefault(path, f"must be a list of {what}, not {kind_of(value)}")
        return []
    return value


def object_at(value: Any, path: str, what: str, errors: dict[str, str]) -> bool:
    if isinstance(value, Mapping):
        return True
    errors.setdefault(path, f"must be an object describing {what}, not {kind_of(value)}")
    return False


def validator(data: Mapping[str, Any], keys: tuple[str, ...]) -> Validator:
    v = Validator(data, keys)
    v.errors = {
        key_name(name): f"is not a known key (expected {', '.join(keys)})" for name in v.errors
    }
    return v


def collect(v: Validator, path: str, errors: dict[str, str]) -> None:
    add_errors(errors, under(path, v.errors))


def guarded(path: str, action: Callable[..., T], *args: Any) -> T:
    """Run a service call; its field errors come back placed under ``path``."""
    try:
        return action(*args)
    except ValidationError as exc:
        raise ValidationError(dict(under(path, exc.errors, raw=True))) from exc


def moment_text(value: Any) -> str | None:
    """A stored moment as the file writes it (``2026-02-01T10:00:00``)."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.datetime) else str(value)


def read_moment(v: Validator, data: Mapping[str, Any], name: str, *, required=False) -> Any:
    """A ``YYYY-MM-DDTHH:MM:SS`` moment (naive, as stored), None when null."""
    value = data.get(name)
    if value is None:
        if required:
            v.error(name, "is required")
        return None
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is None:
            return moment
    v.error(name, f"must be a date and time written YYYY-MM-DDTHH:MM:SS, not {short(value)}")
    return None
