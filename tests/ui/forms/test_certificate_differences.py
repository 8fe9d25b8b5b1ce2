"""A certificate that contradicts the record (issue 15, item 12): attaching one to a record that
already says 8 Governmental credits when the certificate says 20 Taxes lists the differences,
field by field (on the record / on the certificate), and offers to apply all or chosen ones,
each applied value marked "From certificate — please check" like any pre-filled one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services import records
from cpe_desktop.ui.forms.certificate_prefill import CertificateDifferences
from cpe_desktop.ui.forms.record_form import RecordForm
from tests.helpers.certificate_pdfs import Layout, _statement

pytestmark = pytest.mark.gui

TAX_FORUM = Layout(
    "tax_forum",
    (
        (72, 550, 14, True, "Harbor & Finch LLP"),
        (None, 480, 26, True, "CERTIFICATE OF COMPLETION"),
        (None, 440, 12, False, "This certifies that"),
        (None, 405, 24, False, "Ann Member"),
        (None, 375, 12, False, "has successfully completed the webcast"),
        (None, 345, 18, True, "\u201cFederal Tax Forum 2025\u201d"),
        (110, 300, 11, False, "Date completed: March 2, 2025"),
        (430, 300, 11, False, "CPE credits: 20.0"),
        (110, 282, 11, False, "Field of study: Taxes"),
        (430, 282, 11, False, "Delivery method: Group Internet Based"),
        (110, 264, 11, False, "NASBA Sponsor ID: 103456"),
        *_statement("Harbor & Finch LLP", 150),
    ),
)


@pytest.fixture
def stored(people) -> int:
    """Ann's record of the forum, typed by hand with the wrong credits and delivery method."""
    return records.create_record(
        people.as_ann,
        {
            "user_id": people.ann.user_id,
            "title": "Federal Tax Forum 2025",
            "sponsor": "Harbor & Finch LLP",
            "sponsor_id": "103456",
            "completed_on": "2025-03-02",
            "delivery_method": "Group Live",
            "credits": [{"field": "Accounting (Governmental)", "credits": "8"}],
        },
    ).value.record_id


def _form(qtbot, ctx, **kwargs) -> RecordForm:
    form = RecordForm(ctx, **kwargs)
    qtbot.addWidget(form)
    with qtbot.waitExposed(form):
        form.show()
    return form


def test_the_differences_are_listed_field_by_field(qtbot, people, stored, tmp_path):
    form = _form(qtbot, people.as_ann, record_id=stored)
    assert form.set_certificate_file(TAX_FORUM.write(tmp_path))
    prefill = form.prefill
    text = prefill.message.text()
    assert "says otherwise" in text and "Delivery method" in text and "Credits" in text
    assert prefill.differences_button.isVisible()
    assert [(d.label, d.on_record, d.on_certificate) for d in prefill.differences] == [
        ("Delivery method", "Group Live", "Group Internet Based"),
        ("Credits", "8 Accounting (Governmental)", "20 Taxes"),
    ]
    dialog = prefill.show_differences()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, CertificateDifferences) and dialog.isVisible()
    assert dialog.HEADINGS == ("Field", "On the record", "On the certificate")
    assert dialog.rows() == [
        ("Delivery method", "Group Live", "Group Internet Based"),
        ("Credits", "8 Accounting (Governmental)", "20 Taxes"),
    ]
    # Nothing is changed until the person says so.
    assert form.inputs["delivery_method"].value() == "Group Live"
    assert form.grid.lines() == [("Accounting (Governmental)", "8")]
    dialog.reject()
    assert form.inputs["delivery_method"].value() == "Group Live"


def test_chosen_differences_are_applied_and_marked_for_checking(qtbot, people, stored, tmp_path):
    form = _form(qtbot, people.as_ann, record_id=stored)
    form.set_certificate_file(TAX_FORUM.write(tmp_path))
    dialog = form.prefill.show_differences()
    qtbot.addWidget(dialog)
    dialog.choose(["Credits"])
    dialog.apply_button.click()
    assert not dialog.isVisible()
    assert form.grid.lines() == [("Taxes", "20.0")]
    assert form.inputs["delivery_method"].value() == "Group Live"  # not chosen: kept
    assert form.prefill.pending() == ["Credits line 1"]
    assert [d.label for d in form.prefill.differences] == ["Delivery method"]
    form.prefill.confirm_all()
    assert form.save()
    record = CpeRecord.get_by_id(stored)
    assert [(c.field_of_study, c.credits) for c in record.credits] == [("Taxes", Decimal("20"))]
    assert record.delivery_method == "Group Live"


def test_apply_all_takes_every_difference(qtbot, people, stored, tmp_path):
    form = _form(qtbot, people.as_ann, record_id=stored)
    form.set_certificate_file(TAX_FORUM.write(tmp_path))
    dialog = form.prefill.show_differences()
    qtbot.addWidget(dialog)
    dialog.apply_all_button.click()
    assert form.inputs["delivery_method"].value() == "Group Internet Based"
    assert form.grid.lines() == [("Taxes", "20.0")]
    assert form.prefill.pending() == ["Delivery method", "Credits line 1"]
    assert form.prefill.differences == []
    assert not form.prefill.differences_button.isVisible()


def test_another_certificate_gives_the_records_own_credits_back(qtbot, people, stored, tmp_path):
    form = _form(qtbot, people.as_ann, record_id=stored)
    form.set_certificate_file(TAX_FORUM.write(tmp_path))
    dialog = form.prefill.show_differences()
    qtbot.addWidget(dialog)
    dialog.apply_all_button.click()
    form.prefill.withdraw()
    assert form.grid.lines() == [("Accounting (Governmental)", "8")]
    assert form.inputs["delivery_method"].value() == "Group Live"


def test_a_certificate_that_agrees_says_so(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_ann)
    form.inputs["title"].set_value("Federal Tax Forum 2025")
    form.inputs["completed_on"].set_value(dt.date(2025, 3, 2))
    form.set_certificate_file(TAX_FORUM.write(tmp_path))
    assert form.prefill.differences == []
    assert not form.prefill.differences_button.isVisible()
    assert "says otherwise" not in form.prefill.message.text()


def test_credits_the_person_corrected_after_applying_stay_theirs(qtbot, people, stored, tmp_path):
    form = _form(qtbot, people.as_ann, record_id=stored)
    form.set_certificate_file(TAX_FORUM.write(tmp_path))
    dialog = form.prefill.show_differences()
    qtbot.addWidget(dialog)
    dialog.choose(["Credits"])
    dialog.apply_button.click()
    form.grid.credits_edit(0).setText("19.5")  # checked against the paper, corrected
    form.prefill.withdraw()
    assert form.grid.lines() == [("Taxes", "19.5")]


def test_the_differences_button_is_in_the_tab_order_before_save(qtbot, people, stored, tmp_path):
    form = _form(qtbot, people.as_ann, record_id=stored)
    form.set_certificate_file(TAX_FORUM.write(tmp_path))
    chain = [w for w in form.focus_chain() if w.isEnabled()]
    assert chain.index(form.prefill.differences_button) < chain.index(form.save_button)
    assert form.prefill.differences_button.text() == "Show &differences\u2026"
