"""Delivering notifications: the tray when there is one, the window otherwise; closing the window
hides it to the tray only when a tray exists; the tray menu; the Notifications tab."""

from __future__ import annotations

import datetime as dt

from cpe_desktop.services import licenses, notifications, records
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.notifier import TrayNotifier, WindowNotifier, choose_notifier
from cpe_desktop.ui.tabs.notifications_tab import NotificationsTab
from cpe_desktop.ui.tray import PAUSE_HOUR, Tray, pause_until_tomorrow
from tests.helpers.notifier_doubles import FakeTrayIcon


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_tray_shows_the_notification_as_a_balloon(qtbot, people):
    window = _window(qtbot, people.as_ann)
    icon = FakeTrayIcon()
    notifier = choose_notifier(icon, lambda: window, lambda: window.banner, available=lambda: True)
    assert isinstance(notifier, TrayNotifier)
    notifier.notify("Reminder", "Log your ethics course")
    assert icon.shown == [("Reminder", "Log your ethics course")]
    assert window.banner.isHidden()  # not both


def test_without_a_tray_the_window_shows_a_banner(qtbot, people):
    window = _window(qtbot, people.as_ann)
    icon = FakeTrayIcon()
    notifier = choose_notifier(icon, lambda: window, lambda: window.banner, available=lambda: False)
    assert isinstance(notifier, WindowNotifier)
    notifier.notify("Reminder", "Log your ethics course")
    notifier.notify("Deadline approaching", "CPA — Texas: 12 hours still needed")
    assert icon.shown == []
    assert window.banner.isVisible()
    assert window.banner.title.text() == "Deadline approaching"
    assert "12 hours still needed" in window.banner.text.text()
    assert "(and 1 more)" in window.banner.text.text()
    window.banner.open_button.click()
    assert window.banner.isHidden()
    assert window.current_table_tab() is window.lazy_tabs["notifications"].content


def test_a_hidden_tray_icon_is_not_a_tray(qtbot, people):
    window = _window(qtbot, people.as_ann)
    icon = FakeTrayIcon()
    icon.visible = False
    notifier = choose_notifier(icon, lambda: window, lambda: window.banner, available=lambda: True)
    assert isinstance(notifier, WindowNotifier)


def test_closing_without_a_tray_closes_the_window(qtbot, people):
    window = _window(qtbot, people.as_ann)
    assert window.close_to_tray is False
    assert window.close() is True
    assert not window.isVisible()


def test_closing_with_a_tray_hides_the_window_and_quit_still_quits(qtbot, people):
    window = _window(qtbot, people.as_ann)
    window.close_to_tray = True
    assert window.close() is False  # the program keeps running in the tray
    assert not window.isVisible()
    window.show()
    with qtbot.waitSignal(window.quitRequested):
        window.quit_action.trigger()
    assert not window.isVisible()


def test_tray_menu_raises_its_requests(qtbot):
    tray = Tray(FakeTrayIcon())
    with qtbot.waitSignal(tray.openRequested):
        tray.open_action.trigger()
    with qtbot.waitSignal(tray.pauseRequested) as paused:
        tray.pause_hour_action.trigger()
    assert paused.args == [PAUSE_HOUR]
    with qtbot.waitSignal(tray.pauseRequested) as paused:
        tray.pause_tomorrow_action.trigger()
    assert paused.args == [None]
    tray.set_paused(dt.datetime(2026, 6, 16, 8, 0))
    assert tray.resume_action.isVisible() and not tray.pause_hour_action.isVisible()
    with qtbot.waitSignal(tray.resumeRequested):
        tray.resume_action.trigger()
    tray.set_paused(None)
    assert not tray.resume_action.isVisible() and tray.pause_hour_action.isVisible()
    with qtbot.waitSignal(tray.quitRequested):
        tray.quit_action.trigger()


def test_tray_icon_says_how_many_are_unread(qtbot):
    icon = FakeTrayIcon()
    tray = Tray(icon)
    tray.set_unread(3)
    assert "3 unread notifications" in icon.toolTip()
    tray.set_unread(0)
    assert icon.toolTip() == "CPE Tracker"


def test_pause_until_tomorrow_means_tomorrow_morning():
    assert pause_until_tomorrow(dt.datetime(2026, 12, 31, 22, 15)) == dt.datetime(2027, 1, 1, 8)


def _note(ctx, user_id, message, **extra) -> int:
    return notifications.create_notification(
        ctx, {"user_id": user_id, "message": message, **extra}
    ).value.notification_id


def test_unread_notifications_are_bold_and_open_what_they_are_about(qtbot, people):
    ctx, ann = people.as_ann, people.ann
    record = records.create_record(
        ctx,
        {
            "user_id": ann.user_id,
            "title": "Ethics for Texas CPAs",
            "completed_on": "2026-05-01",
            "delivery_method": "Group Live",
            "credits": [{"field": "Regulatory Ethics", "credits": "4"}],
        },
    ).value
    license_ = licenses.create_license(
        ctx, {"user_id": ann.user_id, "credential": "CPA", "jurisdiction": "Texas"}
    ).value
    about_record = _note(ctx, ann.user_id, "Certificate missing", record_id=record.record_id)
    about_license = _note(
        ctx, ann.user_id, "12 hours still needed", kind="deadline", license_id=license_.license_id
    )
    window = _window(qtbot, ctx)
    tab = window.show_table("notifications")
    assert isinstance(tab, NotificationsTab)

    def bold(pk) -> bool:
        row = tab.model.row_of_pk(pk)
        option = _style_option(tab, row)
        return option.font.bold()

    assert bold(about_record) and bold(about_license)

    tab.select_pks([about_record])
    assert tab.open_button.isEnabled()
    tab.open_button.click()
    records_tab = window.current_table_tab()
    assert records_tab is window.lazy_tabs["records"].content
    assert records_tab.selected_pks() == [record.record_id]
    assert notifications.get_notification(ctx, about_record).read_at is not None

    tab = window.show_table("notifications")
    assert not bold(about_record) and bold(about_license)
    tab.select_pks([about_license])
    tab.edit_current()  # double-click / Enter
    licenses_tab = window.current_table_tab()
    assert licenses_tab is window.lazy_tabs["licenses"].content
    assert licenses_tab.selected_pks() == [license_.license_id]


def _style_option(tab, row):
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    index = tab.model.index(row, 0)
    tab.view.itemDelegate().initStyleOption(option, index)
    return option
