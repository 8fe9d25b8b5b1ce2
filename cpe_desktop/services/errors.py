"""Errors services raise; each carries a message a user can act on."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """Base: the operation was refused and nothing was changed."""


class ValidationError(ServiceError):
    """One or more fields are wrong. ``errors`` maps each field name to what is wrong with it."""

    def __init__(self, errors: Mapping[str, str] | str, message: str | None = None) -> None:
        if isinstance(errors, str):
            errors = {errors: message or "is not valid"}
        self.errors: dict[str, str] = dict(errors)
        if not self.errors:
            raise ValueError("ValidationError needs at least one field")
        self.field = next(iter(self.errors))
        super().__init__("; ".join(f"{name}: {text}" for name, text in self.errors.items()))

    def prefixed(self, prefix: str) -> ValidationError:
        """The same errors with their field names placed under ``prefix`` (a JSON path, a line)."""
        return ValidationError({f"{prefix}{name}": text for name, text in self.errors.items()})


class PermissionDenied(ServiceError):
    """The acting user may not do this."""


class NotFound(ServiceError):
    """The thing asked for does not exist (or is not visible to the acting user)."""


class Conflict(ServiceError):
    """The change clashes with existing data (a duplicate, a row still in use)."""


class StaleEdit(Conflict):
    """Someone else saved the item after this form opened it: nothing was written.

    ``theirs`` is the item as stored now (the form's keys, as ``editing.load_entity`` gives them),
    ``version`` its row version, ``who`` and ``when`` the last change's author and time (None
    when the log does not say)."""

    def __init__(
        self,
        message: str,
        *,
        theirs: Mapping[str, object],
        version: int,
        who: str | None = None,
        when: object = None,
    ) -> None:
        super().__init__(message)
        self.theirs = dict(theirs)
        self.version = version
        self.who = who
        self.when = when
