"""The welcome flow asks for the first license what the license form asks (ARCHITECTURE.md §4), and
the birth date only where the board's rule needs it, saving it on the new person.

As of the fixture clock (15 Jun 2026). California CPA: the license expires on the last day of
the birth month in years of the birth year's parity and CPE covers the two years before
(16 CCR 87(a), B&P 5070.5): born May 1980 (an even year), the current period is
1 Jun 2026 – 31 May 2028 (31 May 2026 has passed). Georgia CPA: two calendar years ending
31 Dec of odd years (Ga. Comp. R. & Regs. 20-10-.02): 1 Jan 2026 – 31 Dec 2027.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog

from cpe_desktop.db.models import License, User
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.ui.dialogs.welcome import WelcomeDialog

pytestmark = pytest.mark.gui


def _welcome(qtbot, clock) -> WelcomeDialog:
    dialog = WelcomeDialog(ServiceContext(Actor(user_id=None, role="member", name="new"), clock))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Jane Doe")
    dialog.email.setText("jane@example.com")
    dialog.license_box.setChecked(True)
    return dialog


def _birth_row_shown(dialog: WelcomeDialog) -> bool:
    return dialog.birth_date.widget.parentWidget().isVisibleTo(dialog)


def test_the_birth_date_is_asked_only_where_the_rule_needs_it(qtbot, seeded, clock):
    dialog = _welcome(qtbot, clock)
    dialog.jurisdiction.setCurrentText("Georgia")
    assert not _birth_row_shown(dialog)
    assert dialog.answers["period_end_override"].current() == dt.date(2027, 12, 31)
    assert dialog.period_note.text().startswith("Georgia:")
    dialog.jurisdiction.setCurrentText("California")
    assert _birth_row_shown(dialog)
    assert dialog.answers["period_end_override"].current() is None  # not without the birth date
    assert "birth date" in dialog.period_note.text()


def test_the_first_license_gets_its_period_tracking_and_opening_balance(qtbot, seeded, clock):
    dialog = _welcome(qtbot, clock)
    dialog.jurisdiction.setCurrentText("California")
    dialog.issued_on.setDate(QDate(2011, 3, 1))
    dialog.birth_date.set_value(dt.date(1980, 5, 12))
    assert dialog.answers["period_end_override"].current() == dt.date(2028, 5, 31)
    assert dialog.answers["tracked_from"].current() == dt.date(2026, 6, 1)
    dialog.answers["opening_hours"].set_value("10")
    dialog.answers["opening_ethics_hours"].set_value("4")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.errors.form_label.text()
    user = User.get(User.email == "jane@example.com")
    assert user.birth_date == dt.date(1980, 5, 12)
    (license_,) = License.select()
    assert license_.tracked_from == dt.date(2026, 6, 1)
    assert license_.period_end_override is None  # the rule's own date keeps following the rule
    assert (license_.opening_hours, license_.opening_ethics_hours) == (Decimal(10), Decimal(4))


def test_a_period_end_of_ones_own_is_saved(qtbot, seeded, clock):
    dialog = _welcome(qtbot, clock)
    dialog.jurisdiction.setCurrentText("Georgia")
    dialog.answers["period_end_override"].set_value(dt.date(2026, 12, 31))
    assert "your date is used instead" in dialog.period_note.text()
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    (license_,) = License.select()
    assert license_.period_end_override == dt.date(2026, 12, 31)
    assert User.get(User.email == "jane@example.com").birth_date is None
