"""Course topics through CSV and XLSX (ARCHITECTURE.md §4): a ``topics`` column (names separated by
``;``) is imported, checked against the topics the rules name, guessed from a spreadsheet's
heading, and exported last only when some record has topics."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from cpe_desktop.db.models import CpeRecord, User
from cpe_desktop.services import records, requirements, users
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.csv_format import (
    HEADER,
    export_records_csv,
    import_records_csv,
)
from cpe_desktop.services.interchange.mapped_import import import_mapped
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import csv_table, read_table
from cpe_desktop.services.interchange.xlsx_format import HEADINGS, export_records_xlsx
from tests.helpers.atlantis_rule import ATLANTIS_RULE
from tests.helpers.interchange_documents import table_counts

LAW = "Atlantis Law"
HARASSMENT = "Atlantis Harassment Prevention"
TEMPLATE = ",".join((*HEADER, "topics"))


@pytest.fixture
def alice(seeded, system) -> User:
    requirements.create_requirement(
        system,
        {
            **ATLANTIS_RULE,
            "components": [
                {"kind": "course", "hours": 2, "topic": LAW},
                {"kind": "course", "hours": 1, "topic": HARASSMENT},
            ],
        },
    )
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


def _topics(user: User) -> dict[str, list[str]]:
    query = CpeRecord.select().where(CpeRecord.user == user.user_id)
    return {record.title: records.topics_of(record) for record in query}


def test_a_topics_column_is_imported_in_the_rules_spelling(system, alice):
    both = f"{LAW.upper()}; {HARASSMENT}"
    text = "\n".join(
        [
            TEMPLATE,
            f"2026-02-01,Law day,ACME,,Group Live,Regulatory Ethics,2,,,{both}",
            f"2026-02-01,Law day,ACME,,Group Live,Taxes,1,,,{both}",
            "2026-03-01,Plain,ACME,,Group Live,Taxes,1,,,",
        ]
    )
    summary = import_records_csv(system, text, alice)
    assert summary.records_added == 2
    assert _topics(alice) == {"Law day": [LAW, HARASSMENT], "Plain": []}


def test_an_unknown_topic_names_its_line_and_lists_the_choices(system, alice):
    text = "\n".join([TEMPLATE, "2026-02-01,Law day,ACME,,Group Live,Taxes,2,,,Basket weaving"])
    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_records_csv(system, text, alice)
    assert table_counts() == before
    assert list(caught.value.errors) == ["line 2, topics"]
    message = caught.value.errors["line 2, topics"]
    assert "Basket weaving" in message and LAW in message and HARASSMENT in message


def test_rows_of_one_record_must_agree_on_its_topics(system, alice):
    text = "\n".join(
        [
            TEMPLATE,
            f"2026-02-01,Law day,ACME,,Group Live,Regulatory Ethics,2,,,{LAW}",
            f"2026-02-01,Law day,ACME,,Group Live,Taxes,1,,,{HARASSMENT}",
        ]
    )
    with pytest.raises(ValidationError) as caught:
        import_records_csv(system, text, alice)
    assert list(caught.value.errors) == ["line 3, topics"]


def test_a_blank_topics_cell_on_one_row_of_a_record_says_nothing(system, alice):
    # As merge treats empty cells (issue 15, item 7): the record takes the filled row's topics.
    text = "\n".join(
        [
            TEMPLATE,
            "2026-02-01,Law day,ACME,,Group Live,Taxes,1,,,",
            f"2026-02-01,Law day,ACME,,Group Live,Regulatory Ethics,2,,,{LAW}",
        ]
    )
    assert import_records_csv(system, text, alice).records_added == 1
    assert _topics(alice) == {"Law day": [LAW]}


def test_csv_export_adds_topics_last_only_when_a_record_has_them(system, alice, tmp_path):
    base = {
        "user_id": alice.user_id,
        "completed_on": "2026-02-01",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 2}],
    }
    records.create_record(system, {**base, "title": "Plain"})
    path = tmp_path / "out.csv"
    export_records_csv(system, path)
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert header == list(HEADER)

    records.create_record(system, {**base, "title": "Law day", "topics": [HARASSMENT, LAW]})
    export_records_csv(system, path)
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [*HEADER, "topics"]
    by_title = {row[1]: row[-1] for row in rows[1:]}
    assert by_title == {"Plain": "", "Law day": f"{HARASSMENT}; {LAW}"}
    # And back: the export imports into the same person unchanged (both already present).
    assert import_records_csv(system, text, alice).records_skipped == 2


@pytest.mark.parametrize("heading", ["Topics", "Topic", "Course topic", "CPE Topics"])
def test_the_topics_heading_is_guessed(heading):
    mapping = guess_mapping(["Date", "Course", "Hours", "Field", "Format", heading])
    assert mapping["topics"] == 5


def test_a_spreadsheet_with_a_topic_column_imports_and_merges(system, alice):
    rows = [
        "Date,Course,Provider,Format,Field,Hours,Course topic",
        f"2026-02-01,Law day,ACME,Live,Regulatory Ethics,2,{LAW}",
    ]
    table = csv_table("\n".join(rows) + "\n", "mine.csv")
    import_mapped(system, table, guess_mapping(table.headers), alice)
    assert _topics(alice) == {"Law day": [LAW]}
    rows[1] += f"; {HARASSMENT}"
    table = csv_table("\n".join(rows) + "\n", "mine.csv")
    summary = import_mapped(system, table, guess_mapping(table.headers), alice, "merge")
    assert summary.records_merged == 1
    assert _topics(alice) == {"Law day": [LAW, HARASSMENT]}


def test_xlsx_export_writes_topics_last_and_reads_them_back(system, alice, tmp_path):
    records.create_record(
        system,
        {
            "user_id": alice.user_id,
            "title": "Law day",
            "completed_on": "2026-02-01",
            "started_on": "2026-01-31",
            "delivery_method": "Group Live",
            "credits": [{"field": "Regulatory Ethics", "credits": 2}],
            "topics": [LAW],
        },
    )
    path = tmp_path / "out.xlsx"
    export_records_xlsx(system, path)
    book = openpyxl.load_workbook(path)
    cells = list(book.active.iter_rows(values_only=True))
    book.close()
    assert cells[0] == tuple(HEADINGS[n] for n in (*HEADER, "started_on", "topics"))
    assert cells[1][-1] == LAW
    table = read_table(path)
    assert guess_mapping(table.headers)["topics"] == len(cells[0]) - 1
    bob = users.create_user(system, {"name": "Bob", "email": "bob@example.com"}).value
    import_mapped(system, table, guess_mapping(table.headers), bob)
    assert _topics(bob) == {"Law day": [LAW]}
