"""Words for the codes the database stores, as the table views show them to people.

The tables keep their stored forms (``create record``, ``application/pdf``,
``ethics_state_specific``, a custom field's ``true``); the views say "Added", "PDF",
"State-specific ethics", "Yes". Each mapping lives here once, so the Administration tables and
the rule editor say the same thing. No Qt here.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from cpe_desktop.services import preferences

COMPONENT_KIND_WORDS = {
    "min": "At least (a minimum)",
    "max": "At most (a cap)",
    "ethics_state_specific": "State-specific ethics",
    "course": "A course on a topic",
    "credit_factor": "Counts at a reduced rate",
}
COMPONENT_SCOPE_WORDS = {
    "period": "The reporting period",
    "year": "Each year of the period",
    "cycle": "A cycle of its own (cycle years)",
}


def group_words(names: Any) -> str:
    """A component's fields or delivery methods ("accounting_auditing, Taxes") with each group
    said in words ("All accounting and auditing, Taxes"), as the rule editor lists them."""
    # (imported here: the window's start, which imports this module, does not need the rules'
    # component module before its first paint, issue 18)
    from cpe_desktop.rules.component_facts import GROUP_WORDS

    parts = [part.strip() for part in str(names).split(",") if part.strip()]
    return ", ".join(f"All {GROUP_WORDS[p]}" if p in GROUP_WORDS else p for p in parts)


# What an audit entry's ``entity`` names, for people, where it is not an entity of the registry
# (``services/editing/entities.py``) or the Audit Log says it otherwise than the entity's noun
# (``Entity.one``): every other entity is said by its noun, see ``item_words``.
ITEM_WORDS = {
    "attachment": "Certificate",
    "credential": "Credential",  # the entity's noun is "credential type"
    "custom_field_value": "Custom field value",
    "email": "Email",
    "firm_setting": "Firm setting",
    "preference": "Setting",
    "record": "CPE record",  # the entity's noun is "record"
    "record_credit": "Record credit",
    "report": "Report",
    "requirement_component": "Requirement component",
    "shipped_requirements": "Shipped requirement rules",
    "task": "Background task",
}
_VERBS = {
    "create": "Added",
    "update": "Changed",
    "delete": "Deleted",
    "load": "Loaded",
    "restore": "Restored",
    "import": "Imported",
    "export": "Exported",
    "merge": "Merged",
}


def _sentence(code: str) -> str:
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@functools.cache
def _item_words() -> dict[str, str]:
    # Imported here, once: the registry imports the services, and the table views this module.
    from cpe_desktop.services.editing import entities

    nouns = {entity.name: _sentence(entity.one) for entity in entities.ENTITIES}
    return {**nouns, **ITEM_WORDS}


def item_words(entity: Any) -> str:
    """``record`` as "CPE record", ``attachment`` as "Certificate", ``user`` as "Person" (the
    entity's noun); an unknown code as words."""
    return _item_words().get(str(entity), _sentence(str(entity)))


def action_words(action: Any) -> str:
    """``create record`` as "Added", ``update license`` as "Changed"; the item has its own column.

    An action with no item after its verb (``sign_in``, ``restore_backup``) is shown as words."""
    verb, _, rest = str(action).partition(" ")
    if rest and verb in _VERBS:
        return _VERBS[verb]
    return _sentence(str(action))


# The first of these an entry's after (or before) picture holds says what the item was.
_NAMING_KEYS = (
    "title",
    "original_name",
    "subject",
    "field_name",
    "name",
    "message",
    "state_name",
    "code",
    "label",
    "value",
)
_DETAIL_LIMIT = 200


def audit_details(text: Any) -> str:
    """An entry's details, or else what its item was, read from the row's picture (JSON).

    ``{"title": "Ethics for CPAs", "completed_on": "2026-03-02", …}`` → "Ethics for CPAs";
    a setting → "Notify me by: Email"; a license → "Texas 012544".
    """
    raw = "" if text is None else str(text)
    if not raw.startswith("{"):
        return raw
    try:
        picture = json.loads(raw)
    except ValueError:
        return raw[:_DETAIL_LIMIT]
    if not isinstance(picture, dict):
        return ""
    if picture.get("setting_name"):
        name = str(picture["setting_name"])
        value = preferences.value_words(name, picture.get("setting_value"))
        return f"{preferences.label_of(name)}: {value}"
    if picture.get("jurisdiction") and "license_number" in picture:
        parts = (picture["jurisdiction"], picture["license_number"])
        return " ".join(str(part) for part in parts if part)
    for key in _NAMING_KEYS:
        named = picture.get(key)
        if named not in (None, "") and not isinstance(named, (dict, list)):
            return str(named)[:_DETAIL_LIMIT]
    return ""


_MEDIA_WORDS = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/tiff": "TIFF image",
    "image/heic": "HEIC photo",
    "image/webp": "WebP image",
}


def media_words(media_type: Any) -> str:
    """``application/pdf`` as "PDF", ``image/jpeg`` as "JPEG image"."""
    text = str(media_type)
    if text in _MEDIA_WORDS:
        return _MEDIA_WORDS[text]
    kind, _, sub = text.partition("/")
    return f"{sub.upper()} {'image' if kind == 'image' else 'file'}" if sub else text


def size_words(size: Any) -> str:
    """A file size in bytes as people read it: "812 bytes", "1.7 KB", "2.4 MB"."""
    try:
        number = int(size)
    except (TypeError, ValueError):
        return str(size)
    if number < 1000:
        return f"{number} bytes"
    amount = number / 1000
    for unit in ("KB", "MB"):
        if amount < 1000:
            return f"{amount:.1f} {unit}"
        amount /= 1000
    return f"{amount:.1f} GB"


def custom_value_words(field_type_and_value: Any) -> str:
    """A custom field's stored value as the form shows it: a Yes/No field's ``true`` as "Yes".

    Given ``"<field type>=<stored value>"`` (the Custom Field Values view selects both)."""
    field_type, _, value = str(field_type_and_value).partition("=")
    if field_type == "boolean":
        return {"true": "Yes", "false": "No"}.get(value.strip().lower(), value)
    return value
