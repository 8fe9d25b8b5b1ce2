"""Another desk's change reaches this desk's change bus by itself, within 2 seconds: by NOTIFY
on PostgreSQL, by the file's data_version on SQLite (polled only while another desk is
connected); this desk's own changes are not echoed back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from cpe_desktop.services import records, users
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.live_refresh import LiveRefresh

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("change_writer.py")
WITHIN_MS = 2000


def _ann() -> ServiceContext:
    made = users.create_user(
        ServiceContext(SYSTEM), {"name": "Ann", "email": "ann@example.com", "role": "admin"}
    )
    return ServiceContext(Actor.for_user(made.value))


def test_another_desks_change_refreshes_this_desk(qtbot, shared_db, tmp_path):
    target, schema = shared_db
    ann = _ann()
    bus = ChangeBus()
    settings = {"target": target, "schema": schema, "user_id": ann.actor.user_id}
    log = (tmp_path / "writer.log").open("w")
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), json.dumps(settings)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    live = LiveRefresh(ann, bus)
    try:
        assert writer.stdout.readline().strip() == "ready"
        live.start()  # sees the other desk connected (SQLite: starts polling the file)
        assert live.others == 1
        # This desk's own change is not echoed back by the other path.
        records.create_record(
            ann,
            {
                "title": "Made here",
                "completed_on": "2026-03-01",
                "delivery_method": "Group Live",
                "credits": [{"field": "Taxes", "credits": "1"}],
            },
        )
        qtbot.wait(300)
        assert live.received == 0
        with qtbot.waitSignal(
            bus.changed,
            timeout=WITHIN_MS + 1000,
            check_params_cb=lambda changes: "records" in changes.kinds,
        ):
            writer.stdin.write("go\n")
            writer.stdin.flush()
            committed = json.loads(writer.stdout.readline())["committed_at"]
        latency = time.time() - committed
        assert live.received >= 1
        assert latency * 1000 < WITHIN_MS
        print(f"{schema and 'postgresql' or 'sqlite'}: refreshed {latency * 1000:.0f} ms after")
    finally:
        live.stop()
        if writer.poll() is None:
            writer.stdin.write("quit\n")
            writer.stdin.close()
            writer.wait(10)
        writer.stdout.close()
        log.close()
