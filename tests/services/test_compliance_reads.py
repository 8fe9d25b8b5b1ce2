"""How compliance reads the database (issue 18's faster reads): records as the engine's own
constructor would build them, and licenses with their holder and credential attached as the
join read them, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import peewee

from cpe_desktop.db.models import CpeRecord, Credential, License, StateRequirement, User
from cpe_desktop.db.rule_columns import names_of, rows_in_force
from cpe_desktop.rules.compliance import Evaluation, RecordFacts, evaluate_each
from cpe_desktop.rules.reciprocity import apply_reciprocity
from cpe_desktop.services import compliance, compliance_reads, licenses, records
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.demo import demo_clock, make_demo_firm


def _record(ctx, day, lines, method="Group Live", **extra):
    return records.create_record(
        ctx,
        {
            "title": f"Course of {day}",
            "completed_on": day,
            "delivery_method": method,
            "credits": [{"field": field, "credits": credits} for field, credits in lines],
            **extra,
        },
    ).value


def _as_constructed(record: CpeRecord) -> RecordFacts:
    """The record as ``RecordFacts``' own constructor builds it from the stored row."""
    lines = sorted(
        (line.field_of_study, Decimal(str(line.credits)).quantize(Decimal("0.01")))
        for line in record.credits
    )
    return RecordFacts(
        record_id=record.record_id,
        completed_on=record.completed_on,
        delivery_method=record.delivery_method,
        ethics_jurisdiction=record.ethics_jurisdiction,
        has_certificate=record.attachment_id is not None,
        credits=tuple(lines),
        title=record.title,
        started_on=record.started_on,
        topics=names_of(record.topics),
    )


def _listed(read):
    """``read_records``' columns as the lists of records they stand for."""
    return {holder: list(columns) for holder, columns in read.items()}


def test_records_read_equal_the_constructed_ones(people):
    ann = people.as_ann
    _record(ann, "2026-01-10", [("Taxes", 2)])
    _record(ann, "2026-01-11", [("Taxes", 2)])  # the same one line: built once, equal
    _record(ann, "2026-02-01", [("Taxes", "1.5"), ("Auditing", 4)])  # stored out of order
    _record(ann, "2026-03-01", [("Regulatory Ethics", 2)], ethics_jurisdiction="Texas")
    _record(ann, "2026-03-20", [("Accounting", 8)], started_on="2026-03-19")
    _record(people.as_bob, "2026-02-01", [("Taxes", 3)])  # someone else's: not read for Ann
    _record(ann, "2019-05-01", [("Taxes", 1)])  # before the day asked for: not read

    read = compliance_reads.read_records({people.ann.user_id}, dt.date(2020, 1, 1))

    stored = (
        CpeRecord.select()
        .where(CpeRecord.user == people.ann.user_id, CpeRecord.completed_on >= dt.date(2020, 1, 1))
        .order_by(CpeRecord.record_id)
    )
    assert _listed(read) == {people.ann.user_id: [_as_constructed(record) for record in stored]}
    mine = read[people.ann.user_id]
    assert [r.credits for r in mine][2] == (
        ("Auditing", Decimal("4.00")),
        ("Taxes", Decimal("1.50")),
    )
    assert all(type(amount) is Decimal for r in mine for _, amount in r.credits)
    assert mine[4].started_on == dt.date(2026, 3, 19)


