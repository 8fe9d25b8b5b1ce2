"""Paged, sorted and filtered reads behind every table tab, done by the database.

A tab over 100,000 records must open at once, so nothing here ever loads a whole table: the view
asks for one page at a time (``fetch_page``) and for the number of matching rows (``count``);
sorting and the filter box's search become ``ORDER BY`` and ``WHERE``. Each page is read in two
short queries: first the page's primary keys (sorted, filtered, ``LIMIT``/``OFFSET``), then the
display columns for just those keys, so per-row subqueries (credit sums, fields of study, custom
fields) run for 200 rows rather than for every row the sort has to consider.

Who sees what is decided here too: members see only rows they own, shared catalogue tables
(credentials, requirements, custom field definitions) are visible to everyone, and ``admin_only``
tables raise ``PermissionDenied`` for members (rather than looking empty, which would mislead).

The table declarations live in ``specs`` and ``admin_specs``; this module joins them
into ``SPECS`` and re-exports the types. No Qt here: dates are
formatted for people by the Qt model, using the user's locale.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import peewee
from peewee import SQL, Cast, Ordering, Tuple, fn

from cpe_desktop.db.models import CustomField, CustomFieldValue
from cpe_desktop.db.typed import primary_key, tuples
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import PermissionDenied
from cpe_desktop.services.tables.admin_specs import ADMIN_SPECS
from cpe_desktop.services.tables.specs import (
    COLUMN_KINDS,
    PRIMARY_SPECS,
    Column,
    TableSpec,
    is_postgres,
)

__all__ = [
    "COLUMN_KINDS",
    "PAGE_SIZE",
    "Row",
    "SPECS",
    "Column",
    "TableSpec",
    "columns_for",
    "count",
    "custom_field_key",
    "fetch_page",
    "format_credits",
    "format_value",
    "is_postgres",
    "spec",
    "visible_specs",
]

PAGE_SIZE = 200
SPECS: dict[str, TableSpec] = {s.name: s for s in PRIMARY_SPECS + ADMIN_SPECS}
"""Every table's view by name: the daily-work tabs first, then the Administration area's."""
_CENT = Decimal("0.01")
_CUSTOM_KIND = {
    "text": "text",
    "choice": "text",
    "integer": "number",
    "decimal": "number",
    "date": "date",
    "boolean": "bool",
}

Row = tuple[Any, tuple[Any, ...]]
"""``(primary key, values in column order)``; a composite key is a tuple."""


def spec(name: str) -> TableSpec:
    """The spec named ``name`` (``"records"``) or over the table ``name`` (``"cpe_records"``)."""
    found = SPECS.get(name)
    if found is not None:
        return found
    for candidate in SPECS.values():
        if candidate.table == name:
            return candidate
    raise KeyError(f"there is no table view named {name!r}")


def visible_specs(ctx: ServiceContext) -> list[TableSpec]:
    """The specs ``ctx``'s actor may open, in tab order."""
    return [s for s in SPECS.values() if ctx.actor.is_admin or not s.admin_only]


def custom_field_key(custom_field_id: int) -> str:
    return f"cf:{custom_field_id}"


def columns_for(table: TableSpec, ctx: ServiceContext | None = None) -> tuple[Column, ...]:
    """The spec's columns plus one per custom field of its entity (keyed ``cf:<id>``).

    With ``ctx``, columns meant for administrators only are left out for members.
    """
    columns = tuple(
        c for c in table.columns if ctx is None or ctx.actor.is_admin or not c.admin_only
    )
    if table.custom_field_entity is None:
        return columns
    fields = (
        CustomField.select()
        .where(CustomField.entity == table.custom_field_entity)
        .order_by(CustomField.field_name, CustomField.custom_field_id)
    )
    return columns + tuple(_custom_column(table, field) for field in fields)


