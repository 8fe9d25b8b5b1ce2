"""The requirement rules for everyone: members read them on a Requirements tab of their own, with
no way to change them and a note that their administrator sets them; administrators keep editing
them in the Administration area."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from cpe_desktop.db.models import StateRequirement
from cpe_desktop.services.editing import deleting
from cpe_desktop.services.errors import PermissionDenied
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.main_window import TAB_NOTES, MainWindow


def _window(qtbot, ctx, editor=None):
    window = MainWindow(ctx, ChangeBus(), database_location="test.db", editor=editor)
    qtbot.addWidget(window)
    return window


def _titles(tab_widget):
    return [tab_widget.tabText(i) for i in range(tab_widget.count())]


def _never_called(*args, **kwargs):
    raise AssertionError("a member's Requirements tab opened an editor or a question")


def test_member_reads_the_rules_and_cannot_change_them(qtbot, people, monkeypatch):
    window = _window(qtbot, people.as_ann, editor=_never_called)
    assert _titles(window.tabs)[-1] == "Requirements"
    tab = window.show_table("requirements")
    assert tab.read_only and tab.editor is None
    assert tab.model.rowCount() == StateRequirement.select().count() > 0
    assert not tab.new_button.isVisibleTo(tab)
    assert not tab.edit_button.isVisibleTo(tab)
    assert not tab.delete_button.isVisibleTo(tab)
    assert tab.row_buttons == []  # no Components…
    assert tab.note.isVisibleTo(tab) and "Set by your administrator" in tab.note.text()
    assert "How compliance is worked out" in tab.note.text()

    # Every way in to a change does nothing: double-click, Edit › Edit…, Edit › Delete, Del.
    monkeypatch.setattr(QMessageBox, "question", _never_called)
    tab.select_pks([tab.model.pk_at(0)])
    tab.view.doubleClicked.emit(tab.model.index(0, 0))
    window.edit_action.trigger()
    window.delete_action.trigger()
    tab.new_row()
    assert StateRequirement.select().count() == tab.model.rowCount()


def test_member_empty_rules_say_who_adds_them(qtbot, people):
    StateRequirement.delete().execute()
    window = _window(qtbot, people.as_ann)
    tab = window.show_table("requirements")
    assert tab.stack.currentWidget() is tab.empty
    assert tab.empty.text() == "No requirement rules yet — your administrator adds them."


def test_the_services_refuse_a_members_change_too(people):
    row = StateRequirement.select().first()
    with pytest.raises(PermissionDenied):
        deleting.delete_many(people.as_ann, "requirements", [row.state_id])
    assert StateRequirement.get_or_none(StateRequirement.state_id == row.state_id) is not None


def test_administrator_edits_the_rules_in_administration(qtbot, people):
    calls = []
    window = _window(qtbot, people.as_admin, editor=lambda *a: calls.append(a))
    assert "Requirements" not in _titles(window.tabs)
    assert "Requirements" in _titles(window.admin_tabs)
    tab = window.show_table("requirements")
    assert window.tabs.currentWidget() is window.admin_tabs
    assert not tab.read_only and tab.editor is not None
    assert tab.new_button.isVisibleTo(tab) and tab.edit_button.isVisibleTo(tab)
    assert tab.delete_button.isVisibleTo(tab)
    assert [b.text() for b in tab.row_buttons] == ["Components…"]
    assert tab.note.text() == TAB_NOTES["requirements"]
    tab.select_pks([tab.model.pk_at(0)])
    tab.edit_current()
    assert [c[1] for c in calls] == ["requirements"]
