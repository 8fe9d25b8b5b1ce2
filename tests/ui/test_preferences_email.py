"""Preferences › Email: "Send test email" against a real SMTP server, and the mail password going
to the credential store (or being asked for) instead of the preferences table."""

from __future__ import annotations

import json

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from cpe_desktop.db.models import AuditLog, Preference
from cpe_desktop.services import preferences
from cpe_desktop.services.smtp_delivery import SmtpSettings, Transport
from cpe_desktop.ui.dialogs import smtp_password_prompt
from cpe_desktop.ui.dialogs.preferences_dialog import NO_STORE_NOTE, PreferencesDialog
from cpe_desktop.ui.dialogs.smtp_password_prompt import ask_smtp_password
from tests.services.smtp_server import MemoryKeyring, SmtpServer, free_port, installed_keyring

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
    dialog = PreferencesDialog(people.as_ann, people.ann.user_id)
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
    assert ok and message == "Test message sent to ann@example.com"
    assert dialog.test_result.text() == "Test message sent to ann@example.com"
    (sent,) = server.messages
    assert (sent["From"], sent["To"]) == ("cpe@firm.example", "ann@example.com")
    assert Preference.select().count() == 0, "the test uses the dialog's values unsaved"


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
    dialog = PreferencesDialog(people.as_ann, people.ann.user_id)
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
    assert dialog.outcome is not None and dialog.outcome.value["smtp_user"] == "ann.mail"
    assert store.saved == {(SERVICE, "ann.mail@127.0.0.1"): PASSWORD}
    for model in (Preference, AuditLog):
        rows = json.dumps([list(row) for row in model.select().tuples()], default=str)
        assert PASSWORD not in rows
    assert "smtp_password" not in preferences.get_preferences(people.as_ann, people.ann.user_id)

    again = PreferencesDialog(people.as_ann, people.ann.user_id)
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
    assert store.saved == {} and Preference.select().count() == 0


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
