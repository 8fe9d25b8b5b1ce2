"""The license form: the generated form plus the questions that make the first answer right.

A license issued in 2008 must not be judged on eighteen years nobody typed in, and a period only
the holder knows must be asked for, not guessed. So besides the license's own fields the form
asks, in plain words, when the current reporting period ends (pre-filled with the date the rule
gives, the rule's note beside it), where tracking starts (the start of the current period unless
the person will enter earlier periods too) and the hours already earned this period. The
pre-filled dates follow the credential, jurisdiction, issue date, license number and holder as
they change, until the person types their own. When the rule's components depend on the
holder's work (California's 24 h of accounting and auditing for attest work), "Your work" asks
with a box per attribute, and follows the credential and jurisdiction too.

The jurisdiction list follows the credential: only the jurisdictions with a requirement rule for
it are offered (CISA's one global rule, "ISACA", is chosen at once). A jurisdiction left over
from the previous credential is replaced; one typed by hand is kept, with a note saying why it
is not listed ("No rule for CISA in Texas").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from cpe_desktop.rules.component_facts import ATTRIBUTE_LABELS
from cpe_desktop.rules.periods import anchor_kind
from cpe_desktop.services import compliance, licenses, requirements, users
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.credentials import by_code, list_credentials
from cpe_desktop.services.editing import saving as editing
from cpe_desktop.services.editing.forms import (
    LICENSE,
    PERIOD_QUESTION,
    PERIOD_QUESTION_FOR,
    PERIOD_SECTION,
    WHERE_SECTION,
)
from cpe_desktop.services.errors import ServiceError
from cpe_desktop.services.licenses import SuggestedPeriod
from cpe_desktop.ui.forms.form_dialog import FormDialog
from cpe_desktop.ui.forms.inputs import FieldInput, error_label, show_message
from cpe_desktop.ui.layouts import box_of, form_of, parent_of
from cpe_desktop.ui.widgets.license_card import day_text

# What the suggestion depends on: a change to any of these works the dates out again.
_INPUTS = ("user_id", "credential_id", "jurisdiction", "issued_on", "license_number")
EARLIER_TEXT = "I will enter earlier periods too"


def needs_birth_date(ctx: ServiceContext, credential: int | str, jurisdiction: str) -> bool:
    """Whether the rule in force for this credential and jurisdiction sets periods by the
    holder's birth date (birth month, or the parity of the birth year)."""
    if isinstance(credential, str):
        try:
            credential = by_code(credential).credential_id
        except ServiceError:
            return False
    row = requirements.find(credential, jurisdiction, ctx.clock.today())
    if row is None:
        return False
    rule = compliance.rule_of(row)
    return rule.period_basis == "birth_month" or anchor_kind(rule) in (
        "birth_year_parity",
        "birth_month",
    )


def suggest(
    ctx: ServiceContext,
    credential: int | str | None,
    jurisdiction: str | None,
    issued_on: dt.date | None,
    license_number: str | None,
    birth_date: dt.date | None,
) -> tuple[SuggestedPeriod | None, dt.date]:
    """The period the rule gives a license being entered, and the default "track from" date
    (the services' own default, so what the form shows is what would be saved)."""
    today = ctx.clock.today()
    if credential is None or not jurisdiction:
        return None, today
    try:
        period = licenses.suggested_period(
            ctx, credential, jurisdiction, issued_on, license_number, birth_date
        )
        credential_id = (
            credential if isinstance(credential, int) else by_code(credential).credential_id
        )
        start = licenses.default_tracking_start(
            ctx,
            credential_id,
            jurisdiction,
            {"issued_on": issued_on, "license_number": license_number},
            birth_date,
        )
    except ServiceError:  # an unknown credential code while typing
        return None, today
    return period, start


