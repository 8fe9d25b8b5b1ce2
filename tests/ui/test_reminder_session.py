"""The signed-in person's background work end to end: a reminder due while the program was closed
reaches the screen once, notifications go by email when chosen, the tray pauses reminders, and a
new reminder is picked up as soon as it is saved."""

from __future__ import annotations

import datetime as dt

from cpe_desktop.db.models import Email, Notification
from cpe_desktop.services import preferences, reminders
from cpe_desktop.ui.tray import Tray
from tests.helpers.mail_doubles import SmtpServer
from tests.helpers.notifier_doubles import (
    FakeTrayIcon,
    RecordingNotifier,
    reminder_session,
)


def _yesterday(clock) -> dt.datetime:
    return reminders.local_now(clock) - dt.timedelta(days=1)


def test_a_reminder_missed_while_closed_is_shown_once(qtbot, people, clock):
    ctx = people.as_ann
    reminders.create_reminder(
        ctx,
        {
            "message": "Log the ethics webinar",
            "frequency": "weekly",
            "next_reminder": _yesterday(clock),
        },
    )
    shown = RecordingNotifier()
    session, _window, _bus = reminder_session(qtbot, ctx, notifier=shown)
    session.start()
    qtbot.waitUntil(lambda: len(shown.shown) == 1, timeout=5000)
    session.scheduler.sync()
    qtbot.wait(300)
    assert shown.shown == [("CPE reminder", "Log the ethics webinar")]
    note = Notification.get(Notification.kind == "reminder")
    assert note.status == "shown" and note.sent_at is not None
    session.stop()


def test_without_a_tray_the_reminder_appears_in_the_window(qtbot, people, clock):
    ctx = people.as_ann
    reminders.create_reminder(
        ctx,
        {"message": "Renew the license", "frequency": "once", "next_reminder": _yesterday(clock)},
    )
    session, window, _bus = reminder_session(qtbot, ctx)
    window.show()
    session.start()
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    assert window.banner.text.text() == "Renew the license"
    session.stop()


def test_notifications_go_by_email_when_chosen(qtbot, people, clock):
    ctx = people.as_ann
    with SmtpServer() as server:
        preferences.set_firm_settings(  # the firm's server, set by the administrator
            people.as_admin,
            {
                "smtp_host": "127.0.0.1",
                "smtp_port": server.port,
                "smtp_security": "none",
                "smtp_sender": "cpe@firm.example",
            },
        )
        preferences.set_preferences(ctx, people.ann.user_id, {"notification_method": "email"})
        reminders.create_reminder(
            ctx,
            {"message": "Ethics due soon", "frequency": "once", "next_reminder": _yesterday(clock)},
        )
        shown = RecordingNotifier()
        session, _window, _bus = reminder_session(qtbot, ctx, notifier=shown)
        session.start()
        qtbot.waitUntil(lambda: len(server.messages) == 1, timeout=10000)
        session.stop()
    message = server.messages[0]
    assert message["To"] == "ann@example.com"
    assert "Ethics due soon" in message.get_content()
    assert shown.shown == []  # email only, as chosen
    assert Email.get().status == "sent"
    assert Notification.get().status == "emailed"


def test_the_tray_pauses_and_resumes_reminders(qtbot, people, clock):
    icon = FakeTrayIcon()
    tray = Tray(icon)
    session, window, _bus = reminder_session(
        qtbot, people.as_ann, tray=tray, notifier=RecordingNotifier()
    )
    session.start()
    tray.pause_hour_action.trigger()
    until = session.scheduler.paused_until
    assert until is not None and until == clock.now() + dt.timedelta(hours=1)
    assert tray.resume_action.isVisible()
    assert "Reminders paused until" in window.statusBar().currentMessage()
    tray.resume_action.trigger()
    assert session.scheduler.paused_until is None and not tray.resume_action.isVisible()
    session.stop()


def test_a_new_reminder_is_picked_up_when_saved_and_the_tray_counts_unread(qtbot, people, clock):
    icon = FakeTrayIcon()
    shown = RecordingNotifier()
    session, _window, bus = reminder_session(qtbot, people.as_ann, tray=Tray(icon), notifier=shown)
    session.start()
    assert icon.toolTip() == "CPE Tracker"
    outcome = reminders.create_reminder(
        people.as_ann,
        {
            "message": "Book the tax update",
            "frequency": "daily",
            "next_reminder": _yesterday(clock),
        },
    )
    bus.publish(outcome)
    qtbot.waitUntil(lambda: shown.shown == [("CPE reminder", "Book the tax update")], timeout=5000)
    qtbot.waitUntil(lambda: "1 unread notification" in icon.toolTip(), timeout=5000)
    session.stop()


def test_a_long_message_is_shortened_for_the_balloon_only():
    from cpe_desktop.ui.delivery import glance

    long = (
        "CPA — Texas: Overdue: 120 hours, 4 of ethics still missing from the period that ended "
        "31 Dec 2025; 120 more hours by 31 Dec 2026; the year ending 31 Dec 2024 fell 20 hours "
        "short of its 20-hour minimum."
    )
    short = glance(long)
    assert len(short) < len(long)
    assert short.startswith("CPA — Texas: Overdue: 120 hours, 4 of ethics still missing")
    assert short.endswith("… (more in Notifications)")
    assert glance("Log the ethics webinar") == "Log the ethics webinar"
