"""The audit log's hash chain: what the program writes verifies; each kind of change made
outside the program (an edited entry, an entry's person changed, the newest or a middle entry
removed, a record's credits or a license changed behind the log) is reported precisely."""

from __future__ import annotations

import json
import threading

import peewee
import pytest

from cpe_desktop.db.models import AuditChainHead, AuditLog, CpeRecord, RecordCredit
from cpe_desktop.services import bulk_records, licenses, records
from cpe_desktop.services import users as users_service
from cpe_desktop.services.audit import chain as audit_chain
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.backups import maintenance

TEXAS = {
    "credential": "cpa",
    "jurisdiction": "Texas",
    "license_number": "12345",
    "issued_on": "2010-05-01",
    "expires_on": "2027-05-31",
}


def _record(title: str = "Annual tax update") -> dict:
    return {
        "title": title,
        "completed_on": "2026-03-02",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 4}, {"field": "Regulatory Ethics", "credits": 2}],
    }


@pytest.fixture
def filled(people):
    """Ann with a license and three records, one of them edited: a log of several entries."""
    licenses.create_license(people.as_ann, TEXAS)
    made = [records.create_record(people.as_ann, _record(f"Course {n}")).value for n in (1, 2, 3)]
    records.update_record(people.as_ann, made[1].record_id, {"title": "Course 2, revised"})
    return made


def _sql(db: peewee.Database, statement: str, *params) -> None:
    """A change made with a database tool, not the program (``?`` placeholders)."""
    db.execute_sql(statement.replace("?", db.param), params)


def _newest() -> AuditLog:
    return AuditLog.select().order_by(AuditLog.log_id.desc()).first()


def _texts(report: audit_chain.ChainReport) -> list[str]:
    return [str(finding) for finding in report.findings]


def test_what_the_program_writes_verifies(filled):
    report = audit_chain.verify()
    assert report.ok, _texts(report)
    count = AuditLog.select().count()
    assert report.entries == report.checked == count
    assert report.summary().startswith(f"Chain verified ({count} entries)")
    head = AuditChainHead.get()
    assert (head.last_log_id, head.last_hash, head.entry_count) == (
        _newest().log_id,
        _newest().entry_hash,
        count,
    )


def test_each_entry_links_to_the_one_before(filled):
    entries = list(AuditLog.select().order_by(AuditLog.log_id))
    assert entries[0].prev_hash is None
    for earlier, later in zip(entries, entries[1:], strict=False):
        assert later.prev_hash == earlier.entry_hash
        assert len(later.entry_hash) == 64


def test_bulk_written_entries_continue_the_chain(filled, people):
    checked = [
        bulk_records.prepare(people.ann.user_id, {**_record(f"Imported {n}"), "credits": [
            {"field": "Taxes", "credits": "1"}]})
        for n in range(3)
    ]  # fmt: skip
    bulk_records.insert(people.as_ann, checked)
    records.create_record(people.as_ann, _record("After the import"))
    report = audit_chain.verify()
    assert report.ok, _texts(report)
    assert report.entries == AuditChainHead.get().entry_count


def test_an_edited_after_json_is_reported_with_what_differs(filled, db):
    target = AuditLog.get(AuditLog.action == "update record")
    after = json.loads(target.after_json)
    after["title"] = "Something else"
    _sql(db, "UPDATE audit_logs SET after_json = ? WHERE log_id = ?", json.dumps(after),
         target.log_id)  # fmt: skip

    report = audit_chain.verify()

    (broken,) = report.breaks
    assert broken.log_id == target.log_id
    assert f"Audit entry {target.log_id} (update record {target.entity_id}) was altered" in str(
        broken
    )
    # The record still says "Course 2, revised": the log and the record disagree, field named.
    (changed,) = report.changed
    assert changed.entity == "record" and changed.entity_id == target.entity_id
    assert "title Something else → Course 2, revised" in str(changed)
    assert not report.ok and "outside the program" in report.summary()


