"""People: accounts with a role, an optional password, and sign-in.

Administrators manage everyone; a member sees and edits only their own account and cannot change
their own role. The very first account of a database is created without an actor and is always an
administrator, so a new installation can never lock itself out.
"""

from __future__ import annotations

from typing import Any

from cpe_desktop.db.models import ALL_MODELS, BaseModel, CpeRecord, License, User, database
from cpe_desktop.services import custom_fields
from cpe_desktop.services.audit import activity
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.changes import AUDIT, TABLE_KINDS, USERS, Changes, Outcome
from cpe_desktop.services.context import ADMIN, ROLES, Actor, ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import Conflict, PermissionDenied, ValidationError
from cpe_desktop.services.passwords import (
    MIN_LENGTH,
    N,
    P,
    R,
    hash_password,
    needs_rehash,
    verify_password,
)
from cpe_desktop.services.validation import MISSING, Validator, present

FIELDS = ("name", "email", "role", "birth_date", "active", "password")
CHANGED = Changes.of(USERS, AUDIT)


def _validate(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    v = Validator(data, FIELDS, partial=partial)
    values = {
        "name": v.text("name", required=True, max_length=200),
        "email": v.email("email", required=True),
        "role": v.choice("role", ROLES) if v.has("role") else MISSING,
        "birth_date": v.date("birth_date"),
        "active": v.boolean("active") if v.has("active") else MISSING,
    }
    password: Any = v.text("password", max_length=1024) if v.has("password") else MISSING
    if isinstance(password, str) and len(password) < MIN_LENGTH:
        v.error("password", f"must be at least {MIN_LENGTH} characters (or left empty for none)")
    v.done()
    values = present(values)
    if values.get("role") is None:
        values.pop("role", None)
    if values.get("active") is None:
        values.pop("active", None)
    if password is not MISSING:
        values["password_hash"] = hash_password(password) if password else None
    return values


def _email_taken(email: str, except_id: int | None = None) -> bool:
    query = User.select().where(User.email == email)
    if except_id is not None:
        query = query.where(User.user_id != except_id)
    return query.exists()


def create_user(ctx: ServiceContext, data: dict[str, Any]) -> Outcome[User]:
    with database.atomic():
        first = not User.select().exists()
        if not first:
            ctx.require_admin("add people")
        values = _validate(data, partial=False)
        if first:
            values["role"] = ADMIN
        if _email_taken(values["email"]):
            raise ValidationError("email", f"{values['email']} already has an account")
        user = rows.create(ctx, User, values, "user")
    return Outcome(user, CHANGED)


def create_account(
    ctx: ServiceContext,
    account: dict[str, Any],
    first_license: dict[str, Any] | None = None,
) -> Outcome[User]:
    """Create a person and, when ``first_license`` is given, their first license (created by
    that person), in one transaction: both or neither. This is the welcome dialog's "Create
    account". ValidationError keys are those of ``create_user`` and ``licenses.create_license``.
    """
    with database.atomic():
        created = create_user(ctx, account)
        user, changes = created.value, created.changes
        if first_license is not None:
            from cpe_desktop.services import licenses  # (not imported by the window's start)

            as_user = ServiceContext(Actor.for_user(user), ctx.clock)
            changes = changes | licenses.create_license(as_user, first_license).changes
    return Outcome(user, changes)


def sole_active_user() -> User | None:
    """The only active person when exactly one is active (None when none or several are):
    the one the program starts as when nobody has a password."""
    active = list(User.select().where(User.active == True).limit(2))  # noqa: E712
    return active[0] if len(active) == 1 else None


def update_user(ctx: ServiceContext, user_id: int, data: dict[str, Any]) -> Outcome[User]:
    with database.atomic():
        user = rows.get_or_missing(User, user_id, "person")
        ctx.require_owner(user.user_id, "change the details")
        values = _validate(data, partial=True)
        changes_rights = (
            values.get("role", user.role) != user.role
            or values.get("active", user.active) != user.active
        )
        if changes_rights and not ctx.actor.is_admin:
            raise PermissionDenied("Only an administrator can change roles or deactivate people.")
        if "email" in values and _email_taken(values["email"], except_id=user.user_id):
            raise ValidationError("email", f"{values['email']} already has an account")
        demoting = values.get("role", user.role) != ADMIN or values.get("active", True) is False
        if user.role == ADMIN and demoting and _other_active_admins(user.user_id) == 0:
            raise Conflict(
                "This is the only administrator; make someone else an administrator first."
            )
        rows.update(ctx, user, values, "user")
    return Outcome(user, CHANGED)


def _other_active_admins(user_id: int) -> int:
    return (
        User.select()
        .where((User.role == ADMIN) & (User.active == True) & (User.user_id != user_id))  # noqa: E712
        .count()
    )


def delete_user(ctx: ServiceContext, user_id: int) -> Outcome[None]:
    """Remove a person and everything that is theirs (licenses, records, preferences…)."""
    from cpe_desktop.services import compliance  # (not imported by the window's start)

    compliance.forget_cached_records()
    with database.atomic():
        ctx.require_admin("remove people")
        user = rows.get_or_missing(User, user_id, "person")
        if user.role == ADMIN and _other_active_admins(user.user_id) == 0:
            raise Conflict("This is the only administrator and cannot be removed.")
        # The database cascades the person's licenses and records; their custom values go too.
        owned = {
            "license": [
                lic.license_id
                for lic in License.select(License.license_id).where(License.user == user)
            ],
            "record": [
                rec.record_id
                for rec in CpeRecord.select(CpeRecord.record_id).where(CpeRecord.user == user)
            ],
            "user": [user.user_id],
        }
        for entity, ids in owned.items():
            custom_fields.remove_values_for(entity, ids)
        rows.delete(ctx, user, "user")
    return Outcome(None, Changes.of(USERS, AUDIT) | _CASCADE)


def _what_goes_with_a_person() -> Changes:
    """The kinds of the tables whose rows go with a deleted person (ON DELETE CASCADE) or lose
    their person (SET NULL), following the cascades on (a record's credit lines go with it)."""
    touched: set[type[BaseModel]] = {User}
    grew = True
    while grew:
        grew = False
        for model in ALL_MODELS:
            if model not in touched and any(
                ref.rel_model in touched and ref.on_delete in ("CASCADE", "SET NULL")
                for ref in model._meta.refs
            ):
                touched.add(model)
                grew = True
    touched.discard(User)
    missing = sorted(m._meta.table_name for m in touched if m._meta.table_name not in TABLE_KINDS)
    if missing:
        raise LookupError(f"give {missing} a kind of change in services/changes.TABLE_KINDS")
    return Changes.of(*(TABLE_KINDS[model._meta.table_name] for model in touched))


# Deleting a person removes their data of every kind (the database's cascades say which).
_CASCADE = _what_goes_with_a_person()


def get_user(ctx: ServiceContext, user_id: int) -> User:
    user = rows.get_or_missing(User, user_id, "person")
    if not ctx.can_see(user.user_id):
        raise PermissionDenied("You can only see your own account.")
    return user


def find_by_email(ctx: ServiceContext, email: str) -> User:
    """The account with ``email``. A member asking for anyone else's is refused in the same
    words whether or not that account exists."""
    user = User.get_or_none(User.email == email.strip().lower())
    if not ctx.actor.is_admin and (user is None or user.user_id != ctx.actor.user_id):
        raise PermissionDenied(
            f"{email!r} is not your account; you can only use your own account's data."
        )
    if user is None:
        raise ValidationError("user", f"There is no account with the email {email!r}.")
    return user


def list_users(ctx: ServiceContext, *, include_inactive: bool = True) -> list[User]:
    query = User.select().order_by(User.name, User.user_id)
    if not ctx.actor.is_admin:
        query = query.where(User.user_id == ctx.actor.user_id)
    if not include_inactive:
        query = query.where(User.active == True)  # noqa: E712
    return list(query)


def has_users() -> bool:
    return User.select().exists()


def any_password() -> bool:
    return User.select().where(User.password_hash.is_null(False)).exists()


def authenticate(ctx: ServiceContext, email: str, password: str | None) -> User:
    """Sign a person in; a wrong password or unknown email gets the same answer."""
    user = User.get_or_none(User.email == (email or "").strip().lower())
    refused = PermissionDenied("That email and password do not match an active account.")
    if user is None or not user.active:
        raise refused
    if user.password_hash is not None and not verify_password(password or "", user.password_hash):
        raise refused
    as_user = ServiceContext(Actor.for_user(user), ctx.clock)
    if user.password_hash is not None and needs_rehash(user.password_hash):
        _upgrade_hash(as_user, user, password or "")
    activity.log(as_user, "logged in")
    return user


def _upgrade_hash(ctx: ServiceContext, user: User, password: str) -> None:
    """Hash a password that just verified again at today's cost (``passwords.needs_rehash``):
    one transaction with its audit entry, which says so and holds no secret. The slow hashing
    happens before the transaction, so the write lock is held for milliseconds; if the password
    was changed meanwhile, the newer hash is kept."""
    old = user.password_hash
    new = hash_password(password)
    with database.atomic():
        before = audit.snapshot(user)
        changed = (
            User.update(password_hash=new)
            .where((User.user_id == user.user_id) & (User.password_hash == old))
            .execute()
        )
        if not changed:
            return
        user.password_hash = new
        audit.write(
            ctx,
            "update",
            "user",
            user.user_id,
            before,
            audit.snapshot(user),
            details=f"password hash upgraded at sign-in (scrypt N={N}, r={R}, p={P})",
        )
