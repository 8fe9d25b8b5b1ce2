"""The Audit Log view says whether the log's hash chain holds: "Chain verified (N entries)", or
in words what was changed outside the program."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cpe_desktop.db.models import AuditLog, database
from cpe_desktop.services import records
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.forms.registry import open_editor
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.tabs.audit_log_tab import AuditLogTab


def _record(title: str) -> dict:
    return {
        "title": title,
        "completed_on": "2026-03-02",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 4}],
    }


def _audit_tab(qtbot, ctx) -> AuditLogTab:
    window = MainWindow(ctx, ChangeBus(), database_location="test.db", editor=open_editor)
    qtbot.addWidget(window)
    tab = window.show_table("audit_logs")
    assert isinstance(tab, AuditLogTab)
    return tab


def _sql(statement: str, *params) -> None:
    db = database.obj
    db.execute_sql(statement.replace("?", db.param), params)


def test_an_untouched_log_shows_chain_verified(qtbot, people):
    records.create_record(people.as_ann, _record("Ethics"))
    tab = _audit_tab(qtbot, people.as_admin)
    count = AuditLog.select().count()
    assert tab.chain_status.text() == f"Chain verified ({count} entries)."
    assert tab.chain_status.property("role") == "muted"
    newest = AuditLog.select().order_by(AuditLog.log_id.desc()).first()
    assert newest.entry_hash in tab.chain_status.toolTip()

    qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)

    assert tab.chain_status.text() == (
        f"Chain verified ({count} entries); records and licenses match it."
    )


def test_a_removed_entry_and_a_changed_record_are_shown_in_words(qtbot, people):
    record = records.create_record(people.as_ann, _record("Ethics")).value
    newest = AuditLog.select().order_by(AuditLog.log_id.desc()).first().log_id
    records.update_record(people.as_ann, record.record_id, {"title": "Ethics, revised"})
    tab = _audit_tab(qtbot, people.as_admin)
    assert tab.chain_status.text().startswith("Chain verified")

    _sql("DELETE FROM audit_logs WHERE log_id = ?", newest + 1)  # the edit's entry
    _sql("UPDATE record_credits SET credits = 9")
    tab.check_recent()  # as after any change: the tail, the head and the count

    assert tab.chain_status.property("role") == "field-error"
    assert tab.chain_status.text() == (
        "The audit log shows 1 change made outside the program:\n"
        f"• The newest audit entry ({newest + 1}) was removed outside the program: the chain "
        f"ends at entry {newest + 1}, the log at entry {newest}."
    )

    qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)

    text = tab.chain_status.text()
    assert text.startswith("The audit log shows 2 changes made outside the program:")
    assert (
        f"• Record {record.record_id} (Ethics, revised) was changed outside the program: Taxes "
        f"credits 4 → 9; title Ethics → Ethics, revised (its latest audit entry is {newest})."
    ) in text


def test_an_administrator_is_warned_at_start_when_the_log_was_changed(qtbot, people, clock):
    """The start-up check of the chain's newest entries is not only logged: an administrator
    sees at once that the log was changed outside the program (a member is not told)."""
    from PySide6.QtWidgets import QMessageBox

    from cpe_desktop.ui.controller import Controller
    from tests.helpers.modal_dialogs import sign_in

    records.create_record(people.as_ann, _record("Ethics"))
    controller = Controller("test.db", clock)
    sign_in(qtbot, controller, "ada@example.com")
    controller.after_start()
    assert controller.window.findChildren(QMessageBox) == []  # an untouched log: nothing said

    newest = AuditLog.select().order_by(AuditLog.log_id.desc()).first().log_id
    _sql("DELETE FROM audit_logs WHERE log_id = ?", newest)
    controller.after_start()
    boxes = [box for box in controller.window.findChildren(QMessageBox) if box.isVisible()]
    assert len(boxes) == 1
    assert boxes[0].windowTitle() == "The audit log was changed outside CPE Tracker"
    assert f"The newest audit entry ({newest}) was removed" in boxes[0].text()
    boxes[0].accept()
