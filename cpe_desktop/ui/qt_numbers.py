"""Qt enum values set by number through Qt's property system, for what the window sets before
its first paint.

Why this module exists: the first time a program touches any ``Qt.…`` enum (sets one, or is
handed one back), PySide6 builds its whole ``Qt`` namespace, a hundred Python enum types: 15 to
25 ms of the start (issue 18). Qt's own property system converts a number to the enum a property
takes, in C++, without that namespace; so the few settings the first window needs before it is
painted go through :func:`set_by_number`. Each number is Qt's own (``qnamespace.h``), and
``tests/ui/test_qt_numbers.py`` holds each to its enum. Anything after the first paint uses the
enums themselves.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QObject

ALIGN_CENTER: Final = 0x0084  # Qt.AlignmentFlag.AlignCenter (AlignHCenter | AlignVCenter)
WIDGET_WITH_CHILDREN_SHORTCUT: Final = 3  # Qt.ShortcutContext.WidgetWithChildrenShortcut


def set_by_number(target: QObject, name: str, value: int) -> None:
    """Set ``target``'s enum property ``name`` to Qt's ``value``; a property that does not take
    it is refused, rather than left as it was."""
    if not target.setProperty(name, value):
        raise ValueError(f"{type(target).__name__} has no property {name!r} taking {value}")
