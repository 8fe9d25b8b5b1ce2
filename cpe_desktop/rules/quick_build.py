"""Results of a firm's evaluation built without the frozen dataclass's field-by-field ``__init__``.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (the class's
own ``__setattr__`` refuses), one call per field: for a firm's evaluation, a thousand
``ComponentResult`` of fourteen fields, the ``Evaluation`` of every license (37 fields) and their
``YearResult``, a tenth of the judging. ``builder(cls)`` makes a function with the very
parameters and defaults of ``cls``'s ``__init__`` that gives the new instance its ``__dict__``
whole instead: the same fields, in the same order, with the same values, so the instance is
equal to (and prints, hashes and pickles as) the one ``cls(...)`` would build.

Only for a frozen dataclass that ``__init__`` does nothing more for: no ``__post_init__``, no
slots, no field left out of ``__init__`` or made by a factory (``builder`` refuses the others).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def builder(cls: type[T]) -> Callable[..., T]:
    """A function called as ``cls`` is (same parameters, same defaults) that builds the instance
    ``cls(...)`` would, with its ``__dict__`` set in one step."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass")
    if hasattr(cls, "__post_init__") or "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}'s __init__ does more than set its fields")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__, "_cls": cls}
    parameters = []
    for number, field in enumerate(fields):
        if not field.init or field.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{field.name} is not simply given to __init__")
        if field.default is dataclasses.MISSING:
            parameters.append(field.name)
        else:
            namespace[f"_default_{number}"] = field.default
            parameters.append(f"{field.name}=_default_{number}")
    values = ", ".join(f"{field.name!r}: {field.name}" for field in fields)
    source = (
        f"def build_{cls.__name__}({', '.join(parameters)}):\n"
        "    instance = _new(_cls)\n"
        f"    _set(instance, '__dict__', {{{values}}})\n"
        "    return instance\n"
    )
    exec(source, namespace)  # (as dataclasses makes ``__init__`` itself)
    made: Callable[..., T] = namespace[f"build_{cls.__name__}"]
    made.__qualname__ = made.__name__
    return made


__all__ = ["builder"]
