"""Preferences › Mail server: the firm's server, edited by an administrator and shown to members
("Set by your administrator"); "Send test email" against a real SMTP server, to the person's own
address; and the mail password going to this computer's credential store (or being asked for)
instead of the database."""

from __future__ import annotations

import json

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from cpe_desktop.db.models import AuditLog, FirmSetting, Preference
from cpe_desktop.services import preferences
from cpe_desktop.services.mail.smtp import SmtpSettings, Transport
from cpe_desktop.ui.dialogs import smtp_password_prompt
from cpe_desktop.ui.dialogs.preferences_dialog import (
    NO_SERVER_NOTE,
    NO_STORE_NOTE,
    SET_BY_ADMINISTRATOR,
    PreferencesDialog,
)
from cpe_desktop.ui.dialogs.smtp_password_prompt import ask_smtp_password
from tests.helpers.mail_doubles import MemoryKeyring, SmtpServer, free_port, installed_keyring

PASSWORD = "c0rrect-h0rse-battery"
SERVICE = "CPE Tracker SMTP"


@pytest.fixture
def store():
    with installed_keyring(MemoryKeyring()) as backend:
        yield backend


@pytest.fixture
def no_store():
    with installed_keyring(fail.Keyring()) as backend:
        yield backend


def _dialog(qtbot, people, port: int, user: str = "") -> PreferencesDialog:
    """The administrator's Preferences with the firm's server typed in (not saved)."""
    dialog = PreferencesDialog(people.as_admin, people.admin.user_id)
    qtbot.addWidget(dialog)
    dialog.transport = Transport(timeout=5.0)
    dialog.inputs["smtp_host"].setText("127.0.0.1")
    dialog.inputs["smtp_port"].setValue(port)
    security = dialog.inputs["smtp_security"]
    security.setCurrentIndex(security.findData("none"))
    dialog.inputs["smtp_user"].setText(user)
    dialog.inputs["smtp_sender"].setText("cpe@firm.example")
    return dialog


def _click_test(qtbot, dialog: PreferencesDialog) -> tuple[bool, str]:
    with qtbot.waitSignal(dialog.test_finished, timeout=15_000) as blocker:
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.test_button.isEnabled()
    return tuple(blocker.args)


def test_send_test_email_reports_success(qtbot, people, store):
    with SmtpServer() as server:
        dialog = _dialog(qtbot, people, server.port)
        ok, message = _click_test(qtbot, dialog)
    assert ok and message == "Test message sent to ada@example.com"
    assert dialog.test_result.text() == "Test message sent to ada@example.com"
    (sent,) = server.messages
    assert (sent["From"], sent["To"]) == ("cpe@firm.example", "ada@example.com")
    assert Preference.select().count() == 0, "the test uses the dialog's values unsaved"
    assert FirmSetting.select().count() == 0


def test_send_test_email_to_a_closed_port_says_why(qtbot, people, store):
    port = free_port()
    dialog = _dialog(qtbot, people, port)
    ok, message = _click_test(qtbot, dialog)
    assert not ok
    assert dialog.test_result.text() == (
        f"The mail server 127.0.0.1 (port {port}) refused the connection. "
        "Check the server name and port."
    )


def test_send_test_email_needs_a_server(qtbot, people, store):
    dialog = PreferencesDialog(people.as_admin, people.admin.user_id)
    qtbot.addWidget(dialog)
    dialog.send_test_email()
    assert dialog.errors.message("smtp_host") == "Is needed to send a test email"
    assert dialog.test_button.isEnabled() and dialog.test_result.text() == ""


def test_password_goes_to_the_store_not_the_preferences(qtbot, people, store):
    with SmtpServer(login=("ann.mail", PASSWORD)) as server:
        dialog = _dialog(qtbot, people, server.port, user="ann.mail")
        assert dialog.password.isVisibleTo(dialog) and not dialog.no_store_note.isVisibleTo(dialog)
        qtbot.keyClicks(dialog.password, PASSWORD)
        ok, _ = _click_test(qtbot, dialog)  # uses the typed password before it is saved
        dialog.save()
    assert ok and server.logins == ["ann.mail"]
    assert dialog.outcome is not None
    assert preferences.get_firm_settings(people.as_ann)["smtp_user"] == "ann.mail"
    assert store.saved == {(SERVICE, "ann.mail@127.0.0.1"): PASSWORD}
    for model in (Preference, FirmSetting, AuditLog):
        rows = json.dumps([list(row) for row in model.select().tuples()], default=str)
        assert PASSWORD not in rows
    assert "smtp_password" not in preferences.get_firm_settings(people.as_admin)

    again = PreferencesDialog(people.as_admin, people.admin.user_id)
    qtbot.addWidget(again)
    assert again.password.text() == PASSWORD
    again.password.clear()
    again.save()
    assert store.saved == {}, "clearing the field forgets the saved password"


def test_password_without_a_user_name_is_refused_beside_the_field(qtbot, people, store):
    dialog = _dialog(qtbot, people, 2525)
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.save()
    assert dialog.errors.message("smtp_user") == "Is needed before a mail password can be saved"
    assert store.saved == {} and FirmSetting.select().count() == 0


