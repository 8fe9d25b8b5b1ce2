"""One declaration per kind of item a person adds, edits or deletes: the entity registry.

Each :class:`Entity` says, in one place, what was spread over several modules: its model, the
table view that lists it (``services/tables.SPECS``), what its rows are called, the service
functions that create, update and delete one, how one is named in a delete confirmation, and
whether it carries custom fields. ``services/editing/saving.py`` (savers),
``services/editing/deleting.py`` (deleters, words), ``ui/forms/registry.py`` (which table has an
editor), the Audit Log's words for its items (``tables/words.item_words``: ``one``) and what other
desks refresh on them (``desks/live_changes.item_kinds``: its table's kind) are derived from it;
``tests/services/editing/test_entities.py`` checks every table is either declared here or said
not to be edited. ``name`` is the singular key the forms, the audit
log and the custom fields use ("record"); ``table`` the view's plural name ("records"). No Qt here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import peewee

from cpe_desktop.db import models
from cpe_desktop.rules.wording import day_text
from cpe_desktop.services import (
    credentials,
    custom_fields,
    licenses,
    notifications,
    records,
    reminders,
    requirements,
    users,
)
from cpe_desktop.services.changes import Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import form_values, forms
from cpe_desktop.services.editing.forms import FormSpec

if TYPE_CHECKING:
    from cpe_desktop.db.plain import PlainTable

Create = Callable[[ServiceContext, dict[str, Any]], Outcome]
Update = Callable[[ServiceContext, int, dict[str, Any]], Outcome]
Delete = Callable[[ServiceContext, int], Outcome]
Load = form_values.Load


@dataclass(frozen=True)
class Entity:
    name: str
    table: str
    model: type[peewee.Model]
    one: str
    several: str
    describe: Callable[[Any], str]  # one row in a sentence ("“Tax update” (3/2/2026)")
    delete: Delete
    create: Create | None = None  # None: not added or edited in a form
    update: Update | None = None
    custom_fields: bool = False
    form: FormSpec | None = None  # the generated add/edit form (None: hand-made, or no form)
    # An edit form's opening values: the service's ``get`` when the form's keys are the row's
    # columns (form_values.stored_columns reads them), else ``load``, a function in form_values.
    get: form_values.Get | None = None
    load: Load | None = None

    @property
    def editable(self) -> bool:
        return self.create is not None and self.update is not None

    @property
    def loader(self) -> Load | None:
        """What an edit form opens with: ``load``, or the form's columns of ``get``'s row."""
        if self.load is not None:
            return self.load
        if self.get is not None and self.form is not None:
            return form_values.stored_columns(self.get, self.form)
        return None


def _record(record: models.CpeRecord) -> str:
    return f"“{record.title}” ({day_text(record.completed_on)})"


def _license(lic: models.License) -> str:
    number = f" (no. {lic.license_number})" if lic.license_number else ""
    return f"{lic.credential.code} in {lic.jurisdiction}{number}"


def _custom_field(field: models.CustomField) -> str:
    kinds = custom_fields.ENTITY_WORDS.get(field.entity, (field.entity, field.entity + "s"))[1]
    return f"“{field.field_name}” of {kinds} and all its values"


def _delete_notification(ctx: ServiceContext, pk: int) -> Outcome:
    return notifications.delete_notifications(ctx, [pk])


ENTITIES: tuple[Entity, ...] = (
    Entity(
        "user",
        "users",
        models.User,
        "person",
        "people",
        lambda u: f"{u.name} <{u.email}> and all of their data",
        users.delete_user,
        users.create_user,
        users.update_user,
        load=form_values.user_values,
        form=forms.USER,
        custom_fields=True,
    ),
    Entity(
        "credential",
        "credentials",
        models.Credential,
        "credential type",
        "credential types",
        lambda c: f"{c.code} and its requirement rules",
        credentials.delete_credential,
        credentials.create_credential,
        credentials.update_credential,
        get=credentials.get_credential,
        form=forms.CREDENTIAL,
        custom_fields=True,
    ),
    Entity(
        "license",
        "licenses",
        models.License,
        "license",
        "licenses",
        _license,
        licenses.delete_license,
        licenses.create_license,
        licenses.update_license,
        load=form_values.license_values,
        form=forms.LICENSE,
        custom_fields=True,
    ),
    Entity(
        "record",
        "records",
        models.CpeRecord,
        "record",
        "records",
        _record,
        records.delete_record,
        records.create_record,
        records.update_record,
        load=form_values.record_values,
        custom_fields=True,
    ),
    Entity(
        "requirement",
        "requirements",
        models.StateRequirement,
        "requirement rule",
        "requirement rules",
        lambda s: f"{s.credential.code} in {s.state_name}",
        requirements.delete_requirement,
        requirements.create_requirement,
        requirements.update_requirement,
        load=form_values.requirement_values,
        form=forms.REQUIREMENT,
    ),
    Entity(
        "reminder",
        "reminders",
        models.Reminder,
        "reminder",
        "reminders",
        lambda r: f"“{r.message[:60]}”",
        reminders.delete_reminder,
        reminders.create_reminder,
        reminders.update_reminder,
        get=reminders.get_reminder,
        form=forms.REMINDER,
    ),
    Entity(
        "custom_field",
        "custom_fields",
        models.CustomField,
        "custom field",
        "custom fields",
        _custom_field,
        custom_fields.delete_field,
        custom_fields.define_field,
        custom_fields.update_field,
        load=form_values.custom_field_values,
        form=forms.CUSTOM_FIELD,
    ),
    Entity(
        "notification",
        "notifications",
        models.Notification,
        "notification",
        "notifications",
        lambda n: f"“{n.message[:60]}”",
        _delete_notification,
    ),
)


def plain_entity(table: PlainTable) -> Entity:
    """A plain table's rows, edited in its generated form through ``services/plain_rows.py``;
    one reads in a delete confirmation as its naming field ("“Ethics for CPAs”")."""
    from cpe_desktop.services import plain_rows  # (read only where there is a plain table)

    naming = table.naming_field

    def describe(row: Any) -> str:
        value = getattr(row, naming.key)
        if isinstance(value, dt.date):
            return day_text(value)
        return f"“{str(value)[:60]}”" if value is not None else f"this {table.one_words}"

    return Entity(
        table.one,
        table.name,
        models.PLAIN_MODELS[table.name],
        table.one_words,
        table.several_words,
        describe,
        partial(plain_rows.delete, table),
        partial(plain_rows.create, table),
        partial(plain_rows.update, table),
        get=partial(plain_rows.get, table),
        form=forms.plain_form(table),
    )


ENTITIES += tuple(plain_entity(table) for table in models.PLAIN_TABLES)

BY_NAME: dict[str, Entity] = {entity.name: entity for entity in ENTITIES}
BY_TABLE: dict[str, Entity] = {entity.table: entity for entity in ENTITIES}
EDITABLE: tuple[Entity, ...] = tuple(entity for entity in ENTITIES if entity.editable)
FORM_SPECS: dict[str, FormSpec] = {e.name: e.form for e in ENTITIES if e.form is not None}
"""The generated forms by entity name (the record form is hand-made; the license form builds on
its spec)."""

# Tables no form adds to or edits, and why (the registry's test holds every table to one or the
# other).
NOT_EDITED: dict[str, str] = {
    "attachments": "certificates are attached in the record form (a record's certificate)",
    "record_credits": "a record's credit lines are edited with the record",
    "custom_field_values": "custom values are edited in the form of the item they belong to",
    "requirement_components": "a rule's components are edited with the rule (Components…)",
    "audit_logs": "the audit log is written by every change, never edited",
    "activity_logs": "written by sign-ins, exports and settings, never edited",
    "task_queue": "background work's own bookkeeping",
    "emails": "the outgoing mail queue, written by notifications",
    "preferences": "changed in Edit › Preferences, not as rows",
    "reports": "made by the Reports view's buttons, then only opened or deleted there",
}
