"""Preferences opens wide enough for what it says: a long email address is not cut off."""

from __future__ import annotations

from cpe_desktop.services import preferences, users
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


def test_the_local_time_zone_is_said_in_words_and_saved_as_before(qtbot, people):
    dialog = PreferencesDialog(people.as_admin, people.admin.user_id)
    qtbot.addWidget(dialog)
    zone = dialog.inputs["timezone"]
    assert zone.currentText() == "This computer's time zone"  # not the setting's "local"
    assert dialog.values()["timezone"] == "local"
    dialog.save()
    assert preferences.get_preferences(people.as_admin, people.admin.user_id)["timezone"] == "local"

    dialog = PreferencesDialog(people.as_admin, people.admin.user_id)
    qtbot.addWidget(dialog)
    dialog.inputs["timezone"].setCurrentText("America/Chicago")
    dialog.save()
    again = PreferencesDialog(people.as_admin, people.admin.user_id)
    qtbot.addWidget(again)
    assert again.inputs["timezone"].currentText() == "America/Chicago"
