"""Email delivery against a real SMTP server on 127.0.0.1: what arrives, retries with back-off,
giving up, the plain-words reasons, and the password staying out of the database and the log."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from cpe_desktop.db.models import AuditLog, Email, Preference
from cpe_desktop.log import setup_logging
from cpe_desktop.services import notifications, preferences
from cpe_desktop.services.errors import PermissionDenied, ValidationError
from cpe_desktop.services.mail import outbox as mail
from cpe_desktop.services.mail import password as smtp_password
from cpe_desktop.services.mail.outbox import BACKOFF, MAX_ATTEMPTS, SmtpSettings, Transport
from tests.helpers.mail_doubles import (
    MemoryKeyring,
    SmtpServer,
    free_port,
    installed_keyring,
    make_certificate,
    silent_port,
)

QUICK = Transport(timeout=5.0)
PASSWORD = "Tr0ub4dor&3-horse"


@pytest.fixture
def server():
    with SmtpServer() as running:
        yield running


def _use_server(people, port: int, **extra) -> None:
    """The firm's server (set by the administrator) and Ann's choice of being told by email."""
    settings = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "smtp_sender": "cpe-tracker@firm.example",
        "notification_method": "tray_and_email",
        **extra,
    }
    firm = {k: v for k, v in settings.items() if k in preferences.FIRM_SETTINGS}
    preferences.set_firm_settings(people.as_admin, firm)
    own = {k: v for k, v in settings.items() if k not in firm}
    preferences.set_preferences(people.as_ann, people.ann.user_id, own)


def _notify(people, message: str = "Texas CPA: 12 hours still missing, 30 days left"):
    note = notifications.create_notification(
        people.as_ann, {"user_id": people.ann.user_id, "message": message, "kind": "deadline"}
    ).value
    return mail.queue_notification_email(people.as_ann, note.notification_id)


def _no_password(settings: SmtpSettings) -> str | None:
    raise AssertionError("no password should be asked for")


def _send(ctx, password_for=_no_password, transport: Transport = QUICK) -> mail.SendSummary:
    return mail.send_due(ctx, password_for=password_for, transport=transport)


def test_notification_email_is_queued_only_when_chosen(people, server):
    _use_server(people, server.port, notification_method="tray")
    assert _notify(people).value is None
    assert Email.select().count() == 0

    _use_server(people, server.port)
    outcome = _notify(people)
    queued = outcome.value
    assert "emails" in outcome.changes
    assert queued.status == "pending" and queued.recipient == "ann@example.com"
    assert queued.subject == "CPE Tracker: Texas CPA: 12 hours still missing, 30 days left"
    assert AuditLog.select().where(AuditLog.action == "create email").count() == 1


def test_due_email_is_delivered_with_its_content(people, server, system, clock):
    _use_server(people, server.port)
    queued = _notify(people).value
    steps: list[tuple[int, str]] = []

    summary = mail.send_due(
        system, password_for=_no_password, transport=QUICK, progress=lambda *s: steps.append(s)
    )

    assert (summary.sent, summary.retrying, summary.failed) == (1, 0, 0)
    assert "emails" in summary.changes
    (message,) = server.messages
    assert message["From"] == "cpe-tracker@firm.example"
    assert message["To"] == "ann@example.com"
    assert message["Subject"] == queued.subject
    assert message["Date"] and message["Message-ID"].endswith("@firm.example>")
    body = message.get_content()
    assert "12 hours still missing, 30 days left" in body and "CPE Tracker" in body
    assert server.inbox.envelopes == [("cpe-tracker@firm.example", ["ann@example.com"])]
    row = Email.get_by_id(queued.email_id)
    assert (row.status, row.attempts, row.error) == ("sent", 1, None)
    assert row.sent_at == clock.now().replace(tzinfo=None)
    updates = AuditLog.select().where(AuditLog.action == "update email").order_by(AuditLog.log_id)
    claim, sent = (json.loads(entry.after_json) for entry in updates)
    assert (claim["status"], claim["claimed_by"]) == ("sending", mail.THIS_DESK)
    assert sent["status"] == "sent"
    assert steps[-1][0] == 100 and "1 sent" in steps[-1][1]
    # sent mail is not sent again
    assert _send(system).sent == 0 and len(server.messages) == 1


def test_refused_recipient_is_retried_after_the_back_off(people, server, system, clock):
    _use_server(people, server.port)
    queued = _notify(people).value
    server.inbox.refuse = "550 5.1.1 Mailbox ann@example.com is full"

    summary = _send(system)

    row = Email.get_by_id(queued.email_id)
    assert (summary.sent, summary.retrying) == (0, 1)
    assert row.status == "pending" and row.attempts == 1
    assert row.error == (
        "The mail server refused the recipient ann@example.com "
        "(550 5.1.1 Mailbox ann@example.com is full)."
    )
    assert row.next_attempt_at == clock.now().replace(tzinfo=None) + BACKOFF[0]

    server.inbox.refuse = None
    assert _send(system).sent == 0, "not tried again before the back-off has passed"
    assert mail.next_attempt_due(system) == row.next_attempt_at

    clock.advance(BACKOFF[0])
    assert _send(system).sent == 1
    row = Email.get_by_id(queued.email_id)
    assert (row.status, row.attempts, row.error) == ("sent", 2, None)
    assert [m["Subject"] for m in server.messages] == [queued.subject]
    assert mail.next_attempt_due(system) is None


def test_gives_up_after_the_last_attempt(people, system, clock):
    port = free_port()  # nothing listens: every attempt is refused
    _use_server(people, port)
    queued = _notify(people).value
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        assert _send(system).retrying == 1
        row = Email.get_by_id(queued.email_id)
        waits.append(row.next_attempt_at - clock.now().replace(tzinfo=None))
        clock.set(row.next_attempt_at)
    summary = _send(system)

    row = Email.get_by_id(queued.email_id)
    assert waits == list(BACKOFF)
    assert summary.failed == 1 and row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert row.next_attempt_at is None
    assert row.error == (
        f"Gave up after {MAX_ATTEMPTS} attempts. The mail server 127.0.0.1 (port {port}) "
        "refused the connection. Check the server name and port."
    )
    clock.advance(dt.timedelta(days=2))
    assert _send(system).failed == 0
    assert Email.get_by_id(queued.email_id).attempts == MAX_ATTEMPTS


def test_no_mail_server_set_is_a_failed_attempt(people, system):
    preferences.set_preferences(people.as_ann, people.ann.user_id, {"notification_method": "email"})
    queued = _notify(people).value
    assert _send(system).retrying == 1
    row = Email.get_by_id(queued.email_id)
    assert row.error == (
        "No mail server is set. An administrator enters the firm's in Preferences, under "
        "Mail server."
    )


@pytest.fixture
def log_file():
    root = logging.getLogger()
    level = root.level
    path = setup_logging(logging.DEBUG)
    yield path
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler) and (Path(handler.baseFilename) == path):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def _all_text(model) -> str:
    return json.dumps([list(row) for row in model.select().tuples()], default=str)


def test_password_from_the_store_logs_in_and_is_kept_nowhere_else(people, system, log_file):
    with SmtpServer(login=("ann.mail", PASSWORD)) as server, installed_keyring(MemoryKeyring()):
        _use_server(people, server.port, smtp_user="ann.mail")
        smtp_password.set_password("ann.mail", "127.0.0.1", PASSWORD)
        _notify(people, "first")
        _notify(people, "second")
        assert [(a.user, a.host, a.port) for a in mail.accounts_due(system)] == [
            ("ann.mail", "127.0.0.1", server.port)
        ]
        asked: list[SmtpSettings] = []

        def from_store(settings: SmtpSettings) -> str | None:
            asked.append(settings)
            return smtp_password.get_password(settings.user, settings.host)

        summary = _send(system, from_store)

    assert summary.sent == 2 and server.logins == ["ann.mail", "ann.mail"]
    assert len(asked) == 1, "asked once per mail account per run"
    for model in (Email, Preference, AuditLog):
        assert PASSWORD not in _all_text(model)
    assert PASSWORD not in log_file.read_text(encoding="utf-8")
    assert "ann.mail@127.0.0.1" in log_file.read_text(encoding="utf-8")


def test_wrong_or_missing_password_is_a_failed_attempt(people, system):
    with SmtpServer(login=("ann.mail", PASSWORD)) as server:
        _use_server(people, server.port, smtp_user="ann.mail")
        first = _notify(people).value
        assert _send(system, lambda settings: "guess").retrying == 1
        assert Email.get_by_id(first.email_id).error == (
            "The mail server rejected the user name 'ann.mail' or its password "
            "(535 5.7.8 Authentication credentials invalid)."
        )
        second = _notify(people).value
        assert _send(system, lambda settings: None).retrying == 1  # the first is not due yet
    assert Email.get_by_id(second.email_id).error == (
        "The password for the mail account ann.mail is not known. "
        "Enter it on this computer in Preferences, under Mail server."
    )
    assert server.messages == []


def test_a_member_sends_only_their_own_mail_through_the_firms_server(people, server):
    _use_server(people, server.port)
    _notify(people)
    mail.queue_email(people.as_bob, people.bob.user_id, "Hello Bob", "Body")
    assert _send(people.as_bob).sent == 1  # Bob set no server: the firm's serves him too
    assert [m["To"] for m in server.messages] == ["bob@example.com"]
    assert _send(people.as_ann).sent == 1
    assert [m["To"] for m in server.messages] == ["bob@example.com", "ann@example.com"]
    assert {m["From"] for m in server.messages} == {"cpe-tracker@firm.example"}


def test_accounts_due_is_the_firms_server_when_it_logs_in(people, server):
    assert mail.accounts_due(people.as_ann) == []  # nothing due
    _use_server(people, server.port)
    _notify(people)
    assert mail.accounts_due(people.as_ann) == []  # due, but the server wants no log-in
    preferences.set_firm_settings(people.as_admin, {"smtp_user": "office"})
    (account,) = mail.accounts_due(people.as_ann)
    assert (account.host, account.port, account.user) == ("127.0.0.1", server.port, "office")
    assert mail.accounts_due(people.as_bob) == []  # none of Bob's mail is due


def test_queue_email_checks_its_input_and_owner(people):
    with pytest.raises(ValidationError) as err:
        mail.queue_email(people.as_ann, people.ann.user_id, "  ", "")
    assert set(err.value.errors) == {"subject", "body"}
    with pytest.raises(ValidationError) as err:
        mail.queue_email(people.as_ann, people.ann.user_id, "two\nlines", "x")
    assert err.value.field == "subject"
    with pytest.raises(PermissionDenied):
        mail.queue_email(people.as_ann, people.bob.user_id, "Hi", "there")
    assert Email.select().count() == 0


# --- "Send test email": each failure in plain words ------------------------------------------


def _test(settings: SmtpSettings, password=None, transport: Transport = QUICK):
    return mail.send_test(settings, password, "ann@example.com", transport=transport)


def test_send_test_success(server):
    result = _test(SmtpSettings("127.0.0.1", server.port, "none", sender="me@firm.example"))
    assert result.ok and result.message == "Test message sent to ann@example.com"
    (message,) = server.messages
    assert message["Subject"] == "CPE Tracker test message"
    assert message["From"] == "me@firm.example" and message["To"] == "ann@example.com"
    assert "test message from CPE Tracker" in message.get_content()


def test_send_test_connection_refused():
    port = free_port()
    result = _test(SmtpSettings("127.0.0.1", port, "none"))
    assert not result.ok
    assert result.message == (
        f"The mail server 127.0.0.1 (port {port}) refused the connection. "
        "Check the server name and port."
    )


def test_send_test_unknown_host():
    result = _test(SmtpSettings("no-such-host.invalid", 587))
    assert result.message == (
        "The mail server 'no-such-host.invalid' could not be found. "
        "Check its name and the internet connection."
    )


def test_send_test_timeout():
    with silent_port() as port:
        result = _test(SmtpSettings("127.0.0.1", port, "starttls"), transport=Transport(0.3))
    assert result.message.startswith(
        f"The mail server 127.0.0.1 (port {port}) did not answer within 0.3 seconds."
    )
    assert "choose TLS" in result.message


def test_send_test_tls_to_a_plain_server(server):
    result = _test(SmtpSettings("127.0.0.1", server.port, "tls"))
    assert not result.ok
    assert result.message.startswith("A secure (TLS) connection to 127.0.0.1")
    assert "STARTTLS usually goes with port 587, TLS with port 465" in result.message


def test_send_test_starttls_not_offered(server):
    result = _test(SmtpSettings("127.0.0.1", server.port, "starttls"))
    assert "does not offer STARTTLS" in result.message


def test_send_test_recipient_refused(server):
    server.inbox.refuse = "550 5.1.1 Unknown user"
    result = _test(SmtpSettings("127.0.0.1", server.port, "none"))
    assert result.message == (
        "The mail server refused the recipient ann@example.com (550 5.1.1 Unknown user)."
    )


def test_send_test_authentication_rejected():
    with SmtpServer(login=("ann.mail", PASSWORD)) as server:
        result = _test(SmtpSettings("127.0.0.1", server.port, "none", user="ann.mail"), "nope")
    assert result.message.startswith("The mail server rejected the user name 'ann.mail'")


def test_send_test_over_starttls_and_tls_with_a_trusted_certificate(tmp_path):
    cert = make_certificate(tmp_path)
    trusting = Transport(timeout=5.0, tls_context=cert.client_context)
    with SmtpServer(starttls=cert.server_context(), login=("ann.mail", PASSWORD)) as server:
        untrusted = _test(SmtpSettings("127.0.0.1", server.port, "starttls"))
        settings = SmtpSettings("127.0.0.1", server.port, "starttls", user="ann.mail")
        trusted = _test(settings, PASSWORD, trusting)
    assert untrusted.message.startswith("The mail server's security certificate could not be")
    assert trusted.ok and server.logins == ["ann.mail"] and len(server.messages) == 1
    with SmtpServer(implicit_tls=cert.server_context()) as server:
        assert _test(SmtpSettings("localhost", server.port, "tls"), None, trusting).ok
    assert len(server.messages) == 1
