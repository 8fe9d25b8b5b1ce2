"""The main window as people use it: the tabs they may see, deleting with confirmation, views that
refresh for their own kind of change, and the state remembered between starts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services import records
from cpe_desktop.services.changes import Changes
from cpe_desktop.services.tables import paging as tables
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.main_window import ADMIN_TABS, DAILY_TABS, MainWindow
from cpe_desktop.ui.tabs.table_tab import TableTab

RECORD = {
    "completed_on": "2026-02-01",
    "delivery_method": "Group Live",
    "credits": [{"field": "Taxes", "credits": 2}],
}


def _window(qtbot, ctx, bus=None, editor=None):
    window = MainWindow(ctx, bus or ChangeBus(), database_location="test.db", editor=editor)
    qtbot.addWidget(window)
    return window


def _titles(tab_widget):
    return [tab_widget.tabText(i) for i in range(tab_widget.count())]


def _menu_paths(window) -> set[str]:
    """Every "Menu › Item" of the window's menu bar, as its text reads (no & or …)."""

    def plain(text: str) -> str:
        return text.replace("&", "").removesuffix("…").strip()

    paths = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        for action in menu.actions() if menu is not None else ():
            if action.text():
                paths.add(f"{plain(top.text())} › {plain(action.text())}")
    return paths


def test_an_empty_view_points_only_to_menu_items_that_exist(qtbot, people):
    """An empty tab tells its reader what to do ("Edit › New record (Ctrl+N)"): every menu item
    it names must be in the window's menus (some once named "Edit › New license" and "the Tools
    menu", which never existed)."""
    import re

    window = _window(qtbot, people.as_admin)
    paths = _menu_paths(window)
    assert "Edit › New record" in paths  # the reader of this test: what a path looks like
    for name in (*DAILY_TABS, *ADMIN_TABS):
        text = tables.spec(name).empty_text
        assert "Tools menu" not in text, name
        for menu, item in re.findall(r"(\w+) › ([A-Z][\w ]*?)(?= \(|[.,;:—)]| to |$)", text):
            assert f"{menu} › {item}" in paths, (name, text)


def test_a_table_members_read_has_its_note_and_empty_text():
    """A shared table shown to members read-only (beside their own tabs) needs the words above
    it and for when it is empty; a missing one would fail only when a member opens the tab."""
    from cpe_desktop.ui import main_window

    for name in main_window.MEMBER_READ_ONLY_TABS:
        assert name in ADMIN_TABS and not tables.spec(name).admin_only, name
        assert main_window.MEMBER_NOTES[name] and main_window.MEMBER_EMPTY_TEXT[name], name


def test_every_table_has_a_tab_for_an_administrator(qtbot, people):
    window = _window(qtbot, people.as_admin)
    assert _titles(window.tabs) == [
        "Dashboard",
        *[tables.spec(n).title for n in DAILY_TABS],
        "Administration",
    ]
    assert _titles(window.admin_tabs) == [tables.spec(n).title for n in ADMIN_TABS]
    shown_tables = {window.tab(name).spec.table for name in window.lazy_tabs}
    every_table = {spec.table for spec in tables.SPECS.values()}
    assert every_table <= shown_tables


def test_member_sees_no_administration_and_only_their_rows(qtbot, people):
    records.create_record(people.as_ann, {**RECORD, "title": "Ann's course"})
    records.create_record(people.as_bob, {**RECORD, "title": "Bob's course"})
    window = _window(qtbot, people.as_ann)
    assert "Administration" not in _titles(window.tabs) and window.admin_tabs is None
    tab = window.tab("records")
    titles = [
        tab.model.index(r, tab.model.column_index("title")).data()
        for r in range(tab.model.rowCount())
    ]
    assert titles == ["Ann's course"]


def test_empty_table_shows_what_to_do_next(qtbot, people):
    window = _window(qtbot, people.as_ann)
    tab = window.tab("records")
    assert tab.stack.currentWidget() is tab.empty
    assert "Ctrl+N" in tab.empty.text()


def _select_all(tab: TableTab) -> None:
    tab.view.selectAll()