def test_a_firms_read_skips_the_records_of_people_not_asked_for(people):
    """Past a few people the read takes everyone's records in one scan and leaves out, in
    Python, those of people not asked for: records of several lines, one person's and another's
    one after the other."""
    ann, bob = people.as_ann, people.as_bob
    _record(ann, "2026-01-10", [("Taxes", 2)])
    _record(bob, "2026-01-11", [("Taxes", 2), ("Auditing", 1)])
    _record(ann, "2026-01-12", [("Auditing", "1.5"), ("Taxes", 2)])
    _record(bob, "2026-01-13", [("Taxes", 2)])
    _record(bob, "2026-01-14", [("Accounting", 8)])
    _record(ann, "2026-01-15", [("Taxes", "2.0")], ethics_jurisdiction="Texas")
    _record(ann, "2026-01-16", [("Regulatory Ethics", 1), ("Taxes", 2), ("Auditing", 4)])
    asked = {people.ann.user_id, *range(10_001, 10_001 + compliance_reads.FEW_PEOPLE)}

    read = compliance_reads.read_records(asked, dt.date(2020, 1, 1))

    stored = CpeRecord.select().where(CpeRecord.user == people.ann.user_id)
    assert _listed(read) == {
        people.ann.user_id: [_as_constructed(r) for r in stored.order_by(CpeRecord.record_id)]
    }
    assert [len(r.credits) for r in read[people.ann.user_id]] == [1, 2, 1, 3]
    # Read again: equal credits are the very same tuples (kept from one read to the next).
    again = compliance_reads.read_records(asked, dt.date(2020, 1, 1))
    assert _listed(again) == _listed(read)
    for first, second in zip(read[people.ann.user_id], again[people.ann.user_id], strict=True):
        assert first.credits is second.credits


def test_records_of_several_lines_sharing_a_first_line_are_each_their_own(people):
    """A record's lines are joined one at a time, each join kept by the identity of the lines
    so far and of the line added (and reused by the next read): records whose first lines are
    the same and whose next ones differ each get their own credits, read after read."""
    ann = people.as_ann
    _record(ann, "2026-01-10", [("Taxes", 2), ("Auditing", 1)])
    _record(ann, "2026-01-11", [("Taxes", 2), ("Accounting", 1)])
    _record(ann, "2026-01-12", [("Taxes", 2), ("Auditing", 1), ("Finance", 3)])
    _record(ann, "2026-01-13", [("Taxes", 2), ("Auditing", 2)])
    _record(ann, "2026-01-14", [("Taxes", 2)])
    _record(ann, "2026-01-15", [("Taxes", 2), ("Auditing", 1)])
    stored = CpeRecord.select().where(CpeRecord.user == people.ann.user_id)
    expected = [_as_constructed(r) for r in stored.order_by(CpeRecord.record_id)]
    asked = {people.ann.user_id, *range(10_001, 10_001 + compliance_reads.FEW_PEOPLE)}

    for _ in range(2):
        read = compliance_reads.read_records(asked, dt.date(2020, 1, 1))
        assert _listed(read) == {people.ann.user_id: expected}
        mine = read[people.ann.user_id]
        assert [len(r.credits) for r in mine] == [2, 2, 3, 2, 1, 2]
        assert mine[0].credits is mine[5].credits  # equal credits: one tuple
        assert all(type(r) is RecordFacts for r in mine)


def test_values_kept_as_stored_are_what_each_field_gives_back():
    """``plain_models`` keeps a stored value as it is only where the field's ``python_value``
    gives it back unchanged: checked for every field of every model."""
    import inspect

    import peewee

    from cpe_desktop.db import models as all_models

    samples = {type(None): None, int: 7, str: "Texas"}
    checked = 0
    for _, model in inspect.getmembers(all_models, inspect.isclass):
        if not issubclass(model, peewee.Model) or not hasattr(model, "_meta"):
            continue
        for field in model._meta.sorted_fields:
            for kind in compliance_reads._passed(field):
                stored = samples[kind]
                given = field.python_value(stored)
                assert given == stored and type(given) is kind, (model, field.name, kind)
                checked += 1
    assert checked > 50


def test_drafts_become_the_records_and_issues_the_constructors_build():
    """``RecordDraft`` and ``IssueDraft`` (how the reads and the engine build records and issues
    fast) have their classes' slots, in order, and what they become is what the constructor
    builds: equal, same hash, same type, frozen."""
    from dataclasses import FrozenInstanceError

    import pytest

    from cpe_desktop.rules.compliance import Issue, _record_issue
    from cpe_desktop.rules.facts import IssueDraft, RecordDraft

    assert RecordDraft.__slots__ == RecordFacts.__slots__
    assert IssueDraft.__slots__ == Issue.__slots__
    day, credits = dt.date(2026, 1, 10), (("Taxes", Decimal("2.00")),)
    built = RecordFacts.trusted(7, day, "Group Live", None, False, credits, "Course", None, ())
    made = RecordFacts(7, day, "Group Live", None, False, credits, "Course")
    assert type(built) is RecordFacts and built == made and hash(built) == hash(made)
    issue = _record_issue("no_certificate", 7, "Course has no certificate attached.")
    assert type(issue) is Issue
    assert issue == Issue("no_certificate", 7, "Course has no certificate attached.")
    with pytest.raises(FrozenInstanceError):
        built.title = "Other"  # type: ignore[misc]


