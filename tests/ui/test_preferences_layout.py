"""Preferences opens wide enough for what it says: a long email address is not cut off."""

from __future__ import annotations

from cpe_desktop.services import users
from cpe_desktop.ui.dialogs.preferences_dialog import PreferencesDialog

LONG_EMAIL = "margaret.chen@harborfinch.example.com"


def test_a_long_email_address_shows_whole(qtbot, people):
    users.update_user(people.as_admin, people.admin.user_id, {"email": LONG_EMAIL})
    dialog = PreferencesDialog(people.as_admin, people.admin.user_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert LONG_EMAIL in dialog.address.text()
    assert dialog.address.width() >= dialog.address.sizeHint().width()
