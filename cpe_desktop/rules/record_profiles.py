"""What a record's credit lines and delivery method make of it, worked out once for all the
records with the same ones: its kind of credits, whether a line breaks the increments or says
nothing, and its sums by kind (``Profile``). A firm's records share a few hundred profiles, so
the ledger (``rules.ledger``) classifies tens of thousands of records with a look-up each.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from operator import is_, itemgetter
from typing import NamedTuple, cast

from cpe_desktop.rules.credits import CreditIssue, check_credits
from cpe_desktop.rules.facts import NOT_STATED
from cpe_desktop.rules.fields import (
    ETHICS_FIELDS,
    FIELDS_OF_STUDY,
    NANO_LEARNING,
    NON_TECHNICAL_FIELDS,
    SELF_STUDY_METHODS,
    TECHNICAL_FIELDS,
    normalize_delivery_method,
    normalize_field,
)

ZERO = Decimal(0)

_FIELD_KINDS: dict[str, tuple[bool, bool, bool]] = {}
_METHOD_KINDS: dict[str | None, tuple[bool, bool]] = {}


def field_kind(name: str) -> tuple[bool, bool, bool]:
    """(ethics, technical, non-technical) for a field; an unknown field is none of them."""
    kind = _FIELD_KINDS.get(name)
    if kind is None:
        canonical = name if name in FIELDS_OF_STUDY else normalize_field(name)
        kind = (
            canonical in ETHICS_FIELDS,
            canonical in TECHNICAL_FIELDS,
            canonical in NON_TECHNICAL_FIELDS,
        )
        if len(_FIELD_KINDS) < 4096:  # any spelling of a field is remembered, within reason
            _FIELD_KINDS[name] = kind
    return kind


def _method_kind(method: str | None) -> tuple[bool, bool]:
    """(self-study, nano) for a delivery method."""
    kind = _METHOD_KINDS.get(method)
    if kind is None:
        canonical = normalize_delivery_method(method) if method else None
        kind = (canonical in SELF_STUDY_METHODS, canonical == NANO_LEARNING)
        if len(_METHOD_KINDS) < 4096:
            _METHOD_KINDS[method] = kind
    return kind


@lru_cache(maxsize=4096)
def check(value: Decimal, method: str | None) -> tuple[CreditIssue, ...]:
    return tuple(check_credits(value, method))


_NOTHING = (ZERO, ZERO, ZERO, ZERO)


def _sums(credits: tuple[tuple[str, Decimal], ...]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(total, ethics, technical, non-technical) of a record's positive credits."""
    if len(credits) == 1:  # most certificates have one field: the fast way
        name, amount = credits[0]
        if amount <= ZERO:
            return _NOTHING
        ethics, technical, non_technical = _FIELD_KINDS.get(name) or field_kind(name)
        return (
            amount,
            amount if ethics else ZERO,
            amount if technical else ZERO,
            amount if non_technical else ZERO,
        )
    t = e = k = n = ZERO
    for name, amount in credits:
        if amount > ZERO:
            ethics, technical, non_technical = field_kind(name)
            t += amount
            if ethics:
                e += amount
            if technical:
                k += amount
            if non_technical:
                n += amount
    return t, e, k, n


def says_nothing(text: str | None) -> bool:
    """Whether a delivery method or field of study is "Not stated" (any case, any spacing at
    the ends)."""
    return (text or "").strip().casefold() == NOT_STATED.casefold()


class Profile(NamedTuple):
    """What a record's credits lines and delivery method make of it, whatever the amounts'
    spelling (2 and 2.00 alike), and the sums of the lines it was worked out from."""

    kinds: tuple[bool, bool, bool]  # (ethics, technical, non-technical) of a one-line record
    method: tuple[bool, bool]  # (self-study, nano)
    wrong: bool  # a credits line breaks the increments (or is impossible)
    silent: bool  # the method or a field of study is "Not stated"
    # ``_sums(lines)`` of these very lines (each pair the same object, so the amounts are
    # spelled alike): records whose lines are that very tuple, or made of the same pair
    # objects, share them.
    lines: tuple[tuple[str, Decimal], ...]
    sums: tuple[Decimal, Decimal, Decimal, Decimal]


