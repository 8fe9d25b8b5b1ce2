"""Who is acting and what time it is: passed to every service call."""

from __future__ import annotations

from typing import Any

from cpe_desktop.clock import Clock, SystemClock
from cpe_desktop.db.models import User
from cpe_desktop.services.errors import PermissionDenied
from cpe_desktop.services.frozen import Frozen

ADMIN = "admin"
MEMBER = "member"
ROLES = (ADMIN, MEMBER)


class Actor(Frozen):
    """The person (or tool) on whose behalf a service runs: immutable, equal and hashed by its
    fields (a frozen dataclass's behaviour, services/frozen.py)."""

    __match_args__ = ("user_id", "role", "name")
    user_id: int | None
    role: str
    name: str

    def __init__(self, user_id: int | None, role: str, name: str) -> None:
        object.__setattr__(self, "user_id", user_id)
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "name", name)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @classmethod
    def for_user(cls, user: User) -> Actor:
        return cls(user_id=user.user_id, role=user.role, name=user.name)


# Start-up tasks act for the machine's owner, with full rights, and so does the command line on a
# database where no account has a password (otherwise it acts as the person signed in with --as:
# services/cli_identity.py); their audit entries carry no user and say "command line"/"system"
# in their details.
SYSTEM = Actor(user_id=None, role=ADMIN, name="system")
COMMAND_LINE = Actor(user_id=None, role=ADMIN, name="command line")


_SYSTEM_CLOCK: Any = object()  # no clock given: the system's


class ServiceContext:
    """Who acts, and the clock they act by (the system's unless given). Equal to another with
    the same actor and clock, not hashable, printed with both: as the dataclass it was, which
    would be made at import (services/frozen.py says why not)."""

    __match_args__ = ("actor", "clock")
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value

    def __init__(self, actor: Actor, clock: Clock = _SYSTEM_CLOCK) -> None:
        self.actor = actor
        self.clock: Clock = SystemClock() if clock is _SYSTEM_CLOCK else clock

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return (self.actor, self.clock) == (other.actor, other.clock)  # type: ignore[attr-defined]
        return NotImplemented

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}(actor={self.actor!r}, clock={self.clock!r})"

    def require_admin(self, what: str) -> None:
        if not self.actor.is_admin:
            raise PermissionDenied(f"Only an administrator can {what}.")

    def require_owner(self, owner_id: int, what: str) -> None:
        """Members act only on their own data; administrators on anyone's."""
        if not self.actor.is_admin and self.actor.user_id != owner_id:
            raise PermissionDenied(f"You can only {what} of your own account.")

    def can_see(self, owner_id: int) -> bool:
        return self.actor.is_admin or self.actor.user_id == owner_id

    def now(self):
        """Naive UTC, as stored in the database."""
        return self.clock.now().replace(tzinfo=None)
