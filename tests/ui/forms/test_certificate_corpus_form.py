"""Attaching certificates of the corpus (tests/certificate_corpus) through the record form: the
form is filled with what the certificate says, the participant's name (the signed-in person's)
is never the title, and each "From certificate" mark says on hover which text it came from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpe_desktop.ui.forms.record_form import RecordForm
from tests.certificate_corpus.score import render, truths

pytestmark = pytest.mark.gui
FILLED = ("title", "sponsor", "sponsor_id", "completed_on", "delivery_method")


def _form(qtbot, ctx, **kwargs) -> RecordForm:
    form = RecordForm(ctx, **kwargs)
    qtbot.addWidget(form)
    with qtbot.waitExposed(form):
        form.show()
    return form


def _certificate(tmp_path, name: str, participant: str):
    truth = dict(truths()[name], participant=participant)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render(truth))
    return path, truth["expected"]


@pytest.mark.parametrize("name", ["03_builder_session", "10_flattened_form", "18_acrobat_columns"])
def test_a_corpus_certificate_fills_the_form(qtbot, people, tmp_path, name):
    # The certificate is Ann's: her name is printed on it where a title could be.
    path, expected = _certificate(tmp_path, name, people.ann.name)
    form = _form(qtbot, people.as_ann)
    assert form.set_certificate_file(path)
    values = {key: form.inputs[key].value() for key in FILLED}
    assert values == {
        **{key: expected[key] for key in FILLED if key != "completed_on"},
        "completed_on": dt.date.fromisoformat(expected["completed_on"]),
    }
    lines = sorted((field, Decimal(credits)) for field, credits in form.grid.lines())
    assert lines == sorted((field, Decimal(credits)) for field, credits in expected["fields"])
    title = form.inputs["title"].widget
    tip = title.toolTip().splitlines()
    assert tip[0] == "Read from the certificate:"
    # The certificate's lines the title was read from, each on a line of its own.
    assert any(expected["title"].split(":")[0] in line for line in tip[1:])
    assert all(line.startswith("    ") for line in tip[1:])
    assert people.ann.name not in title.toolTip()


def test_an_administrator_s_record_for_a_member_leaves_out_both_names(qtbot, people, tmp_path):
    form = _form(qtbot, people.as_admin, user_id=people.ann.user_id)
    assert set(form.prefill.people()) == {people.admin.name, people.ann.name}
    path, expected = _certificate(tmp_path, "03_builder_session", people.ann.name)
    assert form.set_certificate_file(path)
    assert form.inputs["title"].value() == expected["title"]
