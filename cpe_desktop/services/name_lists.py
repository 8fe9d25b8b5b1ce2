"""Lists of names chosen from a known set: a record's course ``topics`` and a license's
``attributes`` (ARCHITECTURE.md §4). Stored as JSON text lists (``db.rule_columns.names_text``).

A list may be given as a list of names, as its JSON text (the column's own form), or as one
text with the names separated by ``;`` (a spreadsheet cell, a form's line). Names match their
choice whatever the letter case and are stored as the choice spells them, once each, in order.
A wrong name is an error naming the field (``topics``, or ``topics[1]`` for the second name of
a list) and listing the choices.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from cpe_desktop.db.rule_columns import names_of, names_text
from cpe_desktop.services.validation import MISSING, Validator

SEPARATOR = ";"
MAX_NAMES = 50


def split_names(text: str) -> list[Any]:
    """``"A; B;"`` -> ``["A", "B"]``; a JSON list's text -> its items."""
    if text.strip().startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            items = None
        if isinstance(items, list):
            return items
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def read_names(v: Validator, name: str, choices: Collection[str], *, none_known: str) -> Any:
    """The names at ``name`` in ``v``'s data as the column's JSON text (empty: None; absent:
    MISSING), each checked against ``choices``; ``none_known`` is the message when there are
    no choices at all."""
    raw = v._raw(name, False)
    if raw is MISSING or raw is None:
        return raw
    if isinstance(raw, str):
        items: list[Any] = split_names(raw)
        listed = False
    elif isinstance(raw, list | tuple):
        items = list(raw)
        listed = True
    else:
        v.error(
            name, f"must be a list of names (or one text with the names separated by {SEPARATOR!r})"
        )
        return MISSING
    if len(items) > MAX_NAMES:
        v.error(name, f"may hold at most {MAX_NAMES} names")
        return MISSING
    by_fold = {choice.casefold(): choice for choice in choices}
    found: list[str] = []
    ok = True
    for index, item in enumerate(items):
        where = f"{name}[{index}]" if listed else name
        if not isinstance(item, str) or not item.strip():
            v.error(where, "must be a name (text)")
            ok = False
            continue
        choice = by_fold.get(item.strip().casefold())
        if choice is None:
            if not choices:
                v.error(where, f"{item.strip()!r}: {none_known}")
            else:
                v.error(where, f"{item.strip()!r} is not one of: {', '.join(sorted(choices))}")
            ok = False
            continue
        if choice not in found:
            found.append(choice)
    if not ok:
        return MISSING
    return names_text(found)


def names_list(text: Any) -> list[str]:
    """A stored JSON text list of names as a list (NULL: [])."""
    return list(names_of(text))
