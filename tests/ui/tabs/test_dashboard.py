"""The dashboard as people read it: one card per license with the engine's numbers, the firm view
sorted by urgency, what to do without a rule, opening the counted records, and live updates.

Scenarios use the shipped rules; every expected number is worked out by hand below, as of the
fixture clock (15 Jun 2026). Licenses were issued on 1 Feb 2010 (no first-period reductions) and
entered now, so each is tracked from its current period (ARCHITECTURE.md §4): nothing earlier is
judged. Ann entered her New York history since Feb 2024 too, so New York's 2025 is judged.

CPA Texas (22 TAC 523.102, 523.130): a rolling 3-year window whose reporting years end with the
birth month (December for both holders) → 1 Jan 2024 – 31 Dec 2026, 120 h, 20 h a year; ethics
4 h per 2 years (1 Jan 2025 – 31 Dec 2026), Texas-approved only. CPA New York: calendar year
2026, 40 h; ethics 4 h per 3 years aligned to the issue year (2025–2027), New York-approved only.
CMA (IMA): calendar year, 30 h, 2 h ethics, up to 10 h carried over.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

from cpe_desktop.db.models import License
from cpe_desktop.services import licenses, records, users
from cpe_desktop.services.changes import Changes
from cpe_desktop.ui import theme
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.dates import date_format
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.tabs.dashboard_tab import MINE, DashboardTab
from cpe_desktop.ui.widgets.firm_row import FirmRow
from cpe_desktop.ui.widgets.hours_bar import HoursBar
from cpe_desktop.ui.widgets.license_card import LicenseCard
from tests.helpers.modal_dialogs import with_dialog


def _day(text: str) -> str:
    return QLocale().toString(QDate.fromString(text, "yyyy-MM-dd"), date_format())


def _license(ctx, jurisdiction, credential="CPA", issued="2010-02-01", **more):
    return licenses.create_license(
        ctx, {"credential": credential, "jurisdiction": jurisdiction, "issued_on": issued} | more
    ).value


def _record(ctx, day, field, credits, ethics=None):
    return records.create_record(
        ctx,
        {
            "title": f"{field} {day}",
            "completed_on": day,
            "delivery_method": "Group Live",
            "ethics_jurisdiction": ethics,
            "credits": [{"field": field, "credits": credits}],
        },
    )


@pytest.fixture
def ann_scenario(people):
    """Ann: CPA Texas (at risk) and CPA New York (overdue). Returns her record ids."""
    users.update_user(people.as_ann, people.ann.user_id, {"birth_date": "1980-12-05"})
    _license(people.as_ann, "Texas")
    # Ann entered her New York history since 2024: its past years are judged.
    _license(people.as_ann, "New York", tracked_from="2024-02-01")
    ids = [
        _record(people.as_ann, "2024-03-10", "Taxes", 20).value.record_id,
        _record(people.as_ann, "2025-04-10", "Auditing", 20).value.record_id,
        _record(people.as_ann, "2025-11-02", "Regulatory Ethics", 2, "Texas").value.record_id,
        _record(people.as_ann, "2026-02-10", "Accounting", "12.5").value.record_id,
    ]
    return ids


@pytest.fixture
def bob_scenario(people):
    """Bob: CPA Texas (on track), CMA (complete) and CPA Atlantis (no rule)."""
    users.update_user(people.as_bob, people.bob.user_id, {"birth_date": "1975-12-20"})
    _license(people.as_bob, "Texas")
    _license(people.as_bob, "IMA", credential="CMA", issued="2020-01-01")
    _license(people.as_bob, "Atlantis")
    for day, field, credits in [
        ("2024-03-01", "Taxes", 20),
        ("2024-09-01", "Auditing", 20),
        ("2025-03-01", "Taxes", 20),
        ("2025-09-01", "Auditing", 20),
        ("2026-03-01", "Accounting", 16),
        ("2026-03-02", "Finance", 12),
        ("2026-03-05", "Behavioral Ethics", 2),
    ]:
        _record(people.as_bob, day, field, credits)


def _dashboard(qtbot, ctx, bus=None):
    tab = DashboardTab(ctx, bus or ChangeBus())
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def _card(tab, jurisdiction, user=None):
    (card,) = [
        c
        for c in tab.cards
        if c.item.license.jurisdiction == jurisdiction
        and (user is None or c.item.user.user_id == user.user_id)
    ]
    return card


def _numbers(bar: HoursBar) -> tuple[Decimal, Decimal]:
    return bar.counted, bar.required


# --- a member's own cards --------------------------------------------------------------------


def test_member_sees_a_card_per_own_license_with_the_engines_numbers(
    qtbot, people, ann_scenario, bob_scenario
):
    tab = _dashboard(qtbot, people.as_ann)
    assert not tab.firm_view
    assert all(isinstance(c, LicenseCard) for c in tab.cards)
    # Bob's three licenses are not Ann's to see; the overdue one comes first.
    assert [c.item.license.jurisdiction for c in tab.cards] == ["New York", "Texas"]

    texas = _card(tab, "Texas")
    assert texas.status_label.text() == "At risk"  # 65.5 h missing needs a faster pace
    assert texas.period_label.text() == f"Period {_day('2024-01-01')} – {_day('2026-12-31')}"
    assert texas.days_label.text() == "199 days left"
    assert _numbers(texas.bars["total"]) == (Decimal("54.5"), Decimal(120))
    assert texas.bars["total"].numbers() == "54.5 of 120 h"
    assert _numbers(texas.bars["ethics"]) == (Decimal(2), Decimal(4))
    assert texas.bars["ethics"].label == "Ethics (Texas-approved)"
    assert texas.bars["ethics"].detail == (
        f"Ethics period {_day('2025-01-01')} – {_day('2026-12-31')}"
    )
    assert _numbers(texas.bars["annual"]) == (Decimal("12.5"), Decimal(20))  # 2026 so far
    # The first line says what is needed by when.
    assert texas.headline_label.text() == (
        f"Need 65.5 h, 2 of them Texas ethics, by {_day('2026-12-31')}"
    )
    assert not texas.overdue_label.isVisibleTo(texas)
    assert texas.facts_label.text() == f"Tracked since {_day('2026-01-01')}"
    # Four records without certificates: three shown, then how many more.
    assert [label.text() for label in texas.issue_labels][-1] == "and 1 more"
    assert len(texas.issue_labels) == 4

    york = _card(tab, "New York")
    assert york.status_label.text() == "Overdue"  # 2025 had 22 of 40 h; 2026 made up 12.5
    assert _numbers(york.bars["total"]) == (Decimal("12.5"), Decimal(40))
    assert _numbers(york.bars["ethics"]) == (Decimal(0), Decimal(4))  # Texas ethics: not NY
    assert "annual" not in york.bars  # a one-year period: its minimum is the total bar
    assert york.headline_label.text() == (
        f"Need 27.5 h by {_day('2026-12-31')}; 4 h of New York ethics by {_day('2027-12-31')}"
    )
    # Tracked history said apart, under the first line.
    assert york.overdue_label.isVisibleTo(york)
    assert york.overdue_label.text() == (
        f"Overdue: 5.5 h still missing from the period that ended {_day('2025-12-31')}"
    )
    assert york.facts_label.text() == f"Tracked since {_day('2024-02-01')}"


def test_carryover_and_a_complete_license(qtbot, people, bob_scenario):
    tab = _dashboard(qtbot, people.as_bob)
    cma = _card(tab, "IMA")
    assert cma.status_label.text() == "Complete"
    # 2026: 16 + 12 + 2 = 30 h; 2025's 40 h exceed 30 by 10, the most that may carry over.
    assert _numbers(cma.bars["total"]) == (Decimal(40), Decimal(30))
    assert cma.notes_label.text() == "Includes 10 h carried over"
    assert cma.headline_label.text() == (
        f"All requirements met for the period ending {_day('2026-12-31')}"
    )


def test_a_license_without_a_rule_says_what_to_do(qtbot, people, bob_scenario):
    tab = _dashboard(qtbot, people.as_bob)
    atlantis = _card(tab, "Atlantis")
    assert atlantis.status_label.text() == "No rule"
    assert atlantis.headline_label.text() == (
        "No requirement rule for CPA in Atlantis — ask your firm administrator to add one "
        "under Administration › Requirements"
    )
    admin_view = _dashboard(qtbot, people.as_admin)
    assert _card(admin_view, "Atlantis").headline_label.text() == (
        "No requirement rule for CPA in Atlantis — add one under Administration › Requirements"
    )


def test_no_licenses_shows_what_to_do_next(qtbot, people):
    tab = _dashboard(qtbot, people.as_ann)
    assert tab.cards == []
    assert "Licenses tab" in tab.empty_label.text() and "Ctrl+N" in tab.empty_label.text()


# --- the firm view ------------------------------------------------------------------------------


def test_admin_sees_every_license_sorted_by_urgency_with_the_counts(
    qtbot, people, ann_scenario, bob_scenario
):
    tab = _dashboard(qtbot, people.as_admin)
    assert tab.firm_view and all(isinstance(c, FirmRow) for c in tab.cards)
    shown = [
        (c.item.user.name, c.item.license.jurisdiction, c.status_label.text()) for c in tab.cards
    ]
    assert shown == [
        ("Ann Member", "New York", "Overdue"),
        ("Ann Member", "Texas", "At risk"),
        ("Bob Member", "Atlantis", "No rule"),
        ("Bob Member", "Texas", "On track"),  # 110 of 120 h: 10 h in 199 days keeps pace
        ("Bob Member", "IMA", "Complete"),
    ]
    assert tab.summary_text == "1 overdue · 1 at risk · 1 on track · 1 complete · 1 without a rule"
    bob_texas = _card(tab, "Texas", people.bob)
    assert bob_texas.bar is not None and bob_texas.bar.numbers() == "110 of 120 h"
    assert bob_texas.cells["ends"].text() == _day("2026-12-31")
    assert bob_texas.cells["days"].text() == "199"
    # The card's sentence; behavioral ethics without a Texas tag is not Texas ethics.
    assert bob_texas.headline_label.text().startswith(
        f"Need 10 h, 4 of them Texas ethics, by {_day('2026-12-31')}"
    )
    ann_york = _card(tab, "New York", people.ann)
    assert "  ·  Overdue: 5.5 h still missing" in ann_york.headline_label.text()


def test_admin_alone_gets_cards_not_the_firm_view(qtbot, people):
    _license(people.as_admin, "Texas")
    tab = _dashboard(qtbot, people.as_admin)
    assert not tab.firm_view and isinstance(tab.cards[0], LicenseCard)


# --- opening the counted records ----------------------------------------------------------------


def test_click_and_enter_open_exactly_the_counted_records(qtbot, people, ann_scenario):
    tab = _dashboard(qtbot, people.as_ann)
    all_four = ann_scenario
    with qtbot.waitSignal(tab.openRecords) as clicked:
        qtbot.mouseClick(_card(tab, "Texas"), Qt.MouseButton.LeftButton)
    assert sorted(clicked.args[0]) == sorted(all_four)
    york = _card(tab, "New York")
    york.setFocus()
    with qtbot.waitSignal(tab.openRecords) as entered:
        qtbot.keyClick(york, Qt.Key.Key_Return)
    assert entered.args[0] == [all_four[3]]  # only the 2026 record is in New York's year
    with qtbot.waitSignal(tab.openRecords) as spaced:
        qtbot.keyClick(york, Qt.Key.Key_Space)
    assert spaced.args[0] == [all_four[3]]


def test_a_card_without_a_rule_opens_nothing(qtbot, people, bob_scenario):
    tab = _dashboard(qtbot, people.as_bob)
    with qtbot.assertNotEmitted(tab.openRecords):
        qtbot.mouseClick(_card(tab, "Atlantis"), Qt.MouseButton.LeftButton)


def test_the_main_window_shows_the_records_selected(qtbot, people, ann_scenario):
    window = MainWindow(people.as_ann, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    texas = _card(window.dashboard, "Texas")
    qtbot.mouseClick(texas, Qt.MouseButton.LeftButton)
    records_tab = window.tab("records")
    assert window.current_table_tab() is records_tab
    assert sorted(records_tab.selected_pks()) == sorted(ann_scenario)
    window.show_table("records").search.setText("nothing matches this")
    records_tab.search.returnPressed.emit()
    window.tabs.setCurrentWidget(window.dashboard)
    qtbot.mouseClick(_card(window.dashboard, "New York"), Qt.MouseButton.LeftButton)
    assert records_tab.search.text() == ""  # the filter would have hidden the record
    assert records_tab.selected_pks() == [ann_scenario[3]]


# --- staying current ----------------------------------------------------------------------------


def test_a_new_record_updates_the_numbers(qtbot, people, ann_scenario):
    bus = ChangeBus()
    tab = _dashboard(qtbot, people.as_ann, bus)
    bus.publish(_record(people.as_ann, "2026-05-04", "Regulatory Ethics", 4, "New York"))
    texas, york = _card(tab, "Texas"), _card(tab, "New York")
    # Counts toward both totals; toward New York's ethics only (tagged New York).
    assert _numbers(texas.bars["total"]) == (Decimal("58.5"), Decimal(120))
    assert _numbers(texas.bars["ethics"]) == (Decimal(2), Decimal(4))
    assert _numbers(york.bars["total"]) == (Decimal("16.5"), Decimal(40))
    assert _numbers(york.bars["ethics"]) == (Decimal(4), Decimal(4))
    assert len(york.record_ids) == 2


def test_unrelated_changes_and_hidden_tabs_do_not_rebuild(qtbot, people, ann_scenario):
    bus = ChangeBus()
    tab = _dashboard(qtbot, people.as_ann, bus)
    before = tab.cards[0]
    bus.publish(Changes.of("notifications"))
    assert tab.cards[0] is before
    tab.hide()
    bus.publish(_record(people.as_ann, "2026-05-04", "Taxes", 8))
    assert tab.cards[0] is before  # noted as stale, rebuilt when shown
    tab.show()
    assert _card(tab, "Texas").bars["total"].counted == Decimal("62.5")


def test_refresh_keeps_the_scroll_position_and_focus(qtbot, people):
    for code, jurisdiction in [("CPA", "Texas"), ("CPA", "New York"), ("CMA", "IMA")]:
        for ctx in (people.as_ann, people.as_bob, people.as_admin):
            _license(ctx, jurisdiction, credential=code)
    bus = ChangeBus()
    tab = _dashboard(qtbot, people.as_admin, bus)
    tab.set_scope("firm")  # Ada holds licenses too: her own cards come first, the firm on demand
    tab.resize(900, 300)
    bar = tab.verticalScrollBar()
    assert bar.maximum() > 100
    bar.setValue(100)
    tab.cards[4].setFocus()
    focused = tab.cards[4].item.license.license_id
    bus.publish(_record(people.as_bob, "2026-05-04", "Taxes", 8))
    assert bar.value() == 100
    assert tab.focusWidget() is not None
    assert tab.focusWidget().item.license.license_id == focused


@pytest.fixture
def themed_app(qapp):
    """The shared application, given back with its original look."""
    sheet, palette = qapp.styleSheet(), QPalette(qapp.palette())
    yield qapp
    qapp.styleHints().setColorScheme(Qt.ColorScheme.Unknown)
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    theme._state.preference = "system"
    theme._state.scheme = None


def test_switching_theme_recolours_the_status(qtbot, themed_app, people, ann_scenario):
    theme.apply_theme(themed_app, "light")
    tab = _dashboard(qtbot, people.as_ann)

    def colour() -> QColor:
        label = _card(tab, "Texas").status_label
        return label.palette().color(QPalette.ColorRole.WindowText)

    assert colour() == theme.status_colour("at_risk", "light")
    theme.apply_theme(themed_app, "dark")
    assert colour() == theme.status_colour("at_risk", "dark")


def test_the_filter_and_its_clear_button_come_with_the_firm_view(
    qtbot, people, ann_scenario, bob_scenario
):
    """Built to be filled after the window's first paint, the tab shows no filter and has not
    yet asked Qt for its clear button (whose icon costs the start 9 ms under X11); the firm
    view shows it with the button; one person's cards hide it again."""
    tab = DashboardTab(people.as_admin, ChangeBus(), fill_after_paint=True)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.filter.isHidden() and not tab.filter.isClearButtonEnabled()
    tab.fill()
    assert tab.firm_view
    assert tab.filter.isVisible() and tab.filter.isClearButtonEnabled()
    tab.set_scope(MINE)
    assert not tab.firm_view and tab.filter.isHidden()


