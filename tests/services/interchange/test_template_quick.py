"""Issue 18: a records CSV judged column by column (``template_quick``) gives what the usual
way, a row at a time, gives: the same warnings, the same records ready to write (compared by
``repr``, so ``1.5`` and ``1.50`` stay apart), or the same refusal; and it answers only for the
files it can judge that way, leaving every other to the usual way."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpe_desktop.clock import FixedClock
from cpe_desktop.services import requirements
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import csv_format, template_quick
from cpe_desktop.services.interchange.csv_format import HEADER, judge_text
from tests.helpers.record_files import template_records_csv

TODAY = dt.datetime(2026, 6, 15, 9, 30)
TOPICS = ("Fraud", "California Regulatory Review")
USER = SimpleNamespace(user_id=7, email="alice@example.com")

# Each column's cells: those that judge well (some with a warning: 1.3 is no NASBA increment,
# 25 credits in a day is a lot), then those with something wrong.
_LINE = ("field_of_study", "credits")  # a row's own cells; the rest are the record's
_GOOD = {
    "title": ("Tax update", "  Ethics  ", "Café"),
    "completed_on": ("2024-01-05", "2024-01-06", "2024-01-07"),
    "sponsor": ("ACME", "", " ACME ", "Becker"),
    "sponsor_id": ("", "103456"),
    "delivery_method": ("Group Live", "group live", "QAS Self Study", "Group Internet Based"),
    "field_of_study": ("Taxes", "Auditing", "Regulatory Ethics"),
    "credits": ("1", "1.5", "1.50", "2", "1.3", "8", "25"),
    "ethics_jurisdiction": ("", "Texas"),
    "notes": ("", "kept"),
    "started_on": ("", "2024-03-01"),  # (a first day: each record judged on its own)
    "topics": ("", "Fraud", "Fraud; California Regulatory Review"),
    "email": ("", "alice@example.com"),
}
_BAD = {
    "title": ("", "   ", "Bad\x07title", "A" * 301),
    "completed_on": ("2030-01-01", "1949-12-31", "soon", "01/07/2024", ""),
    "sponsor": ("S" * 201,),
    "sponsor_id": ("x" * 60,),
    "delivery_method": ("Lecture", ""),
    "field_of_study": ("Basket weaving", ""),
    "credits": ("abc", "", "-1", "0"),
    "ethics_jurisdiction": ("Narnia",),
    "notes": ("line\x01break",),
    "started_on": ("2024-01-04", "2024-02-01"),
    "topics": ("Unknown topic",),
    "email": ("bob@example.com",),
}


@st.composite
def _files(draw) -> str:
    """A records CSV: the template's columns (some left out, some optional ones added, in some
    order), a few kinds of row under many titles and days, a record's rows usually together;
    most files hold nothing wrong."""
    header = [name for name in HEADER if name in csv_format.REQUIRED or draw(st.booleans())]
    header += [name for name in ("started_on", "topics") if draw(st.integers(0, 4)) == 0]
    if draw(st.integers(0, 9)) == 0:
        header.append("email")
    if draw(st.integers(0, 3)) == 0:
        header = draw(st.permutations(header))
    plain = draw(st.integers(0, 5)) > 0

    def cell(name: str) -> str:
        wrong = not plain and draw(st.integers(0, 3)) == 0
        return draw(st.sampled_from((_BAD if wrong else _GOOD)[name]))

    # A record's own cells come from a few kinds (its rows repeat them), each row its own field
    # of study and credits (a row may disagree, in a file with something wrong).
    own = [name for name in header if name not in ("title", "completed_on", *_LINE)]
    kinds = [{name: cell(name) for name in own} for _ in range(draw(st.integers(1, 3)))]
    rows: list[list[str]] = []
    for number in range(draw(st.integers(0 if not plain else 1, 12))):
        title = f"Course {number}" if draw(st.booleans()) else cell("title")
        day = f"2024-03-{number + 1:02d}" if draw(st.booleans()) else cell("completed_on")
        kind = draw(st.sampled_from(kinds))
        fields = draw(st.permutations(_GOOD["field_of_study"]))
        for index in range(draw(st.sampled_from([1, 1, 2, 3]))):
            cells = {**kind, "title": title, "completed_on": day}
            cells["field_of_study"] = (
                fields[index] if draw(st.integers(0, 5)) else cell("field_of_study")
            )
            cells["credits"] = cell("credits")
            if not plain and draw(st.integers(0, 5)) == 0:
                cells.update(draw(st.sampled_from(kinds)))  # another kind's cells
            rows.append([cells[name] for name in header])
    if rows and draw(st.integers(0, 5)) == 0:
        rows = draw(st.permutations(rows))  # a record's rows apart
    if rows and draw(st.integers(0, 7)) == 0:
        rows[-1] = rows[-1][:-1]  # a row short of a cell
    if rows and draw(st.integers(0, 7)) == 0:
        rows[0][-1] = "'=1+1"  # a neutralised formula
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _outcome(text: str, *, quick: bool) -> tuple[str, object]:
    ctx = ServiceContext(SYSTEM, FixedClock(TODAY))
    try:
        warnings, ready = judge_text(ctx, text, USER, quick=quick)  # type: ignore[arg-type]
    except ValidationError as error:
        return "refused", error.errors
    return "ready", (warnings, [repr(item) for item in ready])


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_files())
def test_a_file_judged_column_by_column_is_judged_as_row_by_row(text):
    """Either way, the same warnings, records (by ``repr``) and refusals."""
    with patch.object(requirements, "known_topics", lambda: list(TOPICS)):
        assert _outcome(text, quick=True) == _outcome(text, quick=False)


def _quick(text: str):
    ctx = ServiceContext(SYSTEM, FixedClock(TODAY))
    raw = csv_format.csv_records(text, ",")
    header, _ = csv_format._header(raw)
    with patch.object(requirements, "known_topics", lambda: list(TOPICS)):
        return template_quick.judge_rows(ctx, header, raw[1:], USER.user_id)


def test_the_benchmark_file_is_judged_column_by_column_as_row_by_row():
    """The import benchmark's 10,000 rows (7,406 records, a third of them of two rows) take the
    quick way, and it gives what the usual way gives."""
    text = template_records_csv(10_000)[0]
    assert _quick(text) is not None
    with patch.object(requirements, "known_topics", lambda: list(TOPICS)):
        quick, usual = _outcome(text, quick=True), _outcome(text, quick=False)
    assert quick == usual
    assert quick[0] == "ready" and len(quick[1][1]) == 7406


def test_warnings_name_each_records_line_and_title():
    """NASBA increments: 0.3 is no whole or half credit; the warning is each record's own."""
    text = (
        "completed_on,title,sponsor,sponsor_id,delivery_method,field_of_study,credits,"
        "ethics_jurisdiction,notes\n"
        "2024-01-05,One,ACME,,Group Live,Taxes,1.3,,\n"
        "2024-01-06,Two,ACME,,Group Live,Taxes,1.3,,\n"
    )
    found = _quick(text)
    assert found is not None
    warnings, ready = found
    assert len(warnings) == 2
    assert warnings[0].startswith("line 2 (One): ") and warnings[1].startswith("line 3 (Two): ")
    assert warnings[0].split(": ", 1)[1] == warnings[1].split(": ", 1)[1]
    assert [key for key, _ in ready] == [
        ("One", dt.date(2024, 1, 5), "ACME"),
        ("Two", dt.date(2024, 1, 6), "ACME"),
    ]


