"""Columns are fitted to their content the first time there is content: a tab first opened
empty must not remember title-only widths that later truncate every row."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from cpe_desktop.services import notifications
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.main_window import MainWindow

LONG = "CPA — Texas: 12 hours still needed by 31 Dec 2026 (30 days left), 4 of them ethics."


def test_a_tab_first_shown_empty_fits_its_columns_when_rows_arrive(qtbot, people):
    bus = ChangeBus()
    window = MainWindow(people.as_ann, bus, database_location="test.db")
    qtbot.addWidget(window)
    window.show()
    tab = window.show_table("notifications")
    qtbot.waitExposed(tab)
    window.save_state()
    assert QSettings().value(tab._settings_key()) is None  # nothing fitted yet

    bus.publish(
        notifications.create_notification(
            people.as_ann, {"user_id": people.ann.user_id, "message": LONG}
        )
    )
    column = tab.model.column_index("message")
    width = tab.view.fontMetrics().horizontalAdvance(LONG[:40])
    qtbot.waitUntil(lambda: tab.view.columnWidth(column) >= width, timeout=3000)
    window.save_state()
    assert QSettings().value(tab._settings_key()) is not None


def _fitted(qtbot, window, name):
    tab = window.show_table(name)
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    qtbot.waitUntil(lambda: not tab._autosize_pending)
    qtbot.wait(20)  # the fitting runs just after the flag drops
    return tab


def test_a_wide_window_shows_a_long_message_whole_rather_than_widening_the_last_column(
    qtbot, people
):
    notifications.create_notification(
        people.as_ann, {"user_id": people.ann.user_id, "message": LONG}
    )
    window = MainWindow(people.as_ann, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    tab = _fitted(qtbot, window, "notifications")
    column = tab.model.column_index("message")
    assert tab.view.columnWidth(column) >= tab.view.sizeHintForColumn(column)


def test_the_last_column_reaches_the_table_edge_after_fitting(qtbot, people):
    window = MainWindow(people.as_admin, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    window.resize(1180, 760)
    window.show()
    qtbot.waitExposed(window)
    tab = _fitted(qtbot, window, "audit_logs")
    header = tab.view.horizontalHeader()
    assert header.length() >= tab.view.viewport().width()
