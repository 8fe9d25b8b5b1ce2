"""The import corpus (tests/import_corpus/): ten spreadsheets in the layouts people hold, each
scored against its truth file. The importer may leave records out, but it must never propose a
record that differs from what the person meant. Run with ``-s`` to see the per-layout figures."""

from __future__ import annotations

import pytest

from cpe_desktop.services import users
from tests.import_corpus.score import score_corpus, table_text, truth_files


@pytest.fixture
def scores(seeded, system):
    person = users.create_user(system, {"name": "Jordan", "email": "jordan@example.com"}).value
    return score_corpus(system, person)


def test_the_corpus_has_ten_layouts_with_their_truth():
    files = truth_files()
    assert len(files) >= 10
    for path in files:
        assert (path.parent / path.name.removesuffix(".truth.json")).exists()


def test_the_importer_never_proposes_a_wrong_record(scores):
    print()
    print(table_text(scores))
    wrong = {score.file: score.wrong_details for score in scores if score.wrong}
    assert not wrong
