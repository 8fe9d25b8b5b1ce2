"""The ``cpe-tracker/1`` document does not change shape when its writer does.

``tests/data/interchange/full_account.json`` was written by the writer of commit 46829fa, before
a person's reminders, notifications and reports were written through ``interchange/sections``:
a richly filled account (every section, references to licenses and records, a number-less
license, a notification about both a license and a record, text beyond ASCII) must still
export to exactly those bytes, and importing those bytes into a fresh database and exporting
again must give them back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from cpe_desktop.db.models import CpeRecord, License, User
from cpe_desktop.services import licenses, notifications, reminders
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.interchange import export_file, import_file
from cpe_desktop.services.interchange.sections import SECTIONS
from cpe_desktop.services.reporting import reports
from tests.helpers.interchange_documents import other_database
from tests.services.test_account_archive import PDF, PNG, SECOND_PDF, _full_account

pytestmark = pytest.mark.usefixtures("seeded")

GOLDEN = Path(__file__).parents[2] / "data" / "interchange" / "full_account.json"
# The person's sections the golden document was written with. A section added later is filled
# by ``_full_account`` too (every account table is) and emptied here before comparing: its own
# test (test_json_sections.py) checks how it is written.
GOLDEN_SECTIONS = ("reminders", "notifications", "reports")


def _rich_account(system, tmp_path: Path) -> None:
    """The account archive test's full account, and the corners a section's writer has."""
    _full_account(system, tmp_path)
    for section in SECTIONS:
        if section.name not in GOLDEN_SECTIONS:
            section.model.delete().execute()
    alice = User.get(User.email == "alice@example.com")
    bob = User.get(User.email == "bob@example.com")
    bare = licenses.create_license(
        system,
        {"user_id": alice.user_id, "credential_id": 1, "jurisdiction": "Ohio"},  # no number
    ).value
    first_record = CpeRecord.select().where(CpeRecord.user == bob).order_by(CpeRecord.record_id)
    reminders.create_reminder(
        system,
        {
            "user_id": alice.user_id,
            "message": "Renouveler la licence — Ohio ✓",
            "frequency": "yearly",
            "next_reminder": "2027-03-31 07:00",
            "license_id": bare.license_id,
        },
    )
    note = notifications.create_notification(
        system,
        {
            "user_id": bob.user_id,
            "message": "Both a license and a record",
            "kind": "deadline",
            "license_id": License.select().where(License.user == bob).first().license_id,
            "record_id": first_record.first().record_id,
        },
    ).value
    notifications.mark_delivered(system, note.notification_id, "emailed")
    reports.make_progress_report(system, bob.user_id, dt.date(2026, 5, 1))


def _exported(system, tmp_path: Path, name: str) -> bytes:
    path = tmp_path / name
    export_file(system, path, "json")
    return path.read_bytes()


def test_the_document_is_byte_identical_to_the_one_written_before_sections(system, tmp_path):
    _rich_account(system, tmp_path)

    written = _exported(system, tmp_path, "now.json")

    assert written == GOLDEN.read_bytes()


def _copy_by_hand(content: bytes, media: str) -> None:
    path = attachments.stored_path(hashlib.sha256(content).hexdigest(), media)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def test_importing_the_golden_document_and_exporting_again_gives_it_back(system, db, tmp_path):
    from cpe_desktop import paths

    paths.set_data_dir(tmp_path / "fresh-data")
    try:
        with other_database(tmp_path / "fresh.db", db):
            from cpe_desktop.services.shipped_data import load_shipped_requirements

            load_shipped_requirements(system)
            for content, media in ((PDF, "application/pdf"), (PNG, "image/png")):
                _copy_by_hand(content, media)  # the attachments folder, copied beside the file
            _copy_by_hand(SECOND_PDF, "application/pdf")
            summary = import_file(system, GOLDEN)
            again = _exported(system, tmp_path, "again.json")
    finally:
        paths.set_data_dir(None)

    assert again == GOLDEN.read_bytes()
    added = (summary.reminders_added, summary.notifications_added, summary.reports_added)
    assert added == (4, 4, 2)