def _constructed_facts(license_: License) -> Any:
    """The license's facts as ``LicenseFacts``' own constructor builds them."""
    from cpe_desktop.rules.facts import LicenseFacts

    return LicenseFacts(
        license_id=license_.license_id,
        credential=license_.credential.code,
        jurisdiction=license_.jurisdiction,
        issued_on=license_.issued_on,
        period_end_override=license_.period_end_override,
        birth_date=license_.user.birth_date,
        holder_id=license_.user_id,
        license_number=license_.license_number,
        tracked_from=license_.tracked_from,
        opening_hours=license_.opening_hours or Decimal(0),
        opening_ethics_hours=license_.opening_ethics_hours or Decimal(0),
        home_jurisdiction=license_.home_jurisdiction,
        attributes=frozenset(names_of(license_.attributes)),
    )


def test_license_facts_are_as_the_constructor_builds_them(people):
    """Most licenses' facts (no opening balance, nothing ticked) are built with their
    ``__dict__`` set whole: the same values, of the same types, in the same order, as the
    constructor's; the others go through the constructor."""
    import pytest

    made = [
        licenses.create_license(ctx, {"credential": code, "jurisdiction": place}).value
        for ctx, code, place in (
            (people.as_ann, "CPA", "Texas"),
            (people.as_ann, "CPA", "New York"),
            (people.as_bob, "EA", "IRS"),
            (people.as_bob, "CPA", "Ohio"),
            (people.as_bob, "CPA", "Florida"),
        )
    ]
    License.update(
        license_number="TX-1",
        issued_on=dt.date(2015, 3, 1),
        tracked_from=dt.date(2024, 1, 1),
        period_end_override=dt.date(2026, 12, 31),
        home_jurisdiction="Ohio",
    ).where(License.license_id == made[0].license_id).execute()
    License.update(opening_hours=Decimal("6")).where(
        License.license_id == made[1].license_id
    ).execute()
    License.update(opening_ethics_hours=Decimal("0.00")).where(
        License.license_id == made[2].license_id
    ).execute()
    License.update(attributes='["performs_attest"]').where(
        License.license_id == made[3].license_id
    ).execute()
    User.update(birth_date=dt.date(1970, 5, 17)).where(User.user_id == people.bob.user_id).execute()

    held = compliance._with_holders(
        compliance_reads.plain_models(License.select().order_by(License.license_id)),
        lambda: compliance_reads.plain_models(User.select()),
    )

    assert len(held) == 5
    for license_ in held:
        facts, expected = compliance._facts(license_), _constructed_facts(license_)
        assert facts == expected and repr(facts) == repr(expected)
        assert list(vars(facts).items()) == list(vars(expected).items())
        assert [type(v) for v in vars(facts).values()] == [type(v) for v in vars(expected).values()]
        assert hash(facts) == hash(expected)
    assert compliance._facts(held[3]).attributes == frozenset({"performs_attest"})
    assert compliance._facts(held[1]).opening_hours == Decimal("6")
    assert compliance._facts(held[4]).birth_date == dt.date(1970, 5, 17)
    # Ethics hours without hours (written behind the services): refused, as the constructor does.
    held[2].__data__["opening_ethics_hours"] = Decimal("2")
    with pytest.raises(ValueError, match="opening_ethics_hours"):
        compliance._facts(held[2])


