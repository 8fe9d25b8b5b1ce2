"""Who is acting and what time it is: passed to every service call."""

from __future__ import annotations

from dataclasses import dataclass, field

from cpe_desktop.clock import Clock, SystemClock
from cpe_desktop.db.models import User
from cpe_desktop.services.errors import PermissionDenied

ADMIN = "admin"
MEMBER = "member"
ROLES = (ADMIN, MEMBER)


@dataclass(frozen=True)
class Actor:
    """The person (or tool) on whose behalf a service runs."""

    user_id: int | None
    role: str
    name: str

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


@dataclass
class ServiceContext:
    actor: Actor
    clock: Clock = field(default_factory=SystemClock)

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
