"""Schema 7: one mail server for the whole firm (table ``firm_settings``).

Until schema 6 each person set their own outgoing mail server in their preferences
(``smtp_host``, ``smtp_port``, ``smtp_security``, ``smtp_user``, ``smtp_sender``). A firm has one
server, set by an administrator; each person keeps their own address (their account's email) and
their own choice of being told by email ("Notify me by").

The step creates ``firm_settings`` and moves one person's server into it: the first
administrator's (lowest id) who had set a mail server, else, where no administrator had, the first
member's who had. Those five preferences are then removed from everyone, since nothing reads them
any more (they would only linger in Administration › Preferences). Nothing else changes: the mail
password stays where it was, in the computer's credential store, under the same account name
(user@server), so the server the firm keeps goes on working on the computer where it was set.

Small models of its own, so later edits to ``db/models.py`` cannot change what it does.
"""

from __future__ import annotations

import peewee

SERVER_SETTINGS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_sender")


class _FirmSetting(peewee.Model):
    setting_name = peewee.CharField(max_length=100, primary_key=True)
    setting_value = peewee.TextField(null=True)
    created_at = peewee.DateTimeField()
    updated_at = peewee.DateTimeField()

    class Meta:
        table_name = "firm_settings"


class _User(peewee.Model):
    user_id = peewee.AutoField()
    role = peewee.CharField()

    class Meta:
        table_name = "users"


class _Preference(peewee.Model):
    preference_id = peewee.AutoField()
    user_id = peewee.IntegerField()
    setting_name = peewee.CharField()
    setting_value = peewee.TextField(null=True)
    created_at = peewee.DateTimeField()
    updated_at = peewee.DateTimeField()

    class Meta:
        table_name = "preferences"


def _source(rows: list[_Preference], roles: dict[int, str]) -> int | None:
    """Whose server becomes the firm's: the first administrator with a mail server, else the
    first member with one."""
    with_server = {
        row.user_id
        for row in rows
        if row.setting_name == "smtp_host" and (row.setting_value or "").strip()
    }
    ranked = sorted(with_server, key=lambda user_id: (roles.get(user_id) != "admin", user_id))
    return ranked[0] if ranked else None


def apply(db: peewee.Database) -> None:
    with db.bind_ctx([_FirmSetting, _User, _Preference]):
        _FirmSetting.create_table()
        rows = list(_Preference.select().where(_Preference.setting_name.in_(SERVER_SETTINGS)))
        roles = {user.user_id: user.role for user in _User.select(_User.user_id, _User.role)}
        source = _source(rows, roles)
        for row in rows:
            if row.user_id == source and row.setting_value is not None:
                _FirmSetting.create(
                    setting_name=row.setting_name,
                    setting_value=row.setting_value,
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                )
        _Preference.delete().where(_Preference.setting_name.in_(SERVER_SETTINGS)).execute()
