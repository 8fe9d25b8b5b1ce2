"""Test data for the import/export tests: a hand-written ``cpe-tracker/1`` document and helpers.

The document is written the way an export writes it (keys, order, nulls), so "import, then
export" must give it back exactly.
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import peewee
from hypothesis import strategies as st

from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.db.models import EVERY_MODEL, CpeRecord

REQUIREMENT: dict[str, Any] = {
    "credential": "CPA",
    "jurisdiction": "Texas",
    "total_hours": 120,
    "period_years": 3,
    "ethics_hours": 4,
    "annual_min_hours": 20,
    "ethics_period_years": 2,
    "ethics_state_specific": True,
    "period_basis": "rolling",
    "period_start_month": None,
    "cycle_anchor_year": None,
    "max_self_study_hours": None,
    "max_self_study_pct": None,
    "max_nano_hours": None,
    "max_nano_pct": None,
    "max_non_technical_hours": None,
    "max_non_technical_pct": 50,
    "technical_min_hours": None,
    "carryover_max_hours": 2.5,
    "effective_from": "2026-01-01",
    "source": "Firm research, board letter of 2025-11-03",
    "verified_on": "2026-01-15",
    "notes": "Our reading of the 2026 rule change",
    "cycle_anchor": None,
    "cycle_parity_offset": None,
    "first_period": None,
    "first_period_hours_per_unit": None,
    "first_period_unit_months": None,
    "first_period_counts_issue_month": None,
    "first_period_ethics": None,
    "first_period_table": None,
    "carryover_scope": None,
    "reciprocity": None,
    "components": [
        {
            "kind": "max",
            "pct": 50,
            "delivery": ["Nano Learning"],
            "label": "Nano learning at most half",
            "source": "Firm research",
        },
        {
            "kind": "course",
            "hours": 4,
            "scope": "cycle",
            "cycle_years": 2,
            "topic": "Fraud",
        },
        {
            "kind": "min",
            "hours": 8,
            "fields": ["accounting_auditing"],
            "delivery": ["live"],
            "applies_if": "performs_attest",
            "alternative": "attest",
            "notes": "Only for those who sign audits",
        },
    ],
}
# The topic REQUIREMENT's course component names (records may carry it). The shipped rules
# name it too (California's attest work), so a CSV or XLSX export of the records imports into a
# database holding only the shipped rules.
TOPIC = "Fraud"


def credit(field: str, credits: float | int) -> dict[str, Any]:
    return {"field": field, "credits": credits}


def record(
    title: str,
    completed_on: str,
    method: str,
    credits: list[dict[str, Any]],
    *,
    sponsor: str | None = "ACME CPE",
    sponsor_id: str | None = "103456",
    ethics_jurisdiction: str | None = None,
    notes: str | None = None,
    started_on: str | None = None,
    topics: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "title": title,
        "sponsor": sponsor,
        "sponsor_id": sponsor_id,
        "started_on": started_on,
        "completed_on": completed_on,
        "delivery_method": method,
        "credits": sorted(credits, key=lambda line: line["field"]),
        "ethics_jurisdiction": ethics_jurisdiction,
        "notes": notes,
        "topics": topics or [],
    }


def license_(
    credential: str,
    jurisdiction: str,
    number: str | None,
    issued_on: str | None = "2010-05-01",
    expires_on: str | None = "2027-05-31",
    *,
    period_end_override: str | None = None,
    status: str = "active",
    tracked_from: str = "2024-01-01",
    opening_hours: float | int | None = None,
    opening_ethics_hours: float | int | None = None,
    home_jurisdiction: str | None = None,
    attributes: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "credential": credential,
        "jurisdiction": jurisdiction,
        "license_number": number,
        "issued_on": issued_on,
        "expires_on": expires_on,
        "period_end_override": period_end_override,
        "status": status,
        "tracked_from": tracked_from,
        "opening_hours": opening_hours,
        "opening_ethics_hours": opening_ethics_hours,
        "home_jurisdiction": home_jurisdiction,
        "attributes": attributes or [],
    }


_ALICE_RECORDS = [
    record("Tax update 2024", "2024-01-18", "Group Live", [credit("Taxes", 8)]),
    record(
        "Texas ethics",
        "2024-02-02",
        "Group Internet Based",
        [credit("Regulatory Ethics", 4)],
        sponsor="Texas Society of CPAs",
        sponsor_id="108912",
        ethics_jurisdiction="Texas",
        topics=[TOPIC],
    ),
    record("Lease accounting", "2024-03-11", "QAS Self Study", [credit("Accounting", 2.5)]),
    record(
        "Audit sampling",
        "2024-04-22",
        "Group Live",
        [credit("Auditing", 3), credit("Statistics", 1.5)],
        notes="Certificate in the blue folder",
    ),
    record("Nano: revenue", "2024-05-06", "Nano Learning", [credit("Accounting", 0.2)]),
    record(
        "Leadership day",
        "2024-06-14",
        "Group Live",
        [credit("Personal Development", 4), credit("Communications and Marketing", 2)],
        sponsor=None,
        sponsor_id=None,
    ),
    record("Tax update 2024", "2024-09-30", "Group Live", [credit("Taxes", 8)]),
    record(
        "Governmental audits",
        "2024-11-05",
        "Blended Learning",
        [credit("Auditing (Governmental)", 6.5)],
        sponsor="GovCPE",
        sponsor_id=None,
    ),
    record(
        "Data analytics",
        "2025-01-20",
        "Group Internet Based",
        [credit("Information Technology", 2), credit("Computer Software & Applications", 1.2)],
    ),
    record("Taught: tax research", "2025-03-03", "Instructor", [credit("Taxes", 30)]),
    record(
        "Ethics refresher",
        "2025-08-08",
        "QAS Self Study",
        [credit("Behavioral Ethics", 1), credit("Regulatory Ethics", 1)],
        notes="Line one\nline two, with a comma",
    ),
    record("Fraud schemes", "2026-02-10", "Group Live", [credit("Specialized Knowledge", 1.4)]),
]

_BOB_RECORDS = [
    record("Internal audit basics", "2024-02-15", "Group Live", [credit("Auditing", 8)]),
    record("Risk frameworks", "2024-05-20", "Group Internet Based", [credit("Auditing", 2)]),
    record(
        "IIA ethics",
        "2024-07-01",
        "QAS Self Study",
        [credit("Behavioral Ethics", 2)],
        sponsor="IIA",
        sponsor_id=None,
    ),
    record("Article on controls", "2024-10-10", "Author", [credit("Auditing", 10)]),
    record(
        "Economics outlook",
        "2025-02-14",
        "Group Live",
        [credit("Economics", 1), credit("Finance", 2)],
    ),
    record("Business law", "2025-06-30", "Independent Study", [credit("Business Law", 3.3)]),
    record("HR for managers", "2025-09-09", "Group Live", [credit("Personnel/Human Resources", 2)]),
    record("Production planning", "2026-01-05", "Group Live", [credit("Production", 1)]),
]


def two_people_document() -> dict[str, Any]:
    """Two people, three licenses, twenty records and one requirement rule (a fresh copy)."""
    document = {
        "format": "cpe-tracker/1",
        "requirements": [REQUIREMENT],
        "users": [
            {
                "name": "Alice Admin",
                "email": "alice@example.com",
                "role": "admin",
                "birth_date": "1980-05-14",
                "active": True,
                "licenses": [
                    license_(
                        "CPA",
                        "New York",
                        "098765",
                        "2012-01-01",
                        None,
                        tracked_from="2023-01-01",
                        opening_hours=6.5,
                        opening_ethics_hours=2,
                        home_jurisdiction="Texas",
                    ),
                    license_(
                        "CPA",
                        "Texas",
                        "12345",
                        period_end_override="2027-05-31",
                        attributes=["performs_attest", "tax_practice"],
                    ),
                ],
                "records": _ALICE_RECORDS,
            },
            {
                "name": "Bob Member",
                "email": "bob@example.com",
                "role": "member",
                "birth_date": None,
                "active": True,
                "licenses": [license_("CIA", "IIA", "IIA-55501", "2018-03-01", None)],
                "records": _BOB_RECORDS,
            },
        ],
    }
    return copy.deepcopy(document)


def one_person_document(email: str = "carol@example.com") -> dict[str, Any]:
    """One person with no licenses and no records."""
    return {
        "format": "cpe-tracker/1",
        "requirements": [],
        "users": [
            {
                "name": "Carol Solo",
                "email": email,
                "role": "admin",
                "birth_date": None,
                "active": True,
                "licenses": [],
                "records": [],
            }
        ],
    }


def table_counts() -> dict[str, int]:
    """Rows in every table: equal before and after means a refused import wrote nothing."""
    return {model._meta.table_name: model.select().count() for model in EVERY_MODEL}


@contextmanager
def other_database(path: Path, original: peewee.Database) -> Iterator[peewee.Database]:
    """A second, empty SQLite database (schema and shipped rules) bound while the block runs."""
    from cpe_desktop.services.shipped_data import load_shipped_requirements

    db = make_database(str(path))
    bind(db)
    db.connect()
    try:
        migrate(db)
        load_shipped_requirements()
        yield db
    finally:
        db.close()
        bind(original)


# --- Hypothesis strategies ------------------------------------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["2025-03-02", "Taxes", "Group Live", "CPA", "admin", "x@example.com"])
)
json_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=24,
)
_PERSON_KEYS = ["name", "email", "role", "birth_date", "active", "licenses", "records"]


def json_documents() -> st.SearchStrategy[Any]:
    """Any JSON value, or an object shaped roughly like a document with anything inside."""
    people = st.lists(
        st.dictionaries(st.sampled_from(_PERSON_KEYS) | st.text(max_size=6), json_values),
        max_size=3,
    )
    return json_values | st.fixed_dictionaries(
        {"format": st.just("cpe-tracker/1") | json_values},
        optional={
            "users": people | json_values,
            "requirements": st.lists(json_values, max_size=2) | json_values,
        },
    )


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    """The two-person document with one to three values replaced, deleted or added anywhere."""
    document = two_people_document()
    for _ in range(draw(st.integers(1, 3), label="mutations")):
        path = draw(st.sampled_from(list(_paths(document))), label="path")
        if not path:
            continue
        parent: Any = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add key"]), label="action")
        if action == "replace":
            parent[path[-1]] = draw(json_values, label="value")
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8), label="key")] = draw(json_values, label="value")
    return document


_cells = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        [
            "2025-03-02",
            "2099-01-01",
            "Taxes",
            "Tax",
            "Group Live",
            "Nano",
            "1.5",
            "-2",
            "0.2",
            "=1+1",
            "'=1",
            "Tax update",
            "ACME",
            "",
        ]
    ),
)


@st.composite
def csv_texts(draw: st.DrawFn, header: Sequence[str]) -> str:
    """Any text, or a CSV whose columns and cells are drawn from plausible and odd values."""
    if draw(st.booleans()):
        return draw(st.text(max_size=200))
    names = st.sampled_from([*header, "email", "Colour", ""])
    columns = draw(st.lists(names, min_size=1, max_size=11))
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", ";"])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
    )
    writer.writerow(columns)
    for _ in range(draw(st.integers(0, 5))):
        writer.writerow(draw(st.lists(_cells, min_size=len(columns), max_size=len(columns) + 1)))
    return out.getvalue()


def saved_records(user) -> list[tuple]:
    """``user``'s stored records as sortable tuples (every imported column, credits by field)."""
    query = CpeRecord.select().where(CpeRecord.user == user.user_id)
    return sorted(
        (
            r.completed_on.isoformat(),
            r.title,
            r.sponsor,
            r.sponsor_id,
            r.delivery_method,
            r.ethics_jurisdiction,
            r.notes,
            tuple(sorted((c.field_of_study, c.credits) for c in r.credits)),
        )
        for r in query
    )
