"""Who the command line acts as (services/cli_identity.py), decided on the database's accounts;
the commands themselves are tried through the real program in tests/cli/test_cli_sign_in.py."""

from __future__ import annotations

import pytest

from cpe_desktop.db.database import sqlite_file
from cpe_desktop.services import cli_identity, users
from cpe_desktop.services.cli_identity import (
    SignInRequired,
    command_line_context,
    restore_context,
)
from cpe_desktop.services.context import COMMAND_LINE
from cpe_desktop.services.errors import PermissionDenied

ANN_PASSWORD = "ann's long secret"


@pytest.fixture
def protected(people):
    users.update_user(people.as_admin, people.ann.user_id, {"password": ANN_PASSWORD})
    return people


@pytest.fixture
def checks(monkeypatch):
    """How many throwaway hashes a refusal spent."""
    spent: list[str] = []
    real = cli_identity.hash_password

    def spy(password: str) -> str:
        spent.append(password)
        return real(password)

    monkeypatch.setattr(cli_identity, "hash_password", spy)
    return spent


def test_a_database_without_people_is_the_command_line_as_administrator(db, clock):
    ctx = command_line_context(None, None, clock)
    assert ctx.actor == COMMAND_LINE and ctx.actor.is_admin


def test_the_only_active_person_is_who_acts(db, system, clock):
    ada = users.create_user(system, {"name": "Ada", "email": "ada@example.com"}).value
    assert command_line_context(None, None, clock).actor.user_id == ada.user_id


def test_several_people_without_passwords_are_the_command_line_as_before(people, clock):
    assert command_line_context(None, None, clock).actor == COMMAND_LINE


def test_as_picks_a_passwordless_person_with_their_rights(people, clock):
    actor = command_line_context("BOB@example.com ", None, clock).actor
    assert (actor.user_id, actor.is_admin) == (people.bob.user_id, False)


def test_one_password_anywhere_means_everyone_signs_in(protected, clock):
    with pytest.raises(SignInRequired, match="--as EMAIL"):
        command_line_context(None, None, clock)


def test_the_right_password_signs_in(protected, clock):
    assert command_line_context("ann@example.com", ANN_PASSWORD, clock).actor.user_id == (
        protected.ann.user_id
    )


def test_an_unknown_email_costs_what_a_wrong_password_does(protected, clock, checks):
    with pytest.raises(PermissionDenied) as unknown:
        command_line_context("nobody@example.com", "guess", clock)
    assert checks == ["guess"]  # one throwaway hash, as long as a password check takes

    with pytest.raises(PermissionDenied) as wrong:
        command_line_context("ann@example.com", "guess", clock)
    assert checks == ["guess"]  # the real check was the cost
    assert str(unknown.value) == str(wrong.value)


def test_an_inactive_account_is_refused_like_an_unknown_one(protected, clock, checks):
    users.update_user(protected.as_admin, protected.bob.user_id, {"active": False})
    with pytest.raises(PermissionDenied, match="do not match an active account"):
        command_line_context("bob@example.com", None, clock)
    assert len(checks) == 1


# --- restore: the accounts read from the file, read-only ------------------------------------------


@pytest.fixture
def file(db):
    path = sqlite_file(db)
    if path is None:
        pytest.skip("restore is for SQLite files")
    return path


def test_restore_reads_the_accounts_of_the_file(protected, file, clock):
    with pytest.raises(SignInRequired):
        restore_context(file, None, None, clock)
    ann = restore_context(file, "ann@example.com", ANN_PASSWORD, clock).actor
    assert (ann.user_id, ann.role, ann.name) == (protected.ann.user_id, "member", "Ann Member")
    with pytest.raises(PermissionDenied):
        restore_context(file, "ann@example.com", "wrong password", clock)


def test_restore_refuses_an_unknown_email_at_the_cost_of_a_check(protected, file, clock, checks):
    with pytest.raises(PermissionDenied, match="do not match an active account"):
        restore_context(file, "nobody@example.com", "guess", clock)
    assert checks == ["guess"]


def test_restore_over_a_file_without_accounts_asks_no_one(tmp_path, clock):
    missing = tmp_path / "missing.db"
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 50)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")

    for path in (missing, garbage, empty):
        assert restore_context(path, None, None, clock).actor == COMMAND_LINE
    assert not missing.exists()  # looking did not create it
    assert garbage.read_bytes() == b"not a database at all" * 50


def test_restore_over_a_passwordless_file_acts_as_before(people, file, clock):
    assert restore_context(file, None, None, clock).actor == COMMAND_LINE
    bob = restore_context(file, "bob@example.com", None, clock).actor
    assert bob.user_id == people.bob.user_id and not bob.is_admin
