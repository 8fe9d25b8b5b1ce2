"""Writing the ``cpe-tracker/1`` JSON document: a whole account, or one person's, in a stable
order so two exports of the same data are byte-identical. The format, its sections and how a
document is read back are described in :mod:`.json_format`.
"""

from __future__ import annotations

import json
from typing import Any

from cpe_desktop.db.models import (
    Attachment,
    CpeRecord,
    Credential,
    CustomField,
    CustomFieldValue,
    FirmSetting,
    License,
    Preference,
    User,
)
from cpe_desktop.services import custom_fields as custom_fields_service
from cpe_desktop.services import licenses as licenses_service
from cpe_desktop.services import preferences as preferences_service
from cpe_desktop.services import records as records_service
from cpe_desktop.services import requirements as requirements_service
from cpe_desktop.services import shipped_data
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.interchange import sections
from cpe_desktop.services.interchange.common import (
    iso,
    json_number,
    license_key,
    people_for_export,
    record_key,
)
from cpe_desktop.services.interchange.json_validation import FORMAT
from cpe_desktop.services.interchange.sections import write as write_section


def export_document(ctx: ServiceContext, user_email: str | None = None) -> dict[str, Any]:
    """Everyone the actor may see (or only ``user_email``) as a ``cpe-tracker/1`` document.

    Every key is always present (null when empty) except a record's ``certificate``, written only
    when a file is attached; passwords are never exported.
    """
    people = people_for_export(ctx, user_email)
    rules = [
        row
        for row in requirements_service.list_requirements()
        if row.origin != "shipped" or row.user_edited
    ]
    rules.sort(key=lambda row: (row.credential.code, row.state_name, iso(row.effective_from) or ""))
    parts = requirements_service.components_by_rule([row.state_id for row in rules])
    custom = _CustomValues()
    document: dict[str, Any] = {
        "format": FORMAT,
        "requirements": [
            requirements_service.to_interchange(row, parts.get(row.state_id, ())) for row in rules
        ],
    }
    credentials = _credentials(custom)
    if credentials:
        document["credentials"] = credentials
    fields = custom_fields_service.list_fields()
    if fields:
        document["custom_fields"] = [_custom_field(item) for item in fields]
    firm = {
        row.setting_name: row.setting_value
        for row in FirmSetting.select().order_by(FirmSetting.setting_name)
        if row.setting_name in preferences_service.FIRM_SETTINGS and row.setting_value is not None
    }
    if firm and ctx.actor.is_admin and user_email is None:
        document["firm_settings"] = firm
    document["users"] = [_person(ctx, user, custom) for user in people]
    return document


class _CustomValues:
    """Every stored custom field value, read once: ``{(entity, id): {field name: text}}``."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, int], dict[str, str]] = {}
        query = CustomFieldValue.select(CustomFieldValue, CustomField).join(CustomField)
        for stored in query.order_by(CustomField.field_name):
            if stored.value is not None:
                key = (stored.custom_field.entity, stored.entity_id)
                self.values.setdefault(key, {})[stored.custom_field.field_name] = stored.value

    def add(self, out: dict[str, Any], entity: str, entity_id: int) -> dict[str, Any]:
        found = self.values.get((entity, entity_id))
        if found:
            out["custom"] = dict(sorted(found.items()))
        return out


def _credentials(custom: _CustomValues) -> list[dict[str, Any]]:
    """Credentials a person added (not shipped with the program), and any with custom values."""
    shipped = {item["code"] for item in shipped_data.read_data()["credentials"]}
    out = []
    for credential in Credential.select().order_by(Credential.code):
        has_values = ("credential", credential.credential_id) in custom.values
        if credential.code in shipped and not has_values:
            continue
        item = {
            "code": credential.code,
            "name": credential.name,
            "issuing_body": credential.issuing_body,
        }
        out.append(custom.add(item, "credential", credential.credential_id))
    return out


def _custom_field(item: CustomField) -> dict[str, Any]:
    return {
        "entity": item.entity,
        "name": item.field_name,
        "type": item.field_type,
        "options": json.loads(item.options) if item.options else None,
        "required": bool(item.required),
    }


def _person(ctx: ServiceContext, user: User, custom: _CustomValues) -> dict[str, Any]:
    licenses = sorted(licenses_service.list_licenses(ctx, user.user_id), key=license_key)
    records = sorted(records_service.list_records(ctx, user.user_id), key=record_key)
    out = {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "birth_date": iso(user.birth_date),
        "active": bool(user.active),
        "licenses": [
            custom.add(_license(license_), "license", license_.license_id) for license_ in licenses
        ],
        "records": [custom.add(_record(record), "record", record.record_id) for record in records],
    }
    custom.add(out, "user", user.user_id)
    # The rest of the account, each only when there is some (ARCHITECTURE.md §2, Interchange).
    preferences = {
        pref.setting_name: pref.setting_value
        for pref in Preference.select()
        .where(Preference.user == user.user_id)
        .order_by(Preference.setting_name)
        if pref.setting_name in preferences_service.SETTINGS and pref.setting_value is not None
    }
    account: dict[str, Any] = {
        "preferences": preferences,
        "certificates": _certificates(user.user_id),
        **{section.name: write_section(section, user.user_id) for section in sections.SECTIONS},
    }
    out.update({name: value for name, value in account.items() if value})
    return out


def _certificates(user_id: int) -> list[dict[str, Any]]:
    """The person's stored certificates (linked to a record or not), one per content."""
    found: dict[str, dict[str, Any]] = {}
    query = Attachment.select().where(Attachment.user == user_id).order_by(Attachment.attachment_id)
    for row in query:
        found.setdefault(
            row.sha256,
            {
                "sha256": row.sha256,
                "name": row.original_name,
                "media_type": row.media_type,
                "size": row.size,
            },
        )
    return [found[sha] for sha in sorted(found)]


def _license(license_: License) -> dict[str, Any]:
    return {
        "credential": license_.credential.code,
        "jurisdiction": license_.jurisdiction,
        "license_number": license_.license_number,
        "issued_on": iso(license_.issued_on),
        "expires_on": iso(license_.expires_on),
        "period_end_override": iso(license_.period_end_override),
        "status": license_.status,
        "tracked_from": iso(license_.tracked_from),
        "opening_hours": _hours(license_.opening_hours),
        "opening_ethics_hours": _hours(license_.opening_ethics_hours),
        "home_jurisdiction": license_.home_jurisdiction,
        "attributes": licenses_service.attributes_of(license_),
    }


def _hours(value: Any) -> int | float | None:
    return None if value is None else json_number(value)


def _record(record: CpeRecord) -> dict[str, Any]:
    out = {
        "title": record.title,
        "sponsor": record.sponsor,
        "sponsor_id": record.sponsor_id,
        "started_on": iso(record.started_on),
        "completed_on": iso(record.completed_on),
        "delivery_method": record.delivery_method,
        "credits": [
            {"field": line["field"], "credits": json_number(line["credits"])}
            for line in records_service.credits_of(record)
        ],
        "ethics_jurisdiction": record.ethics_jurisdiction,
        "notes": record.notes,
        "topics": records_service.topics_of(record),
    }
    if record.attachment_id is not None:
        attachment: Attachment = record.attachment  # type: ignore[assignment]  # its id is set
        out["certificate"] = attachment.original_name
        out["certificate_sha256"] = attachment.sha256
    return out


__all__ = ["export_document"]
