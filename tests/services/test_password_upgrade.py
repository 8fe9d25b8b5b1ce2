"""Passwords: new hashes at OWASP's scrypt cost (N=2^17, r=8, p=1) carrying their parameters;
hashes from older programs (N=2^15) still sign in, and are made again at today's cost on that
sign-in, in one transaction with an audit entry that holds no secret."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest

from cpe_desktop.db.models import AuditLog, User
from cpe_desktop.services import passwords, users
from cpe_desktop.services.audit import chain as audit_chain
from cpe_desktop.services.errors import PermissionDenied


def _old_hash(password: str) -> str:
    """A hash as the schema-1 to -5 programs stored it: scrypt N=2^15, r=8, p=1."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024
    )
    encoded = [base64.b64encode(raw).decode() for raw in (salt, digest)]
    return "$".join(["scrypt", "32768", "8", "1", *encoded])


def test_new_hashes_use_owasp_parameters_and_carry_them():
    stored = passwords.hash_password("correct horse")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**17), "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 64
    assert passwords.verify_password("correct horse", stored)
    assert not passwords.verify_password("correct horsE", stored)
    assert not passwords.needs_rehash(stored)
    assert passwords.hash_password("correct horse") != stored  # a fresh salt each time


def test_old_hashes_still_verify_and_need_rehashing():
    old = _old_hash("correct horse")
    assert passwords.verify_password("correct horse", old)
    assert not passwords.verify_password("wrong horse", old)
    assert passwords.needs_rehash(old)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "md5$abc",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$1048576$64$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # asks for 8 GiB: refused, not run
    ],
)
def test_unusable_stored_hashes_never_verify(stored):
    assert not passwords.verify_password("anything at all", stored)
    assert not passwords.needs_rehash(stored)


def _sign_ins_audit(user_id: int):
    return list(
        AuditLog.select()
        .where((AuditLog.entity == "user") & (AuditLog.entity_id == str(user_id)))
        .order_by(AuditLog.log_id)
    )


def test_sign_in_with_an_old_hash_upgrades_it_once(people, system):
    old = _old_hash("annspassword")
    User.update(password_hash=old).where(User.user_id == people.ann.user_id).execute()
    entries_before = len(_sign_ins_audit(people.ann.user_id))

    signed_in = users.authenticate(system, "ann@example.com", "annspassword")

    assert signed_in.user_id == people.ann.user_id
    stored = User.get_by_id(people.ann.user_id).password_hash
    assert stored != old and stored.startswith(f"scrypt${2**17}$8$1$")
    assert passwords.verify_password("annspassword", stored)
    *_, entry = _sign_ins_audit(people.ann.user_id)
    assert len(_sign_ins_audit(people.ann.user_id)) == entries_before + 1
    assert entry.action == "update user" and entry.user_id == people.ann.user_id
    assert entry.details == "password hash upgraded at sign-in (scrypt N=131072, r=8, p=1)"
    for text in (entry.before_json, entry.after_json):
        assert "scrypt" not in text and old not in text and stored not in text
        assert '"has_password": true' in text
    assert audit_chain.verify().ok

    # Signed in again: nothing left to upgrade, no new entry.
    users.authenticate(system, "ann@example.com", "annspassword")
    assert User.get_by_id(people.ann.user_id).password_hash == stored
    assert len(_sign_ins_audit(people.ann.user_id)) == entries_before + 1


def test_a_wrong_password_upgrades_nothing(people, system):
    old = _old_hash("annspassword")
    User.update(password_hash=old).where(User.user_id == people.ann.user_id).execute()
    entries_before = len(_sign_ins_audit(people.ann.user_id))
    with pytest.raises(PermissionDenied):
        users.authenticate(system, "ann@example.com", "not her password")
    assert User.get_by_id(people.ann.user_id).password_hash == old
    assert len(_sign_ins_audit(people.ann.user_id)) == entries_before
