"""Talking to a mail server: one message in, success or a reason in plain words out.

Kept apart from the queue (:mod:`cpe_desktop.services.mail.outbox`) so Preferences' "Send test
email" and the background sender share the exact same connection code and the same wording of
failures. Nothing here touches the database, and no message ever contains the password.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from cpe_desktop.clock import Clock, SystemClock

DEFAULT_TIMEOUT = 15.0
SECURITY_CHOICES = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """The firm's outgoing mail server, as an administrator sets it in Preferences › Mail
    server (or the values being tried there)."""

    host: str
    port: int = 587
    security: str = "starttls"  # starttls | tls | none
    user: str = ""
    sender: str = ""

    @classmethod
    def from_preferences(cls, values: Mapping[str, Any]) -> SmtpSettings:
        """From a settings mapping (``smtp_host``, ``smtp_port``, ...: the firm settings)."""
        return cls(
            host=str(values.get("smtp_host") or "").strip(),
            port=int(values.get("smtp_port") or 587),
            security=str(values.get("smtp_security") or "starttls"),
            user=str(values.get("smtp_user") or "").strip(),
            sender=str(values.get("smtp_sender") or "").strip(),
        )

    @property
    def needs_password(self) -> bool:
        """A user name means the server wants a log-in, hence a password."""
        return bool(self.host and self.user)

    def from_address(self, recipient: str) -> str:
        """The chosen sender, else the user name if it is an address, else ``recipient``."""
        if self.sender:
            return self.sender
        return self.user if "@" in self.user else recipient


@dataclass(frozen=True)
class Transport:
    """How to reach mail servers; tests shorten the timeout and trust their own certificate."""

    timeout: float = DEFAULT_TIMEOUT
    tls_context: Callable[[], ssl.SSLContext] = ssl.create_default_context


DEFAULT_TRANSPORT = Transport()


@dataclass(frozen=True)
class TestResult:
    """What "Send test email" says: whether it worked, in plain words."""

    __test__ = False  # not a pytest test class

    ok: bool
    message: str


class MailFailure(Exception):
    """A delivery that did not happen; ``str()`` is the reason in plain words."""


def send_test(
    settings: SmtpSettings,
    password: str | None,
    recipient: str,
    *,
    transport: Transport = DEFAULT_TRANSPORT,
    clock: Clock | None = None,
) -> TestResult:
    """Send a short test message with ``settings``; the result says in plain words what happened."""
    if not recipient:
        return TestResult(False, "Your account has no email address to send the test to.")
    body = (
        "This is a test message from CPE Tracker.\n\n"
        "If you can read it, CPE Tracker can email you your CPE reminders and deadline "
        "warnings with these mail settings.\n"
    )
    now = (clock or SystemClock()).now()
    try:
        message = build_message(settings, recipient, "CPE Tracker test message", body, now)
        deliver(settings, password, message, transport)
    except MailFailure as failure:
        return TestResult(False, str(failure))
    return TestResult(True, f"Test message sent to {recipient}")


def build_message(
    settings: SmtpSettings,
    recipient: str,
    subject: str,
    body: str,
    when: dt.datetime,
    *,
    message_key: str | None = None,
) -> EmailMessage:
    """A plain-text message from the account's sender to ``recipient``.

    ``message_key``, when given, is the Message-ID's left part, so a message sent again (another
    attempt, another desk) keeps its Message-ID; without it the Message-ID is a random one.
    """
    sender = settings.from_address(recipient)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(
        when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    )
    domain = sender.rpartition("@")[2] or "cpe-tracker.invalid"
    if message_key:
        message["Message-ID"] = f"<{message_key}@{domain}>"
    else:
        message["Message-ID"] = email.utils.make_msgid("cpe-tracker", domain=domain)
    message["X-Mailer"] = "CPE Tracker"
    message.set_content(body)
    return message


def deliver(
    settings: SmtpSettings,
    password: str | None,
    message: EmailMessage,
    transport: Transport = DEFAULT_TRANSPORT,
) -> None:
    """Hand ``message`` to the mail server; raises MailFailure with the reason in plain words."""
    if not settings.host:
        raise MailFailure(
            "No mail server is set. An administrator enters the firm's in Preferences, under "
            "Mail server."
        )
    if settings.security not in SECURITY_CHOICES:
        raise MailFailure(f"Unknown connection security {settings.security!r}.")
    if settings.needs_password and password is None:
        raise MailFailure(
            f"The password for the mail account {settings.user} is not known. "
            "Enter it on this computer in Preferences, under Mail server."
        )
    stage = "connect"
    client: smtplib.SMTP | None = None
    try:
        if settings.security == "tls":
            context = transport.tls_context()
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=transport.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=transport.timeout)
        if settings.security == "starttls":
            stage = "starttls"
            client.starttls(context=transport.tls_context())
        if settings.user:
            stage = "login"
            client.login(settings.user, password or "")
        stage = "send"
        client.send_message(message)
    except OSError as exc:  # smtplib's errors are OSErrors too
        raise MailFailure(explain(exc, stage, settings, transport)) from None
    finally:
        if client is not None:
            # once the server accepted the message, a rude goodbye does not undo it
            with contextlib.suppress(OSError):
                client.quit()
            client.close()


def explain(exc: BaseException, stage: str, settings: SmtpSettings, transport: Transport) -> str:
    """A plain-words reason for a failed delivery (never including a password)."""
    where = f"{settings.host} (port {settings.port})"
    if isinstance(exc, socket.gaierror):
        return (
            f"The mail server {settings.host!r} could not be found. "
            "Check its name and the internet connection."
        )
    if isinstance(exc, ConnectionRefusedError):
        return f"The mail server {where} refused the connection. Check the server name and port."
    if _timed_out(exc):
        hint = ""
        if stage == "connect" and settings.security != "tls":
            hint = (
                " If it expects a secure connection from the start (usually port 465), choose TLS."
            )
        return f"The mail server {where} did not answer within {transport.timeout:g} seconds.{hint}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        why = exc.verify_message or exc.reason or "unknown reason"
        return f"The mail server's security certificate could not be trusted ({why})."
    if isinstance(exc, ssl.SSLError):
        why = (exc.reason or "handshake failed").replace("_", " ").lower()
        return (
            f"A secure (TLS) connection to {where} could not be made ({why}). Check the "
            "connection security: STARTTLS usually goes with port 587, TLS with port 465."
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError) and stage == "starttls":
        return (
            f"The mail server {where} does not offer STARTTLS. "
            "Choose TLS, or the port your provider gives for STARTTLS."
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError) and stage == "login":
        return (
            f"The mail server {where} does not accept a user name and password on this "
            "connection. Choose STARTTLS or TLS, or leave the user name empty."
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"The mail server rejected the user name {settings.user!r} or its password "
            f"({_answer(exc.smtp_code, exc.smtp_error)})."
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{addr} ({_answer(*ans)})" for addr, ans in exc.recipients.items())
        return f"The mail server refused the recipient {refused}."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"The mail server refused the sender address {exc.sender} "
            f"({_answer(exc.smtp_code, exc.smtp_error)}). Check “Send mail as”."
        )
    if isinstance(exc, smtplib.SMTPDataError):
        return f"The mail server refused the message ({_answer(exc.smtp_code, exc.smtp_error)})."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"The mail server {where} closed the connection unexpectedly."
    if isinstance(exc, smtplib.SMTPResponseException):
        answer = _answer(exc.smtp_code, exc.smtp_error)
        return f"The mail server {where} answered with an error ({answer})."
    if isinstance(exc, OSError):
        return f"Could not talk to the mail server {where}: {exc.strerror or exc}."
    return f"The mail could not be sent: {exc}."


def _timed_out(exc: BaseException) -> bool:
    # smtplib reports a read that timed out as "connection unexpectedly closed"
    return isinstance(exc, TimeoutError) or (
        isinstance(exc, smtplib.SMTPServerDisconnected)
        and isinstance(exc.__context__, TimeoutError)
    )


def _answer(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()
