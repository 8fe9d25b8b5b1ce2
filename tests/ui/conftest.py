"""GUI tests: window state goes to a throwaway settings file, never the real one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

from cpe_desktop.rules import wording
from cpe_desktop.ui.dates import use_locale_dates
from cpe_desktop.ui.launch import use_readable_locale
from cpe_desktop.ui.live_refresh import LiveRefresh
from cpe_desktop.ui.reminder_session import ReminderSession
from tests.helpers.qt_cycles import collect_cycles_on_the_main_thread  # noqa: F401


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    QCoreApplication.setOrganizationName("CPE Tracker Tests")
    QCoreApplication.setApplicationName("CPE Tracker Tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture(autouse=True)
def locale_dates():
    """Sentences write dates as the running program does: the locale's format (app start-up
    sets it, with US English where no locale is configured); put back the plain format for the
    tests that follow."""
    use_readable_locale()
    use_locale_dates()
    yield
    wording.set_day_format(None)


@pytest.fixture(autouse=True)
def no_reminder_session_outlives_its_test(qapp):
    """A window signed in by a test runs its person's reminders until the program quits, which a
    test never does: stop them, so none of their timers (the deadline check 400 ms after a
    change) fires in a later test and opens a connection to a database already gone."""
    yield
    for widget in QApplication.topLevelWidgets():
        for session in widget.findChildren(ReminderSession):
            session.stop()
        for live in widget.findChildren(LiveRefresh):  # and its listener thread, its presence
            live.stop()
