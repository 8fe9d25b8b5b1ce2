"""The dashboard at the window's default size (1180×760), and whose licenses it shows.

Cards must fit beside each other or go below one another, never past the right edge where no
scroll bar reaches them; and an administrator who holds licenses keeps their own cards when other
people have licenses too ("My licenses / Firm").
"""

from __future__ import annotations

from cpe_desktop.services import licenses, users
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.widgets.firm_row import FirmRow
from cpe_desktop.ui.widgets.license_card import LicenseCard

THREE = [
    ("Texas", "CPA", "2010-02-01"),
    ("IMA", "CMA", "2020-01-01"),
    ("New York", "CPA", "2010-02-01"),
]


def _licenses(ctx, which=THREE):
    for jurisdiction, credential, issued in which:
        licenses.create_license(
            ctx, {"credential": credential, "jurisdiction": jurisdiction, "issued_on": issued}
        )


def _window(qtbot, ctx, bus=None):
    window = MainWindow(ctx, bus or ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    window.resize(1180, 760)
    window.show()
    qtbot.waitExposed(window)
    return window


def _reach(bar):
    """How far a scroll bar moves the view: nothing when it is not shown."""
    return bar.maximum() if bar.isVisible() else 0


def _assert_every_card_reachable(dashboard):
    dashboard.scroll.widget().layout().activate()
    viewport = dashboard.scroll.viewport()
    body = dashboard.scroll.widget()
    horizontal = dashboard.scroll.horizontalScrollBar()
    vertical = dashboard.verticalScrollBar()
    for card in dashboard.cards:
        # Wide enough for what it holds, and tall enough for its wrapped lines.
        assert card.width() >= card.minimumSizeHint().width()
        assert card.height() >= card.heightForWidth(card.width())
        right = card.mapTo(body, card.rect().bottomRight())
        # Inside the viewport's width, or a horizontal scroll bar reaches it.
        assert right.x() < viewport.width() + _reach(horizontal)
        assert right.y() < viewport.height() + _reach(vertical)


def test_three_new_licenses_fit_at_the_default_size(qtbot, people):
    """No records yet: each card's footer is a long sentence. Before the fix the three cards
    kept three columns each wider than a third of the window, the last one cut off at the right
    edge with neither scroll bar."""
    users.update_user(people.as_ann, people.ann.user_id, {"birth_date": "1980-12-05"})
    bus = ChangeBus()
    window = _window(qtbot, people.as_ann, bus)
    for jurisdiction, credential, issued in THREE:  # added while the dashboard shows
        outcome = licenses.create_license(
            people.as_ann,
            {"credential": credential, "jurisdiction": jurisdiction, "issued_on": issued},
        )
        bus.publish(outcome.changes)
    dashboard = window.dashboard
    assert len(dashboard.cards) == 3
    _assert_every_card_reachable(dashboard)
    # And at the first start with them already there.
    other = _window(qtbot, people.as_ann)
    _assert_every_card_reachable(other.dashboard)


def test_cards_go_below_one_another_in_a_narrow_window(qtbot, people):
    _licenses(people.as_ann)
    window = _window(qtbot, people.as_ann)
    window.resize(620, 760)
    qtbot.wait_until(lambda: window.dashboard._columns == 1)
    _assert_every_card_reachable(window.dashboard)


# --- My licenses / Firm ---------------------------------------------------------------------------


def _dashboard(qtbot, ctx):
    from cpe_desktop.ui.tabs.dashboard_tab import DashboardTab

    tab = DashboardTab(ctx, ChangeBus())
    qtbot.addWidget(tab)
    tab.resize(1180, 700)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def _holders(tab):
    return {card.item.user.user_id for card in tab.cards}


def test_an_administrator_keeps_their_own_cards_when_others_have_licenses(qtbot, people):
    _licenses(people.as_admin, THREE[:2])
    _licenses(people.as_ann, THREE[:1])
    tab = _dashboard(qtbot, people.as_admin)
    # Their own licenses first, as cards; the choice is offered.
    assert tab.scope_bar.isVisible()
    assert tab.scope_buttons["mine"].isChecked()
    assert not tab.firm_view and all(isinstance(c, LicenseCard) for c in tab.cards)
    assert _holders(tab) == {people.admin.user_id} and len(tab.cards) == 2
    assert tab.heading.text().startswith("Your licenses")

    tab.scope_buttons["firm"].click()
    assert tab.firm_view and all(isinstance(c, FirmRow) for c in tab.cards)
    assert _holders(tab) == {people.admin.user_id, people.ann.user_id}

    # Remembered for this person at the next start; not for another administrator.
    again = _dashboard(qtbot, people.as_admin)
    assert again.firm_view and again.scope_buttons["firm"].isChecked()
    again.scope_buttons["mine"].click()
    assert _holders(again) == {people.admin.user_id}


def test_an_administrator_without_licenses_sees_the_firm(qtbot, people):
    _licenses(people.as_ann, THREE[:1])
    _licenses(people.as_bob, THREE[1:2])
    tab = _dashboard(qtbot, people.as_admin)
    assert tab.firm_view and tab.scope_buttons["firm"].isChecked()
    tab.scope_buttons["mine"].click()  # nothing of their own: says what to do
    assert tab.cards == [] and "No licenses yet" in tab.empty_label.text()


def test_members_and_a_lone_administrator_get_no_choice(qtbot, people):
    _licenses(people.as_admin, THREE[:1])
    lone = _dashboard(qtbot, people.as_admin)
    assert not lone.scope_bar.isVisible() and len(lone.cards) == 1
    _licenses(people.as_ann, THREE[:2])
    member = _dashboard(qtbot, people.as_ann)
    assert not member.scope_bar.isVisible()
    assert _holders(member) == {people.ann.user_id}


def test_the_choice_is_dressed_in_bold_when_first_offered(qtbot, people):
    """The buttons' room for their words in bold and the bar's bold style are made when the
    choice is first offered (not while the window is built): then as wide as the bold words
    need, the chosen one in bold; a tab that never offers it never makes them."""
    from PySide6.QtGui import QFontMetrics

    _licenses(people.as_admin, THREE[:1])
    lone = _dashboard(qtbot, people.as_admin)
    assert not lone.scope_bar.isVisible() and lone.scope_bar.styleSheet() == ""
    assert all(b.minimumWidth() == 0 for b in lone.scope_buttons.values())

    _licenses(people.as_ann, THREE[1:2])
    tab = _dashboard(qtbot, people.as_admin)
    assert tab.scope_bar.isVisible()
    assert tab.scope_bar.styleSheet() == "QPushButton:checked { font-weight: bold; }"
    for key, text in (("mine", "My licenses"), ("firm", "Firm")):
        button = tab.scope_buttons[key]
        bold = button.font()
        bold.setBold(True)
        assert button.minimumWidth() == QFontMetrics(bold).horizontalAdvance(text) + 32
    # Offered again (the other side chosen): the same, made once.
    tab.scope_buttons["firm"].click()
    assert tab.scope_buttons["mine"].minimumWidth() > 0
    assert tab.scope_bar.styleSheet() == "QPushButton:checked { font-weight: bold; }"
