"""The ``cpe-tracker/1`` JSON format (ARCHITECTURE.md §2, Interchange): whole-account backup and
moving machines.

Export writes people, their licenses and records, and the requirement rules that differ from the
shipped ones, in a stable order so two exports of the same data are byte-identical. The rest of
an account is written too, each key only when it holds something (so a file of people, licenses
and records alone reads as it always did, and a program that does not know a key refuses the
file rather than drop what it holds):

- ``credentials``: credential types a person added (and any with custom values): ``code``,
  ``name``, ``issuing_body``, ``custom``;
- ``custom_fields``: their definitions, ``entity`` (user, credential, license, record), ``name``,
  ``type``, ``options``, ``required``; a person, license, record or credential carries its values
  as ``custom`` ({field name: the stored text});
- ``firm_settings``: the firm's mail server ({setting: stored text}; written in an
  administrator's export of everyone, set on import by an administrator where the database has
  none of its own);
- per person: ``preferences`` ({setting: stored text}; secrets are never settings: the mail
  password is in the credential store, password hashes are never written; a file from before
  the mail server was the firm's may carry it here, and it is skipped), ``certificates``
  (``sha256``, ``name``, ``media_type``, ``size``; the files themselves travel in the account
  archive, :mod:`.archive`), and each section declared in :mod:`.sections`, a table of the
  person's rows (``reminders``, ``notifications``, stored ``reports``; a license or record an
  item is about is named by its key fields);
- a record's ``certificate_sha256`` links it to one of its person's ``certificates``. Import checks
the whole document first (:mod:`.json_validation`), then writes it in one transaction through the
same services the window uses (permissions, audit entries; records in bulk, as the record service
would write them one by one, see ``services.bulk_records``); people are matched by email and items
already present are skipped, so importing the same file twice changes nothing. A custom value or
a setting already stored is kept; a certificate is stored (and linked to the records the import
adds) when its content is at hand, checked against its checksum: from the archive, or already in
the attachments folder (a copied folder); otherwise a warning names it.

Writing the document is :mod:`.json_export`; this module reads it back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee

from cpe_desktop.db.models import (
    Attachment,
    CpeRecord,
    Credential,
    CustomField,
    CustomFieldValue,
    FirmSetting,
    License,
    Preference,
    StateRequirement,
    User,
    database,
)
from cpe_desktop.services import bulk_records
from cpe_desktop.services import credentials as credentials_service
from cpe_desktop.services import custom_fields as custom_fields_service
from cpe_desktop.services import licenses as licenses_service
from cpe_desktop.services import preferences as preferences_service
from cpe_desktop.services import records as records_service
from cpe_desktop.services import requirements as requirements_service
from cpe_desktop.services import users as users_service
from cpe_desktop.services.certificates import store as attachments_service
from cpe_desktop.services.changes import (
    ATTACHMENTS,
    AUDIT,
    CREDENTIALS,
    CUSTOM_FIELDS,
    LICENSES,
    PREFERENCES,
    RECORDS,
    REQUIREMENTS,
    USERS,
    Changes,
)
from cpe_desktop.services.context import ADMIN, ServiceContext
from cpe_desktop.services.errors import PermissionDenied
from cpe_desktop.services.interchange import sections
from cpe_desktop.services.interchange.common import (
    ImportSummary,
    license_exists,
)
from cpe_desktop.services.interchange.grouping import CHECKED_PERCENT, percent_reporter
from cpe_desktop.services.interchange.json_parts import guarded as _guard
from cpe_desktop.services.interchange.json_validation import Person, Plan, check_document
from cpe_desktop.services.interchange.sections import (
    Item,
    import_item,
    license_ref_key,
    record_ref_key,
)

Progress = Callable[[int, str], None]
# A certificate's content by its SHA-256 and media type, checked; None when not at hand.
CertificateSource = Callable[[str, str], bytes | None]


# --- import ---------------------------------------------------------------------------------------


def import_document(
    ctx: ServiceContext,
    document: Any,
    user_email: str | None = None,
    *,
    progress: Progress | None = None,
    finish: Callable[[ImportSummary], object] | None = None,
    certificates: CertificateSource | None = None,
) -> ImportSummary:
    """Import a parsed ``cpe-tracker/1`` document, all or nothing.

    ``certificates(sha256, media_type)`` gives a certificate's content, already checked against
    its checksum, or None when it is not at hand (an account archive gives its files; by
    default, the file already in the attachments folder, such as a copied folder, is used). A
    certificate not at hand is a warning: its records are imported without it.

    Raises ValidationError naming every problem by JSON path before anything is written; any
    error while writing rolls the whole import back. With ``user_email`` only that person of the
    document is imported (the requirement rules always are). ``finish(summary)`` (the caller's
    activity entry) runs inside the write transaction; ``progress(percent, message)`` hears of
    the records written.
    """
    plan = check_document(ctx, document, user_email)
    summary = ImportSummary(warnings=list(plan.warnings))
    for section in sections.SECTIONS:  # counted in their order, none yet
        summary.section(section.name, section.summary_noun)
    total = sum(len(person.records) for person in plan.people)
    report = percent_reporter(progress, CHECKED_PERCENT, 100)
    report(0, total, "Writing…")
    source = certificates if certificates is not None else attachments_service.read_stored
    new_files = _files_not_yet_stored(plan)
    try:
        with database.atomic():
            for item in plan.requirements:
                if _rule_unchanged(item.values):
                    summary.requirements_skipped += 1
                    continue
                _guard(item.path, requirements_service.upsert_requirement, ctx, item.values)
                summary.requirements_added += 1
            for item in plan.custom_fields:
                _import_custom_field(ctx, item, summary)
            for item in plan.credentials:
                _import_credential(ctx, item, summary)
            _import_firm_settings(ctx, plan.firm_settings, summary)
            seen = 0
            for person in _creation_order(plan):

                def person_progress(done: int, _: int, seen: int = seen) -> None:
                    report(seen + done, total, "Writing records…")

                _import_person(ctx, person, summary, person_progress, source)
                seen += len(person.records)
            if finish is not None:
                finish(summary)
    except BaseException:
        _remove_unreferenced(new_files)
        raise
    summary.changes = _changes(summary)
    return summary


def _files_not_yet_stored(plan: Plan) -> dict[str, Path]:
    """The certificate files the import may add to the attachments folder, by checksum."""
    found = {}
    for person in plan.people:
        for item in person.certificates:
            sha, media = item.values["sha256"], item.values["media_type"]
            path = attachments_service.stored_path(sha, media)
            if not path.exists():
                found[sha] = path
    return found


def _remove_unreferenced(files: dict[str, Path]) -> None:
    """After a refused import (rolled back): remove the certificate files it wrote, unless a row
    (another program's, meanwhile) refers to the same content."""
    for sha, path in files.items():
        with contextlib.suppress(Exception):
            if not Attachment.select().where(Attachment.sha256 == sha).exists():
                path.unlink(missing_ok=True)


def _rule_unchanged(data: dict[str, Any]) -> bool:
    """Whether the database already has this rule with exactly these values.

    Re-importing a file then leaves the rule alone: no audit entry, and a shipped rule is not
    marked as edited by a person.
    """
    values = requirements_service.validate(data)
    existing = requirements_service.same_rule(
        values["credential"].credential_id, values["state_name"], values.get("effective_from")
    )
    if existing is None:
        return False
    # A rule given without components has none (as upsert_requirement stores it).
    found = values.pop(requirements_service.COMPONENTS, ())
    incoming = StateRequirement(**values)  # unsaved: only to write it the same way
    return requirements_service.to_interchange(
        incoming, found
    ) == requirements_service.to_interchange(existing)


def _creation_order(plan: Plan) -> list[Person]:
    """The file's order, except that into an empty database an administrator comes first.

    The first account of a database is always made an administrator; starting with one who is
    an administrator in the file keeps everyone's role as the file says.
    """
    if users_service.has_users():
        return plan.people
    return sorted(plan.people, key=lambda person: person.values.get("role") != ADMIN)


def _import_credential(ctx: ServiceContext, item: Item, summary: ImportSummary) -> None:
    credential = Credential.get_or_none(Credential.code == item.values["code"])
    if credential is None:
        credential = _guard(
            item.path, credentials_service.create_credential, ctx, dict(item.values)
        ).value
        summary.credentials_added += 1
    _set_custom(ctx, "credential", credential.credential_id, item, summary)


def _import_custom_field(ctx: ServiceContext, item: Item, summary: ImportSummary) -> None:
    values = item.values
    exists = (
        CustomField.select()
        .where(
            (CustomField.entity == values["entity"])
            & (CustomField.field_name == values["field_name"])
        )
        .exists()
    )
    if not exists:
        _guard(item.path, custom_fields_service.define_field, ctx, dict(values))
        summary.custom_fields_added += 1


def _set_custom(
    ctx: ServiceContext, entity: str, entity_id: int, item: Item, summary: ImportSummary
) -> None:
    """The item's custom values from the file, where the item has none stored for the field."""
    _set_values(ctx, entity, entity_id, item.extra.get("custom") or {}, item.path, summary)


def _set_values(
    ctx: ServiceContext,
    entity: str,
    entity_id: int,
    values: dict[str, Any],
    path: str,
    summary: ImportSummary,
) -> None:
    if not values:
        return
    fields = {f.field_name: f for f in CustomField.select().where(CustomField.entity == entity)}
    for name, value in values.items():
        field = fields[name]
        stored = CustomFieldValue.get_or_none(
            (CustomFieldValue.custom_field == field) & (CustomFieldValue.entity_id == entity_id)
        )
        if stored is not None:
            continue
        _guard(
            f"{path}.custom",
            custom_fields_service.set_value,
            ctx,
            field.custom_field_id,
            entity_id,
            value,
        )
        summary.custom_values_added += 1


def _import_firm_settings(
    ctx: ServiceContext, values: dict[str, str], summary: ImportSummary
) -> None:
    """The file's mail server where this database has none of its own (kept, like a person's
    setting already stored)."""
    have = {row.setting_name for row in FirmSetting.select(FirmSetting.setting_name)}
    missing = {name: text for name, text in values.items() if name not in have}
    if missing:
        _guard("firm_settings", preferences_service.set_firm_settings, ctx, missing)
        summary.preferences_added += len(missing)


def _import_person(
    ctx: ServiceContext,
    person: Person,
    summary: ImportSummary,
    progress: Callable[[int, int], None] | None = None,
    certificates: CertificateSource = attachments_service.read_stored,
) -> None:
    user = User.get_or_none(User.email == person.email)
    if user is not None:
        if not ctx.can_see(user.user_id):
            raise PermissionDenied(f"{person.path}: {person.email} is someone else's account.")
        summary.people_matched += 1
    else:
        first = not users_service.has_users()
        user = _guard(person.path, users_service.create_user, ctx, person.values).value
        summary.people_added += 1
        if first and person.values.get("role") != ADMIN:
            summary.warnings.append(
                f"{person.path}: {person.email} was made an administrator, as the first account "
                "of a database always is"
            )
    _set_values(ctx, "user", user.user_id, person.custom, person.path, summary)
    earliest = _earliest_record(user.user_id, person)
    for item in person.licenses:
        values = dict(item.values)
        if "credential_id" not in values:  # a credential this file added
            values["credential_id"] = credentials_service.by_code(
                item.extra["credential"]
            ).credential_id
        if license_exists(
            user.user_id,
            values["credential_id"],
            values["jurisdiction"],
            values.get("license_number"),
        ):
            summary.licenses_skipped += 1
            continue
        if values.get("tracked_from") is None:
            # ARCHITECTURE.md §4: tracked from the start of the period holding the earliest record
            # (the file's or already stored), or the current period's start when there is none.
            values["tracked_from"] = licenses_service.default_tracking_start(
                ctx,
                values["credential_id"],
                values["jurisdiction"],
                values,
                user.birth_date,
                earliest,
            )
        _guard(item.path, licenses_service.create_license, ctx, {**values, "user_id": user.user_id})
        summary.licenses_added += 1
    # Records in bulk, matched against the person's stored ones (and each other) first.
    stored = bulk_records.stored_keys(user.user_id)
    new = []
    for item in person.records:
        key = bulk_records.record_key(item.values)
        if key in stored:
            summary.records_skipped += 1
            continue
        stored[key] = 0
        new.append(bulk_records.prepare(user.user_id, item.values))
    bulk_records.insert(ctx, new, progress)
    summary.records_added += len(new)
    _import_rest(ctx, user.user_id, person, summary, certificates)


def _import_rest(
    ctx: ServiceContext,
    user_id: int,
    person: Person,
    summary: ImportSummary,
    certificates: CertificateSource,
) -> None:
    """What else the person's account holds: custom values, certificates and their links,
    settings, and the owned sections (:mod:`.sections`). Items already there are kept as they
    are."""
    licenses = {
        license_ref_key(row.credential.code, row.jurisdiction, row.license_number): row.license_id
        for row in License.select(License, Credential)
        .join(Credential)
        .where(License.user == user_id)
        .order_by(License.license_id.desc())  # the oldest wins where two share a key
    }
    for item in person.licenses:
        key = license_ref_key(
            item.extra["credential"], item.values["jurisdiction"], item.values.get("license_number")
        )
        _set_custom(ctx, "license", licenses[key], item, summary)
    records = {
        record_ref_key(*key): record_id
        for key, record_id in bulk_records.stored_keys(user_id).items()
    }
    for item in person.records:
        values = item.values
        key = record_ref_key(values["title"], values["completed_on"], values.get("sponsor"))
        record_id = records[key]
        _set_custom(ctx, "record", record_id, item, summary)
    # Certificates: each file checked against its checksum, then linked to the file's records
    # that have none (so a second import, after the attachments folder was copied, links the
    # records the first one brought without their certificates).
    stored: dict[str, int] = {}
    for item in person.certificates:
        sha, media = item.values["sha256"], item.values["media_type"]
        content = certificates(sha, media)
        if content is None:
            summary.warnings.append(
                f"{item.path} ({item.values['name']}): the file is not in the attachments folder, "
                "so its records were imported without it; import the account archive (.zip) "
                "that holds it, or attach it in the app"
            )
            continue
        outcome = _guard(
            item.path,
            attachments_service.store_content,
            ctx,
            user_id,
            content,
            sha,
            item.values["name"],
        )
        stored[sha] = outcome.value.attachment_id
        if outcome.changes:
            summary.certificates_added += 1
    for item in person.records:
        sha = item.extra.get("certificate_sha256")
        if sha not in stored:
            continue
        values = item.values
        key = record_ref_key(values["title"], values["completed_on"], values.get("sponsor"))
        record = CpeRecord.get_by_id(records[key])
        if record.attachment_id is None:  # a record already there keeps its certificate
            _guard(
                item.path,
                records_service.update_record,
                ctx,
                record.record_id,
                {"attachment_id": stored[sha]},
            )
            summary.certificates_linked += 1
    # Settings the person has not set here.
    have = {
        pref.setting_name
        for pref in Preference.select(Preference.setting_name).where(Preference.user == user_id)
    }
    missing = {name: text for name, text in person.preferences.items() if name not in have}
    if missing:
        _guard(
            f"{person.path}.preferences",
            preferences_service.set_preferences,
            ctx,
            user_id,
            missing,
        )
        summary.preferences_added += len(missing)
    targets = {"license": licenses, "record": records}
    for section in sections.SECTIONS:
        for item in person.sections[section.name]:
            import_item(ctx, section, user_id, item, targets, summary)


def _earliest_record(user_id: int, person: Person) -> dt.date | None:
    """The earliest completion date among the person's stored records and the file's."""
    days = [item.values["completed_on"] for item in person.records]
    stored = (
        CpeRecord.select(peewee.fn.MIN(CpeRecord.completed_on))
        .where(CpeRecord.user == user_id)
        .scalar()
    )
    if isinstance(stored, str):  # SQLite hands an aggregate back as text
        stored = dt.date.fromisoformat(stored)
    if stored is not None:
        days.append(stored)
    return min(days, default=None)


def _changes(summary: ImportSummary) -> Changes:
    kinds = [
        kind
        for kind, count in (
            (CREDENTIALS, summary.credentials_added),
            (CUSTOM_FIELDS, summary.custom_fields_added + summary.custom_values_added),
            (ATTACHMENTS, summary.certificates_added),
            (RECORDS, summary.certificates_linked),
            (PREFERENCES, summary.preferences_added),
            *((s.kind, summary.sections[s.name].added) for s in sections.SECTIONS),
        )
        if count
    ]
    if summary.custom_values_added:  # shown as columns of the items' own tables
        kinds.extend((USERS, CREDENTIALS, LICENSES, RECORDS))
    if summary.people_added:
        kinds.append(USERS)
    if summary.licenses_added:
        kinds.append(LICENSES)
    if summary.records_added:
        kinds.append(RECORDS)
    if summary.requirements_added:
        kinds.append(REQUIREMENTS)
    if kinds:
        kinds.append(AUDIT)
    return Changes.of(*kinds)
