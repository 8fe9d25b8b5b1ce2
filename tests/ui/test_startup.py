"""Starting the program: the first-run welcome, sign-in and the user picker, one instance per
database, preferences, and the error dialogs."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QMessageBox

from cpe_desktop.db.models import License, Preference, User
from cpe_desktop.services import users
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.ui import crash, session
from cpe_desktop.ui.dialogs.preferences_dialog import PreferencesDialog
from cpe_desktop.ui.dialogs.sign_in import SignInDialog
from cpe_desktop.ui.dialogs.welcome import WelcomeDialog
from cpe_desktop.ui.single_instance import SingleInstance
from tests.helpers.modal_dialogs import answer_next_dialog


def _nobody(clock):
    return ServiceContext(Actor(user_id=None, role="member", name="sign-in"), clock)


def test_welcome_creates_the_first_admin_and_license(qtbot, seeded, clock):
    dialog = WelcomeDialog(_nobody(clock))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Jane Doe")
    qtbot.keyClicks(dialog.email, "jane@example")  # not an address yet
    dialog.license_box.setChecked(True)
    dialog.jurisdiction.setCurrentText("Texas")
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "not an email address" in dialog.errors.message("email")
    assert User.select().count() == 0 and License.select().count() == 0

    qtbot.keyClicks(dialog.email, ".com")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    user = User.get(User.email == "jane@example.com")
    assert user.role == "admin" and user.password_hash is None
    (license_,) = License.select()
    assert (license_.user_id, license_.credential.code, license_.jurisdiction) == (
        user.user_id,
        "CPA",
        "Texas",
    )


def test_welcome_license_error_saves_nothing(qtbot, seeded, clock):
    dialog = WelcomeDialog(_nobody(clock))
    qtbot.addWidget(dialog)
    dialog.name.setText("Jane")
    dialog.email.setText("jane@example.com")
    dialog.license_box.setChecked(True)
    dialog.jurisdiction.setCurrentText("")
    dialog.save()
    assert dialog.errors.message("jurisdiction") == "Is required"
    assert User.select().count() == 0  # the account waits for a valid license too


def test_sign_in_with_password(qtbot, people, clock):
    users.update_user(people.as_admin, people.ann.user_id, {"password": "annspassword"})
    dialog = SignInDialog(_nobody(clock), last_email="ann@example.com", ask_password=True)
    qtbot.addWidget(dialog)
    assert dialog.account.currentData() == "ann@example.com"
    dialog.password.setText("wrong password")
    dialog.sign_in()
    assert dialog.user is None and "do not match" in dialog.error.text()
    dialog.password.setText("annspassword")
    dialog.sign_in()
    assert dialog.user.user_id == people.ann.user_id


def test_choose_user_single_person_without_password_needs_no_dialog(qtbot, seeded, system):
    users.create_user(system, {"name": "Solo", "email": "solo@example.com"})
    chosen = session.choose_user(system.clock)
    assert chosen.email == "solo@example.com"
    assert QSettings().value(session.LAST_USER_KEY) == "solo@example.com"


def test_choose_user_picker_remembers_the_last_person(qtbot, people, clock):
    QSettings().setValue(session.LAST_USER_KEY, "bob@example.com")
    seen = []

    def pick(dialog):
        seen.append(dialog.account.currentData())
        dialog.sign_in()

    answer_next_dialog(pick)
    chosen = session.choose_user(clock)
    assert seen == ["bob@example.com"] and chosen.user_id == people.bob.user_id


def test_choose_user_cancelled(qtbot, people, clock):
    answer_next_dialog(lambda dialog: dialog.reject())
    assert session.choose_user(clock) is None


def test_second_launch_brings_the_first_forward(qtbot):
    target = f"/tmp/{uuid.uuid4().hex}.db"
    first = SingleInstance(target)
    assert first.notify_running() is False
    assert first.listen()
    second = SingleInstance(target)
    with qtbot.waitSignal(first.activated, timeout=3000):
        assert second.notify_running() is True
    other_db = SingleInstance(target + "-other")
    assert other_db.notify_running() is False
    first.close()


def test_preferences_dialog_shows_errors_beside_fields(qtbot, people):
    dialog = PreferencesDialog(people.as_ann, people.ann.user_id)
    qtbot.addWidget(dialog)
    dialog.inputs["reminder_lead_days"].setText("90, soon")
    dialog.save()
    assert "whole numbers of days" in dialog.errors.message("reminder_lead_days")
    assert Preference.select().count() == 0
    dialog.inputs["reminder_lead_days"].setText("60,14")
    dialog.inputs["theme"].setCurrentIndex(dialog.inputs["theme"].findData("dark"))
    dialog.save()
    assert dialog.outcome.value["reminder_lead_days"] == (60, 14)
    assert dialog.outcome.value["theme"] == "dark"


@pytest.mark.logs_errors(match=r"^unexpected error")  # the crash dialog logs what it shows
@pytest.mark.parametrize(
    ("exc", "icon_title"),
    [
        (RuntimeError("boom"), "CPE Tracker hit a problem"),
        (__import__("sqlite3").OperationalError("database is locked"), "Database problem"),
    ],
)
def test_error_dialogs_speak_plainly(qtbot, monkeypatch, exc, icon_title):
    shown = []
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: shown.append((box.windowTitle(), box.text() + box.informativeText())),
    )
    monkeypatch.setattr(
        QMessageBox, "critical", lambda parent, title, text: shown.append((title, text))
    )
    crash.show_error(None, exc)
    ((title, text),) = shown
    assert title == icon_title
    if icon_title == "Database problem":
        assert "another program" in text
    else:
        assert "cpe-tracker.log" in text