@pytest.mark.parametrize(
    "answer", [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
)
def test_delete_asks_and_names_what_goes(qtbot, people, monkeypatch, answer):
    for i in range(3):
        records.create_record(people.as_ann, {**RECORD, "title": f"Course {i}"})
    bus = ChangeBus()
    window = _window(qtbot, people.as_ann, bus)
    tab = window.show_table("records")
    asked = []

    def fake_question(parent, title, text, *args):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", fake_question)
    _select_all(tab)
    assert len(tab.selected_pks()) == 3
    window.delete_action.trigger()
    assert len(asked) == 1 and asked[0].startswith("Delete these 3 records?")
    assert "“Course 0”" in asked[0] and "row" not in asked[0]
    expected = 3 if answer == QMessageBox.StandardButton.Cancel else 0
    assert CpeRecord.select().count() == expected
    assert tab.model.rowCount() == expected


def test_views_refresh_only_for_their_kind_and_keep_selection(qtbot, people):
    bus = ChangeBus()
    first = records.create_record(people.as_ann, {**RECORD, "title": "First"}).value
    window = _window(qtbot, people.as_ann, bus)
    tab = window.tab("records")
    tab.select_pks([first.record_id])
    calls = {name: 0 for name in window.lazy_tabs}
    for name in window.lazy_tabs:
        other = window.tab(name)
        original = other.model.refresh
        other.model.refresh = lambda n=name, o=original: (calls.__setitem__(n, calls[n] + 1), o())

    outcome = records.create_record(people.as_ann, {**RECORD, "title": "Second"})
    bus.publish(outcome)

    assert tab.model.rowCount() == 2
    assert tab.selected_pks() == [first.record_id]
    assert calls["records"] == 1 and calls["licenses"] == 0 and calls["reminders"] == 0
    bus.publish(Changes.of("licenses"))
    assert calls["records"] == 1 and calls["licenses"] == 1


def test_keyboard_shortcuts_reach_the_actions(qtbot, people):
    window = _window(qtbot, people.as_ann)
    shortcuts = {
        action.text().replace("&", ""): action.shortcut().toString()
        for action in (
            window.new_record_action,
            window.delete_action,
            window.find_action,
            window.refresh_action,
            window.quit_action,
            window.preferences_action,
        )
    }
    assert shortcuts["Quit"] and shortcuts["Preferences…"]  # a key on every platform
    assert shortcuts["New record…"] == "Ctrl+N"
    assert shortcuts["Delete"] == "Del"
    assert shortcuts["Find"] == "Ctrl+F"
    assert shortcuts["Refresh"] == "F5"
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # offscreen, waitActive can return a little early
    window.show_table("licenses")
    window.find_action.trigger()
    qtbot.waitUntil(window.tab("licenses").search.hasFocus)


def test_window_state_is_remembered(qtbot, people):
    window = _window(qtbot, people.as_admin)
    window.resize(700, 520)  # the offscreen screen is 800×600
    window.show_table("credentials")
    header = window.tab("credentials").view.horizontalHeader()
    header.resizeSection(1, 333)
    window.close()  # saves state

    again = _window(qtbot, people.as_admin)
    assert again.current_table_tab().spec.name == "credentials"
    assert (again.width(), again.height()) == (700, 520)
    assert again.tab("credentials").view.horizontalHeader().sectionSize(1) == 333


def test_search_filters_through_the_database(qtbot, people):
    for title in ("Tax update", "Audit basics", "Tax ethics"):
        records.create_record(people.as_ann, {**RECORD, "title": title})
    window = _window(qtbot, people.as_ann)
    tab = window.tab("records")
    tab.search.setText("tax upd")  # every word must match: only "Tax update" has both
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.count_label.text() == "1 row found"
    tab.search.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3)


def test_tabs_are_built_when_first_shown(qtbot, people):
    window = _window(qtbot, people.as_admin)
    window.show()
    assert window.table_tabs == {}  # the dashboard is on screen; no table was read
    window.show_table("licenses")
    assert set(window.table_tabs) == {"licenses"}
    window.admin_tabs.setCurrentIndex(1)
    window.tabs.setCurrentWidget(window.admin_tabs)
    assert set(window.table_tabs) == {"licenses", ADMIN_TABS[1]}


def test_requirements_tab_says_where_rules_come_from(qtbot, people):
    window = _window(qtbot, people.as_admin)
    tab = window.show_table("requirements")
    assert not tab.note.isHidden() and "final word" in tab.note.text()
    titles = [
        tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())
    ]
    assert "Source" in titles and "Checked against source" in titles and "Confidence" in titles
