"""Layouts looked up from widgets, with the types they are known to have.

Qt's ``widget.layout()`` and ``widget.parentWidget()`` may return None, so the type checker asks
for a check at every use. Where the form built the structure itself, these say what is there.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtWidgets import QBoxLayout, QFormLayout, QWidget


def box_of(widget: QWidget) -> QBoxLayout:
    """The box layout of ``widget`` (a row or a column)."""
    return cast(QBoxLayout, widget.layout())


def form_of(widget: QWidget) -> QFormLayout:
    """The form layout of ``widget``."""
    return cast(QFormLayout, widget.layout())


def parent_of(widget: QWidget) -> QWidget:
    """The widget ``widget`` sits in."""
    return cast(QWidget, widget.parentWidget())
