"""Where a certificate says something else than the record form already does: each such field
as a ``Difference``, the dialog that lists them side by side with a box each
(``CertificateDifferences``), and the pre-fill's part in finding and applying them
(``DifferencesMixin``, mixed into ``certificate_prefill.CertificatePrefill``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.rules.wording import day_text, hours_text
from cpe_desktop.services.certificates.text import Fact

if TYPE_CHECKING:
    from cpe_desktop.ui.forms.record_form import RecordForm


@dataclass
class Difference:
    """A field the form already fills and the certificate states otherwise."""

    key: str  # the input's key, or "credits" for the credits lines
    label: str
    on_record: str
    on_certificate: str
    apply: Callable[[], None] = field(repr=False)


class CertificateDifferences(QDialog):
    """The fields where the certificate says something else than the form, side by side, each
    with a box; "Apply chosen" (the default) or "Apply all" take the certificate's values.

    At most six rows (five fields and the credits), so a grid of labels that wrap, not a table.
    """

    HEADINGS = ("Field", "On the record", "On the certificate")

    def __init__(self, differences: list[Difference], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The certificate says something else")
        self.differences = list(differences)
        self.applied: list[Difference] = []
        self.boxes: list[QCheckBox] = []
        self.cells: list[tuple[QLabel, QLabel]] = []
        count = len(differences)
        fields = "1 field" if count == 1 else f"{count} fields"
        intro = QLabel(
            f"The certificate differs from the form in {fields}. Tick what to take from the "
            "certificate; each value taken is marked for you to check before saving. What "
            "you leave unticked stays as it is."
        )
        intro.setWordWrap(True)
        self.panel = QFrame()
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.panel.setAccessibleName("Differences between the form and the certificate")
        grid = QGridLayout(self.panel)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(8)
        for column, heading in enumerate(self.HEADINGS):
            label = QLabel(f"<b>{heading}</b>")
            grid.addWidget(label, 0, column)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        grid.addWidget(line, 1, 0, 1, 3)
        for row, item in enumerate(differences, start=2):
            box = QCheckBox(item.label)
            box.setChecked(True)
            box.setToolTip("Ticked: take the certificate's value")
            box.setAccessibleName(f"Take the certificate's {item.label.lower()}")
            box.toggled.connect(self._update_buttons)
            self.boxes.append(box)
            grid.addWidget(box, row, 0, Qt.AlignmentFlag.AlignTop)
            pair = []
            for column, text in ((1, item.on_record), (2, item.on_certificate)):
                value = QLabel(text)
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setTextFormat(Qt.TextFormat.PlainText)
                grid.addWidget(value, row, column, Qt.AlignmentFlag.AlignTop)
                pair.append(value)
            self.cells.append((pair[0], pair[1]))
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        # "Apply all" apart on the left; "Apply chosen", the default, last, where Save would be.
        self.apply_all_button = QPushButton("Apply a&ll")
        self.keep_button = QPushButton("&Keep the form as it is")
        self.apply_button = QPushButton("&Apply chosen")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(lambda: self._apply(self.chosen()))
        self.apply_all_button.clicked.connect(lambda: self._apply(self.differences))
        self.keep_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.panel)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(max(660, self.sizeHint().width()), self.sizeHint().height())
        self._update_buttons()
        self.apply_button.setFocus()

    def rows(self) -> list[tuple[str, str, str]]:
        """What the dialog shows: (field, on the record, on the certificate) per difference."""
        return [
            (box.text(), record.text(), certificate.text())
            for box, (record, certificate) in zip(self.boxes, self.cells, strict=True)
        ]

    def choose(self, labels: Iterable[str]) -> None:
        """Tick exactly the differences named ``labels``."""
        wanted = set(labels)
        for box, item in zip(self.boxes, self.differences, strict=True):
            box.setChecked(item.label in wanted)

    def chosen(self) -> list[Difference]:
        return [
            item for box, item in zip(self.boxes, self.differences, strict=True) if box.isChecked()
        ]

    def _update_buttons(self) -> None:
        self.apply_button.setEnabled(bool(self.chosen()))

    def _apply(self, chosen: list[Difference]) -> None:
        self.applied = list(chosen)
        self.accept()


class DifferencesMixin:
    """The pre-fill's differences: found while filling, shown, applied when the person says so."""

    form: RecordForm
    differences: list[Difference]
    _filling: bool
    _grid_before: list[tuple[str | None, str]] | None

    if TYPE_CHECKING:  # what the class this is mixed into (CertificatePrefill) provides

        def _fill_input(self, key: str, fact: Fact) -> None: ...
        def _fill_grid(self, lines: list[tuple[str | None, str, str]]) -> int: ...
        def _grow(self) -> None: ...
        def _update_banner(self, extra: str = "") -> None: ...

    def _difference(self, key: str, fact: Fact) -> Difference | None:
        """The certificate's value for an input already filled, when it says otherwise."""
        made = self.form.inputs[key]
        current = made.current()
        if current is None or same(current, fact.value):
            return None
        label = next(f.label for f in self.form.fields if f.key == key)
        return Difference(
            key, label, shown(current), shown(fact.value), lambda: self._fill_input(key, fact)
        )

    def _credits_difference(self, lines: list[tuple[str | None, str, str]]) -> Difference | None:
        """The certificate's credits lines when the form's say otherwise (a certificate's total
        without a field is compared with the form's total)."""
        ours = [(f, t) for f, t in self.form.grid.lines() if f is not None or t]
        theirs = [(f, t) for f, t, _ in lines]
        if any(f is None for f, _ in theirs):  # a total only: totals are compared
            same = total(ours) == total(theirs)
        else:
            same = credit_set(ours) == credit_set(theirs)
        if same:
            return None

        def apply() -> None:
            self._grid_before = self._grid_before or self.form.grid.lines()
            self._fill_grid(lines)

        return Difference("credits", "Credits", lines_text(ours), lines_text(theirs), apply)

    def show_differences(self) -> CertificateDifferences | None:
        """The differences, side by side; the chosen ones are applied when the person says so.
        Opened window-modal without blocking; returns the dialog."""
        if not self.differences:
            return None
        dialog = CertificateDifferences(self.differences, self.form)
        dialog.accepted.connect(lambda: self.apply_differences(dialog.applied))
        dialog.open()
        return dialog

    def apply_differences(self, chosen: Iterable[Difference]) -> None:
        """Take the certificate's value for each of ``chosen``, marked for checking."""
        chosen = list(chosen)
        self._filling = True
        try:
            for item in chosen:
                item.apply()
        finally:
            self._filling = False
        self.differences = [d for d in self.differences if d not in chosen]
        if chosen:
            self._grow()
        self._update_banner()

    def _differences_text(self) -> str:
        count = len(self.differences)
        if not count:
            return ""
        fields = "1 field" if count == 1 else f"{count} fields"
        names = ", ".join(item.label for item in self.differences)
        return f" The certificate says otherwise for {fields}: {names}."


def same(current: Any, stated: Any) -> bool:
    if isinstance(current, str) and isinstance(stated, str):
        return " ".join(current.split()).casefold() == " ".join(stated.split()).casefold()
    return current == stated


def shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return day_text(value)
    return str(value)


def _number(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text)).normalize() if str(text).strip() else None
    except InvalidOperation:
        return None


def total(lines: list[tuple[str | None, str]]) -> Decimal:
    return sum((_number(t) or Decimal(0) for _, t in lines), Decimal(0)).normalize()


def credit_set(lines: list[tuple[str | None, str]]) -> list[tuple[str, Decimal | None]]:
    return sorted(((f or "", _number(t)) for f, t in lines), key=str)


def lines_text(lines: list[tuple[str | None, str]]) -> str:
    """Credits lines as a person says them: "8 Accounting (Governmental), 2 Taxes"."""
    parts = []
    for field_name, text in lines:
        number = _number(text)
        amount = hours_text(number) if number is not None else (text or "no credits")
        parts.append(f"{amount} {field_name or '(field of study not named)'}")
    return ", ".join(parts) or "none"
