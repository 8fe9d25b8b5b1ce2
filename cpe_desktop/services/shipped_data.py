"""Loads the researched requirement data shipped in ``resources/requirements/`` into the database.

Run at every start; cheap when nothing changed. New credentials and rules are added; a shipped
rule that a person has edited (``user_edited``) is never overwritten; rows are matched by a stable
``seed_key`` so re-running never duplicates anything. A new data file (a new digest) refreshes
every untouched shipped row, so existing databases get new keys such as ``cycle_anchor``. An
edited row keeps every value its editor could have set; it only receives the period keys
(``requirements.PERIOD_KEYS``) when all of them are still empty, i.e. it was edited before the
program knew them.

A shipped rule's ``components`` (ARCHITECTURE.md §4; a rule without the key has none) are part of
the rule: stored with a new row, replaced with an untouched row's values, and never touched on an
edited row (its components are its editor's).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cpe_desktop import paths
from cpe_desktop.db.models import AppMeta, Credential, StateRequirement, database
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.changes import AUDIT, CREDENTIALS, REQUIREMENTS, Changes
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.frozen import Frozen

FORMAT = "cpe-tracker-requirements/1"
DIGEST_KEY = "shipped_requirements_sha256"


def data_file() -> Path:
    return paths.resource("requirements", "requirements.json")


class LoadResult(Frozen):
    """What loading the shipped file did (immutable, equal by its fields: services/frozen.py)."""

    __match_args__ = (
        "credentials_added",
        "rules_added",
        "rules_updated",
        "rules_kept_user_edits",
        "rules_given_period_keys",
    )
    credentials_added: int
    rules_added: int
    rules_updated: int
    rules_kept_user_edits: int
    # edited rows that were given the period keys they never had (see the module docstring)
    rules_given_period_keys: int

    def __init__(
        self,
        credentials_added: int,
        rules_added: int,
        rules_updated: int,
        rules_kept_user_edits: int,
        rules_given_period_keys: int = 0,
    ) -> None:
        object.__setattr__(self, "credentials_added", credentials_added)
        object.__setattr__(self, "rules_added", rules_added)
        object.__setattr__(self, "rules_updated", rules_updated)
        object.__setattr__(self, "rules_kept_user_edits", rules_kept_user_edits)
        object.__setattr__(self, "rules_given_period_keys", rules_given_period_keys)

    @property
    def changes(self) -> Changes:
        kinds = Changes()
        if self.credentials_added:
            kinds |= Changes.of(CREDENTIALS, AUDIT)
        if self.rules_added or self.rules_updated or self.rules_given_period_keys:
            kinds |= Changes.of(REQUIREMENTS, AUDIT)
        return kinds


def seed_key(rule: dict[str, Any]) -> str:
    return f"{rule['credential']}/{rule['jurisdiction']}/{rule.get('effective_from') or ''}"


def read_data(path: Path | None = None) -> dict[str, Any]:
    document = json.loads((path or data_file()).read_text(encoding="utf-8"))
    if document.get("format") != FORMAT:
        raise ValueError(f"{path or data_file()} is not a {FORMAT} file")
    return document


def load_shipped_requirements(
    ctx: ServiceContext | None = None, path: Path | None = None
) -> LoadResult:
    """Bring the shipped data into the database, unless this very file was loaded before.

    Skipping an already-loaded file keeps start-up quick and respects rows a person deleted.
    """
    ctx = ctx or ServiceContext(SYSTEM)
    raw = (path or data_file()).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    loaded = AppMeta.get_or_none(AppMeta.key == DIGEST_KEY)
    if loaded is not None and loaded.value == digest:
        return LoadResult(0, 0, 0, 0)
    # Imported only for a file not loaded before: with it come the rules' dataclasses, which
    # the window's start does not otherwise need before its first paint (issue 18).
    from cpe_desktop.services.requirements import (
        COMPONENTS,
        components_by_rule,
        differs,
        replace_components,
        validate,
    )

    document = read_data(path)
    added_credentials = added = updated = kept = given = 0
    with database.atomic():
        AppMeta.insert(key=DIGEST_KEY, value=digest, updated_at=ctx.now()).on_conflict(
            conflict_target=[AppMeta.key], preserve=[AppMeta.value, AppMeta.updated_at]
        ).execute()
        existing_codes = {c.code for c in Credential.select(Credential.code)}
        now = ctx.now()
        for item in document["credentials"]:
            if item["code"] not in existing_codes:
                Credential.create(
                    code=item["code"],
                    name=item["name"],
                    issuing_body=item.get("issuing_body"),
                    created_at=now,
                    updated_at=now,
                )
                added_credentials += 1
        by_key = {row.seed_key: row for row in StateRequirement.select() if row.seed_key}
        stored = components_by_rule()
        for index, rule in enumerate(document["requirements"]):
            try:
                values = validate(rule, extra_keys=("confidence",))
            except ValidationError as exc:
                raise ValueError(f"shipped requirement {index}: {exc}") from exc
            values["confidence"] = rule.get("confidence")
            found = values.pop(COMPONENTS, ())
            key = seed_key(rule)
            row = by_key.get(key)
            if row is None:
                row = StateRequirement.create(
                    **values, origin="shipped", seed_key=key, created_at=now, updated_at=now
                )
                replace_components(ctx, row, found)
                added += 1
            elif row.user_edited:
                kept += 1
                if _give_period_keys(row, values):
                    row.updated_at = now
                    rows.save_row(row, "requirement")
                    given += 1
            elif differs(row, values) or _parts(stored.get(row.state_id, ())) != _parts(found):
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = now
                rows.save_row(row, "requirement")
                replace_components(ctx, row, found)
                updated += 1
        result = LoadResult(added_credentials, added, updated, kept, given)
        if result.changes:
            audit.write(
                ctx,
                "load",
                "shipped_requirements",
                (path or data_file()).name,
                None,
                {
                    "credentials_added": added_credentials,
                    "rules_added": added,
                    "rules_updated": updated,
                    "rules_kept_user_edits": kept,
                    "rules_given_period_keys": given,
                },
                details=document.get("dataset", {}).get("title"),
            )
    return result


def _parts(components) -> list[dict[str, Any]]:
    return [part.as_dict() for part in components]


def _give_period_keys(row: StateRequirement, values: dict[str, Any]) -> bool:
    """Fill an edited row's period keys from the shipped ones when it has none of them yet."""
    from cpe_desktop.services.requirements import PERIOD_KEYS

    if any(getattr(row, name) is not None for name in PERIOD_KEYS):
        return False
    shipped = {name: values.get(name) for name in PERIOD_KEYS}
    if all(value is None for value in shipped.values()):
        return False
    for name, value in shipped.items():
        setattr(row, name, value)
    return True
