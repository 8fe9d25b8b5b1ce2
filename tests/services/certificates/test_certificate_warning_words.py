"""An import that names certificate files says how many in words (issue 15, item 13): "1 record
names a certificate file", "2 records name certificate files", never "record(s)"."""

from __future__ import annotations

from cpe_desktop.services.interchange.json_validation import check_document
from tests.helpers.interchange_documents import two_people_document


def _warning(system, named: int) -> str:
    document = two_people_document()
    records = [r for person in document["users"] for r in person["records"]][:named]
    for number, record in enumerate(records):
        record["certificate"] = f"certificates/course-{number}.pdf"
    (said,) = [w for w in check_document(system, document).warnings if "certificate" in w]
    return said


def test_one_record_and_several_records_are_counted_in_words(seeded, system):
    assert _warning(system, 1).startswith("1 record names a certificate file (")
    assert _warning(system, 2).startswith("2 records name certificate files (")
    assert "(s)" not in _warning(system, 2)
