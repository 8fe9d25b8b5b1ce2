"""Shared by the worked-scenario tests: a record as the JSON format writes it, and a run of the
real command line that imports people and reads ``status --json`` as of given dates.

Not a test module (no ``test_`` prefix).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def record(day: str, field: str, credits: float, **extra: Any) -> dict[str, Any]:
    """A one-field record completed on ``day`` (group live unless ``extra`` says otherwise)."""
    made = {
        "title": f"{field} course of {day}",
        "sponsor": "Sponsor Inc.",
        "sponsor_id": None,
        "completed_on": day,
        "delivery_method": "Group Live",
        "credits": [{"field": field, "credits": credits}],
        "ethics_jurisdiction": None,
        "notes": None,
    }
    made.update(extra)
    return made


def import_and_status(
    folder: Path, people: list[dict[str, Any]], *as_of: str
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Import ``people`` with ``cpe-tracker import`` into a new database in ``folder``, then
    ``status --json --as-of`` each date: {as_of: {email name: licenses}}."""
    document = folder / "people.json"
    document.write_text(json.dumps({"format": "cpe-tracker/1", "users": people}), "utf-8")
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(folder), QT_QPA_PLATFORM="offscreen")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "cpe_desktop", "--db", str(folder / "x.db"), *args]
        return subprocess.run(
            command, env=env, cwd=folder, capture_output=True, text=True, timeout=180
        )

    imported = run("import", str(document))
    assert imported.returncode == 0, imported.stderr
    found = {}
    for day in as_of:
        shown = run("status", "--json", "--as-of", day)
        assert shown.returncode == 0, shown.stderr
        document_ = json.loads(shown.stdout)
        assert document_["as_of"] == day
        found[day] = {
            person["email"].split("@")[0]: person["licenses"] for person in document_["users"]
        }
    return found
