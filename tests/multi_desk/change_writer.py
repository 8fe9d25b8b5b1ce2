"""Another desk for the live-refresh test: a separate process that checks in as connected, then
on "go" (stdin) adds one CPE record through the services and prints the moment it committed.

Run as ``python change_writer.py '<json settings>'``. No Qt: the service layer only.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from desk_connection import connect

from cpe_desktop.services import records
from cpe_desktop.services.desks import presence


def main() -> None:
    settings = json.loads(sys.argv[1])
    db, ctx = connect(settings)
    presence.check_in(ctx, machine="BACK-OFFICE")
    print("ready", flush=True)
    sys.stdin.readline()  # "go"
    records.create_record(
        ctx,
        {
            "title": "Made at the other desk",
            "completed_on": "2026-03-02",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": "2"}],
        },
    )
    print(json.dumps({"committed_at": time.time()}), flush=True)
    sys.stdin.readline()  # "quit"
    presence.check_out()
    db.close()


if __name__ == "__main__":
    main()
