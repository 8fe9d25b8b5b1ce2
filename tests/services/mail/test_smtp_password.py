"""The SMTP password lives in the credential store, or nowhere when the computer has none."""

from __future__ import annotations

import pytest
from keyring.backends import fail, null
from keyring.errors import KeyringLocked, PasswordSetError

from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.mail import password as smtp_password
from tests.helpers.mail_doubles import MemoryKeyring, installed_keyring


class LockedKeyring(MemoryKeyring):
    """A store the user refused to unlock."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the login keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("the login keyring is locked")


def test_saved_under_the_app_and_account_and_read_back():
    with installed_keyring(MemoryKeyring()) as store:
        assert smtp_password.store_available()
        smtp_password.set_password("ann.mail", "Mail.Example.com", "s3cret")
        assert store.saved == {("CPE Tracker SMTP", "ann.mail@mail.example.com"): "s3cret"}
        assert smtp_password.get_password("ann.mail", "mail.example.com") == "s3cret"
        assert smtp_password.get_password("bob.mail", "mail.example.com") is None


def test_an_empty_password_or_delete_forgets_it():
    with installed_keyring(MemoryKeyring()) as store:
        smtp_password.set_password("ann.mail", "mail.example.com", "s3cret")
        smtp_password.set_password("ann.mail", "mail.example.com", "")
        assert store.saved == {}
        smtp_password.delete_password("ann.mail", "mail.example.com")  # nothing saved: quiet
        assert smtp_password.get_password("ann.mail", "mail.example.com") is None


def test_a_password_needs_a_server_and_user_name():
    with installed_keyring(MemoryKeyring()) as store:
        with pytest.raises(ValidationError) as err:
            smtp_password.set_password("", "mail.example.com", "s3cret")
        assert err.value.field == "smtp_user"
        with pytest.raises(ValidationError) as err:
            smtp_password.set_password("ann.mail", " ", "s3cret")
        assert err.value.field == "smtp_host"
        assert store.saved == {}


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring], ids=["fail", "null"])
def test_no_store_on_this_computer(backend):
    with installed_keyring(backend()):
        assert not smtp_password.store_available()
        assert smtp_password.get_password("ann.mail", "mail.example.com") is None
        with pytest.raises(ValidationError) as err:
            smtp_password.set_password("ann.mail", "mail.example.com", "s3cret")
        assert err.value.field == "smtp_password"
        assert "no password store" in str(err.value)
        smtp_password.delete_password("ann.mail", "mail.example.com")  # nothing to do


def test_a_locked_store_reads_as_nothing_saved_and_refuses_to_save():
    with installed_keyring(LockedKeyring()):
        assert smtp_password.get_password("ann.mail", "mail.example.com") is None
        with pytest.raises(ValidationError) as err:
            smtp_password.set_password("ann.mail", "mail.example.com", "s3cret")
    assert err.value.errors == {
        "smtp_password": "could not be saved in the system's password store "
        "(the login keyring is locked)"
    }
    assert "s3cret" not in str(err.value)
