"""How an audit entry is hashed: the canonical text of its content and its SHA-256.

:func:`entry_hash` is the algorithm (schema 6's): a compact JSON array, ASCII-escaped, of the
entry's id, acting person, action, time, entity, entity id, details, pictures before and after
and the previous entry's hash. ``trail`` hashes the entries it writes with the quicker ways
below, which write the very same text without the JSON encoder; the chain's check
(``chain.py``) hashes through :func:`entry_hash`, the encoder's way, so a difference between
them would show as a break.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

# ``json.dumps(content, ensure_ascii=True, separators=(",", ":"))``, for :func:`entry_hash`.
_HASH_JSON = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))
# How both encoders write a text (ensure_ascii, their default): quoted, escaped to ASCII.
ascii_text = json.encoder.encode_basestring_ascii


def entry_hash(
    log_id: int,
    actor_id: int | None,
    action: str | None,
    timestamp: Any,
    entity: str | None,
    entity_id: str | None,
    details: str | None,
    before_json: str | None,
    after_json: str | None,
    prev_hash: str | None,
) -> str:
    """SHA-256 (hex) of an entry's canonical content: a compact JSON array, ASCII-escaped (so
    any text, even a lone surrogate, hashes). The same algorithm as schema 6's step."""
    return _digest(
        log_id, actor_id, action, time_text(timestamp), entity, entity_id, details, before_json,
        after_json, prev_hash,
    )  # fmt: skip


def _digest(
    log_id: int,
    actor_id: int | None,
    action: str | None,
    time_text: str | None,
    entity: str | None,
    entity_id: str | None,
    details: str | None,
    before_json: str | None,
    after_json: str | None,
    prev_hash: str | None,
) -> str:
    """:func:`entry_hash` with the time already as text (:func:`time_text`)."""
    content = [
        "cpe-audit/1",
        int(log_id),
        actor_id,
        action,
        time_text,
        entity,
        entity_id,
        details,
        before_json,
        after_json,
        prev_hash,
    ]
    text = _HASH_JSON.encode(content)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def plain_json(value: Any) -> str | None:
    """A text, None or a whole number as the JSON encoder writes it (text ASCII-escaped, a whole
    number by ``int.__repr__``, None as ``null``); None for any other value, which the caller
    leaves to the encoder."""
    kind = value.__class__
    if kind is str:
        return ascii_text(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return None


def chained_digest(*values: Any) -> str:
    """:func:`_digest` of the same values, the JSON array written here rather than by the
    encoder (each value as it writes one: text ASCII-escaped, a whole number by ``int.__repr__``,
    None as ``null``): the same text, in a third of the time. Any other value goes to
    :func:`_digest`. The chain's check (``chain.py``) hashes through :func:`entry_hash`, the
    encoder's way, so a difference would show as a break."""
    log_id = values[0]
    if log_id.__class__ is not int:
        return _digest(*values)
    parts = ['["cpe-audit/1"', int.__repr__(log_id)]
    for value in values[1:]:
        written = plain_json(value)
        if written is None:
            return _digest(*values)
        parts.append(written)
    text = ",".join(parts) + "]"
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def shared_text(*values: Any) -> tuple[str, str] | None:
    """The hashed text around an entry's id, entity id, picture after and previous hash, as
    :func:`chained_digest` writes it: actor, action, time and entity (after the id), details
    and picture before (after the entity id). None: a value it does not write itself."""
    texts = []
    for value in values:
        written = plain_json(value)
        if written is None:
            return None
        texts.append(written)
    return "," + ",".join(texts[:4]) + ",", "," + ",".join(texts[4:]) + ","


def time_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value.isoformat()


def linked_digest(
    around: tuple[str, str] | None,
    log_id: Any,
    entity_id: Any,
    after_json: Any,
    previous: Any,
) -> str | None:
    """An entry's digest from the text its write's entries share (``around``: before the entity
    id, and between it and the picture after), when its own parts are plain (a whole-number id,
    texts or None); None otherwise (the caller hashes it the long way)."""
    if (
        around is None
        or log_id.__class__ is not int
        or not (entity_id is None or entity_id.__class__ is str)
        or not (after_json is None or after_json.__class__ is str)
        or not (previous is None or previous.__class__ is str)
    ):
        return None
    text = "".join(
        (
            '["cpe-audit/1",', int.__repr__(log_id), around[0],
            "null" if entity_id is None else ascii_text(entity_id), around[1],
            "null" if after_json is None else ascii_text(after_json), ",",
            "null" if previous is None else ascii_text(previous), "]",
        )
    )  # fmt: skip
    return hashlib.sha256(text.encode("ascii")).hexdigest()
