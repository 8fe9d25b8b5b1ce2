"""The SMTP password, kept in the operating system's credential store and nowhere else.

The mail password is never stored in plain text in the database, so it is not a
preference. Windows Credential Manager, the macOS Keychain or the Secret Service on Linux hold it
through ``keyring``, under one service name and an account made of the mail user and server. A
computer without such a store (keyring's "fail" or "null" backend) has none: the program then asks
for the password each time mail is sent and forgets it afterwards.

Nothing here logs a password; log lines name the account only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from cpe_desktop.services.errors import ValidationError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# keyring is imported when a password is first looked for, not with this module (imported when
# the reminders start): most people never store a mail password. (Importing it reads every
# installed package's metadata, as APScheduler's import already does, so the window's memory
# barely changes: bench_memory.py measured 114.0 MB before and 113.8 MB after.)

SERVICE = "CPE Tracker SMTP"

log = logging.getLogger(__name__)


def account_name(user: str, host: str) -> str:
    """The credential store's user name for one mail account: ``user@host``."""
    return f"{user.strip()}@{host.strip().lower()}"


def _backend() -> KeyringBackend:
    import keyring

    return keyring.get_keyring()


def store_available() -> bool:
    """True when this computer has a real credential store to keep the password in."""
    try:
        backend = _backend()
        from keyring.backends import chainer, fail, null
    except Exception as exc:  # a broken keyring configuration means "no store", not a crash
        log.warning("credential store unusable: %s", type(exc).__name__)
        return False
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def get_password(user: str, host: str) -> str | None:
    """The saved password for ``user`` on ``host``, or None (none saved, or no usable store)."""
    if not user.strip() or not host.strip() or not store_available():
        return None
    from keyring.errors import KeyringError

    try:
        return _backend().get_password(SERVICE, account_name(user, host))
    except KeyringError as exc:
        # a locked store or a refused unlock: behave as if nothing were saved
        log.warning(
            "could not read the mail password for %s: %s",
            account_name(user, host),
            type(exc).__name__,
        )
        return None


def set_password(user: str, host: str, password: str) -> None:
    """Save ``password`` for ``user`` on ``host``; an empty password forgets the saved one.

    Raises ValidationError naming ``smtp_password`` (or the missing user/server field) when it
    cannot be kept.
    """
    if not password:
        delete_password(user, host)
        return
    if not host.strip():
        raise ValidationError("smtp_host", "is needed before a mail password can be saved")
    if not user.strip():
        raise ValidationError("smtp_user", "is needed before a mail password can be saved")
    if not store_available():
        raise ValidationError(
            "smtp_password", "cannot be saved: this computer has no password store"
        )
    from keyring.errors import KeyringError

    try:
        _backend().set_password(SERVICE, account_name(user, host), password)
    except KeyringError as exc:
        raise ValidationError(
            "smtp_password", f"could not be saved in the system's password store ({_why(exc)})"
        ) from None
    log.info("saved the mail password for %s in the credential store", account_name(user, host))


def delete_password(user: str, host: str) -> None:
    """Forget the saved password for ``user`` on ``host``; nothing happens when none is saved."""
    if not user.strip() or not host.strip() or not store_available():
        return
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        _backend().delete_password(SERVICE, account_name(user, host))
    except PasswordDeleteError:
        return  # nothing was saved
    except KeyringError as exc:
        raise ValidationError(
            "smtp_password", f"could not be removed from the system's password store ({_why(exc)})"
        ) from None
    log.info("removed the mail password for %s", account_name(user, host))


def _why(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text or type(exc).__name__
