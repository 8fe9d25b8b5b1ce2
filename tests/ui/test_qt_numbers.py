"""The numbers ``ui/qt_numbers`` sets before the first paint are the enums they stand for, and
set the properties as the enums would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from cpe_desktop.ui import qt_numbers


def test_each_number_is_its_enums_value():
    assert Qt.AlignmentFlag.AlignCenter.value == qt_numbers.ALIGN_CENTER
    assert (
        Qt.ShortcutContext.WidgetWithChildrenShortcut.value
        == qt_numbers.WIDGET_WITH_CHILDREN_SHORTCUT
    )


def test_a_label_aligned_by_number_is_centred(qapp):
    label = QLabel("text")
    qt_numbers.set_by_number(label, "alignment", qt_numbers.ALIGN_CENTER)
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter


def test_an_action_given_its_context_by_number_has_it(qapp):
    action = QAction("Delete")
    qt_numbers.set_by_number(action, "shortcutContext", qt_numbers.WIDGET_WITH_CHILDREN_SHORTCUT)
    assert action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut


def test_a_property_that_is_not_there_is_refused(qapp):
    with pytest.raises(ValueError, match="no property 'alignmnet'"):
        qt_numbers.set_by_number(QLabel(), "alignmnet", qt_numbers.ALIGN_CENTER)