def test_the_firm_view_filters_by_person_license_or_status(
    qtbot, people, ann_scenario, bob_scenario
):
    tab = _dashboard(qtbot, people.as_admin)

    def shown():
        return [(c.item.user.name, c.item.license.jurisdiction) for c in tab.cards if c.isVisible()]

    tab.filter.setText("bob texas")
    assert shown() == [("Bob Member", "Texas")]
    tab.filter.setText("OVERDUE")
    assert shown() == [("Ann Member", "New York")]
    tab.filter.setText("nobody")
    assert shown() == [] and tab.no_match.isVisible()
    tab.filter.clear()
    assert len(shown()) == 5 and not tab.no_match.isVisible()


def test_arrow_keys_move_between_rows(qtbot, people, ann_scenario, bob_scenario):
    tab = _dashboard(qtbot, people.as_admin)
    tab.activateWindow()
    first, second = tab.cards[:2]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Down)
    assert tab.focusWidget() is second
    qtbot.keyClick(second, Qt.Key.Key_Up)
    assert tab.focusWidget() is first


def test_dashboard_and_status_json_agree(qtbot, people, ann_scenario, bob_scenario, db, tmp_path):
    """The dashboard and ``cpe-tracker status --json`` tell the same story for the same data."""
    import json
    import os
    import subprocess
    import sys

    if not isinstance(db, __import__("peewee").SqliteDatabase):
        pytest.skip("the command line is pointed at the SQLite file here")
    env = {k: v for k, v in os.environ.items() if k != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(tmp_path / "cli"), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cpe_desktop",
            "--db",
            db.database,
            "status",
            "--json",
            "--as-of",
            "2026-06-15",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    by_license = {
        (person["email"], lic["jurisdiction"]): lic
        for person in json.loads(result.stdout)["users"]
        for lic in person["licenses"]
    }
    tab = _dashboard(qtbot, people.as_admin)
    assert len(tab.cards) == len(by_license) == 5
    for card in tab.cards:
        lic = by_license[(card.item.user.email, card.item.license.jurisdiction)]
        assert card.status_label.text().lower().replace(" ", "_") == lic["status"]
        if lic["required_total"] is not None:
            assert card.bar.numbers() == (
                f"{_plain(lic['counted_total'])} of {_plain(lic['required_total'])} h"
            )


def _plain(number) -> str:
    return f"{number:g}"


# --- the first answer for a new user (issue 11) --------------------------------------------------


def test_old_licenses_with_only_this_years_records_are_not_overdue(qtbot, people):
    """A Texas license issued in 2008 and a Georgia one issued in 2009, entered today with only
    this year's courses: the years before tracking began are never judged (ARCHITECTURE.md §4), so
    nothing is overdue and each card starts with what is needed by when.

    Georgia (Ga. Comp. R. & Regs. 20-10-.02, 20-11-.01): 80 h over two calendar years ending in
    odd years, 1 Jan 2026 – 31 Dec 2027; 60 h counted leaves 20 h. Texas: 120 h in the window
    ending 31 Dec 2026 (Ann's birth month is December); 60 h counted leaves 60 h, 4 of them
    Texas ethics (none of Ann's ethics is Texas-approved)."""
    users.update_user(people.as_ann, people.ann.user_id, {"birth_date": "1980-12-05"})
    _license(people.as_ann, "Texas", issued="2008-06-01")
    _license(people.as_ann, "Georgia", issued="2009-03-01")
    records.create_record(
        people.as_ann,
        {
            "title": "Four-day conference",
            "started_on": "2026-05-11",
            "completed_on": "2026-05-14",
            "delivery_method": "Group Live",
            "credits": [{"field": "Accounting", "credits": 30}],
        },
    )
    _record(people.as_ann, "2026-03-02", "Taxes", 30)
    tab = _dashboard(qtbot, people.as_ann)
    statuses = {c.item.license.jurisdiction: c.status_label.text() for c in tab.cards}
    assert "Overdue" not in statuses.values()
    assert "overdue" not in tab.summary_text.replace("0 overdue", "")
    texas, georgia = _card(tab, "Texas"), _card(tab, "Georgia")
    for card in (texas, georgia):
        assert card.headline_label.text() == card.item.evaluation.headline()
        assert not card.overdue_label.isVisibleTo(card)
        # The first line under the title is the plain sentence.
        assert card.layout().itemAt(1).widget() is card.headline_label
    assert georgia.headline_label.text().startswith("Need 20 h")
    assert georgia.headline_label.text().endswith(f"by {_day('2027-12-31')}")
    assert texas.headline_label.text() == (
        f"Need 60 h, 4 of them Texas ethics, by {_day('2026-12-31')}"
    )


def test_a_period_only_the_holder_knows_is_asked_for(qtbot, people):
    """An enrolled agent's period ends with the SSN's last digit (31 CFR 10.6(d)(2)):
    only the holder knows it, so the card asks, and the button opens the license form on that
    question; the answer is saved and the card then shows the period."""
    lic = _license(people.as_ann, "IRS", credential="EA")
    bus = ChangeBus()
    tab = _dashboard(qtbot, people.as_ann, bus)
    card = _card(tab, "IRS")
    assert card.headline_label.text() == "Tell us when the current reporting period ends"
    assert card.period_label.text().endswith("(a guess until you tell us)")
    button = card.ask_buttons["period_end"]
    assert button.text().startswith("Tell us when your period ends")

    def answer(dialog):
        assert dialog.focusWidget() in dialog.inputs["period_end_override"].focus
        dialog.inputs["period_end_override"].set_value(dt.date(2027, 3, 31))
        assert dialog.save()

    with_dialog(lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton), answer)
    assert License.get_by_id(lic.license_id).period_end_override == dt.date(2027, 3, 31)
    card = _card(tab, "IRS")  # rebuilt on the change
    assert "period_end" not in card.ask_buttons
    assert card.period_label.text().endswith(_day("2027-03-31"))


