"""One sample row of any editable kind of item, made the way a person would: by filling its form.

The shared tests run over every table, form and entity and need a row of each kind: the table
views' ``filled`` fixture (``tests/services/tables/test_tables.py``) and the form tests' edit
form (``tests/ui/forms/test_forms.py``). Rather than a hand-written row per kind, a sample is
derived from the kind's generated form (``entities.Entity.form``): every input gets a plausible
value for its kind (a text, a date, the first choice, the owner for a "user" input, a license of
the owner for a "license" input), optional inputs keep their default or stay empty, inputs a
switch disables get nothing, and the whole is
saved through ``saving.save_entity`` as the form's Save would. A new table with a form therefore
gets its sample rows with no edit here. Only a kind with a hand-made form (a record, with its credit
lines) or whose filled form clashes with what every database already holds (a requirement rule:
every jurisdiction ships one) is made by hand, in ``_BY_HAND``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from cpe_desktop.db.models import User
from cpe_desktop.services import credentials, licenses
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import entities, saving
from cpe_desktop.services.editing.forms import FormField, FormSpec
from cpe_desktop.services.tables import paging

_SERIAL = itertools.count(1)


def _requirement(ctx: ServiceContext, owner: User) -> int:
    """A rule for a place with none yet: every jurisdiction already has a shipped CPA rule."""
    data = form_values(entities.FORM_SPECS["requirement"], ctx, owner)
    data["jurisdiction"] = f"Sample Territory {next(_SERIAL)}"
    return int(saving.save_entity(ctx, "requirement", None, data).value.get_id())


def _record(ctx: ServiceContext, owner: User) -> int:
    """A record (its form is hand-made: credit lines by field of study)."""
    data = {
        "user_id": owner.user_id,
        "title": f"Sample course {next(_SERIAL)}",
        "completed_on": "2026-03-02",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 2}],
    }
    return int(saving.save_entity(ctx, "record", None, data).value.get_id())


_BY_HAND: dict[str, Callable[[ServiceContext, User], int]] = {
    "record": _record,
    "requirement": _requirement,
}


def _license_of(ctx: ServiceContext, owner: User) -> int:
    found = licenses.list_licenses(ctx, owner.user_id)
    if found:
        return int(found[0].license_id)
    data = {"user_id": owner.user_id, "credential": "CPA", "jurisdiction": "Texas"}
    return int(licenses.create_license(ctx, data).value.license_id)


def _value(item: FormField, ctx: ServiceContext, owner: User, serial: int) -> Any:
    if item.default is not None:
        return item.default
    if not item.required:
        return None  # what a person in a hurry leaves empty
    kind = item.kind
    if kind == "choice":
        return next((value for value, _ in item.choices if value is not None), None)
    if kind == "text":
        return f"SAMPLE{serial}"  # short and plain: valid as a name, a title or a code
    if kind == "multiline":
        return f"Sample {item.label.lower()} {serial}"
    if kind == "email":
        return f"sample{serial}@example.com"
    if kind == "password":
        return "Sample-passphrase-1"
    if kind == "date":
        return "2026-07-01"
    if kind == "datetime":
        return dt.datetime(2026, 7, 1, 9, 0)
    if kind == "optional_date":
        return None
    if kind == "integer":
        return 1
    if kind == "decimal":
        return Decimal("1")
    if kind == "bool":
        return False
    if kind == "lines":
        return ["First", "Second"]
    if kind == "credential":
        cpa = credentials.by_code("CPA")
        return cpa.code if item.key == "credential" else cpa.credential_id
    if kind == "jurisdiction":
        return "Texas"
    if kind == "user":
        return owner.user_id
    if kind == "license":
        return _license_of(ctx, owner)
    raise AssertionError(f"no sample value for a {kind!r} input ({item.key}): add one here")


def form_values(spec: FormSpec, ctx: ServiceContext, owner: User) -> dict[str, Any]:
    """What a person filling every input of ``spec`` plausibly sends, as ``ctx``, for ``owner``."""
    serial = next(_SERIAL)
    shown = [
        item
        for item in spec.fields
        if not item.edit_only and (ctx.actor.is_admin or not item.admin_only)
    ]
    data = {item.key: _value(item, ctx, owner, serial) for item in shown}
    for item in shown:
        if item.enabled_when is not None:
            switch, values = item.enabled_when
            if data.get(switch) not in values:
                data[item.key] = None  # a disabled input sends nothing
    return data


def add_sample(entity: str, ctx: ServiceContext, owner: User) -> int:
    """Save one ``entity`` item for ``owner`` as ``ctx`` and return its key."""
    if entity in _BY_HAND:
        return _BY_HAND[entity](ctx, owner)
    spec = entities.FORM_SPECS.get(entity)
    if spec is None:
        raise AssertionError(
            f"{entity!r} has no generated form to fill: give it a sample in _BY_HAND"
        )
    outcome = saving.save_entity(ctx, entity, None, form_values(spec, ctx, owner))
    return int(outcome.value.get_id())


def fill_empty_tables(people: Any) -> list[str]:
    """Give every edited kind of item whose table is still empty sample rows; returns the kinds.

    An owned kind (its table view has an ``owner``) gets one row of Ann's and one of Bob's, so a
    member sees fewer rows than the administrator; a shared kind gets one row. ``people`` is the
    ``people`` fixture. A table added later is filled here from its form with no edit.
    """
    filled = []
    for entity in entities.ENTITIES:
        if not entity.editable or entity.model.select().exists():
            continue
        owned = paging.SPECS[entity.table].owner is not None
        for owner in (people.ann, people.bob) if owned else (people.admin,):
            add_sample(entity.name, people.as_admin, owner)
        filled.append(entity.name)
    return filled
