"""Several desks (separate processes) saving the same record at once, on one SQLite file and on
one PostgreSQL server: every save that lost the race is refused, none is silently overwritten.

"Silently overwritten" is checked from the audit log, which every save writes in its own
transaction: taken in order, each update's *before* picture must be the previous update's
*after* picture (no write lost), and it must be what the saving desk had opened in its form (no
desk wrote over a change it never saw). The final version must equal 1 + the saves that went
through, and the notes the last of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cpe_desktop.db.models import AuditLog, CpeRecord
from cpe_desktop.services import records, users
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("edit_worker.py")
ROUNDS = 25


def _record() -> tuple[int, int]:
    ctx = ServiceContext(SYSTEM)
    ann = users.create_user(ctx, {"name": "Ann", "email": "ann@example.com", "role": "admin"})
    ann_ctx = ServiceContext(Actor.for_user(ann.value))
    made = records.create_record(
        ann_ctx,
        {
            "title": "Shared course",
            "completed_on": "2026-03-02",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": "2"}],
        },
    ).value
    return ann.value.user_id, made.record_id


def _race(target, schema, user_id, record_id, desks, tmp_path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes, logs = [], []
    try:
        for n in range(desks):
            settings = {
                "target": target,
                "schema": schema,
                "desk": f"desk-{n + 1}",
                "user_id": user_id,
                "record_id": record_id,
                "rounds": ROUNDS,
                "seed": n,
            }
            logs.append((tmp_path / f"desk-{n + 1}.log").open("w"))
            processes.append(
                subprocess.Popen(
                    [sys.executable, str(WORKER), json.dumps(settings)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=logs[-1],
                    text=True,
                    cwd=ROOT,
                    env=env,
                )
            )
        for process in processes:
            assert "ready" in process.stdout.readline()
        for process in processes:  # every desk starts together
            process.stdin.write("go\n")
            process.stdin.close()
        answers = []
        for process in processes:
            line = process.stdout.readline()
            process.wait(60)
            told = "\n".join(p.read_text() for p in tmp_path.glob("desk-*.log"))
            assert line, f"a desk stopped (exit {process.returncode}):\n{told}"
            answers.append(json.loads(line))
        return answers
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None and not stream.closed:
                    stream.close()
        for file in logs:
            file.close()


@pytest.mark.parametrize("desks", [2, 5])
def test_racing_desks_never_overwrite_each_other(shared_db, tmp_path, desks):
    target, schema = shared_db
    user_id, record_id = _record()
    answers = _race(target, schema, user_id, record_id, desks, tmp_path)

    assert [a["errors"] for a in answers] == [[]] * desks
    opened_over = {mark: seen for a in answers for mark, seen in a["saved"]}
    saved = list(opened_over)
    refused = sum(a["refused"] for a in answers)
    assert len(saved) + refused == desks * ROUNDS
    assert saved, "no save went through"
    updates = list(
        AuditLog.select()
        .where(
            (AuditLog.entity == "record")
            & (AuditLog.entity_id == str(record_id))
            & (AuditLog.action == "update record")
        )
        .order_by(AuditLog.log_id)
    )
    assert len(updates) == len(saved)
    pictures = [(json.loads(u.before_json), json.loads(u.after_json)) for u in updates]
    for (_, previous_after), (before, _) in zip(pictures, pictures[1:], strict=False):
        assert before["notes"] == previous_after["notes"]  # each save began where the last ended
    assert sorted(after["notes"] for _, after in pictures) == sorted(saved)
    # And each save replaced exactly what its desk had opened: no desk wrote over a change it
    # never saw.
    for before, after in pictures:
        assert before["notes"] == opened_over[after["notes"]]
    stored = CpeRecord.get_by_id(record_id)
    assert stored.row_version == 1 + len(saved)
    assert stored.notes == pictures[-1][1]["notes"]
    print(f"{desks} desks: {len(saved)} saves, {refused} refused, 0 overwritten")
