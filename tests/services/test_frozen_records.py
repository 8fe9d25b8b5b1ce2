"""The records made as plain classes for the window's start (services/frozen.py) behave as the
dataclasses they were: each is held against a dataclass declared as it was, field by field, for
equality, hashing, printing, refusing changes and its constructor's defaults."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any

import pytest

from cpe_desktop.clock import Clock, FixedClock, SystemClock
from cpe_desktop.services.context import ADMIN, Actor, ServiceContext
from cpe_desktop.services.preferences import SETTINGS, Setting
from cpe_desktop.services.shipped_data import LoadResult


@dataclass(frozen=True)
class _Actor:
    user_id: int | None
    role: str
    name: str


@dataclass(frozen=True)
class _Setting:
    name: str
    label: str
    default: Any
    parse: Callable[[Any], Any]
    dump: Callable[[Any], str] = str


@dataclass(frozen=True)
class _LoadResult:
    credentials_added: int
    rules_added: int
    rules_updated: int
    rules_kept_user_edits: int
    rules_given_period_keys: int = 0


@dataclass
class _ServiceContext:
    actor: Any
    clock: Clock = field(default_factory=SystemClock)


def _same_record(ours: Any, theirs: Any, others: list[tuple[Any, Any]]) -> None:
    """``ours`` behaves as the dataclass instance ``theirs`` (the same values); ``others`` are
    pairs of the two made with other values."""
    names = [f.name for f in dataclasses.fields(theirs)]
    assert ours.__match_args__ == theirs.__match_args__ == tuple(names)
    assert [getattr(ours, n) for n in names] == [getattr(theirs, n) for n in names]
    assert repr(ours).split("(", 1)[1] == repr(theirs).split("(", 1)[1]
    assert repr(ours).split("(", 1)[0] == type(ours).__qualname__
    assert ours == type(ours)(*[getattr(theirs, n) for n in names])
    assert (ours != type(ours)(*[getattr(theirs, n) for n in names])) is False
    for other_ours, other_theirs in others:
        assert (ours == other_ours) == (theirs == other_theirs)
    assert ours != theirs  # another class: never equal, as between two dataclasses
    assert ours.__eq__(object()) is NotImplemented
    if theirs.__hash__ is None:
        with pytest.raises(TypeError):
            hash(ours)
    else:
        assert hash(ours) == hash(type(ours)(*[getattr(theirs, n) for n in names]))
        assert hash(ours) == hash(tuple(getattr(theirs, n) for n in names))
        assert {ours, type(ours)(*[getattr(theirs, n) for n in names])} == {ours}


def _frozen_as(ours: Any, theirs: Any) -> None:
    for name in [*ours.__match_args__, "other"]:
        for target in (ours, theirs):
            with pytest.raises(FrozenInstanceError) as said:
                setattr(target, name, 1)
            messages = [str(said.value)]
            with pytest.raises(FrozenInstanceError) as said:
                delattr(target, name)
            messages.append(str(said.value))
            if target is ours:
                ours_said = messages
            else:
                assert ours_said == messages


def test_an_actor_behaves_as_the_frozen_dataclass_it_was() -> None:
    ours, theirs = Actor(3, ADMIN, "Pat"), _Actor(3, ADMIN, "Pat")
    others = [
        (Actor(3, ADMIN, "Pat"), _Actor(3, ADMIN, "Pat")),
        (Actor(4, ADMIN, "Pat"), _Actor(4, ADMIN, "Pat")),
        (Actor(3, "member", "Pat"), _Actor(3, "member", "Pat")),
        (Actor(None, ADMIN, "Pat"), _Actor(None, ADMIN, "Pat")),
    ]
    _same_record(ours, theirs, others)
    _frozen_as(ours, theirs)
    assert Actor(user_id=1, role="member", name="x") == Actor(1, "member", "x")
    assert Actor(None, ADMIN, "system").is_admin and not Actor(1, "member", "x").is_admin
    match ours:
        case Actor(user_id, role, name):
            assert (user_id, role, name) == (3, ADMIN, "Pat")


def test_a_setting_behaves_as_the_frozen_dataclass_it_was() -> None:
    def parse(value: Any) -> Any:
        return value

    ours, theirs = (
        Setting("theme", "Theme", "system", parse),
        _Setting("theme", "Theme", "system", parse),
    )
    assert ours.dump is str is theirs.dump  # the default
    others = [
        (Setting("theme", "Theme", "light", parse), _Setting("theme", "Theme", "light", parse)),
        (Setting("theme", "Theme", "system", repr), _Setting("theme", "Theme", "system", repr)),
        (
            Setting("theme", "Theme", "system", parse, repr),
            _Setting("theme", "Theme", "system", parse, repr),
        ),
    ]
    _same_record(ours, theirs, others)
    _frozen_as(ours, theirs)
    assert all(isinstance(setting, Setting) for setting in SETTINGS.values())


def test_a_load_result_behaves_as_the_frozen_dataclass_it_was() -> None:
    ours, theirs = LoadResult(1, 2, 3, 4), _LoadResult(1, 2, 3, 4)
    assert ours.rules_given_period_keys == 0  # the default
    others = [
        (LoadResult(1, 2, 3, 4, 5), _LoadResult(1, 2, 3, 4, 5)),
        (LoadResult(0, 0, 0, 0), _LoadResult(0, 0, 0, 0)),
        (LoadResult(1, 2, 3, 4, 0), _LoadResult(1, 2, 3, 4, 0)),
    ]
    _same_record(ours, theirs, others)
    _frozen_as(ours, theirs)
    assert LoadResult(0, 0, 0, 0).changes == LoadResult(0, 0, 0, 0, 0).changes


def test_a_service_context_behaves_as_the_dataclass_it_was() -> None:
    clock = FixedClock(dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC))
    actor = Actor(1, ADMIN, "Pat")
    ours, theirs = ServiceContext(actor, clock), _ServiceContext(actor, clock)
    others = [
        (ServiceContext(actor, clock), _ServiceContext(actor, clock)),
        (
            ServiceContext(Actor(2, ADMIN, "Pat"), clock),
            _ServiceContext(Actor(2, ADMIN, "Pat"), clock),
        ),
        (ServiceContext(actor, SystemClock()), _ServiceContext(actor, SystemClock())),
    ]
    _same_record(ours, theirs, others)
    # Not frozen: changed as the dataclass was.
    ours.actor = theirs.actor = Actor(5, "member", "Lee")
    assert ours.actor == theirs.actor
    # No clock given: a system clock of its own each time, never a shared one.
    first, second = ServiceContext(actor), ServiceContext(actor)
    assert isinstance(first.clock, SystemClock) and first.clock is not second.clock
    assert ServiceContext(actor=actor, clock=clock).clock is clock