def test_firm_view_licenses_carry_their_holder_and_credential(people):
    for ctx, place in ((people.as_ann, "Texas"), (people.as_ann, "New York")):
        licenses.create_license(ctx, {"credential": "CPA", "jurisdiction": place})
    licenses.create_license(people.as_bob, {"credential": "EA", "jurisdiction": "IRS"})
    lapsed = licenses.create_license(
        people.as_bob, {"credential": "CPA", "jurisdiction": "Ohio", "status": "lapsed"}
    ).value

    firm = compliance.evaluate_licenses(people.as_admin)

    assert sorted(
        (i.user.email, i.license.credential.code, i.license.jurisdiction) for i in firm
    ) == [
        ("ann@example.com", "CPA", "New York"),
        ("ann@example.com", "CPA", "Texas"),
        ("bob@example.com", "EA", "IRS"),
    ]
    for item in firm:
        # Built with its __dict__ set whole: what the constructor builds.
        made = compliance.LicenseStatus(item.user, item.license, item.requirement, item.evaluation)
        assert type(item) is compliance.LicenseStatus and item == made
        assert list(vars(item).items()) == list(vars(made).items())
        license_ = item.license
        assert license_.license_id != lapsed.license_id
        assert license_.user is item.user
        assert item.user == User.get_by_id(license_.user_id)
        assert item.user.email == User.get_by_id(license_.user_id).email
        assert license_.credential == Credential.get_by_id(license_.credential_id)
        assert license_.credential.code == Credential.get_by_id(license_.credential_id).code
        assert not license_.is_dirty()  # as read, like a joined query's rows
        assert license_ == License.get_by_id(license_.license_id)
        # Every column as peewee converts it (compliance_reads.plain_models builds them itself).
        assert license_.__data__ == License.get_by_id(license_.license_id).__data__
        assert item.user.__data__ == User.get_by_id(license_.user_id).__data__
        assert not item.user.is_dirty()

    own = compliance.evaluate_licenses(people.as_ann)
    assert {(i.user.user_id, i.license.jurisdiction) for i in own} == {
        (people.ann.user_id, "Texas"),
        (people.ann.user_id, "New York"),
    }
    bob = compliance.evaluate_licenses(people.as_admin, user_id=people.bob.user_id)
    assert [(i.user.email, i.license.credential.code) for i in bob] == [("bob@example.com", "EA")]


def _each_alone(as_of: dt.date) -> dict[int, Evaluation]:
    """The straightforward way: every active license judged on its own (a ledger of its own),
    its rule and facts read one by one, its holder's records (all of them) as ``RecordFacts``'
    constructor builds them from the stored rows; then reciprocity over all of them."""
    in_force = rows_in_force(StateRequirement.select(), as_of)
    pairs = []
    for license_ in License.select().where(License.status == "active"):
        row = in_force.get((license_.credential_id, license_.jurisdiction))
        if row is not None:
            pairs.append((compliance._facts(license_), compliance.rule_of(row)))
    held: dict[int, list[RecordFacts]] = {}
    for record in CpeRecord.select():
        held.setdefault(record.user_id, []).append(_as_constructed(record))
    alone = [evaluate_each([(facts, rule)], held, as_of)[0] for facts, rule in pairs]
    judged = apply_reciprocity([(rule, facts) for facts, rule in pairs], alone)
    return {facts.license_id: ev for (facts, _), ev in zip(pairs, judged, strict=True)}


def test_the_firm_view_judges_each_license_as_if_alone(seeded):
    """The firm's way (one query for every record and its lines, a ledger shared by a holder's
    licenses, records worded once per holder, component sums per window, evaluations kept)
    gives what judging each license alone gives, over a seeded firm of many states,
    credentials and kinds of record, on several days."""
    make_demo_firm(demo_clock(dt.date(2026, 6, 15)), users_count=12, records_per_user=90, seed=5)
    system = ServiceContext(SYSTEM)
    rng = random.Random(18)
    people = [user.user_id for user in User.select()]
    fields = ["Taxes", "Auditing", "Regulatory Ethics", "Personal Development", "Not stated"]
    methods = ["Group Live", "QAS Self Study", "Nano Learning", "Instructor", "Not stated"]
    for n in range(120):  # records stating more, several lines, broken increments
        day = dt.date(2026, 6, 15) - dt.timedelta(days=rng.randrange(0, 2000))
        extra: dict[str, Any] = {}
        if n % 3 == 0:
            extra["ethics_jurisdiction"] = rng.choice(["Texas", "New York", "Florida"])
        if n % 5 == 0:
            extra["started_on"] = (day - dt.timedelta(days=1)).isoformat()
        records.create_record(
            ServiceContext(SYSTEM),
            {
                "user_id": rng.choice(people),
                "title": f"Course {n}",
                "completed_on": day.isoformat(),
                "delivery_method": rng.choice(methods),
                "credits": [
                    {"field": field, "credits": rng.choice(["0.5", "1", "1.3", "2", "4", "8"])}
                    for field in rng.sample(fields, rng.choice((1, 2, 3)))
                ],
                **extra,
            },
        )
    for as_of in (dt.date(2026, 6, 15), dt.date(2025, 12, 31), dt.date(2027, 1, 1)):
        compliance.forget_cached_records()
        firm = compliance.evaluate_licenses(system, as_of=as_of)
        expected = _each_alone(as_of)
        assert len(expected) > 12
        assert {i.license.license_id: i.evaluation for i in firm if i.evaluation} == expected
        kept = compliance.evaluate_licenses(system, as_of=as_of)  # the records kept this time
        assert [i.evaluation for i in kept] == [i.evaluation for i in firm]


