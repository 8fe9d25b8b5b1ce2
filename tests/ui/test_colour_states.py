"""Every coloured state is readable in both themes (issue 15, item 3): at least 4.5:1 (WCAG AA)
between a text and what it sits on, read from the widgets as they paint themselves (an item's
brushes, else its view's palette; a label's palette after the style sheet has polished it).

The bug: an import row with a problem kept the fill of the scheme it was drawn in, so after a
change to dark its near-white text sat on pink (1.02:1)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services.interchange.tabular import read_table
from cpe_desktop.ui import report_html, theme
from cpe_desktop.ui.dialogs.import_preview import LEAVE_OUT
from cpe_desktop.ui.dialogs.import_wizard import ImportWizard
from cpe_desktop.ui.forms.credits_grid import CreditsGrid
from cpe_desktop.ui.widgets.hours_bar import blend

pytestmark = pytest.mark.gui
AA = 4.5
SCHEMES = ("light", "dark")
Role = QPalette.ColorRole
ROWS = (
    "Date,Course,Format,Field,Hours\n"
    "2025-01-02,Fine,Group Live,Taxes,2\n"
    "2025-01-03,Bad hours,Group Live,Taxes,-1\n"
    "2025-01-04,Left out,Group Live,Auditing,1\n"
    "someday,Bad date,Group Live,Taxes,1\n"
    "Total,,,,3\n"
)


def _luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance (computed here, not with the theme's own helper)."""

    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = colour.red(), colour.green(), colour.blue()
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def _contrast(first: QColor, second: QColor) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def themed(qapp):
    """The application styled by the theme module; given back unstyled after."""
    sheet, palette = qapp.styleSheet(), QPalette(qapp.palette())
    yield qapp
    qapp.styleHints().setColorScheme(Qt.ColorScheme.Unknown)
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    theme._state.preference = "system"
    theme._state.scheme = None


def _item_colours(view: QAbstractItemView, item: QTableWidgetItem | QListWidgetItem):
    """(text, fill) as the item delegate paints an unselected item: the item's own brushes, else
    the view's palette."""
    palette = view.viewport().palette()
    text, fill = item.foreground(), item.background()
    return (
        text.color() if text.style() != Qt.BrushStyle.NoBrush else palette.color(Role.Text),
        fill.color() if fill.style() != Qt.BrushStyle.NoBrush else palette.color(Role.Base),
    )


def _view_items(view: QTableWidget | QListWidget):
    if isinstance(view, QTableWidget):
        return [
            view.item(r, c)
            for r in range(view.rowCount())
            for c in range(view.columnCount())
            if view.item(r, c) is not None
        ]
    return [view.item(i) for i in range(view.count())]


def _unreadable(views) -> list[tuple[str, float]]:
    found = []
    for view in views:
        for item in _view_items(view):
            text, fill = _item_colours(view, item)
            if _contrast(text, fill) < AA:
                found.append((item.text(), round(_contrast(text, fill), 2)))
        selected = view.viewport().palette()  # a selected item: highlighted text on highlight
        ratio = _contrast(selected.color(Role.HighlightedText), selected.color(Role.Highlight))
        if ratio < AA:
            found.append(("(selected)", round(ratio, 2)))
    return found


def _wizard(qtbot, people, tmp_path) -> ImportWizard:
    path = tmp_path / "mixed.csv"
    path.write_text(ROWS, encoding="utf-8")
    dialog = ImportWizard(people.as_ann, path, read_table(path))
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    table = dialog.preview_table
    numbers = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    dict(dialog.pane.menu_actions(numbers.index("4"), 0))[LEAVE_OUT]()  # one row left out
    qtbot.waitUntil(lambda: 4 in dialog.pane.left_out)
    return dialog


def _states_shown(dialog: ImportWizard) -> set[str]:
    table = dialog.preview_table
    states = set()
    for item in _view_items(table):
        if item.background().style() != Qt.BrushStyle.NoBrush:
            states.add("problem")
        elif item.foreground().style() != Qt.BrushStyle.NoBrush:
            states.add("muted")
    if dialog.pane.set_aside_list.count():
        states.add("set aside")
    return states


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_coloured_state_of_the_import_preview_is_readable(
    qtbot, themed, people, tmp_path, scheme
):
    theme.apply_theme(themed, scheme)
    dialog = _wizard(qtbot, people, tmp_path)
    assert _states_shown(dialog) == {"problem", "muted", "set aside"}
    assert _unreadable([dialog.preview_table, dialog.pane.set_aside_list]) == []


