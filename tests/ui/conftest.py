"""GUI tests: window state goes to a throwaway settings file, never the real one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from cpe_desktop.app import use_readable_locale
from cpe_desktop.rules import wording
from cpe_desktop.ui.dates import use_locale_dates


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
