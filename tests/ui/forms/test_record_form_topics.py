"""The record form's course topics (ARCHITECTURE.md §4): a list of the topics the rules name, ticked
and saved with the record; hidden while no rule names one; a certificate whose title names a topic
ticks it, marked "From certificate — please check" like every pre-filled value.

The shipped rules name "California Regulatory Review" (16 CCR 87.8), "Illinois Sexual Harassment
Prevention" (20 ILCS 2105/2105-15.5) and "Fraud" (California's attest-work fraud hours)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QLabel

from cpe_desktop.services import records, requirements, users
from cpe_desktop.services.certificates.text import CertificateFacts, Fact
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.ui.forms.certificate_prefill import NOTE
from cpe_desktop.ui.forms.record_form import RecordForm

pytestmark = pytest.mark.gui
REVIEW = "California Regulatory Review"


def _shown(qtbot, form: RecordForm) -> RecordForm:
    qtbot.addWidget(form)
    with qtbot.waitExposed(form):
        form.show()
    return form


def _offered(form: RecordForm) -> dict[str, bool]:
    return {box.text(): box.isChecked() for box in form.topics.widget.boxes.values()}


def _fill(form: RecordForm) -> None:
    form.inputs["title"].set_value("Regulatory Review 2026")
    form.inputs["delivery_method"].set_value("QAS Self Study")
    form.inputs["completed_on"].set_value(dt.date(2026, 3, 3))
    combo = form.grid.field_combo(0)
    combo.setCurrentIndex(combo.findData("Regulatory Ethics"))
    form.grid.credits_edit(0).setText("2")


def test_topics_are_ticked_and_saved(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_ann))
    assert not form.topics.widget.isHidden()
    offered = _offered(form)
    assert list(offered) == requirements.known_topics() and REVIEW in offered
    assert not any(offered.values())
    _fill(form)
    form.topics.set_value([REVIEW])
    assert form.save()
    record = records.get_record(people.as_ann, form.outcome.value.record_id)
    assert records.topics_of(record) == [REVIEW]

    again = _shown(qtbot, RecordForm(people.as_ann, record_id=record.record_id))
    assert _offered(again)[REVIEW]
    again.topics.set_value([])
    assert again.save()
    assert records.topics_of(records.get_record(people.as_ann, record.record_id)) == []


def test_the_certificate_title_proposes_its_topic_marked_for_checking(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_ann))
    facts = CertificateFacts(title=Fact("Regulatory Review 2026", "Course: Regulatory Review 2026"))
    assert form.prefill.fill(facts) == 2  # the title and its topic
    assert _offered(form)[REVIEW]
    assert "Topics" in form.prefill.pending()
    cell = form.topics.widget.parentWidget()
    assert any(NOTE in b.text() and b.isVisible() for b in cell.findChildren(QLabel))
    # Unticking it is the user's check: the mark goes.
    form.topics.set_value([])
    assert "Topics" not in form.prefill.pending()


def test_a_topic_already_ticked_is_left_alone(qtbot, people):
    form = _shown(qtbot, RecordForm(people.as_ann))
    form.topics.set_value(["Fraud"])
    form.prefill.fill(CertificateFacts(title=Fact("Regulatory Review 2026", "Regulatory Review")))
    assert [t for t, on in _offered(form).items() if on] == ["Fraud"]
    assert "Topics" not in form.prefill.pending()


def test_no_topics_list_while_no_rule_names_one(qtbot, db, system, clock):
    user = users.create_user(system, {"name": "Solo", "email": "solo@example.com"}).value
    ctx = ServiceContext(Actor.for_user(user), clock)
    assert requirements.known_topics() == []
    form = _shown(qtbot, RecordForm(ctx))
    assert form.topics is None
