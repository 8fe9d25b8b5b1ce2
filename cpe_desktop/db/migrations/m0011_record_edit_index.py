"""Schema 11: an index on ``cpe_records.updated_at``.

Every compliance evaluation first asks whether the records changed since the last one (their
count, newest id and newest edit: ``services/compliance.py``). Without this index the newest
edit is found by reading every record (a few milliseconds for a firm's 20,000, before the
dashboard shows anything); with it, by one look at the index's end. Nothing stored changes.

A model of its own, so later edits to ``db/models.py`` cannot change what it does; the index is
named as ``db/models.py`` declares it.
"""

from __future__ import annotations

import peewee


class _CpeRecord(peewee.Model):
    record_id = peewee.AutoField()
    updated_at = peewee.DateTimeField()

    class Meta:
        table_name = "cpe_records"


def apply(db: peewee.Database) -> None:
    with db.bind_ctx([_CpeRecord]):
        db.execute(
            peewee.ModelIndex(
                _CpeRecord, (_CpeRecord.updated_at,), name="cpe_records_updated_at", safe=False
            )
        )