def test_a_card_for_someone_else_names_them_and_asks_for_their_facts(qtbot, people):
    """An administrator who holds no license, in a firm where only Ann does, sees Ann's cards
    (one holder: cards, not the firm's rows): each names Ann, its button offers Ann's birth date
    and the period is "a guess until it is given", not "your birth date" / "you tell us"."""
    _license(people.as_ann, "Texas")
    tab = _dashboard(qtbot, people.as_admin, ChangeBus())
    theirs = _card(tab, "Texas", people.ann)
    assert theirs.ask_buttons["birth_date"].text() == f"Add {people.ann.name}'s birth date…"
    assert theirs.period_label.text().endswith("(a guess until it is given)")
    assert people.ann.name in [label.text() for label in theirs.findChildren(QLabel)]
    own = _card(_dashboard(qtbot, people.as_ann, ChangeBus()), "Texas")
    assert own.ask_buttons["birth_date"].text() == "Add your birth date…"
    assert people.ann.name not in [label.text() for label in own.findChildren(QLabel)]


def test_a_missing_birth_date_is_asked_for(qtbot, people):
    _license(people.as_ann, "Texas")
    tab = _dashboard(qtbot, people.as_ann, ChangeBus())
    button = _card(tab, "Texas").ask_buttons["birth_date"]
    assert button.text().startswith("Add your birth date")

    def answer(dialog):
        assert dialog.focusWidget() in dialog.inputs["birth_date"].focus
        dialog.inputs["birth_date"].set_value(dt.date(1980, 12, 5))
        assert dialog.save()

    with_dialog(lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton), answer)
    assert users.get_user(people.as_ann, people.ann.user_id).birth_date == dt.date(1980, 12, 5)
    assert "birth_date" not in _card(tab, "Texas").ask_buttons
