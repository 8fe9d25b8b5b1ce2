"""A certificate attached at one desk opens at every desk of a firm's PostgreSQL server: its
bytes are kept in the database with its row (schema 10), and a desk whose data folder lacks the
file takes it from there. A solo SQLite database keeps certificates in its data folder only."""

from __future__ import annotations

import hashlib

from cpe_desktop import paths
from cpe_desktop.db.models import Attachment, CertificateContent
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.desks import live_changes

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n% shared certificate\n"


def _attach(people, tmp_path):
    source = tmp_path / "Ethics 2026.pdf"
    source.write_bytes(PDF)
    return attachments.store_certificate(people.as_ann, people.ann.user_id, source).value


def test_another_desk_opens_a_certificate_attached_elsewhere(people, tmp_path):
    attached = _attach(people, tmp_path)
    sha = hashlib.sha256(PDF).hexdigest()
    if not live_changes.is_postgres():
        assert CertificateContent.select().count() == 0  # solo: the data folder only
        return
    stored = CertificateContent.get_by_id(sha)
    assert (bytes(stored.content), stored.media_type) == (PDF, "application/pdf")
    # Another desk: a data folder of its own, without the file.
    paths.set_data_dir(tmp_path / "other-desk")
    row = Attachment.get_by_id(attached.attachment_id)
    assert not attachments.stored_path(sha, row.media_type).exists()
    opened = attachments.path_of(row)
    assert opened.read_bytes() == PDF  # fetched from the database into this desk's folder
    assert attachments.read_stored(sha, row.media_type) == PDF


def test_files_attached_before_sharing_are_put_on_the_server_at_start(people, tmp_path):
    attached = _attach(people, tmp_path)
    CertificateContent.delete().execute()  # as a server copied before schema 10 would be
    shared = attachments.share_local_files()
    if not live_changes.is_postgres():
        assert shared == 0 and CertificateContent.select().count() == 0
        return
    assert shared == 1
    assert bytes(CertificateContent.get_by_id(attached.sha256).content) == PDF
    assert attachments.share_local_files() == 0  # once


def test_a_damaged_copy_in_the_database_is_never_handed_out(people, tmp_path):
    attached = _attach(people, tmp_path)
    if not live_changes.is_postgres():
        return
    CertificateContent.update(content=PDF + b"tampered").execute()
    paths.set_data_dir(tmp_path / "other-desk")
    assert attachments.read_stored(attached.sha256, attached.media_type) is None
    assert not attachments.stored_path(attached.sha256, attached.media_type).exists()