class PeriodAnswers:
    """The period questions' behaviour, shared by the license form and the welcome flow.

    ``end`` answers "When does your current reporting period end?", ``start`` "Track from"
    (locked to the current period's start until ``earlier`` is ticked), ``note`` shows the
    rule's note. ``update`` works the dates out again from the license's facts; an input still
    showing the previous suggestion follows the new one, a date the person chose stays.
    """

    def __init__(
        self,
        ctx: ServiceContext,
        end: FieldInput,
        start: FieldInput,
        note: QLabel,
        earlier: QCheckBox | None = None,
    ) -> None:
        self.ctx, self.end, self.start, self.note = ctx, end, start, note
        self.earlier = earlier or QCheckBox(EARLIER_TEXT)
        self.earlier.setToolTip(
            "Tick to track from an earlier date and enter your history: the periods that "
            "ended after it are judged too"
        )
        self.suggestion: SuggestedPeriod | None = None
        self.default_start: dt.date | None = None
        self.earlier.toggled.connect(self._earlier_toggled)
        end.on_change(self.show_note)

    def update(
        self,
        credential: int | str | None,
        jurisdiction: str | None,
        issued_on: dt.date | None,
        license_number: str | None,
        birth_date: dt.date | None,
    ) -> None:
        before = self.suggestion.period_end if self.suggestion else None
        self.suggestion, self.default_start = suggest(
            self.ctx, credential, jurisdiction, issued_on, license_number, birth_date
        )
        if self.end.current() == before:
            self.end.set_value(self.suggestion.period_end if self.suggestion else None)
        if not self.earlier.isChecked():
            self.start.set_value(self.default_start)
        self.show_note()

    def keep_start(self, stored: dt.date | None) -> None:
        """An edited license's own tracking start: kept (and unlocked) when it is not the
        current period's start."""
        if stored is not None and stored != self.default_start:
            self.earlier.setChecked(True)
            self.start.set_value(stored)
        self._earlier_toggled(self.earlier.isChecked())

    def show_note(self) -> None:
        """The rule's note beside the period end, and whether the date shown is the rule's."""
        if self.suggestion is None:
            show_message(self.note, "Choose the credential and jurisdiction to see the period.")
            return
        text = self.suggestion.note
        rule_end = self.suggestion.period_end
        chosen = self.end.current()
        if rule_end is not None and chosen is not None and chosen != rule_end:
            text += f" The rule gives {day_text(rule_end)}; your date is used instead."
        elif rule_end is None and chosen is None:
            text += " Tick the box and enter the date from your renewal notice."
        elif self.suggestion.period_start is not None and rule_end is not None:
            text += f" Period: {day_text(self.suggestion.period_start)} – {day_text(rule_end)}."
        show_message(self.note, text)

    def _earlier_toggled(self, on: bool) -> None:
        self.start.widget.setEnabled(on)
        if not on and self.default_start is not None:
            self.start.set_value(self.default_start)

    def answers(self) -> dict[str, Any]:
        """``period_end_override`` (None while it is the rule's own date, so it keeps following
        the rule: a later issue-date fix, the next period) and ``tracked_from``."""
        end = self.end.current()
        if self.suggestion is not None and end == self.suggestion.period_end:
            end = None
        # Locked to the period's start, the input is disabled but its date is still the answer.
        return {"period_end_override": end, "tracked_from": self.start.current()}


def rule_attributes(
    ctx: ServiceContext, credential: int | str | None, jurisdiction: str | None
) -> dict[str, str]:
    """The license attributes the components of the rule in force name (``applies_if``), with
    the form's wording: {"performs_attest": "I perform attest work (…)"}; none without a rule."""
    if credential is None or not jurisdiction:
        return {}
    try:
        credential_id = (
            credential if isinstance(credential, int) else by_code(credential).credential_id
        )
    except ServiceError:
        return {}
    row = requirements.find(credential_id, jurisdiction, ctx.clock.today())
    found = requirements.known_attributes(row.state_id) if row is not None else {}
    order = list(ATTRIBUTE_LABELS)  # the usual order; names typed into a rule after them
    ranked = sorted(found, key=lambda n: (order.index(n) if n in order else len(order), n))
    return {name: found[name] for name in ranked}


