"""Unticked check boxes and radio buttons can be seen in both themes.

Fusion edges an unticked box a shade darker than the window; on the dark palette the edge and
the fill all but vanished (about 1.1:1), so the record form's "Started on" and every other
unticked box looked like no control. WCAG 2.1 (1.4.11 Non-text Contrast) asks 3:1 of the
visual boundary of a control against what is next to it; the test measures the drawn pixels.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QRadioButton, QStyle, QStyleOptionButton, QWidget

from cpe_desktop.ui import theme


@pytest.fixture
def themed(qapp):
    sheet, palette = qapp.styleSheet(), QPalette(qapp.palette())
    yield qapp
    qapp.styleHints().setColorScheme(Qt.ColorScheme.Unknown)
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    theme._state.preference = "system"
    theme._state.scheme = None


def _edge_contrast(qtbot, widget_class, element) -> float:
    host = QWidget()
    qtbot.addWidget(host)
    control = widget_class("Started on", host)
    host.resize(200, 40)
    control.move(10, 10)
    host.show()
    qtbot.waitExposed(host)
    image = host.grab().toImage()
    option = QStyleOptionButton()
    option.initFrom(control)
    box = control.style().subElementRect(element, option, control).translated(control.pos())
    window = host.palette().color(QPalette.ColorRole.Window)
    ring = [
        QColor(image.pixel(x, y))
        for x in range(box.left(), box.right() + 1)
        for y in range(box.top(), box.bottom() + 1)
        if x in (box.left(), box.left() + 1, box.right(), box.right() - 1)
        or y in (box.top(), box.top() + 1, box.bottom(), box.bottom() - 1)
    ]
    return max(theme.contrast_ratio(colour, window) for colour in ring)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("widget_class", "element"),
    [
        (QCheckBox, QStyle.SubElement.SE_CheckBoxIndicator),
        (QRadioButton, QStyle.SubElement.SE_RadioButtonIndicator),
    ],
)
def test_an_unticked_control_has_a_visible_edge(qtbot, themed, scheme, widget_class, element):
    theme.apply_theme(themed, scheme)
    assert _edge_contrast(qtbot, widget_class, element) >= 3.0
