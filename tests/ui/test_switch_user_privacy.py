"""Switch user without passwords: the previous person's data is hidden while the next person is
chosen (nothing readable behind the dialog), and an administrator without a password is offered
one (not forced) when a second person is added."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from cpe_desktop.services import records, users
from cpe_desktop.ui.controller import Controller
from tests.helpers.modal_dialogs import answer_next_dialog, sign_in

RECORD = {
    "title": "Ada's private course",
    "completed_on": "2026-02-01",
    "delivery_method": "Group Live",
    "credits": [{"field": "Taxes", "credits": 2}],
}


def test_the_last_persons_data_is_hidden_while_switching(qtbot, people, clock):
    records.create_record(people.as_admin, RECORD)
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ada@example.com")
    window.show()
    window.show_table("records")
    seen = {}

    def look_then_cancel(dialog):
        seen["content"] = window.centralWidget().isVisible()
        seen["status"] = window.statusBar().isVisible()
        seen["title"] = window.windowTitle()
        dialog.reject()

    answer_next_dialog(look_then_cancel)
    window.switch_action.trigger()
    assert seen == {"content": False, "status": False, "title": "CPE Tracker — who is next?"}
    # Cancelled: the same person carries on where they were.
    assert controller.window is window
    assert window.centralWidget().isVisible() and window.statusBar().isVisible()
    assert window.windowTitle() == "CPE Tracker — Ada Admin"
    assert window.current_table_tab().spec.name == "records"


def _new_person(controller, people, email):
    outcome = users.create_user(
        people.as_admin, {"name": email.split("@")[0], "email": email, "role": "member"}
    )
    controller.bus.publish(outcome)


def test_an_administrator_without_a_password_is_offered_one(qtbot, people, clock, monkeypatch):
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ada@example.com")
    asked_for = []
    monkeypatch.setattr(window, "edit_own_details", lambda focus=None: asked_for.append(focus))
    offers = []

    def choose(text):
        def answer(box: QMessageBox):
            offers.append(box.text())
            (button,) = [b for b in box.buttons() if b.text() == text]
            button.click()

        return answer

    answer_next_dialog(choose("Set a password…"))
    _new_person(controller, people, "cy@example.com")
    qtbot.waitUntil(lambda: asked_for == ["password"], timeout=5000)
    assert "password" in offers[0] and "Switch user" in offers[0]


def test_not_now_is_not_asked_again_this_session(qtbot, people, clock, monkeypatch):
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ada@example.com")
    shown = []

    def not_now(box: QMessageBox):
        shown.append(box.text())
        (button,) = [b for b in box.buttons() if b.text() == "Not now"]
        button.click()

    answer_next_dialog(not_now)
    _new_person(controller, people, "cy@example.com")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    first = controller.password_offer
    monkeypatch.setattr(QMessageBox, "open", lambda box: shown.append("again"))
    _new_person(controller, people, "dee@example.com")
    qtbot.wait(100)
    assert shown[1:] == [] and controller.password_offer is first
    assert window.isVisible()


def test_no_offer_to_members_or_to_an_administrator_with_a_password(
    qtbot, people, clock, monkeypatch
):
    offered = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: offered.append(box.text()))
    users.update_user(people.as_admin, people.admin.user_id, {"password": "correct horse 1"})
    controller = Controller("test.db", clock)
    answer_next_dialog(
        lambda dialog: (
            dialog.account.setCurrentIndex(dialog.account.findData("ada@example.com")),
            dialog.password.setText("correct horse 1"),
            dialog.sign_in(),
        )
    )
    assert controller.start()
    qtbot.addWidget(controller.window)
    _new_person(controller, people, "cy@example.com")
    qtbot.wait(100)
    assert offered == []
