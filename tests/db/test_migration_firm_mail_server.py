"""Schema 7: a database written by the schema-6 program, where each person set their own mail
server, gets one mail server for the firm: the first administrator's who had set one (else the
first member's), and nobody keeps a server of their own; everything else stays."""

from __future__ import annotations

import datetime as dt

from cpe_desktop.db.migrations import STEPS, current_version, latest_version, migrate
from cpe_desktop.db.models import FirmSetting, Preference
from cpe_desktop.services import preferences
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.mail import outbox as mail

WHEN = dt.datetime(2025, 3, 1, 9, 0)


def _person(db, name: str, role: str) -> int:
    db.execute_sql(
        "INSERT INTO users (name, email, role, active, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)".replace("?", db.param),
        (name, f"{name.lower()}@example.com", role, True, WHEN, WHEN),
    )
    (user_id,) = db.execute_sql(
        "SELECT user_id FROM users WHERE name = ?".replace("?", db.param), (name,)
    ).fetchone()
    return user_id


def _settings(db, user_id: int, values: dict[str, str]) -> None:
    for name, value in values.items():
        db.execute_sql(
            "INSERT INTO preferences (user_id, setting_name, setting_value, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?)".replace("?", db.param),
            (user_id, name, value, WHEN, WHEN),
        )


def _at_schema_6(db) -> None:
    migrate(db, STEPS[:6])
    assert current_version(db) == 6


def test_the_first_administrators_server_becomes_the_firms(empty_db):
    _at_schema_6(empty_db)
    member = _person(empty_db, "Mia", "member")  # the lowest id, but a member
    _settings(empty_db, member, {"smtp_host": "mia.example.com", "theme": "dark"})
    idle = _person(empty_db, "Ida", "admin")  # an administrator without a server
    _settings(empty_db, idle, {"smtp_host": "  ", "notification_method": "email"})
    first = _person(empty_db, "Ada", "admin")
    _settings(
        empty_db,
        first,
        {
            "smtp_host": "smtp.firm.example",
            "smtp_port": "465",
            "smtp_security": "tls",
            "smtp_user": "office@firm.example",
            "smtp_sender": "cpe@firm.example",
            "timezone": "America/Chicago",
        },
    )
    later = _person(empty_db, "Al", "admin")
    _settings(empty_db, later, {"smtp_host": "other.example.com", "smtp_port": "25"})

    result = migrate(empty_db)

    assert (result.from_version, result.to_version) == (6, latest_version())
    stored = {row.setting_name: row.setting_value for row in FirmSetting.select()}
    assert stored == {
        "smtp_host": "smtp.firm.example",
        "smtp_port": "465",
        "smtp_security": "tls",
        "smtp_user": "office@firm.example",
        "smtp_sender": "cpe@firm.example",
    }
    assert {row.created_at for row in FirmSetting.select()} == {WHEN}
    # Nobody keeps a server of their own; every other setting stays with its person.
    left = {(p.user_id, p.setting_name, p.setting_value) for p in Preference.select()}
    assert left == {
        (member, "theme", "dark"),
        (idle, "notification_method", "email"),
        (first, "timezone", "America/Chicago"),
    }
    # The live services read what the step wrote.
    ctx = ServiceContext(actor=SYSTEM)
    server = mail.smtp_settings(ctx)
    assert (server.host, server.port, server.security, server.user, server.sender) == (
        "smtp.firm.example",
        465,
        "tls",
        "office@firm.example",
        "cpe@firm.example",
    )
    assert preferences.get_preferences(ctx, first)["timezone"] == "America/Chicago"


def test_without_an_administrators_server_the_first_members_is_kept(empty_db):
    _at_schema_6(empty_db)
    _person(empty_db, "Ada", "admin")
    member = _person(empty_db, "Mia", "member")
    _settings(empty_db, member, {"smtp_host": "mia.example.com", "smtp_port": "2525"})
    other = _person(empty_db, "Max", "member")
    _settings(empty_db, other, {"smtp_host": "max.example.com"})

    migrate(empty_db)

    stored = {row.setting_name: row.setting_value for row in FirmSetting.select()}
    assert stored == {"smtp_host": "mia.example.com", "smtp_port": "2525"}
    assert Preference.select().count() == 0


def test_no_server_anywhere_leaves_the_firm_without_one(empty_db):
    _at_schema_6(empty_db)
    ada = _person(empty_db, "Ada", "admin")
    _settings(empty_db, ada, {"smtp_port": "25", "theme": "light"})

    migrate(empty_db)

    assert FirmSetting.select().count() == 0
    assert [(p.setting_name, p.setting_value) for p in Preference.select()] == [("theme", "light")]
    assert preferences.get_firm_settings(ServiceContext(actor=SYSTEM))["smtp_host"] == ""