def test_an_edited_before_json_names_the_field_from_its_neighbour(filled, db):
    target = AuditLog.get(AuditLog.action == "update record")
    before = json.loads(target.before_json)
    before["title"] = "Forged"
    _sql(db, "UPDATE audit_logs SET before_json = ? WHERE log_id = ?", json.dumps(before),
         target.log_id)  # fmt: skip
    (broken,) = audit_chain.verify().breaks
    assert "its before state differs from entry" in str(broken)
    assert "title Course 2 → Forged" in str(broken)


def test_an_edited_person_is_reported(filled, db, people):
    target = AuditLog.get(AuditLog.action == "create license")
    _sql(db, "UPDATE audit_logs SET user_id = ? WHERE log_id = ?", people.bob.user_id,
         target.log_id)  # fmt: skip

    (broken,) = audit_chain.verify().breaks

    assert broken.log_id == target.log_id
    assert (
        f"the person was changed outside the program, from person {people.ann.user_id} to "
        f"person {people.bob.user_id}" in str(broken)
    )


def test_an_edited_person_and_its_hashed_copy_is_reported_too(filled, db, people):
    target = AuditLog.get(AuditLog.action == "create license")
    _sql(db, "UPDATE audit_logs SET user_id = ?, actor_id = ? WHERE log_id = ?",
         people.bob.user_id, people.bob.user_id, target.log_id)  # fmt: skip
    (broken,) = audit_chain.verify().breaks
    assert f"Audit entry {target.log_id}" in str(broken) and "was altered" in str(broken)


def test_deleting_the_newest_entry_is_reported(filled, db):
    newest = _newest()
    _sql(db, "DELETE FROM audit_logs WHERE log_id = ?", newest.log_id)

    report = audit_chain.verify(records=False)

    (broken,) = report.breaks
    assert str(broken) == (
        f"The newest audit entry ({newest.log_id}) was removed outside the program: the chain "
        f"ends at entry {newest.log_id}, the log at entry {newest.log_id - 1}."
    )
    # The start-up check (the tail only) sees it as well.
    assert audit_chain.tail_problems() == [str(broken)]


def test_deleting_a_middle_entry_is_reported(filled, db):
    middle = AuditLog.get(AuditLog.action == "create record")
    _sql(db, "DELETE FROM audit_logs WHERE log_id = ?", middle.log_id)

    (broken,) = audit_chain.verify(records=False).breaks

    assert broken.log_id == middle.log_id + 1
    assert str(broken) == (
        f"Audit entry {middle.log_id} was removed outside the program (the chain breaks between "
        f"entry {middle.log_id - 1} and entry {middle.log_id + 1})."
    )


def test_deleting_a_middle_entry_before_the_tail_is_seen_by_the_start_up_count(filled, db):
    first = AuditLog.select().order_by(AuditLog.log_id).first()
    _sql(db, "DELETE FROM audit_logs WHERE log_id = ?", first.log_id)
    count = AuditChainHead.get().entry_count
    problems = [
        str(f) for f in audit_chain.verify_chain(tail=2).breaks
    ]  # tail=2: the first entry is far outside
    assert problems == [
        f"1 audit entry was removed outside the program: the chain counts {count}, the log "
        f"holds {count - 1}."
    ]
    (full,) = audit_chain.verify(records=False).breaks
    assert str(full).startswith(f"Audit entries before entry {first.log_id + 1} were removed")


def test_record_credits_changed_behind_the_log_are_reported(filled, db):
    record = filled[0]
    _sql(db, "UPDATE record_credits SET credits = 9 WHERE record_id = ? AND field_of_study = ?",
         record.record_id, "Taxes")  # fmt: skip

    report = audit_chain.verify()

    assert report.breaks == ()
    (changed,) = report.changed
    assert (changed.entity, changed.entity_id) == ("record", str(record.record_id))
    latest = (
        AuditLog.select()
        .where((AuditLog.entity == "record") & (AuditLog.entity_id == str(record.record_id)))
        .order_by(AuditLog.log_id.desc())
        .first()
    )
    assert str(changed) == (
        f"Record {record.record_id} (Course 1) was changed outside the program: Taxes credits "
        f"4 → 9 (its latest audit entry is {latest.log_id})."
    )


