"""Help: the Help menu's topics shown in the program from the bundled text, the signed-in
person's own licenses with the rules that judge them, the links between topics, and opening the
data folder."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import QMessageBox

from cpe_desktop import paths
from cpe_desktop.db.models import Credential
from cpe_desktop.services import licenses, requirements
from cpe_desktop.services.compliance import rule_of
from cpe_desktop.ui import theme
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.dialogs import help_dialog
from cpe_desktop.ui.help_html import licenses_html, notes_for_readers, period_words
from cpe_desktop.ui.main_window import MainWindow
from tests.helpers.build_spec import spec_definitions


def _window(qtbot, ctx):
    window = MainWindow(ctx, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    return window


def _license(ctx, user, state, number="L-1"):
    cpa = Credential.get(Credential.code == "CPA").credential_id
    data = {
        "user_id": user.user_id,
        "credential_id": cpa,
        "jurisdiction": state,
        "license_number": number,
        "issued_on": "2010-05-01",
    }
    return licenses.create_license(ctx, data).value


def _shown(qtbot, window, topic):
    window.show_help(topic)
    qtbot.addWidget(window.help_window)
    return window.help_window.browser.toPlainText()


def test_help_menu_lists_the_topics_the_data_folder_and_about(qtbot, people):
    window = _window(qtbot, people.as_ann)
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "&Getting started",
        "How &compliance is worked out",
        "&What's new",
        "Open &data folder",
        "&About CPE Tracker",
    ]
    assert not window.getting_started_action.shortcut().isEmpty()


def test_getting_started_is_the_bundled_text(qtbot, people):
    window = _window(qtbot, people.as_ann)
    text = _shown(qtbot, window, "getting_started")
    bundled = paths.resource("help", "getting_started.md").read_text(encoding="utf-8")
    assert bundled.startswith("# Getting started")
    assert text.startswith("Getting started")
    assert "Add your licenses" in text and "Ctrl+N" in text
    topics = window.help_window.topics
    assert topics.currentItem().text() == "Getting started"
    assert [topics.item(i).text() for i in range(topics.count())] == [
        "Getting started",
        "How compliance is worked out",
        "What's new",
    ]


def test_compliance_topic_ends_with_the_rules_of_the_persons_own_licenses(qtbot, people):
    _license(people.as_ann, people.ann, "Texas", "T-1234")
    _license(people.as_bob, people.bob, "Georgia", "G-77")
    window = _window(qtbot, people.as_ann)
    text = _shown(qtbot, window, "compliance")
    assert text.startswith("How compliance is worked out")
    section = text.index("\nYour licenses\n")
    assert text.index("What counts") < section
    mine = text[section:]
    assert "CPA — Texas (license T-1234)" in mine
    assert "120 h every 3 years" in mine
    assert "3 years, a rolling window ending with your birth month" in mine
    assert "only ethics records whose Ethics jurisdiction is Texas count" in mine
    assert "Non-technical subjects: at most 50% of the total" in mine
    assert "22 TAC 523.130" in mine  # the source, as stored
    assert "Checked against source" in mine
    # Someone else's license is not shown, nor the maintainers' notes on how data was mapped.
    assert "Georgia" not in mine.replace("Met through Georgia", "")
    assert "Mapping:" not in mine and "cycle_anchor" not in mine


def test_the_rules_section_is_read_afresh_each_time(qtbot, people, seeded):
    lic = _license(people.as_ann, people.ann, "Texas")
    window = _window(qtbot, people.as_ann)
    assert "120 h every 3 years" in _shown(qtbot, window, "compliance")
    rule = requirements.find(lic.credential_id, "Texas", people.as_admin.clock.today())
    requirements.update_requirement(people.as_admin, rule.state_id, {"total_hours": 90})
    window.show_help("getting_started")
    assert "90 h every 3 years" in _shown(qtbot, window, "compliance")


def test_a_license_without_a_rule_says_who_adds_one(qtbot, people):
    cpa = Credential.get(Credential.code == "CPA").credential_id
    licenses.create_license(
        people.as_ann,
        {"user_id": people.ann.user_id, "credential_id": cpa, "jurisdiction": "Atlantis"},
    )
    assert "Ask your administrator to add one." in licenses_html(people.as_ann)
    _license(people.as_admin, people.admin, "Atlantis")
    assert "Add one under Administration › Requirements." in licenses_html(people.as_admin)


def test_no_licenses_says_where_to_add_one(people):
    assert "You have no licenses yet" in licenses_html(people.as_bob)


def test_links_move_between_topics_and_open_the_data_folder(qtbot, people, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = _window(qtbot, people.as_ann)
    _shown(qtbot, window, "getting_started")
    help_window = window.help_window
    help_window.browser.anchorClicked.emit(QUrl("help:compliance"))
    assert help_window.current == "compliance"
    assert help_window.topics.currentItem().text() == "How compliance is worked out"
    help_window.browser.anchorClicked.emit(QUrl("action:data-folder"))
    help_window.browser.anchorClicked.emit(QUrl("https://tsbpa.texas.gov/"))
    assert opened == [QUrl.fromLocalFile(str(paths.data_dir())), QUrl("https://tsbpa.texas.gov/")]


def test_open_data_folder_from_the_menu(qtbot, people, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = _window(qtbot, people.as_ann)
    window.data_folder_action.trigger()
    assert opened == [QUrl.fromLocalFile(str(paths.data_dir()))]


def test_a_data_folder_that_cannot_be_opened_is_named(qtbot, people, monkeypatch):
    told = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    window = _window(qtbot, people.as_ann)
    window.data_folder_action.trigger()
    assert len(told) == 1 and str(paths.data_dir()) in told[0]


def test_one_help_window_brought_back(qtbot, people):
    window = _window(qtbot, people.as_ann)
    _shown(qtbot, window, "getting_started")
    first = window.help_window
    window.compliance_help_action.trigger()
    assert window.help_window is first and first.current == "compliance"


@pytest.mark.logs_errors(match=r"^help file getting_started\.md not found$")
def test_a_missing_help_file_says_so(qtbot, people, monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "resources_dir", lambda: tmp_path)
    assert "missing from the installation" in help_dialog.topic_text("getting_started")


def test_research_notes_keep_what_a_licensee_can_use():
    notes = (
        "Applies to: CPA license (active)\n"
        "Other rules: nano max 25%\n"
        "Mapping: 'nano max 25%' -> max_nano_pct 25\n"
        "Weak cell: the ethics hours\n"
        "Not modelled: the exemption at age 70. (This line and Components replace the Mapping "
        "line's account of what is not modelled.)\n"
        "\n"
        "Ask Ada before counting in-house courses."
    )
    board, unchecked = notes_for_readers(notes)
    assert board == [
        "Applies to: CPA license (active)",
        "Other rules: nano max 25%",
        "Ask Ada before counting in-house courses.",
    ]
    assert unchecked == ["the exemption at age 70."]


def test_period_words(seeded, system):
    texas = requirements.find(
        Credential.get(Credential.code == "CPA").credential_id, "Texas", system.clock.today()
    )
    assert period_words(rule_of(texas)) == "3 years, a rolling window ending with your birth month"
    georgia = requirements.find(texas.credential_id, "Georgia", system.clock.today())
    assert period_words(rule_of(georgia)) == "2 years, calendar years, in cycles counted from 2024"


def test_the_bundle_carries_the_help_files(monkeypatch):
    keep = spec_definitions(monkeypatch)["keep_entry"]
    folder = paths.resource("help")
    files = sorted(p.name for p in folder.iterdir())
    assert {name for _title, name in help_dialog.TOPICS.values()} <= set(files)
    for name in files:
        assert keep((f"resources/help/{name}", str(folder / name), "DATA"))


@pytest.fixture
def themed(qapp):
    """The application styled by the theme module; given back as it was after."""
    sheet, palette = qapp.styleSheet(), QPalette(qapp.palette())
    style = qapp.style().name() or "Fusion"
    yield qapp
    qapp.styleHints().setColorScheme(Qt.ColorScheme.Unknown)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    theme._state.preference, theme._state.scheme = "system", None


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_topic_list_is_padded_like_the_administration_list_and_enter_closes(
    qtbot, themed, people, scheme
):
    theme.apply_theme(themed, scheme)
    window = _window(qtbot, people.as_ann)
    _shown(qtbot, window, "getting_started")
    dialog = window.help_window
    qtbot.waitExposed(dialog)
    line = dialog.topics.fontMetrics().height()
    for row in range(dialog.topics.count()):
        item = dialog.topics.item(row)
        rect = dialog.topics.visualItemRect(item)
        assert rect.height() >= line + 12  # padded, not text against the frame
        advance = dialog.topics.fontMetrics().horizontalAdvance(item.text())
        assert rect.width() >= advance + 2 * help_dialog.SIDE_TABS_PADDING  # whole, not cut
    assert not dialog.folder_button.isDefault() and not dialog.folder_button.autoDefault()


def test_whats_new_is_the_bundled_list_of_changes(qtbot, people):
    """Help › What's new: the changes a user would notice, newest first (the project's change
    log from December 2026 on), shown in the help window like the other topics."""
    window = _window(qtbot, people.as_ann)
    window.whats_new_action.trigger()
    text = window.help_window.browser.toPlainText()
    assert text.startswith("What's new")
    assert "December 2026" in text and "Administration › Connected" in text
