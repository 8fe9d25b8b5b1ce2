"""The program's start (issue 18): the window is painted before the dashboard asks the
compliance engine, showing "Working out…" and never a status, then filled with the real ones
as the first work after that paint (``MainWindow(dashboard_after_paint=True)``)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from cpe_desktop.services import licenses
from cpe_desktop.services.changes import LICENSES, Changes
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.tabs.dashboard_tab import WORKING_TEXT
from cpe_desktop.ui.widgets.license_card import STATUS_WORDS, LicenseCard


def _texts(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.text()]


def _license(ctx, jurisdiction="Texas"):
    licenses.create_license(
        ctx, {"credential": "CPA", "jurisdiction": jurisdiction, "issued_on": "2010-02-01"}
    )


def _says_no_status(dashboard) -> None:
    words = {word.casefold() for word in STATUS_WORDS.values()}
    texts = _texts(dashboard)
    assert WORKING_TEXT in texts
    assert dashboard.cards == [] and dashboard.items == [] and dashboard.summary_text == ""
    assert not any(word in text.casefold() for text in texts for word in words)


def test_the_start_paints_working_out_then_the_real_statuses(qtbot, people):
    _license(people.as_ann)
    _license(people.as_ann, "New York")
    bus = ChangeBus()
    window = MainWindow(people.as_ann, bus, database_location="test.db", dashboard_after_paint=True)
    qtbot.addWidget(window)
    dashboard = window.dashboard
    assert dashboard.waiting
    _says_no_status(dashboard)
    bus.publish(Changes.of(LICENSES))  # a change before the paint waits for it too
    _says_no_status(dashboard)
    window.show()
    qtbot.waitUntil(lambda: not dashboard.waiting)
    assert len(dashboard.cards) == 2 and all(isinstance(c, LicenseCard) for c in dashboard.cards)
    assert WORKING_TEXT not in _texts(dashboard)
    assert {item.license.jurisdiction for item in dashboard.items} == {"Texas", "New York"}
    assert dashboard.summary_text  # the counts per status
    # The same as a dashboard filled at once.
    at_once = MainWindow(people.as_ann, ChangeBus(), database_location="test.db")
    qtbot.addWidget(at_once)
    assert [(i.license.license_id, i.status) for i in at_once.dashboard.items] == [
        (i.license.license_id, i.status) for i in dashboard.items
    ]
    assert at_once.dashboard.summary_text == dashboard.summary_text
    # Once filled it follows changes as ever.
    _license(people.as_ann, "Ohio")
    bus.publish(Changes.of(LICENSES))
    assert len(dashboard.cards) == 3


def test_a_dashboard_hidden_at_the_paint_is_filled_when_shown(qtbot, people):
    _license(people.as_ann)
    window = MainWindow(
        people.as_ann, ChangeBus(), database_location="test.db", dashboard_after_paint=True
    )
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(1)  # another tab in front at the start
    window.show()
    qtbot.waitUntil(lambda: not window.dashboard.waiting)
    assert window.dashboard.cards == []
    window.tabs.setCurrentWidget(window.dashboard)
    assert len(window.dashboard.cards) == 1
    assert WORKING_TEXT not in _texts(window.dashboard)


def test_the_window_filled_at_once_never_says_working_out(qtbot, people):
    _license(people.as_ann)
    window = MainWindow(people.as_ann, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    assert not window.dashboard.waiting
    assert len(window.dashboard.cards) == 1
    assert WORKING_TEXT not in _texts(window.dashboard)
