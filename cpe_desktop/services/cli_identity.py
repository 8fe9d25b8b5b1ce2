"""Who the command line acts as: the signed-in person, as the window would have them.

The rules (README, "Command line"):

- ``--as EMAIL`` names the person; their password, when the account has one, must match
  (``users.authenticate``, the window's sign-in: same refusal whether or not the email exists).
- Without ``--as``, when no account of the database has a password, nothing is protected and the
  command line stays scriptable as before: it acts as the only active person (the window would
  open straight into their account), or, with no people yet or several without passwords, as
  ``COMMAND_LINE`` (an administrator with no account), so a fresh install can import its first
  JSON document.
- Without ``--as``, when any account has a password, every command refuses (``SignInRequired``):
  each one reads or writes people's data.

A member signed in this way gets the services' own checks (``ServiceContext.require_owner``):
their export is theirs, their import goes into their account, ``status`` shows their licenses.

``restore`` must also work when the database cannot be opened (damaged, missing), so its
accounts are read from the file read-only (``restore_context``): an unreadable or missing file
has no accounts to protect, which is no loss, as whoever may replace the file in the data folder
could copy over it as well.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cpe_desktop.clock import Clock, SystemClock
from cpe_desktop.db.models import User
from cpe_desktop.services import users
from cpe_desktop.services.context import COMMAND_LINE, Actor, ServiceContext
from cpe_desktop.services.errors import PermissionDenied, ServiceError
from cpe_desktop.services.passwords import hash_password, verify_password

HOW_TO_SIGN_IN = (
    "say who you are with --as EMAIL; the password is read from the CPE_PASSWORD environment "
    "variable or --password-file FILE, or asked for when run in a terminal"
)


class SignInRequired(ServiceError):
    """The database has accounts with passwords and the command named nobody (usage error)."""

    def __init__(self) -> None:
        super().__init__(f"this database's accounts have passwords: {HOW_TO_SIGN_IN}.")


def refused(password_given: bool) -> PermissionDenied:
    """The one refusal for a wrong email or password (it never says which was wrong)."""
    message = "That email and password do not match an active account."
    if not password_given:
        message += " No password was given: set CPE_PASSWORD or use --password-file FILE."
    return PermissionDenied(message)


def spend_a_check(password: str | None) -> None:
    """Take as long as checking a password does (one scrypt hash, thrown away): a refusal for an
    email without an account must not come back sooner than one for a wrong password."""
    hash_password(password or "")


def needs_password() -> bool:
    """Whether a sign-in can need a password (some account has one): worth asking for."""
    return users.any_password()


def command_line_context(
    email: str | None, password: str | None, clock: Clock | None = None
) -> ServiceContext:
    """The context every service call of one command runs with (the database is open)."""
    clock = clock or SystemClock()
    if email is not None:
        try:
            user = users.authenticate(ServiceContext(COMMAND_LINE, clock), email, password)
        except PermissionDenied:
            known = User.get_or_none(User.email == email.strip().lower())
            if known is None or not known.active or known.password_hash is None:
                spend_a_check(password)
            raise refused(password is not None) from None
        return ServiceContext(Actor.for_user(user), clock)
    if users.any_password():
        raise SignInRequired()
    active = list(User.select().where(User.active == True).limit(2))  # noqa: E712
    if len(active) == 1:
        return ServiceContext(Actor.for_user(active[0]), clock)
    return ServiceContext(COMMAND_LINE, clock)


@dataclass(frozen=True)
class _Account:
    user_id: int
    name: str
    email: str
    role: str
    active: bool
    password_hash: str | None

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, role=self.role, name=self.name)


def _accounts_in_file(path: Path) -> list[_Account] | None:
    """The accounts of the SQLite file ``path``, read-only; None when it has none to read
    (missing, empty, damaged, or not a CPE Tracker database)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as con:
            found = con.execute(
                "SELECT user_id, name, email, role, active, password_hash FROM users"
            ).fetchall()
    except sqlite3.Error:
        return None
    return [
        _Account(int(uid), str(name), str(mail).lower(), str(role), bool(active), hashed or None)
        for uid, name, mail, role, active, hashed in found
    ]


def file_has_passwords(path: Path) -> bool:
    """Whether some account of the SQLite file ``path`` has a password (read-only)."""
    return any(account.password_hash for account in _accounts_in_file(path) or ())


def restore_context(
    path: Path, email: str | None, password: str | None, clock: Clock | None = None
) -> ServiceContext:
    """Who restores over the SQLite file ``path``: the same rules as ``command_line_context``,
    judged on the accounts read from the file without opening it for writing."""
    clock = clock or SystemClock()
    accounts = _accounts_in_file(path)
    if accounts is None:
        return ServiceContext(COMMAND_LINE, clock)
    if email is not None:
        wanted = email.strip().lower()
        match = next((a for a in accounts if a.email == wanted and a.active), None)
        if match is None:
            spend_a_check(password)
            raise refused(password is not None)
        if match.password_hash is not None and not verify_password(
            password or "", match.password_hash
        ):
            raise refused(password is not None)
        return ServiceContext(match.actor, clock)
    if any(account.password_hash for account in accounts):
        raise SignInRequired()
    active = [account for account in accounts if account.active]
    if len(active) == 1:
        return ServiceContext(active[0].actor, clock)
    return ServiceContext(COMMAND_LINE, clock)
