"""The import dialog's word step: what the file's own words will be read as.

A spreadsheet says "AA", "Ethics", "Conference" or "Online" where the program keeps NASBA names.
``WordsBox`` lists every such word of the mapped field-of-study and delivery-method columns
(``word_choices.file_words``), each with a drop-down: the vocabulary's proposal (or the person's
answer from an earlier import) is chosen already; a vague word ("Online": a live webinar or
self-study?) or an unknown one waits for a choice, and until then its rows are problems in the
preview. The answers hold for this import; "Remember my answers" keeps them for the person's next
imports (``word_choices.remember_words``, done in the import's own transaction).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QWidget,
)

from cpe_desktop.services.interchange.vocabulary import FIELD_OF_STUDY, word_key
from cpe_desktop.services.interchange.word_choices import WordProposal

_HEADINGS = {FIELD_OF_STUDY: "Fields of study", "delivery_method": "Delivery methods"}
_CHOOSE = "(choose what it means)"


def _rows(number: int) -> str:
    return f"{number} row{'' if number == 1 else 's'}"


class WordsBox(QGroupBox):
    """One drop-down per word of the file that is not a NASBA name; hidden when there are none."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("The file's own words", parent)
        self.setObjectName("import_words")
        self._form = QFormLayout(self)
        self._intro = QLabel()
        self._intro.setWordWrap(True)
        self._form.addRow(self._intro)
        self.remember_box = QCheckBox("Remember my answers for my next imports")
        self.remember_box.setChecked(True)
        self._form.addRow(self.remember_box)
        self.combos: dict[tuple[str, str], QComboBox] = {}
        self._notes: dict[tuple[str, str], QLabel] = {}
        self._shown: list[QWidget] = []
        self._keys: tuple[object, ...] = ()
        self._answered: set[tuple[str, str]] = set()  # chosen in this dialog
        self.setVisible(False)

    # --- what the person chose ----------------------------------------------------------------

    def answers(self) -> dict[str, dict[str, str]]:
        """{kind: {word: NASBA name}} for every word with a name chosen (proposals included)."""
        chosen: dict[str, dict[str, str]] = {}
        for (kind, word), combo in self.combos.items():
            name = combo.currentData()
            if name:
                chosen.setdefault(kind, {})[word] = name
        return chosen

    def given(self) -> dict[str, dict[str, str]]:
        """Only the answers chosen in this dialog (what "remember" keeps and a preview adds)."""
        chosen: dict[str, dict[str, str]] = {}
        for (kind, word), combo in self.combos.items():
            name = combo.currentData()
            if name and (kind, word_key(word)) in self._answered:
                chosen.setdefault(kind, {})[word] = name
        return chosen

    @property
    def remember(self) -> bool:
        return self.remember_box.isChecked()

    def waiting(self) -> list[str]:
        """The words still without a name, as the file writes them."""
        return [word for (_, word), combo in self.combos.items() if not combo.currentData()]

    # --- showing ------------------------------------------------------------------------------

    def show_words(self, proposals: Sequence[WordProposal], whose: object = None) -> None:
        """Show ``proposals`` (for the person ``whose`` records these are: another person has
        other remembered answers); the drop-downs are rebuilt only when the words or the person
        change, so a choice being made is never replaced under the mouse."""
        keys = (whose, *((p.kind, word_key(p.word)) for p in proposals))
        if keys != self._keys:
            self._rebuild(proposals)
            self._keys = keys
        for proposal in proposals:
            self._note(proposal)
        waiting = self.waiting()
        self._intro.setText(
            "Words in the file that are not NASBA names, and what they will be read as."
            + (
                f" Choose a name for {', '.join(repr(w) for w in waiting)}: until then "
                "their rows cannot be imported."
                if waiting
                else ""
            )
        )
        self.setVisible(bool(proposals))

    def _rebuild(self, proposals: Sequence[WordProposal]) -> None:
        for widget in self._shown:
            self._form.removeRow(widget)
        self._shown = []
        self.combos = {}
        self._notes = {}
        kind_shown = None
        for proposal in proposals:
            if proposal.kind != kind_shown:
                heading = QLabel(f"<b>{_HEADINGS.get(proposal.kind, proposal.kind)}</b>")
                self._form.insertRow(self._form.rowCount() - 1, heading)
                self._shown.append(heading)
                kind_shown = proposal.kind
            combo = QComboBox()
            combo.setObjectName(f"word_{proposal.kind}_{word_key(proposal.word)}")
            combo.setAccessibleName(f"{proposal.word!r} means")
            if proposal.proposal is None:
                combo.addItem(_CHOOSE, None)
            for name in proposal.choices:
                combo.addItem(name, name)
            if proposal.proposal is not None:
                combo.setCurrentIndex(max(0, combo.findData(proposal.proposal)))
            key = (proposal.kind, word_key(proposal.word))
            combo.currentIndexChanged.connect(lambda _index, key=key: self._chosen(key))
            note = QLabel()
            note.setWordWrap(True)
            label = QLabel(f"{proposal.word!r}:")
            label.setBuddy(combo)
            self._form.insertRow(self._form.rowCount() - 1, label, combo)
            self._form.insertRow(self._form.rowCount() - 1, note)
            self._shown.extend([label, note])
            self.combos[(proposal.kind, proposal.word)] = combo
            self._notes[(proposal.kind, proposal.word)] = note

    def _note(self, proposal: WordProposal) -> None:
        note = self._notes.get((proposal.kind, proposal.word))
        if note is None:
            return
        key = (proposal.kind, word_key(proposal.word))
        if key in self._answered:
            why = "your choice"
        elif proposal.remembered:
            why = "your answer from an earlier import"
        elif proposal.vague:
            why = "could mean more than one name"
        elif proposal.proposal is None:
            why = "not a word the program knows"
        else:
            why = "proposed"
        note.setText(f"<small>{_rows(proposal.rows)}; {why}</small>")

    def _chosen(self, key: tuple[str, str]) -> None:
        self._answered.add(key)
        self.changed.emit()


__all__ = ["WordsBox"]