@pytest.mark.parametrize(("first", "then"), [("light", "dark"), ("dark", "light")])
def test_the_import_preview_follows_a_change_of_scheme(
    qtbot, themed, people, tmp_path, first, then
):
    theme.apply_theme(themed, first)
    dialog = _wizard(qtbot, people, tmp_path)
    theme.apply_theme(themed, then)  # the platform's scheme changed, say, while it was open
    assert _unreadable([dialog.preview_table, dialog.pane.set_aside_list]) == []
    problem = next(
        item
        for item in _view_items(dialog.preview_table)
        if item.background().style() != Qt.BrushStyle.NoBrush
    )
    assert _item_colours(dialog.preview_table, problem) == theme.state_colours("problem", then)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_muted_text_is_readable_on_every_background_it_is_used_on(themed, scheme):
    theme.apply_theme(themed, scheme)
    palette = QApplication.palette()
    muted = palette.color(Role.PlaceholderText)  # labels with setForegroundRole(PlaceholderText)
    grounds = {role.name: palette.color(role) for role in (Role.Window, Role.Base)}
    grounds |= {role.name: palette.color(role) for role in (Role.AlternateBase, Role.Button)}
    # A license card's fill: a step lighter than the window in dark (license_card.paintEvent).
    window, text = palette.color(Role.Window), palette.color(Role.WindowText)
    grounds["card"] = blend(window, text, 0.05) if scheme == "dark" else palette.color(Role.Base)
    for name, ground in grounds.items():
        assert _contrast(muted, ground) >= AA, name
        for status in theme.STATUSES:
            assert _contrast(theme.status_colour(status), ground) >= AA, (name, status)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_status_colours_are_readable_on_rows_and_cards(themed, scheme):
    theme.apply_theme(themed, scheme)
    palette = QApplication.palette()
    for status in theme.STATUSES:
        for ground in (Role.Window, Role.Base, Role.AlternateBase):
            ratio = _contrast(theme.status_colour(status), palette.color(ground))
            assert ratio >= AA, (status, ground, ratio)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_style_sheet_roles_are_readable(qtbot, themed, scheme):
    """Field errors, empty states, headings and every banner level, as polished."""
    theme.apply_theme(themed, scheme)
    host = QWidget()
    qtbot.addWidget(host)
    column = QVBoxLayout(host)
    labels = {}
    for role in ("field-error", "empty-state", "heading"):
        labels[role] = QLabel(role)
        labels[role].setProperty("role", role)
        column.addWidget(labels[role])
    banners = {}
    for level in ("info", "success", "warning", "error"):
        frame = QFrame()
        frame.setProperty("role", "banner")
        frame.setProperty("level", level)
        text = QLabel(f"A {level} banner")
        QVBoxLayout(frame).addWidget(text)
        column.addWidget(frame)
        banners[level] = (frame, text)
    with qtbot.waitExposed(host):
        host.show()
    palette = QApplication.palette()
    for role, label in labels.items():
        label.ensurePolished()
        colour = label.palette().color(Role.WindowText)
        for ground in (Role.Window, Role.Base):
            assert _contrast(colour, palette.color(ground)) >= AA, (role, ground)
    for level, (frame, text) in banners.items():
        text.ensurePolished()
        fill = frame.grab().toImage().pixelColor(frame.width() - 4, frame.height() // 2)
        assert _contrast(text.palette().color(Role.WindowText), fill) >= AA, level


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_wrong_credits_line_is_readable(qtbot, themed, scheme):
    theme.apply_theme(themed, scheme)
    grid = CreditsGrid(lambda: None)
    qtbot.addWidget(grid)
    with qtbot.waitExposed(grid):
        grid.show()
    grid.add_line()
    grid.mark(0, None, "Credits must be more than 0")
    for column in (0, 1):
        cell = grid.table.cellWidget(0, column)
        cell.ensurePolished()
        palette = cell.palette()
        ratio = _contrast(palette.color(Role.Text), palette.color(Role.Base))
        assert ratio >= AA, (column, ratio)
        assert palette.color(Role.Base) == theme.state_colours("problem", scheme)[1]


def test_report_colours_are_readable_on_the_page():
    """Reports are printed on white in either theme (the viewer shows them on white too)."""
    white = QColor("#ffffff")
    for status, colour in report_html.STATUS_COLOURS.items():
        assert _contrast(QColor(colour), white) >= AA, status
