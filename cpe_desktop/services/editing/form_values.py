"""What an edit form opens with: one item's stored values, in the keys the services take.

A kind of item whose form's keys are its columns needs no function here: the entity registry
names the service's ``get`` (``Entity.get``) and :func:`stored_columns` reads each input's column
of the row it returns. The functions below are for forms whose keys are not plain columns (a
credential code beside its id, credit lines, a JSON list, a rule's interchange keys), named in
the registry as ``Entity.load``. ``saving.load_entity`` adds the custom-field values and the
row's version. Each checks the actor may see the item (PermissionDenied / NotFound otherwise;
``get`` does it for :func:`stored_columns`). No Qt here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from cpe_desktop.db.models import CustomField, StateRequirement
from cpe_desktop.services import licenses, records, requirements, users
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.editing.forms import FormSpec

Get = Callable[[ServiceContext, int], Any]
Load = Callable[[ServiceContext, int], dict[str, Any]]


def stored_columns(get: Get, form: FormSpec) -> Load:
    """A loader giving, for each input of ``form``, the column of that name of the row ``get``
    returns (``license_id`` reads the license's key). Password inputs open empty."""
    keys = tuple(item.key for item in form.fields if item.kind != "password")

    def load(ctx: ServiceContext, pk: int) -> dict[str, Any]:
        row = get(ctx, pk)
        return {key: getattr(row, key) for key in keys}

    return load


def user_values(ctx: ServiceContext, pk: int) -> dict[str, Any]:
    user = users.get_user(ctx, pk)
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "birth_date": user.birth_date,
        "active": user.active,
        "has_password": user.password_hash is not None,
    }


def license_values(ctx: ServiceContext, pk: int) -> dict[str, Any]:
    license_ = licenses.get_license(ctx, pk)
    return {
        "user_id": license_.user_id,
        "credential_id": license_.credential_id,
        "credential": license_.credential.code,
        "jurisdiction": license_.jurisdiction,
        "license_number": license_.license_number,
        "issued_on": license_.issued_on,
        "expires_on": license_.expires_on,
        "period_end_override": license_.period_end_override,
        "status": license_.status,
        "tracked_from": license_.tracked_from,
        "opening_hours": license_.opening_hours,
        "opening_ethics_hours": license_.opening_ethics_hours,
        "home_jurisdiction": license_.home_jurisdiction,
        "attributes": licenses.attributes_of(license_),
    }


def record_values(ctx: ServiceContext, pk: int) -> dict[str, Any]:
    record = records.get_record(ctx, pk)
    attachment = record.attachment
    return {
        "user_id": record.user_id,
        "title": record.title,
        "sponsor": record.sponsor,
        "sponsor_id": record.sponsor_id,
        "started_on": record.started_on,
        "completed_on": record.completed_on,
        "delivery_method": record.delivery_method,
        "ethics_jurisdiction": record.ethics_jurisdiction,
        "attachment_id": record.attachment_id,
        "certificate": attachment.original_name if attachment is not None else None,
        "notes": record.notes,
        "credits": records.credits_of(record),
        "topics": records.topics_of(record),
    }


def requirement_values(ctx: ServiceContext, pk: int) -> dict[str, Any]:
    out = requirements.to_interchange(rows.get_or_missing(StateRequirement, pk, "requirement"))
    for key in ("effective_from", "verified_on"):
        if out.get(key):
            out[key] = dt.date.fromisoformat(out[key])
    if out.get("first_period_table"):
        # As a person types it in the form: "40, 30, 20, 10".
        out["first_period_table"] = ", ".join(str(n) for n in out["first_period_table"])
    return out


def custom_field_values(ctx: ServiceContext, pk: int) -> dict[str, Any]:
    field = rows.get_or_missing(CustomField, pk, "custom field")
    return {
        "entity": field.entity,
        "field_name": field.field_name,
        "field_type": field.field_type,
        "options": json.loads(field.options) if field.options else None,
        "required": field.required,
    }
