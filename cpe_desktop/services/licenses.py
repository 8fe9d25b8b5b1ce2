"""Licenses a person holds: a credential in a jurisdiction, with its dates and own deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cpe_desktop.db.models import Credential, License, database
from cpe_desktop.services import custom_fields, rows
from cpe_desktop.services.changes import AUDIT, LICENSES, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.credentials import by_code
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.validation import MISSING, Validator, present

FIELDS = (
    "user_id",
    "credential_id",
    "credential",
    "jurisdiction",
    "license_number",
    "issued_on",
    "expires_on",
    "period_end_override",
    "status",
)
STATUSES = ("active", "inactive", "retired", "lapsed")
CHANGED = Changes.of(LICENSES, AUDIT)


def _validate(ctx: ServiceContext, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    v = Validator(data, FIELDS, partial=partial)
    values: dict[str, Any] = {
        "jurisdiction": v.text("jurisdiction", required=True, max_length=100),
        "license_number": v.text("license_number", max_length=100),
        "issued_on": v.date("issued_on"),
        "expires_on": v.date("expires_on"),
        "period_end_override": v.date("period_end_override"),
        "status": v.choice("status", STATUSES) if v.has("status") else MISSING,
    }
    rows.read_owner(v, ctx, values, partial=partial)
    if v.has("credential_id"):
        credential_id = v.integer("credential_id", required=True, minimum=1)
        if isinstance(credential_id, int):
            if not Credential.select().where(Credential.credential_id == credential_id).exists():
                v.error("credential_id", f"there is no credential with id {credential_id}")
            values["credential"] = credential_id
    elif v.has("credential"):
        code = v.text("credential", required=True, max_length=20)
        if isinstance(code, str):
            try:
                values["credential"] = by_code(code).credential_id
            except ValidationError as exc:
                v.error("credential", exc.errors["credential"])
    elif not partial:
        v.error("credential", "is required")
    issued, expires = values["issued_on"], values["expires_on"]
    if isinstance(issued, dt.date) and isinstance(expires, dt.date) and expires < issued:
        v.error("expires_on", "must not be before the issue date")
    v.done()
    values = present(values)
    if values.get("status") is None:
        values.pop("status", None)
    return values


def create_license(ctx: ServiceContext, data: dict[str, Any]) -> Outcome[License]:
    with database.atomic():
        values = _validate(ctx, data, partial=False)
        ctx.require_owner(values["user"], "add licenses")
        license_ = rows.create(ctx, License, values, "license")
    return Outcome(license_, CHANGED)


def update_license(ctx: ServiceContext, license_id: int, data: dict[str, Any]) -> Outcome[License]:
    with database.atomic():
        license_ = rows.get_or_missing(License, license_id, "license")
        ctx.require_owner(license_.user_id, "change the licenses")
        values = _validate(ctx, data, partial=True)
        if "user" in values:
            ctx.require_owner(values["user"], "move licenses")
        issued = values.get("issued_on", license_.issued_on)
        expires = values.get("expires_on", license_.expires_on)
        if issued and expires and expires < issued:
            raise ValidationError("expires_on", "must not be before the issue date")
        rows.update(ctx, license_, values, "license")
    return Outcome(license_, CHANGED)


def delete_license(ctx: ServiceContext, license_id: int) -> Outcome[None]:
    with database.atomic():
        license_ = rows.get_or_missing(License, license_id, "license")
        ctx.require_owner(license_.user_id, "remove the licenses")
        custom_fields.remove_values_for("license", [license_.license_id])
        rows.delete(ctx, license_, "license")
    return Outcome(None, CHANGED)


def get_license(ctx: ServiceContext, license_id: int) -> License:
    license_ = rows.get_or_missing(License, license_id, "license")
    ctx.require_owner(license_.user_id, "see the licenses")
    return license_


def list_licenses(ctx: ServiceContext, user_id: int | None = None) -> list[License]:
    """Licenses of ``user_id``; with None, the actor's own (an administrator's: everyone's)."""
    query = (
        License.select(License, Credential)
        .join(Credential)
        .order_by(License.user, Credential.code, License.jurisdiction)
    )
    if user_id is not None:
        ctx.require_owner(user_id, "see the licenses")
        query = query.where(License.user == user_id)
    elif not ctx.actor.is_admin:
        query = query.where(License.user == ctx.actor.user_id)
    return list(query)