def test_without_a_store_the_password_is_asked_for(qtbot, people, no_store, monkeypatch):
    asked: list[SmtpSettings] = []

    def answer(parent, settings):
        asked.append(settings)
        return PASSWORD

    monkeypatch.setattr(smtp_password_prompt, "ask_smtp_password", answer)
    with SmtpServer(login=("ann.mail", PASSWORD)) as server:
        dialog = _dialog(qtbot, people, server.port, user="ann.mail")
        assert not dialog.password.isVisibleTo(dialog) and not dialog.password.isEnabled()
        assert dialog.no_store_note.isVisibleTo(dialog)
        assert dialog.no_store_note.text() == NO_STORE_NOTE
        ok, message = _click_test(qtbot, dialog)
        dialog.save()
    assert ok, message
    assert [(s.user, s.host) for s in asked] == [("ann.mail", "127.0.0.1")]
    assert server.logins == ["ann.mail"]
    assert dialog.result() == dialog.DialogCode.Accepted


def test_without_a_store_cancelling_the_prompt_sends_nothing(qtbot, people, no_store, monkeypatch):
    monkeypatch.setattr(smtp_password_prompt, "ask_smtp_password", lambda parent, s: None)
    with SmtpServer() as server:
        dialog = _dialog(qtbot, people, server.port, user="ann.mail")
        dialog.send_test_email()
    assert dialog.test_button.isEnabled() and dialog.test_result.text() == ""
    assert server.messages == []


def _answer_prompt(text: str | None) -> None:
    def answer() -> None:
        prompt = QApplication.activeModalWidget()
        assert isinstance(prompt, QInputDialog)
        assert prompt.textEchoMode() == QLineEdit.EchoMode.Password
        assert "ann.mail on mail.example.com" in prompt.labelText()
        if text is None:
            prompt.reject()
        else:
            prompt.setTextValue(text)
            prompt.accept()

    QTimer.singleShot(0, answer)


def test_ask_smtp_password(qtbot):
    settings = SmtpSettings("mail.example.com", user="ann.mail")
    _answer_prompt(PASSWORD)
    assert ask_smtp_password(None, settings) == PASSWORD
    _answer_prompt(None)
    assert ask_smtp_password(None, settings) is None


# --- what a member sees --------------------------------------------------------------------------


def _firm_server(people, port: int, user: str = "") -> None:
    preferences.set_firm_settings(
        people.as_admin,
        {
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_security": "none",
            "smtp_user": user,
            "smtp_sender": "cpe@firm.example",
        },
    )


def _member_dialog(qtbot, people) -> PreferencesDialog:
    dialog = PreferencesDialog(people.as_ann, people.ann.user_id)
    qtbot.addWidget(dialog)
    dialog.transport = Transport(timeout=5.0)
    return dialog


def test_a_member_sees_the_firms_server_set_by_the_administrator(qtbot, people, store):
    _firm_server(people, 2525)
    dialog = _member_dialog(qtbot, people)
    assert not set(preferences.FIRM_SETTINGS) & set(dialog.inputs)  # nothing to edit
    assert dialog.server_note.text() == SET_BY_ADMINISTRATOR
    shown = {name: label.text() for name, label in dialog.server_labels.items()}
    assert shown == {
        "smtp_host": "127.0.0.1",
        "smtp_port": "2525",
        "smtp_security": "None (not encrypted)",
        "smtp_user": "—",
        "smtp_sender": "cpe@firm.example",
    }
    assert not dialog.password.isVisibleTo(dialog)  # the server wants no log-in
    assert dialog.address.text().startswith("ann@example.com")
    dialog.inputs["notification_method"].setCurrentIndex(
        dialog.inputs["notification_method"].findData("email")
    )
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert (
        preferences.get_preferences(people.as_ann, people.ann.user_id)["notification_method"]
        == "email"
    )
    assert preferences.get_firm_settings(people.as_ann)["smtp_port"] == 2525  # untouched


def test_a_member_tests_the_firms_server_with_the_password_of_this_computer(qtbot, people, store):
    with SmtpServer(login=("office", PASSWORD)) as server:
        _firm_server(people, server.port, user="office")
        dialog = _member_dialog(qtbot, people)
        assert dialog.password.isVisibleTo(dialog) and dialog.password.text() == ""
        dialog.send_test_email()
        assert "Enter the mail password for this computer first" in dialog.test_result.text()
        qtbot.keyClicks(dialog.password, PASSWORD)
        ok, message = _click_test(qtbot, dialog)
        dialog.save()
    assert ok and message == "Test message sent to ann@example.com"
    assert server.logins == ["office"]
    assert store.saved == {(SERVICE, "office@127.0.0.1"): PASSWORD}
    assert FirmSetting.get_by_id("smtp_user").setting_value == "office"


def test_a_member_without_a_firm_server_is_told_who_sets_it(qtbot, people, store):
    dialog = _member_dialog(qtbot, people)
    assert dialog.server_note.text() == f"{SET_BY_ADMINISTRATOR} {NO_SERVER_NOTE}"
    assert dialog.server_labels == {}  # no port or security shown as if a server were set
    dialog.send_test_email()
    assert dialog.test_result.text() == NO_SERVER_NOTE