def test_a_firms_read_compares_days_as_stored_from_the_day_asked(people, monkeypatch):
    """A firm's read takes the records completed on the day asked and after, not the day
    before; on SQLite it compares the stored text as it is ("+": without the date column's
    numeric affinity, which would try to read the day asked as a number at every record)."""
    from cpe_desktop.db.models import database

    ann = people.as_ann
    for day in ("2025-12-31", "2026-01-01", "2026-01-02", "2026-05-01"):
        _record(ann, day, [("Taxes", 2)])
    asked = {people.ann.user_id, *range(10_001, 10_001 + compliance_reads.FEW_PEOPLE)}
    sent: list[str] = []
    execute = database.obj.execute_sql

    def spy(sql, *args, **kwargs):
        sent.append(sql)
        return execute(sql, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", spy)
    read = compliance_reads.read_records(asked, dt.date(2026, 1, 1))

    assert [r.completed_on.isoformat() for r in read[people.ann.user_id]] == [
        "2026-01-01",
        "2026-01-02",
        "2026-05-01",
    ]
    sqlite = isinstance(database.obj, peewee.SqliteDatabase)
    assert ("+r.completed_on >= " in sent[0]) is sqlite


def test_the_rules_and_credentials_in_view_are_as_peewee_reads_them(people):
    """The requirement rows in force, their components' columns and the licenses' credentials
    (read by ``plain_models``) hold every column as peewee converts it, in the same order, and
    nothing dirty."""
    from cpe_desktop.db.models import RequirementComponent

    licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Texas"})
    licenses.create_license(people.as_bob, {"credential": "CPA", "jurisdiction": "California"})
    firm = compliance.evaluate_licenses(people.as_admin, as_of=dt.date(2026, 6, 15))
    rows = [item.requirement for item in firm if item.requirement is not None]
    assert len(rows) == 2
    for row in rows:
        stored = StateRequirement.get_by_id(row.state_id)
        assert list(row.__data__.items()) == list(stored.__data__.items())
        assert not row.is_dirty()
    ids = [row.state_id for row in rows]
    parts = compliance.components_of(ids)
    stored_parts = (
        RequirementComponent.select()
        .where(RequirementComponent.requirement.in_(ids))
        .order_by(RequirementComponent.requirement, RequirementComponent.position)
    )
    assert sum(len(found) for found in parts.values()) == len(stored_parts) > 0
    assert [list(d.items()) for i in sorted(parts) for d in parts[i]] == [
        list(part.__data__.items()) for part in stored_parts
    ]
    for item in firm:
        credential = item.license.credential
        stored_credential = Credential.get_by_id(credential.credential_id)
        assert list(credential.__data__.items()) == list(stored_credential.__data__.items())
        assert not credential.is_dirty()


def test_a_querys_sql_is_worked_out_once_per_database_and_key(db, monkeypatch):
    """``compiled`` asks peewee for a query's SQL once per key and database: again for another
    key, and again once another database is bound (even one of the same kind)."""
    made: list[str] = []

    def build(code: str) -> Any:
        made.append(code)
        return Credential.select().where(Credential.code == code)

    first = compliance_reads.compiled(("test", "CPA"), lambda: build("CPA"))
    assert compliance_reads.compiled(("test", "CPA"), lambda: build("CPA")) == first
    assert made == ["CPA"]
    other = compliance_reads.compiled(("test", "EA"), lambda: build("EA"))
    assert made == ["CPA", "EA"] and other[2] == ("EA",) and first[2] == ("CPA",)
    assert (
        first[0] is Credential
        and first[1] == Credential.select().where(Credential.code == "CPA").sql()[0]
    )

    from cpe_desktop.db.models import database

    monkeypatch.setattr(database, "obj", type(database.obj)(None))  # another of the same kind
    compliance_reads.compiled(("test", "CPA"), lambda: build("CPA"))
    assert made == ["CPA", "EA", "CPA"]


def test_each_persons_own_view_reads_their_own_licenses_and_person(people):
    """The licenses, people, rules and components read are told apart by whose and which they
    are (the SQL of each is kept per person, per rule): one view after another is the view
    read alone, with nothing kept."""
    licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Texas"})
    licenses.create_license(people.as_bob, {"credential": "CPA", "jurisdiction": "New York"})
    views = {
        "ann": lambda: compliance.evaluate_licenses(people.as_ann),
        "bob": lambda: compliance.evaluate_licenses(people.as_bob),
        "bob as seen": lambda: compliance.evaluate_licenses(
            people.as_admin, user_id=people.bob.user_id
        ),
        "firm": lambda: compliance.evaluate_licenses(people.as_admin),
    }

    def seen(items: list[compliance.LicenseStatus]) -> list[Any]:
        return [
            (i.user.__data__, i.license.__data__, i.requirement and i.requirement.__data__)
            for i in items
        ] + [repr(i.evaluation) for i in items]

    alone = {}
    for name, view in views.items():
        compliance_reads._SQL.clear()
        compliance.forget_cached_records()
        alone[name] = seen(view())
    for _ in range(2):
        for name, view in views.items():
            assert seen(view()) == alone[name], name
    assert [(i.user.email, i.license.jurisdiction) for i in views["ann"]()] == [
        ("ann@example.com", "Texas")
    ]
    assert all(i.requirement is not None for i in views["firm"]())
    assert [i.license.jurisdiction for i in views["bob"]()] == ["New York"]


def test_a_value_a_field_refuses_is_refused_as_peewee_refuses_it(people, monkeypatch):
    """``plain_models`` converts column by column; when a value is refused, it reads the rows
    again row by row, so that the error is the one peewee's own read raises (the first refused
    value row by row, not column by column)."""
    import pytest

    for place in ("Texas", "Ohio"):
        licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": place})
    first, second = License.select().order_by(License.license_id)
    License.update(issued_on=dt.date(2001, 1, 1)).where(
        License.license_id == first.license_id
    ).execute()
    License.update(issued_on=dt.date(2002, 2, 2), tracked_from=dt.date(2003, 3, 3)).where(
        License.license_id == second.license_id
    ).execute()
    fields = [f.name for f in License._meta.sorted_fields]
    assert fields.index("issued_on") < fields.index("tracked_from")

    def refusing(field: Any, bad: dt.date) -> Any:
        convert = field.python_value

        def python_value(value: Any) -> Any:
            converted = convert(value)
            if converted == bad:
                raise ValueError(f"{field.name} refused")
            return converted

        return python_value

    # The second row's issued_on (an earlier column) and the first row's tracked_from refused.
    License.update(tracked_from=dt.date(2004, 4, 4)).where(
        License.license_id == first.license_id
    ).execute()
    monkeypatch.setattr(
        License.issued_on, "python_value", refusing(License.issued_on, dt.date(2002, 2, 2))
    )
    monkeypatch.setattr(
        License.tracked_from, "python_value", refusing(License.tracked_from, dt.date(2004, 4, 4))
    )
    query = License.select().order_by(License.license_id)
    with pytest.raises(ValueError, match="tracked_from refused"):
        list(query)  # peewee's own read: the first row's tracked_from first
    with pytest.raises(ValueError, match="tracked_from refused"):
        compliance_reads.plain_models(query)
