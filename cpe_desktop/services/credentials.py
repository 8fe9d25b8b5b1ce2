"""The catalogue of credential types (CPA, EA, CIA, …): all read it, administrators edit it."""

from __future__ import annotations

import re
from typing import Any

from cpe_desktop.db.models import Credential, License, StateRequirement, database
from cpe_desktop.services import custom_fields
from cpe_desktop.services.changes import AUDIT, CREDENTIALS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import Conflict, ValidationError
from cpe_desktop.services.validation import Validator, present

FIELDS = ("code", "name", "issuing_body")
CHANGED = Changes.of(CREDENTIALS, AUDIT)


def _validate(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    v = Validator(data, FIELDS, partial=partial)
    values = present(
        {
            "code": v.text("code", required=True, max_length=20),
            "name": v.text("name", required=True, max_length=200),
            "issuing_body": v.text("issuing_body", max_length=200),
        }
    )
    if isinstance(values.get("code"), str):
        values["code"] = values["code"].upper()
        if not re.fullmatch(r"[A-Z0-9_-]{1,20}", values["code"]):
            v.error("code", "may hold only up to 20 letters A–Z, digits, '-' and '_'")
    v.done()
    return values


def list_credentials() -> list[Credential]:
    return list(Credential.select().order_by(Credential.code))


def get_credential(ctx: ServiceContext, credential_id: int) -> Credential:
    """One credential type (everyone may read the catalogue); NotFound when there is none."""
    del ctx  # no permission to check: the catalogue is shared
    return rows.get_or_missing(Credential, credential_id, "credential")


def by_code(code: str, field: str = "credential") -> Credential:
    credential = Credential.get_or_none(Credential.code == (code or "").strip().upper())
    if credential is None:
        known = ", ".join(
            c.code for c in Credential.select(Credential.code).order_by(Credential.code)
        )
        raise ValidationError(field, f"unknown credential {code!r} (known: {known or 'none'})")
    return credential


def create_credential(ctx: ServiceContext, data: dict[str, Any]) -> Outcome[Credential]:
    with database.atomic():
        ctx.require_admin("add credential types")
        values = _validate(data, partial=False)
        if Credential.select().where(Credential.code == values["code"]).exists():
            raise ValidationError("code", f"{values['code']} already exists")
        credential = rows.create(ctx, Credential, values, "credential")
    return Outcome(credential, CHANGED)


def update_credential(
    ctx: ServiceContext, credential_id: int, data: dict[str, Any]
) -> Outcome[Credential]:
    with database.atomic():
        ctx.require_admin("change credential types")
        credential = rows.get_or_missing(Credential, credential_id, "credential")
        values = _validate(data, partial=True)
        code = values.get("code")
        if code and (
            Credential.select()
            .where((Credential.code == code) & (Credential.credential_id != credential_id))
            .exists()
        ):
            raise ValidationError("code", f"{code} already exists")
        rows.update(ctx, credential, values, "credential")
    return Outcome(credential, CHANGED)


def delete_credential(ctx: ServiceContext, credential_id: int) -> Outcome[None]:
    with database.atomic():
        ctx.require_admin("remove credential types")
        credential = rows.get_or_missing(Credential, credential_id, "credential")
        held = License.select().where(License.credential == credential).count()
        if held:
            licenses_ = "1 license; remove it" if held == 1 else f"{held} licenses; remove them"
            raise Conflict(f"{credential.code} is held by {licenses_} first.")
        rules = StateRequirement.select().where(StateRequirement.credential == credential).count()
        custom_fields.remove_values_for("credential", [credential.credential_id])
        rows.delete(ctx, credential, "credential", requirements_removed=rules)
    changes = CHANGED | (Changes.of("requirements") if rules else Changes())
    return Outcome(None, changes)
