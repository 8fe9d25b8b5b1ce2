"""One desk of the edit-race test: a separate process saving one record again and again through
the form's path (``editing.load_entity`` then ``editing.save_entity`` on the version it opened).

Run as ``python edit_worker.py '<json settings>'``. It waits for "go" on stdin (so every desk
starts together), then makes ``rounds`` saves, each writing its own mark into the record's notes
after a short pause between opening and saving (the window in which another desk can win). It
prints one JSON line: the saves that went through (each mark with the notes the desk had
opened), how many were refused as stale, and any other
error. No Qt: the service layer only.
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from desk_connection import connect

from cpe_desktop.services.editing import saving as editing
from cpe_desktop.services.errors import Conflict, StaleEdit


def main() -> None:
    settings = json.loads(sys.argv[1])
    db, ctx = connect(settings)
    desk, record_id = settings["desk"], settings["record_id"]
    rng = random.Random(settings["seed"])
    print(json.dumps({"ready": desk}), flush=True)
    sys.stdin.readline()  # "go"
    saved, refused, errors = [], 0, []
    for n in range(settings["rounds"]):
        opened = editing.load_entity(ctx, "record", record_id)
        time.sleep(rng.uniform(0, 0.01))
        mark = f"{desk}#{n}"
        try:
            editing.save_entity(
                ctx,
                "record",
                record_id,
                {"notes": mark},
                expected_version=opened[editing.VERSION_KEY],
            )
            saved.append([mark, opened["notes"]])  # and what it was saved over, as opened
        except StaleEdit:
            refused += 1
        except Conflict as exc:  # the write-time check: also a refusal, never an overwrite
            if "changed or deleted by someone else" in str(exc):
                refused += 1
            else:
                errors.append(str(exc))
        except Exception:  # reported to the test, which fails on any
            errors.append(traceback.format_exc(limit=5))
    print(json.dumps({"saved": saved, "refused": refused, "errors": errors}), flush=True)
    db.close()


if __name__ == "__main__":
    main()
