"""Where peewee's type stubs say less than peewee does, typed for the checker.

The stubs say ``query.tuples()`` returns the query unchanged, so mypy believes the rows are still
model instances; and a model's ``_meta.primary_key`` is typed ``Any | Literal[False]`` (False only
for a model without one, which no table here is).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from peewee import BaseQuery, Field, Model


def tuples(query: BaseQuery) -> Iterable[tuple[Any, ...]]:
    """``query.tuples()``: the rows of ``query``, each a tuple of the selected columns."""
    rows: Iterable[tuple[Any, ...]] = query.tuples()
    return rows


def primary_key(model: type[Model]) -> Field[Any]:
    """``model._meta.primary_key``: its primary-key field (a ``CompositeKey`` for some)."""
    return cast("Field[Any]", model._meta.primary_key)