def _custom_column(table: TableSpec, field: CustomField) -> Column:
    values = CustomFieldValue.alias()
    stored = values.select(values.value).where(
        (values.custom_field == field.custom_field_id)
        & (values.entity_id == table.model._meta.primary_key)
    )
    kind = _CUSTOM_KIND.get(field.field_type, "text")
    # Values are stored as text: numbers must sort as numbers, not as "10" < "9".
    sort_expr = Cast(stored, "NUMERIC") if kind == "number" else None
    return Column(
        custom_field_key(field.custom_field_id),
        field.field_name,
        stored,
        kind,
        searchable=kind in ("text", "date"),
        sort_expr=sort_expr,
    )


# --- queries --------------------------------------------------------------------------------------


def _pk_fields(table: TableSpec) -> list[peewee.Field]:
    meta = table.model._meta
    key = primary_key(table.model)
    if isinstance(key, peewee.CompositeKey):
        return [meta.fields[name] for name in key.field_names]
    return [key]


def _visible(table: TableSpec, ctx: ServiceContext) -> peewee.ModelSelect:
    """The base query narrowed to what the actor may see; refuses members an admin-only table."""
    if ctx.actor.is_admin:
        return table.query()
    if table.admin_only:
        raise PermissionDenied(f"Only an administrator can see the {table.title.lower()}.")
    query = table.query()
    if table.owner is not None:
        query = query.where(table.owner == ctx.actor.user_id)
    return query


def _as_column(expr: Any) -> Any:
    """A subquery wrapped so it takes column operators such as ``contains``."""
    return expr if isinstance(expr, peewee.ColumnBase) else peewee.NodeList((expr,))


def _search_condition(columns: Sequence[Column], search: str) -> Any:
    """Each whitespace-separated term must appear, any case, in at least one searchable column."""
    terms = search.split()
    if not terms:
        return None
    haystacks = [
        _as_column(c.expression()) if c.kind == "text" else Cast(c.expression(), "TEXT")
        for c in columns
        if c.searchable
    ]
    if not haystacks:
        return SQL("1 = 0")
    # peewee's contains() is ILIKE on PostgreSQL and LIKE (case-insensitive) on SQLite, with
    # % and _ in the term escaped. SQLite folds case for ASCII letters only.
    per_term = [functools.reduce(operator.or_, (h.contains(t) for h in haystacks)) for t in terms]
    return functools.reduce(operator.and_, per_term)


def _filtered(
    table: TableSpec, ctx: ServiceContext, columns: Sequence[Column], search: str
) -> peewee.ModelSelect:
    query = _visible(table, ctx)
    condition = _search_condition(columns, search)
    return query if condition is None else query.where(condition)


def _never_null(table: TableSpec, expr: Any) -> bool:
    """A NOT NULL column of the base table: no NULLS clause, so SQLite can sort by an index."""
    return isinstance(expr, peewee.Field) and expr.model is table.model and not expr.null


def _ordering(
    table: TableSpec,
    columns: Sequence[Column],
    sort_key: str | None,
    descending: bool,
    pk_fields: Sequence[peewee.Field],
) -> list[Ordering]:
    if sort_key is None:
        sort_key, descending = table.default_sort
    column = next((c for c in columns if c.key == sort_key), None)
    if column is None:
        raise ValueError(f"{table.name}: no column {sort_key!r} to sort by")
    if not column.sortable:
        raise ValueError(f"{table.name}: column {sort_key!r} cannot be sorted")
    direction = "DESC" if descending else "ASC"
    expr = column.sort_expr if column.sort_expr is not None else column.expression()
    nulls = None if _never_null(table, expr) else "LAST"  # blanks at the end either way
    if column.kind in ("text", "badge"):
        expr = fn.LOWER(expr)
    # The primary key breaks ties, so pages never overlap or skip rows.
    return [Ordering(expr, direction, nulls=nulls)] + [Ordering(f, direction) for f in pk_fields]