class AttributeBoxes(QGroupBox):
    """ "Your work": a box per attribute the license's rule asks about (its components'
    ``applies_if``), hidden while the rule names none. A ticked attribute the rule no longer
    names is dropped on save; ``value`` is the ticked names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Your work", parent)
        self.boxes: dict[str, QCheckBox] = {}
        self.column = QVBoxLayout(self)
        self.note = QLabel("The rule for this license asks more of licensees who do this work.")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "muted")
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.column.addWidget(self.note)
        self.error = error_label()
        self.column.addWidget(self.error)
        self.setVisible(False)

    def show_choices(self, choices: dict[str, str]) -> None:
        """Offer ``choices`` (name -> wording), keeping the ticks of names offered before."""
        ticked = set(self.value())
        for box in self.boxes.values():
            self.column.removeWidget(box)
            box.deleteLater()
        self.boxes = {}
        for name, text in choices.items():
            box = QCheckBox(text)
            box.setChecked(name in ticked)
            self.column.insertWidget(self.column.count() - 1, box)
            self.boxes[name] = box
        self.setVisible(bool(choices))

    def set_value(self, names: list[str]) -> None:
        for name, box in self.boxes.items():
            box.setChecked(name in names)

    def value(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.isChecked()]


class LicenseForm(FormDialog):
    """Add or edit a license, with its reporting period, tracking start and opening balance,
    and the work its rule asks about ("I perform attest work")."""

    def __init__(
        self, ctx: ServiceContext, pk: int | None = None, parent: QWidget | None = None
    ) -> None:
        self.period: PeriodAnswers | None = None
        self.attributes = AttributeBoxes()
        self.offered: list[str] = []  # the jurisdictions the list offers for the credential
        super().__init__(ctx, LICENSE, pk, parent)

    @property
    def earlier(self) -> QCheckBox:
        assert self.period is not None
        return self.period.earlier

    def _load(self) -> None:
        self.period = PeriodAnswers(
            self.ctx,
            self.inputs["period_end_override"],
            self.inputs["tracked_from"],
            self.notes["period_end_override"],
        )
        self.cells["tracked_from"].insertWidget(1, self.period.earlier)
        # "Your work" sits between the period questions and where the person mainly works.
        stack = box_of(parent_of(self.sections[WHERE_SECTION]))
        at = stack.indexOf(self.sections[WHERE_SECTION])
        stack.insertWidget(at, self.attributes)
        stack.insertSpacing(at + 1, 6)
        super()._load()
        self._offer_jurisdictions(initial=True)
        stored_start = self.inputs["tracked_from"].current() if self.pk is not None else None
        self._resuggest()
        self.period.keep_start(stored_start)
        if self.pk is not None:
            stored = editing.load_entity(self.ctx, "license", self.pk).get("attributes")
            if stored is None:
                stored = licenses.attributes_of(licenses.get_license(self.ctx, self.pk))
            self.attributes.set_value(list(stored or []))

    def _wire(self) -> None:
        # First, so that the credential's other followers see the jurisdiction it leads to.
        self.inputs["credential_id"].on_change(self._offer_jurisdictions)
        self.inputs["jurisdiction"].on_change(self._explain_jurisdiction)
        super()._wire()
        for key in _INPUTS:
            if key in self.inputs:
                self.inputs[key].on_change(self._resuggest)
        if "user_id" in self.inputs:
            self.inputs["user_id"].on_change(self._word_for_holder)
        self._word_for_holder()

    # --- "your" only for one's own license --------------------------------------------------

    def _word_for_holder(self) -> None:
        """The questions say "your" to the holder; to an administrator entering someone
        else's license they name that person ("When does Priya Raman's current reporting
        period end?")."""
        holder = self.inputs["user_id"].value() if "user_id" in self.inputs else None
        name = None
        if holder not in (None, self.ctx.actor.user_id):
            try:
                name = users.get_user(self.ctx, int(holder)).name
            except (ServiceError, TypeError, ValueError):
                name = None
        for key, own, theirs in (
            (PERIOD_SECTION, PERIOD_SECTION, "{name}'s reporting period"),
            (WHERE_SECTION, WHERE_SECTION, "Where {name} mainly works"),
        ):
            if key in self.sections:
                self.sections[key].setTitle(own if name is None else theirs.format(name=name))
        self.attributes.setTitle("Your work" if name is None else f"{name}'s work")
        cell = self.cells.get("period_end_override")
        if cell is not None and PERIOD_SECTION in self.sections:
            label = form_of(self.sections[PERIOD_SECTION]).labelForField(
                cast(QWidget, cell.parentWidget())
            )
            if isinstance(label, QLabel):
                question = (
                    PERIOD_QUESTION if name is None else PERIOD_QUESTION_FOR.format(name=name)
                )
                label.setText(question)

    # --- the jurisdiction list follows the credential ------------------------------------------

    def _credential_code(self) -> str | None:
        chosen = self.inputs["credential_id"].value()
        if chosen is None:
            return None
        if isinstance(chosen, str):
            return chosen
        return next((c.code for c in list_credentials() if c.credential_id == chosen), None)

    def _offer_jurisdictions(self, initial: bool = False) -> None:
        """Offer the jurisdictions with a rule for the chosen credential (all without one). A
        choice the previous list offered and this one lacks is replaced: by the credential's
        only jurisdiction, or by nothing for the person to choose. A stored or typed one stays."""
        made = self.inputs["jurisdiction"]
        combo = cast(QComboBox, made.widget)
        credential = self.inputs["credential_id"].value()
        try:
            if isinstance(credential, str):
                credential = by_code(credential).credential_id
            offered = requirements.jurisdictions_for(credential)
        except ServiceError:
            offered = requirements.jurisdictions_for(None)
        current, previous = made.value(), self.offered
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(offered)
        combo.setCurrentIndex(-1)
        combo.setCurrentText(current or "")
        combo.blockSignals(False)
        self.offered = offered
        code = self._credential_code()
        combo.setToolTip(
            f"Jurisdictions with a requirement rule for {code}; type another to enter it anyway"
            if code
            else "Choose the credential first to see only its jurisdictions"
        )
        leftover = current is None or (current not in offered and current in previous)
        if not initial and credential is not None and leftover:
            made.set_value(offered[0] if len(offered) == 1 else None)
            self._set_error("jurisdiction", None)  # cleared by the form, not missed by the person
        self._explain_jurisdiction()

    def _explain_jurisdiction(self) -> None:
        """Why a jurisdiction is not in the list: the credential has no rule there."""
        where = self.inputs["jurisdiction"].value()
        code = self._credential_code()
        note = self.notes["jurisdiction"]
        if code is None or not where or where in self.offered:
            show_message(note, None)
            return
        if not self.offered:
            has = f"{code} has no requirement rule anywhere yet"
        elif len(self.offered) <= 4:
            has = f"{code}'s rules are for {', '.join(self.offered)}"
        else:
            has = f"{code} has rules for the {len(self.offered)} jurisdictions listed"
        show_message(
            note,
            f"No rule for {code} in {where}: the license can be saved, but its CPE cannot be "
            f"judged. {has}.",
        )

    def _focus_chain(self) -> list[QWidget]:
        chain = super()._focus_chain()
        last = self.inputs["tracked_from"].focus[-1]
        chain.insert(chain.index(last) + 1, self.earlier)  # under the date it unlocks
        return chain

    def holder_birth_date(self) -> dt.date | None:
        holder = self.inputs["user_id"].value() if "user_id" in self.inputs else None
        holder = holder or self.ctx.actor.user_id
        if holder is None:
            return None
        try:
            return users.get_user(self.ctx, holder).birth_date
        except ServiceError:
            return None

    def _resuggest(self) -> None:
        assert self.period is not None
        value = {key: self.inputs[key].value() for key in _INPUTS if key in self.inputs}
        self.period.update(
            value.get("credential_id"),
            value.get("jurisdiction"),
            value.get("issued_on"),
            value.get("license_number"),
            self.holder_birth_date(),
        )
        self.attributes.show_choices(
            rule_attributes(self.ctx, value.get("credential_id"), value.get("jurisdiction"))
        )

    def collect(self) -> tuple[dict[str, Any], dict[str, Any]]:
        assert self.period is not None
        data, custom = super().collect()
        return data | self.period.answers() | {"attributes": self.attributes.value()}, custom

    def show_errors(self, errors) -> None:
        errors = dict(errors)
        mine = {k: v for k, v in errors.items() if k.startswith("attributes")}
        show_message(
            self.attributes.error, "\n".join(f"Your work: {m}" for m in mine.values()) or None
        )
        super().show_errors({k: v for k, v in errors.items() if k not in mine})


__all__ = [
    "EARLIER_TEXT",
    "AttributeBoxes",
    "LicenseForm",
    "PeriodAnswers",
    "needs_birth_date",
    "rule_attributes",
    "suggest",
]
