"""People: the first account is an administrator, emails are unique, passwords are hashed, only
administrators manage others, and the last administrator cannot be removed or demoted."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import AuditLog, User
from cpe_desktop.services import users
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext
from cpe_desktop.services.errors import Conflict, PermissionDenied, ValidationError
from cpe_desktop.services.passwords import verify_password


def test_first_user_is_always_an_administrator(db, clock):
    nobody = ServiceContext(Actor(user_id=None, role="member", name="welcome"), clock)
    first = users.create_user(
        nobody, {"name": "Jane", "email": "Jane@Example.COM", "role": "member"}
    )
    assert first.value.role == "admin"
    assert first.value.email == "jane@example.com"
    assert "users" in first.changes and "audit" in first.changes
    with pytest.raises(PermissionDenied):
        users.create_user(nobody, {"name": "Eve", "email": "eve@example.com"})


def test_email_must_be_unique_and_valid(people):
    with pytest.raises(ValidationError) as err:
        users.create_user(people.as_admin, {"name": "Ann 2", "email": "ANN@example.com"})
    assert err.value.errors == {"email": "ann@example.com already has an account"}
    with pytest.raises(ValidationError) as err:
        users.create_user(people.as_admin, {"name": "", "email": "not-an-email", "colour": "red"})
    assert set(err.value.errors) == {"name", "email", "colour"}


def test_password_is_hashed_never_stored_or_audited_in_plain_text(db, system):
    user = users.create_user(
        system, {"name": "Jane", "email": "jane@example.com", "password": "correct horse"}
    ).value
    stored = User.get_by_id(user.user_id).password_hash
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert verify_password("correct horse", stored)
    assert not verify_password("wrong horse", stored)
    entry = AuditLog.get(AuditLog.entity == "user")
    assert "correct horse" not in entry.after_json and "scrypt$" not in entry.after_json
    assert '"has_password": true' in entry.after_json


def test_short_password_is_refused(db, system):
    with pytest.raises(ValidationError) as err:
        users.create_user(system, {"name": "J", "email": "j@example.com", "password": "short"})
    assert "password" in err.value.errors


def test_authenticate(db, system):
    users.create_user(
        system, {"name": "Jane", "email": "jane@example.com", "password": "s3cretpass"}
    )
    users.create_user(system, {"name": "Joe", "email": "joe@example.com", "role": "member"})
    assert users.authenticate(system, "JANE@example.com", "s3cretpass").name == "Jane"
    assert users.authenticate(system, "joe@example.com", None).name == "Joe"  # no password set
    for email, password in [("jane@example.com", "nope"), ("nobody@example.com", "x")]:
        with pytest.raises(PermissionDenied, match="do not match"):
            users.authenticate(system, email, password)


def test_members_edit_only_themselves_and_not_their_role(people):
    users.update_user(people.as_ann, people.ann.user_id, {"name": "Ann M. Member"})
    assert User.get_by_id(people.ann.user_id).name == "Ann M. Member"
    with pytest.raises(PermissionDenied):
        users.update_user(people.as_ann, people.bob.user_id, {"name": "Hacked"})
    with pytest.raises(PermissionDenied):
        users.update_user(people.as_ann, people.ann.user_id, {"role": "admin"})
    with pytest.raises(PermissionDenied):
        users.delete_user(people.as_ann, people.bob.user_id)
    with pytest.raises(PermissionDenied):
        users.get_user(people.as_ann, people.bob.user_id)
    assert [u.email for u in users.list_users(people.as_ann)] == ["ann@example.com"]
    assert User.get_by_id(people.bob.user_id).name == "Bob Member"


def test_last_administrator_is_protected(people):
    with pytest.raises(Conflict, match="only administrator"):
        users.delete_user(people.as_admin, people.admin.user_id)
    with pytest.raises(Conflict, match="only administrator"):
        users.update_user(people.as_admin, people.admin.user_id, {"role": "member"})
    users.update_user(people.as_admin, people.bob.user_id, {"role": "admin"})
    users.update_user(people.as_admin, people.admin.user_id, {"role": "member"})
    assert User.get_by_id(people.admin.user_id).role == "member"


def test_deleting_a_person_removes_their_data(people):
    from cpe_desktop.db.models import License
    from cpe_desktop.services import licenses

    licenses.create_license(
        people.as_bob, {"credential": "CPA", "jurisdiction": "Texas", "license_number": "1"}
    )
    outcome = users.delete_user(people.as_admin, people.bob.user_id)
    assert "licenses" in outcome.changes and "users" in outcome.changes
    assert License.select().count() == 0
    assert User.get_or_none(User.user_id == people.bob.user_id) is None


def test_system_actor_may_manage_everyone(people):
    ctx = ServiceContext(SYSTEM)
    users.update_user(ctx, people.ann.user_id, {"birth_date": "1980-05-14"})
    assert str(User.get_by_id(people.ann.user_id).birth_date) == "1980-05-14"
