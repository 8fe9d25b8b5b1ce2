"""Small immutable records that behave as frozen dataclasses, without being made at import.

``@dataclass(frozen=True)`` writes and compiles its methods when its module is imported: about
4 M instructions a class, some 0.5 ms of the window's start each for the records every start
imports (the actor, the settings' declarations, the shipped data's result). A :class:`Frozen`
subclass names its fields in ``__match_args__`` and sets them in its own ``__init__`` with
``object.__setattr__``; it then compares, hashes, prints and refuses changes as the dataclass
did (``tests/services/test_frozen_records.py`` holds each against one).
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any, ClassVar


class Frozen:
    """Equal to another of its own class with equal fields (in order), hashed by them, printed
    as ``Name(field=value, …)``; any attribute set or deleted raises ``FrozenInstanceError``."""

    __slots__ = ()
    __match_args__: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__match_args__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]  # same class
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
