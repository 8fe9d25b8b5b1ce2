"""Per-user settings: defaults until something is stored, every setting checked by its own
validator, several settings saved all-or-nothing, the SMTP password never accepted, members limited
to their own settings, and one audit entry per real change. The firm's settings (the mail server)
likewise, changed by administrators only and read by everyone."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cpe_desktop.db.models import AuditLog, FirmSetting, Preference
from cpe_desktop.services import preferences
from cpe_desktop.services.errors import NotFound, PermissionDenied, ValidationError

DEFAULTS = {
    "timezone": "local",
    "reminder_lead_days": (90, 30, 7),
    "notification_method": "tray",
    "theme": "system",
    "import_words": {"field_of_study": {}, "delivery_method": {}},
    "backup_keep": (7, 4, 12),
    "sync_warning_shown_for": "",
}
FIRM_DEFAULTS = {
    "smtp_host": "",
    "smtp_port": 587,
    "smtp_security": "starttls",
    "smtp_user": "",
    "smtp_sender": "",
}


@pytest.fixture
def team(people):
    """An administrator and two members (the shared ``people`` fixture)."""
    return people


def _audits() -> int:
    return AuditLog.select().count()


def _stored(user_id: int) -> dict[str, str]:
    query = Preference.select().where(Preference.user == user_id)
    return {p.setting_name: p.setting_value for p in query}


def test_declared_settings_are_the_documented_ones():
    assert {name: s.default for name, s in preferences.SETTINGS.items()} == DEFAULTS
    assert {name: s.default for name, s in preferences.FIRM_SETTINGS.items()} == FIRM_DEFAULTS
    assert "smtp_password" not in preferences.SETTINGS | preferences.FIRM_SETTINGS
    assert set(FIRM_DEFAULTS) == preferences.FORMERLY_PERSONAL


def test_defaults_when_nothing_is_stored(team):
    assert preferences.get_preferences(team.as_ann, team.ann.user_id) == DEFAULTS
    assert _stored(team.ann.user_id) == {}


def test_several_settings_are_saved_together(team):
    before = _audits()
    outcome = preferences.set_preferences(
        team.as_ann,
        team.ann.user_id,
        {"timezone": "America/Chicago", "theme": "dark", "reminder_lead_days": "60, 14"},
    )
    assert outcome.value == DEFAULTS | {
        "timezone": "America/Chicago",
        "theme": "dark",
        "reminder_lead_days": (60, 14),
    }
    assert "preferences" in outcome.changes and "audit" in outcome.changes
    assert _stored(team.ann.user_id) == {
        "timezone": "America/Chicago",
        "theme": "dark",
        "reminder_lead_days": "60, 14",
    }
    assert _audits() == before + 3
    # each person has their own settings
    assert preferences.get_preferences(team.as_bob, team.bob.user_id) == DEFAULTS


def test_one_bad_value_stores_nothing_and_names_that_setting(team):
    preferences.set_preferences(team.as_ann, team.ann.user_id, {"theme": "light"})
    before = _audits()
    with pytest.raises(ValidationError) as err:
        preferences.set_preferences(
            team.as_ann,
            team.ann.user_id,
            {"theme": "dark", "timezone": "Mars/Olympus_Mons", "reminder_lead_days": "14"},
        )
    assert set(err.value.errors) == {"timezone"}
    assert "Mars/Olympus_Mons" in err.value.errors["timezone"]
    assert _stored(team.ann.user_id) == {"theme": "light"}
    assert _audits() == before


def test_every_bad_setting_is_named_at_once(team):
    with pytest.raises(ValidationError) as err:
        preferences.set_preferences(
            team.as_ann,
            team.ann.user_id,
            {"theme": "purple", "reminder_lead_days": "0", "colour_scheme": "dark"},
        )
    assert set(err.value.errors) == {"theme", "reminder_lead_days", "colour_scheme"}
    assert err.value.errors["colour_scheme"] == "is not a known setting"
    assert _stored(team.ann.user_id) == {}


GOOD = [
    ("timezone", "America/Chicago", "America/Chicago"),
    ("timezone", "  Europe/Paris ", "Europe/Paris"),
    ("timezone", "UTC", "UTC"),
    ("timezone", "local", "local"),
    ("reminder_lead_days", "90, 30, 7", (90, 30, 7)),
    ("reminder_lead_days", "7,30,90", (90, 30, 7)),
    ("reminder_lead_days", "7; 30; 30; 90", (90, 30, 7)),
    ("reminder_lead_days", " 14 ", (14,)),
    ("reminder_lead_days", "730, 1", (730, 1)),
    ("reminder_lead_days", [7, "30", 30], (30, 7)),
    ("notification_method", "EMAIL", "email"),
    ("notification_method", "tray_and_email", "tray_and_email"),
    ("theme", " Dark ", "dark"),
    ("backup_keep", "14 daily, 8 weekly, 24 monthly", (14, 8, 24)),
    ("backup_keep", "3, 0, 0", (3, 0, 0)),
    ("backup_keep", [7, "4", 12], (7, 4, 12)),
    ("sync_warning_shown_for", "/home/ann/Dropbox/CPE", "/home/ann/Dropbox/CPE"),
]


@pytest.mark.parametrize(("name", "given", "expected"), GOOD)
def test_valid_values_are_parsed_stored_and_read_back(team, name, given, expected):
    outcome = preferences.set_preferences(team.as_ann, team.ann.user_id, {name: given})
    assert outcome.value[name] == expected
    assert preferences.get_preferences(team.as_ann, team.ann.user_id)[name] == expected
    assert name in _stored(team.ann.user_id)


BAD = [
    ("timezone", "Mars/Olympus_Mons"),
    ("timezone", ""),
    ("timezone", "../../etc/passwd"),
    ("timezone", "America/"),
    ("timezone", "Local"),
    ("reminder_lead_days", ""),
    ("reminder_lead_days", ", ;"),
    ("reminder_lead_days", "0"),
    ("reminder_lead_days", "731"),
    ("reminder_lead_days", "90, thirty"),
    ("reminder_lead_days", "7.5"),
    ("reminder_lead_days", "-7"),
    ("reminder_lead_days", []),
    ("reminder_lead_days", [True]),
    ("notification_method", "sms"),
    ("notification_method", ""),
    ("theme", "purple"),
    ("backup_keep", "0, 4, 12"),
    ("backup_keep", "7, 4"),
    ("backup_keep", "7, 4, 12, 1"),
    ("backup_keep", "7 weekly, 4 daily, 12 monthly"),
    ("backup_keep", "7, -4, 12"),
    ("backup_keep", "7, 4, 1001"),
    ("backup_keep", ""),
]


@pytest.mark.parametrize(("name", "given"), BAD)
def test_invalid_values_are_refused_naming_the_setting(team, name, given):
    before = _audits()
    with pytest.raises(ValidationError) as err:
        preferences.set_preferences(team.as_ann, team.ann.user_id, {name: given})
    assert list(err.value.errors) == [name]
    assert err.value.errors[name]  # a message a person can act on
    assert _stored(team.ann.user_id) == {}
    assert _audits() == before


def test_smtp_password_is_never_stored(team):
    before = _audits()
    with pytest.raises(ValidationError) as err:
        preferences.set_preferences(
            team.as_ann, team.ann.user_id, {"smtp_host": "smtp.example.com", "smtp_password": "x"}
        )
    assert set(err.value.errors) == {"smtp_password"}
    assert "credential store" in err.value.errors["smtp_password"]
    assert _stored(team.ann.user_id) == {}
    assert _audits() == before


def test_member_cannot_read_or_change_another_members_settings(team):
    preferences.set_preferences(team.as_bob, team.bob.user_id, {"theme": "dark"})
    before = _audits()
    with pytest.raises(PermissionDenied):
        preferences.get_preferences(team.as_ann, team.bob.user_id)
    with pytest.raises(PermissionDenied):
        preferences.set_preferences(team.as_ann, team.bob.user_id, {"theme": "light"})
    with pytest.raises(PermissionDenied):
        preferences.reset_preference(team.as_ann, team.bob.user_id, "theme")
    with pytest.raises(PermissionDenied):  # not even the administrator's
        preferences.get_preferences(team.as_ann, team.admin.user_id)
    assert _stored(team.bob.user_id) == {"theme": "dark"}
    assert _audits() == before


def test_administrator_reads_and_changes_anyones_settings(team):
    preferences.set_preferences(team.as_bob, team.bob.user_id, {"theme": "dark"})
    assert preferences.get_preferences(team.as_admin, team.bob.user_id)["theme"] == "dark"
    preferences.set_preferences(team.as_admin, team.bob.user_id, {"theme": "light"})
    assert preferences.get_preferences(team.as_bob, team.bob.user_id)["theme"] == "light"
    preferences.reset_preference(team.as_admin, team.bob.user_id, "theme")
    assert preferences.get_preferences(team.as_bob, team.bob.user_id)["theme"] == "system"


def test_settings_of_a_missing_person_are_refused(team):
    with pytest.raises(NotFound):
        preferences.set_preferences(team.as_admin, 9999, {"theme": "dark"})
    assert Preference.select().count() == 0


def test_unchanged_value_writes_no_audit_entry(team):
    preferences.set_preferences(
        team.as_ann, team.ann.user_id, {"theme": "dark", "reminder_lead_days": "30, 7"}
    )
    before = _audits()
    stamp = Preference.get(Preference.setting_name == "theme").updated_at
    # the same values, spelled differently, are still the same values
    preferences.set_preferences(
        team.as_ann, team.ann.user_id, {"theme": " DARK ", "reminder_lead_days": [7, 30, 7]}
    )
    assert _audits() == before
    assert Preference.get(Preference.setting_name == "theme").updated_at == stamp


def test_changed_value_writes_exactly_one_audit_entry(team, clock):
    preferences.set_preferences(
        team.as_ann, team.ann.user_id, {"theme": "dark", "notification_method": "email"}
    )
    clock.advance(dt.timedelta(hours=1))
    before = _audits()
    # theme changes; notification_method is stored with this value already
    preferences.set_preferences(
        team.as_ann, team.ann.user_id, {"theme": "light", "notification_method": "email"}
    )
    assert _audits() == before + 1
    entry = AuditLog.select().order_by(AuditLog.log_id.desc()).first()
    assert entry.action == "update preference"
    assert entry.user_id == team.ann.user_id
    assert json.loads(entry.before_json)["setting_value"] == "dark"
    assert json.loads(entry.after_json)["setting_value"] == "light"
    pref = Preference.get(Preference.setting_name == "theme")
    assert (pref.setting_value, pref.updated_at) == ("light", clock.now().replace(tzinfo=None))


def test_reset_restores_the_default(team):
    preferences.set_preferences(
        team.as_ann, team.ann.user_id, {"theme": "dark", "timezone": "Asia/Tokyo"}
    )
    before = _audits()
    outcome = preferences.reset_preference(team.as_ann, team.ann.user_id, "theme")
    assert "preferences" in outcome.changes
    values = preferences.get_preferences(team.as_ann, team.ann.user_id)
    assert values["theme"] == "system"
    assert values["timezone"] == "Asia/Tokyo"
    assert _stored(team.ann.user_id) == {"timezone": "Asia/Tokyo"}
    assert _audits() == before + 1
    # resetting again has nothing to forget
    preferences.reset_preference(team.as_ann, team.ann.user_id, "theme")
    assert _audits() == before + 1


def test_value_damaged_outside_the_program_falls_back_to_the_default(team, system):
    now = system.now()
    for name, text in (("theme", "plaid"), ("timezone", "Nowhere/Town"), ("retired", "x")):
        Preference.create(
            user=team.ann.user_id,
            setting_name=name,
            setting_value=text,
            created_at=now,
            updated_at=now,
        )
    assert preferences.get_preferences(team.as_ann, team.ann.user_id) == DEFAULTS


@pytest.mark.parametrize(
    "value", [{"America/Chicago": 0}, "Europe/" + "x" * 300, "", 42, "../../etc/passwd"]
)
def test_a_time_zone_must_be_a_real_zone_name(value):
    with pytest.raises(ValueError, match="is not a time zone name"):
        preferences.SETTINGS["timezone"].parse(value)


# --- the firm's settings ------------------------------------------------------------------------

FIRM_GOOD = [
    ("smtp_host", " smtp.example.com ", "smtp.example.com"),
    ("smtp_host", "", ""),
    ("smtp_port", "465", 465),
    ("smtp_port", 25, 25),
    ("smtp_port", "1", 1),
    ("smtp_port", "65535", 65535),
    ("smtp_security", "TLS", "tls"),
    ("smtp_security", "none", "none"),
    ("smtp_user", "office@firm.example", "office@firm.example"),
    ("smtp_sender", " Office@Firm.example ", "Office@Firm.example"),
    ("smtp_sender", "", ""),
]


@pytest.mark.parametrize(("name", "given", "expected"), FIRM_GOOD)
def test_firm_settings_are_parsed_stored_and_read_back_by_everyone(team, name, given, expected):
    before = _audits()
    outcome = preferences.set_firm_settings(team.as_admin, {name: given})
    assert outcome.value[name] == expected
    assert "preferences" in outcome.changes and "audit" in outcome.changes
    for ctx in (team.as_admin, team.as_ann, team.as_bob):
        assert preferences.get_firm_settings(ctx)[name] == expected
    assert FirmSetting.get_by_id(name).setting_value == preferences.FIRM_SETTINGS[name].dump(
        expected
    )
    assert _audits() == before + 1
    entry = AuditLog.select().order_by(AuditLog.log_id.desc()).first()
    assert (entry.action, entry.entity_id) == ("create firm_setting", name)
    assert Preference.select().count() == 0  # nobody's own settings


FIRM_BAD = [
    ("smtp_security", "ssl"),
    ("smtp_port", "0"),
    ("smtp_port", "65536"),
    ("smtp_port", "-25"),
    ("smtp_port", "smtp"),
    ("smtp_port", ""),
    ("smtp_port", 587.5),
    ("smtp_port", True),
    ("smtp_host", "mail.example.com\nX-Injected: yes"),
    ("smtp_host", "h" * 256),
    ("smtp_user", "tab\tinside"),
    ("smtp_sender", "not-an-email"),
    ("smtp_sender", "office@firm"),
    ("smtp_sender", "two words@firm.example"),
    ("smtp_sender", "a@firm.example\r\nBcc: everyone@example.com"),
]


@pytest.mark.parametrize(("name", "given"), FIRM_BAD)
def test_invalid_firm_settings_are_refused_naming_the_setting(team, name, given):
    before = _audits()
    with pytest.raises(ValidationError) as err:
        preferences.set_firm_settings(team.as_admin, {name: given})
    assert list(err.value.errors) == [name] and err.value.errors[name]
    assert FirmSetting.select().count() == 0 and _audits() == before


def test_firm_defaults_and_damaged_values(team, system):
    assert preferences.get_firm_settings(team.as_ann) == FIRM_DEFAULTS
    now = system.now()
    for name, text in (("smtp_port", "lots"), ("smtp_security", "ssl"), ("retired", "x")):
        FirmSetting.create(setting_name=name, setting_value=text, created_at=now, updated_at=now)
    assert preferences.get_firm_settings(team.as_ann) == FIRM_DEFAULTS


def test_only_an_administrator_changes_the_firms_mail_server(team):
    with pytest.raises(PermissionDenied):
        preferences.set_firm_settings(team.as_ann, {"smtp_host": "mail.example.com"})
    with pytest.raises(PermissionDenied):
        preferences.save_settings(
            team.as_ann, team.ann.user_id, {"theme": "dark"}, {"smtp_host": "mail.example.com"}
        )
    assert FirmSetting.select().count() == 0 and _stored(team.ann.user_id) == {}


def test_the_mail_server_is_no_personal_setting_and_no_password_is_stored(team):
    with pytest.raises(ValidationError) as err:
        preferences.set_preferences(team.as_ann, team.ann.user_id, {"smtp_host": "x.example"})
    assert err.value.errors == {"smtp_host": "is not a known setting"}
    with pytest.raises(ValidationError) as err:
        preferences.set_firm_settings(team.as_admin, {"smtp_password": "hunter2"})
    assert set(err.value.errors) == {"smtp_password"}
    assert FirmSetting.select().count() == 0


def test_save_settings_stores_both_or_nothing(team):
    before = _audits()
    with pytest.raises(ValidationError) as err:
        preferences.save_settings(
            team.as_admin,
            team.admin.user_id,
            {"theme": "dark", "timezone": "Mars/Olympus_Mons"},
            {"smtp_host": "mail.example.com", "smtp_port": "0"},
        )
    assert set(err.value.errors) == {"timezone", "smtp_port"}  # both named at once
    assert _audits() == before and FirmSetting.select().count() == 0
    assert _stored(team.admin.user_id) == {}

    outcome = preferences.save_settings(
        team.as_admin,
        team.admin.user_id,
        {"theme": "dark"},
        {"smtp_host": "mail.example.com", "smtp_port": "465"},
    )
    assert outcome.value["theme"] == "dark"
    assert _stored(team.admin.user_id) == {"theme": "dark"}
    firm = preferences.get_firm_settings(team.as_bob)
    assert (firm["smtp_host"], firm["smtp_port"]) == ("mail.example.com", 465)
    assert _audits() == before + 3
    # A member's save with no firm values is their own settings only.
    preferences.save_settings(team.as_bob, team.bob.user_id, {"theme": "light"}, {})
    assert _stored(team.bob.user_id) == {"theme": "light"}
