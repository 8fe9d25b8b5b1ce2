"""Schema 10: ``certificate_contents``, certificate files' bytes by SHA-256 in the database.

Until now a certificate's file lived only in the data folder of the desk that attached it, so on
a firm's PostgreSQL server another desk saw the certificate's row but could not open it. On
PostgreSQL the bytes are now stored with the row (``services/certificates/store.py``). Files
attached before this step are added by the next desk that has them
(``attachments.share_local_files``, run at start) or by ``cpe-tracker server copy``. Nothing
existing changes.

A model of its own, so later edits to ``db/models.py`` cannot change what it does.
"""

from __future__ import annotations

import peewee


class _CertificateContent(peewee.Model):
    sha256 = peewee.CharField(max_length=64, primary_key=True)
    media_type = peewee.CharField(max_length=50)
    content = peewee.BlobField()
    created_at = peewee.DateTimeField()

    class Meta:
        table_name = "certificate_contents"


def apply(db: peewee.Database) -> None:
    with db.bind_ctx([_CertificateContent]):
        _CertificateContent.create_table(safe=False)
