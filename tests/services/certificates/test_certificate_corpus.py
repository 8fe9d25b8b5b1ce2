"""The certificate reader scored on the corpus of real sponsors' layouts (tests/certificate_corpus).

Thresholds from issue 17: no wrong value on any certificate, and at least 90 % of the fields
each certificate prints filled in. The table: tests/benchmarks/score_certificate_corpus.py.
"""

from __future__ import annotations

import pytest

from tests.certificate_corpus.score import FIELDS, LAYOUTS, score, table_text, truths


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    return score(tmp_path_factory.mktemp("corpus"))


def test_the_corpus_has_a_dozen_layouts_and_a_truth_file_each():
    corpus = truths()
    assert len({truth["layout"] for truth in corpus.values()}) >= 12
    assert {truth["layout"] for truth in corpus.values()} <= set(LAYOUTS)
    for truth in corpus.values():
        assert set(truth["expected"]) <= set(FIELDS)
        assert truth["participant"]


def test_no_certificate_gets_a_wrong_value(outcomes):
    wrong = [(o.name, key, o.details[key]) for o in outcomes for key in FIELDS
             if o.verdicts[key] == "wrong"]  # fmt: skip
    assert not wrong, table_text(outcomes)


def test_each_certificate_has_nine_in_ten_of_its_fields_filled(outcomes):
    for outcome in outcomes:
        assert outcome.count("right") >= 0.9 * outcome.printed(), table_text(outcomes)


def test_the_participant_s_name_is_never_a_title_even_when_not_passed_in(tmp_path):
    from cpe_desktop.services.certificates.text import read_certificate

    outcomes = score(tmp_path, lambda path, person: read_certificate(path))
    assert not [o.name for o in outcomes if o.verdicts["title"] == "wrong"], table_text(outcomes)