# A profile's (self-study, nano), its breaking the increments, its silence and its sums.
method_of, wrong_of, silent_of, sums_of = (itemgetter(i) for i in (1, 2, 3, 5))


def _profile(credits: tuple[tuple[str, Decimal], ...], method: str | None) -> Profile:
    return Profile(
        field_kind(credits[0][0]) if len(credits) == 1 else (False, False, False),
        _method_kind(method),
        any(check(value, method) for _, value in credits),
        says_nothing(method) or any(says_nothing(name) for name, _ in credits),
        credits,
        _sums(credits),
    )


# (credits, delivery method) -> the profile of records with them: a firm's records share a few
# hundred. (Equal credits give the same profile: it holds no amount, only what kind of credits
# they are and whether they break the increments, which ``_check`` already answers by value.)
_PROFILES: dict[tuple[tuple[tuple[str, Decimal], ...], str | None], Profile] = {}
# (id of a credits tuple, delivery method) -> the profile worked out from that very tuple (which
# the profile holds, so no other tuple takes its id while it is kept): found without hashing the
# amounts, as records read again share their credits tuples (``services/compliance_reads``).
_BY_LINES: dict[tuple[int, str | None], Profile] = {}
_MAX_PROFILES = 4096


def profile_of(credits: tuple[tuple[str, Decimal], ...], method: str | None) -> Profile:
    """``_profile(credits, method)``, from ``_PROFILES`` when there."""
    key = (credits, method)
    profile = _PROFILES.get(key)
    if profile is None:
        profile = _PROFILES[key] = _profile(credits, method)
    return profile


def profiles(
    lines: list[tuple[tuple[str, Decimal], ...]], methods: list[str | None]
) -> list[Profile]:
    """Each record's profile, from its credits (``lines``) and delivery method: found by the
    identity of its credits tuple when every record's is known that way (column by column, no
    amount hashed), else one by one."""
    if len(_PROFILES) > _MAX_PROFILES or len(_BY_LINES) > _MAX_PROFILES:
        _PROFILES.clear()
        _BY_LINES.clear()
    known = list(map(_BY_LINES.get, zip(map(id, lines), methods, strict=True)))
    if None in known:
        return _profiles_one_by_one(lines, methods)
    # Each the profile of that very tuple: a kept profile holds its tuple, and no other object
    # alive can have the same id.
    return cast("list[Profile]", known)


def _profiles_one_by_one(
    lines: list[tuple[tuple[str, Decimal], ...]], methods: list[str | None]
) -> list[Profile]:
    """Each record's profile, from ``_PROFILES`` (by its lines and delivery method) when there
    and worked out from its very line pairs; else worked out (or its sums from its own lines)
    and kept there for the next ones. Each profile worked out from the record's very credits
    tuple is kept by that tuple's identity too (``_BY_LINES``)."""
    profiles, by_lines = _PROFILES, _BY_LINES
    get = profiles.get
    found: list[Profile] = []
    add = found.append
    for credits, method in zip(lines, methods, strict=True):  # (tens of thousands for a firm)
        key = (credits, method)
        profile = get(key)
        if profile is None:
            profile = profiles[key] = _profile(*key)
        elif profile.lines is not credits and not all(map(is_, credits, profile.lines)):
            # Equal lines, but not the very pairs the sums were worked out from (maybe
            # spelled apart: 2 and 2.00): their own sums, kept for the next ones.
            profile = profiles[key] = profile._replace(lines=credits, sums=_sums(credits))
        if profile.lines is credits:
            by_lines[(id(credits), key[1])] = profile
        add(profile)
    return found


__all__ = [
    "ZERO",
    "Profile",
    "check",
    "field_kind",
    "method_of",
    "profile_of",
    "profiles",
    "says_nothing",
    "silent_of",
    "sums_of",
    "wrong_of",
]