def fetch_page(
    table: TableSpec,
    ctx: ServiceContext,
    *,
    search: str = "",
    sort_key: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    columns: Sequence[Column] | None = None,
) -> list[Row]:
    """One page of rows as ``[(pk, values)]``, values converted to Python types per column kind.

    ``sort_key=None`` uses the spec's default sort (and its direction). ``columns`` defaults to
    ``columns_for(table, ctx)``. Raises ``PermissionDenied`` for a member on an admin-only table,
    ``ValueError`` for an unknown or unsortable sort key.
    """
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    columns = columns_for(table, ctx) if columns is None else tuple(columns)
    query = _filtered(table, ctx, columns, search)
    pk_fields = _pk_fields(table)
    order = _ordering(table, columns, sort_key, descending, pk_fields)
    if limit == 0:
        return []
    page = query.select(*pk_fields).order_by(*order).limit(limit).offset(offset)
    keys = [tuple(row) for row in tuples(page)]
    if not keys:
        return []
    if len(pk_fields) == 1:
        wanted = pk_fields[0].in_([key[0] for key in keys])
    else:
        wanted = Tuple(*pk_fields).in_([Tuple(*key) for key in keys])
    width = len(pk_fields)
    selected = [c.expression() for c in columns]
    found = {
        tuple(row[:width]): row[width:]
        for row in tuples(table.query().select(*pk_fields, *selected).where(wanted))
    }
    out: list[Row] = []
    for key in keys:
        values = found.get(key)
        if values is None:  # deleted between the two queries
            continue
        pk = key[0] if width == 1 else key
        out.append((pk, tuple(_convert(c.kind, v) for c, v in zip(columns, values, strict=True))))
    return out


def count(
    table: TableSpec,
    ctx: ServiceContext,
    search: str = "",
    columns: Sequence[Column] | None = None,
) -> int:
    """How many rows the actor sees with this search (same rules as ``fetch_page``)."""
    columns = columns_for(table, ctx) if columns is None else tuple(columns)
    query = _filtered(table, ctx, columns, search)
    return int(query.select(fn.COUNT(SQL("*"))).order_by().scalar() or 0)


# --- values ---------------------------------------------------------------------------------------


def _convert(kind: str, value: Any) -> Any:
    """The same Python type on every engine (SQLite hands back text, floats and 0/1)."""
    if value is None:
        return None
    try:
        if kind == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, str):
                return dt.date.fromisoformat(value[:10])
        elif kind == "datetime":
            if isinstance(value, str):
                return dt.datetime.fromisoformat(value)
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return dt.datetime.combine(value, dt.time())
        elif kind in ("number", "credits"):
            if isinstance(value, bool):
                value = int(value)
            if isinstance(value, float):
                value = Decimal(repr(value))
            elif isinstance(value, str):
                value = Decimal(value.strip())
            if kind == "credits":
                return Decimal(value).quantize(_CENT)
            if isinstance(value, Decimal) and value == value.to_integral_value():
                return int(value)
        elif kind == "bool":
            if isinstance(value, str):
                return value.strip().lower() in ("true", "t", "yes", "1")
            return bool(value)
    except (ValueError, InvalidOperation):
        return value  # a value damaged outside the program is shown as stored
    return value


def format_credits(value: Any) -> str:
    """``4`` / ``1.5`` / ``0.25``: at most two decimals, no trailing zeros."""
    try:
        text = f"{Decimal(str(value)).quantize(_CENT):f}"
    except (InvalidOperation, ValueError):
        return str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(
    column: Column, value: Any, locale_date: Callable[[dt.date], str] | None = None
) -> str:
    """Plain text for a cell (CLI, CSV, tooltips); ``locale_date`` formats dates and datetimes."""
    if value is None:
        return ""
    if column.show is not None:
        return column.show(value)
    kind = column.kind
    if kind in ("date", "datetime") and isinstance(value, dt.date):
        if locale_date is not None:
            return locale_date(value)
        if isinstance(value, dt.datetime):
            return value.isoformat(sep=" ", timespec="minutes")
        return value.isoformat()
    if kind == "credits":
        return format_credits(value)
    if kind == "number":
        if isinstance(value, Decimal | float):
            return format(Decimal(str(value)).normalize(), "f")
        return str(value)
    if kind == "bool":
        return "Yes" if value else "No"
    if kind == "badge":
        text = str(value).replace("_", " ")
        return text[:1].upper() + text[1:]
    return str(value)