def test_records_and_licenses_removed_added_or_changed_behind_the_log(filled, db, people):
    _sql(db, "UPDATE licenses SET jurisdiction = ?", "Ohio")
    _sql(db, "DELETE FROM record_credits WHERE record_id = ?", filled[2].record_id)
    _sql(db, "DELETE FROM cpe_records WHERE record_id = ?", filled[2].record_id)
    _sql(db, "INSERT INTO record_credits (record_id, field_of_study, credits) VALUES (?, ?, ?)",
         filled[0].record_id, "Auditing", 3)  # fmt: skip

    texts = _texts(audit_chain.verify())

    assert len(texts) == 3, texts
    assert any("License" in t and "jurisdiction Texas → Ohio" in t for t in texts)
    assert any(
        t.startswith(f"Record {filled[2].record_id} (Course 3) was removed outside the program")
        for t in texts
    )
    assert any("Auditing credits 3 added" in t for t in texts)


def test_program_deletions_are_not_reported(filled, people):
    records.delete_records(people.as_ann, [filled[0].record_id])
    users_service.delete_user(people.as_admin, people.bob.user_id)
    assert audit_chain.verify().ok
    # Deleting a person removes their rows by cascade (no entry each) and blanks their
    # entries' user_id: neither is a change outside the program.
    users_service.delete_user(people.as_admin, people.ann.user_id)
    assert CpeRecord.select().count() == 0
    report = audit_chain.verify()
    assert report.ok, _texts(report)


def test_an_entry_inserted_outside_the_program_is_reported(filled, db):
    _sql(db, "INSERT INTO audit_logs (action, timestamp) VALUES (?, ?)", "create record",
         "2026-06-15 10:00:00")  # fmt: skip
    texts = _texts(audit_chain.verify(records=False))
    assert texts == [f"Audit entry {_newest().log_id} (create record) was added outside the "
                     "program: it carries no hash."]  # fmt: skip


def test_a_removed_head_is_reported_and_stays_reported_after_new_writes(filled, db, people):
    _sql(db, "DELETE FROM audit_chain_head")
    assert _texts(audit_chain.verify(records=False)) == [
        "The audit chain's head is missing (removed outside the program): the newest entries "
        "could have been removed unnoticed."
    ]
    newest = _newest().log_id
    records.create_record(people.as_ann, _record("Later"))
    (finding,) = audit_chain.verify(records=False).findings
    assert f"started again after entry {newest}" in str(finding)


def test_maintenance_check_reports_every_break(filled, db):
    assert maintenance.check(db) == []
    _sql(db, "UPDATE record_credits SET credits = 9")
    problems = maintenance.check(db)
    assert len(problems) == len(filled)
    assert all("was changed outside the program" in problem for problem in problems)


def test_audit_write_locks_the_head_in_its_transaction(filled, people):
    """A failed mutation leaves the head where it was (the write and the head move together)."""
    head = AuditChainHead.get()
    with pytest.raises(RuntimeError), audit.database.atomic():
        records.create_record(people.as_ann, _record("Rolled back"))
        raise RuntimeError("the rest of the change failed")
    assert AuditChainHead.get().last_hash == head.last_hash
    assert audit_chain.verify().ok
    assert RecordCredit.select().count() == 6


def test_two_desks_writing_at_once_do_not_fork_the_chain(db, system):
    """Two connections (two desks on one PostgreSQL server, or two programs on one SQLite file)
    writing entries at the same moment: each write waits for the head, so the chain stays one."""
    before = AuditLog.select().count()
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def desk(name: str) -> None:
        db.connect(reuse_if_open=True)
        try:
            start.wait()
            for n in range(25):
                with db.atomic():
                    audit.write(system, "update", "desk", f"{name}{n}", None, {"n": n})
        except BaseException as exc:
            failures.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=desk, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    report = audit_chain.verify(records=False)
    assert report.ok, _texts(report)
    assert report.entries == before + 50 == AuditChainHead.get().entry_count


def test_control_characters_in_a_changed_value_are_shown_escaped(filled, db):
    _sql(db, "UPDATE cpe_records SET notes = ? WHERE record_id = ?", "\tx\x1b", filled[0].record_id)
    (changed,) = audit_chain.verify().changed
    assert 'notes (empty) → "\\tx\\u001b"' in str(changed)
