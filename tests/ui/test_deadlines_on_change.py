"""Deadline and status warnings follow the data: a license added (or a record that changes its
standing) is checked within a moment, not at the next start or the next midnight. Several changes
in a row are checked once (debounced)."""

from __future__ import annotations

from cpe_desktop.db.models import Notification
from cpe_desktop.services import deadlines, licenses
from cpe_desktop.services.changes import Changes
from tests.helpers.notifier_doubles import RecordingNotifier, reminder_session


def _warnings(license_id):
    return list(Notification.select().where(Notification.license == license_id))


def test_a_new_license_is_warned_about_without_a_restart(qtbot, people, clock, monkeypatch):
    ctx = people.as_ann
    session, _window, bus = reminder_session(qtbot, ctx, notifier=RecordingNotifier())
    session.start()
    qtbot.waitUntil(lambda: session.scheduler.last_deadline_check is not None, timeout=5000)

    # Texas, nothing logged, December birth month: 120 h missing, at risk on 15 Jun 2026.
    from cpe_desktop.services import users

    users.update_user(ctx, people.ann.user_id, {"birth_date": "1980-12-05"})
    outcome = licenses.create_license(
        ctx, {"credential": "CPA", "jurisdiction": "Texas", "issued_on": "2010-02-01"}
    )
    bus.publish(outcome)
    license_id = outcome.value.license_id
    qtbot.waitUntil(lambda: _warnings(license_id) != [], timeout=5000)
    assert {note.kind for note in _warnings(license_id)} == {"status"}
    session.stop()


def test_many_changes_in_a_row_are_checked_once(qtbot, people, clock, monkeypatch):
    ctx = people.as_ann
    session, _window, bus = reminder_session(qtbot, ctx, notifier=RecordingNotifier())
    session.start()
    qtbot.waitUntil(lambda: session.scheduler.last_deadline_check is not None, timeout=5000)
    checks = []
    real = deadlines.check_deadlines
    monkeypatch.setattr(
        deadlines, "check_deadlines", lambda *args: checks.append(args) or real(*args)
    )
    for _ in range(5):
        bus.publish(Changes.of("records"))
    qtbot.waitUntil(lambda: len(checks) == 1, timeout=5000)
    qtbot.wait(600)  # longer than the debounce: no second check follows
    assert len(checks) == 1
    bus.publish(Changes.of("notifications"))  # not a reason to look again
    qtbot.wait(600)
    assert len(checks) == 1
    session.stop()