_TOP = "completed_on,title,sponsor,delivery_method,field_of_study,credits"


@pytest.mark.parametrize(
    ("why", "text"),
    [
        ("rows of one record apart",
         f"{_TOP}\n2024-01-05,A,S,Group Live,Taxes,1\n2024-01-06,B,S,Group Live,Taxes,1\n"
         "2024-01-05,A,S,Group Live,Auditing,1\n"),
        ("a row short of a cell", f"{_TOP}\n2024-01-05,A,S,Group Live,Taxes\n"),
        ("an email column", f"email,{_TOP}\nalice@example.com,2024-01-05,A,S,Group Live,Taxes,1\n"),
        ("a problem", f"{_TOP}\n2024-01-05,A,S,Lecture,Taxes,1\n"),
        ("a day not read", f"{_TOP}\nsoon,A,S,Group Live,Taxes,1\n"),
        ("a blank title", f"{_TOP}\n2024-01-05, ,S,Group Live,Taxes,1\n"),
        ("a day in the future, alike", f"{_TOP}\n2024-01-05,A,S,Group Live,Taxes,1\n"
         "2030-01-05,B,S,Group Live,Taxes,1\n"),
        ("no rows", f"{_TOP}\n"),
        ("a title too long, alike", f"{_TOP}\n2024-01-05,A,S,Group Live,Taxes,1\n"
         f"2024-01-06,{'B' * 301},S,Group Live,Taxes,1\n"),
        ("a title with a control character, alike", f"{_TOP}\n2024-01-05,A,S,Group Live,Taxes,1\n"
         "2024-01-06,B\x07,S,Group Live,Taxes,1\n"),
        ("a first day", "started_on,completed_on,title,delivery_method,field_of_study,credits\n"
         "2024-03-01,2024-03-01,A,Group Live,Taxes,25\n"
         "2024-03-01,2024-03-05,B,Group Live,Taxes,25\n"),
    ],
)  # fmt: skip
def test_files_of_another_shape_are_left_to_the_usual_way(why, text):
    assert _quick(text) is None, why


def test_progress_is_told_as_records_are_judged():
    text = template_records_csv(1_000)[0]
    heard: list[tuple[int, int]] = []
    ctx = ServiceContext(SYSTEM, FixedClock(TODAY))
    with patch.object(requirements, "known_topics", lambda: list(TOPICS)):
        judge_text(ctx, text, USER, lambda done, total: heard.append((done, total)))  # type: ignore[arg-type]
    assert heard and all(total == heard[0][1] for _, total in heard)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)
    assert heard[-1][0] >= heard[0][1] - 200


@given(
    st.text(alphabet=st.sampled_from("ab,;\r\n\x0b\x85\u2028 "), min_size=1, max_size=40),
    st.integers(0, 5000),
)
def test_the_first_line_is_the_first_of_all_lines(head, padding):
    """``_first_line`` reads no further than it must, and gives what splitting it all gives."""
    text = "x" * padding + head
    assert csv_format._first_line(text) == text.splitlines()[0]
