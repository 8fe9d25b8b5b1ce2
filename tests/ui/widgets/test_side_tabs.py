"""The Administration area's side tabs (ui/widgets/side_tabs.py): the list and the pages are made
when first needed (issue 18: not before the window's first paint), and then read as if made at
once."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from cpe_desktop.services.tables import paging as tables
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.main_window import ADMIN_TABS, MainWindow
from cpe_desktop.ui.widgets.side_tabs import SideTabs


def test_pages_added_before_the_list_is_made_keep_their_order(qtbot):
    tabs = SideTabs()
    qtbot.addWidget(tabs)
    pages = [QLabel(text) for text in ("one", "two", "three")]
    assert [tabs.addTab(page, page.text().title()) for page in pages] == [0, 1, 2]
    assert not tabs.built()
    chosen = []
    tabs.currentChanged.connect(chosen.append)
    assert tabs.count() == 3 and tabs.built()
    assert [tabs.tabText(i) for i in range(3)] == ["One", "Two", "Three"]
    assert tabs.currentWidget() is pages[0] and tabs.indexOf(pages[2]) == 2
    assert tabs.list.width() >= 160  # wide enough for the titles, as before
    tabs.setCurrentWidget(pages[2])
    assert tabs.currentIndex() == 2 and chosen == [0, 2]  # (the first page, as it is made)
    later = QLabel("four")
    assert tabs.addTab(later, "Four") == 3 and tabs.tabText(3) == "Four"


def test_an_empty_area_shown_has_no_page(qtbot):
    tabs = SideTabs()
    qtbot.addWidget(tabs)
    tabs.show()
    assert tabs.built() and tabs.count() == 0 and tabs.currentWidget() is None


def test_the_administration_area_is_made_when_first_shown(qtbot, people):
    window = MainWindow(people.as_admin, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    admin = window.admin_tabs
    assert admin is not None and not admin.built()  # the dashboard is in front
    window.tabs.setCurrentWidget(admin)
    assert admin.built() and admin.list.isVisible()
    assert [admin.tabText(i) for i in range(admin.count())] == [
        tables.spec(n).title for n in ADMIN_TABS
    ]
    assert admin.currentIndex() == 0 and admin.currentWidget() is window.lazy_tabs[ADMIN_TABS[0]]
    first = window.lazy_tabs[ADMIN_TABS[0]]
    assert first.isVisible() and first.content is not None  # its table built and shown
    second = window.lazy_tabs[ADMIN_TABS[1]]
    admin.setCurrentIndex(1)
    assert second.isVisible() and second.content is not None and not first.isVisible()
