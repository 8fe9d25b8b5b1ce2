"""Certificates: judged by content, size-checked before copying, stored by hash, once."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess

import pytest

from cpe_desktop import paths
from cpe_desktop.db.models import Attachment, AuditLog
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.errors import PermissionDenied, ValidationError

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)


def _stored_files() -> list[str]:
    root = paths.attachments_dir()
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("content", "media", "ext"),
    [(PDF, "application/pdf", ".pdf"), (PNG, "image/png", ".png"), (JPEG, "image/jpeg", ".jpg")],
)
def test_stored_by_content_hash_with_audit(people, tmp_path, content, media, ext):
    source = tmp_path / "My Certificate.bin"
    source.write_bytes(content)
    outcome = attachments.store_certificate(people.as_ann, people.ann.user_id, source)
    sha = hashlib.sha256(content).hexdigest()
    row = Attachment.get_by_id(outcome.value.attachment_id)
    assert (row.sha256, row.media_type, row.size, row.original_name, row.user_id) == (
        sha,
        media,
        len(content),
        "My Certificate.bin",
        people.ann.user_id,
    )
    target = attachments.path_of(row)
    assert target == paths.attachments_dir() / sha[:2] / f"{sha}{ext}"
    assert target.read_bytes() == content
    assert set(outcome.changes.kinds) == {"attachments", "audit"}
    [entry] = AuditLog.select().where(AuditLog.action == "create attachment")
    assert json.loads(entry.after_json)["sha256"] == sha


def test_a_pdf_named_png_is_stored_as_png(people, tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(PNG)
    row = attachments.store_certificate(people.as_ann, people.ann.user_id, source).value
    assert row.media_type == "image/png"
    assert attachments.path_of(row).suffix == ".png"


def test_a_pdf_named_text_file_is_refused(people, tmp_path):
    source = tmp_path / "certificate.pdf"
    source.write_text("just some text, not a PDF\n")
    with pytest.raises(ValidationError) as err:
        attachments.store_certificate(people.as_ann, people.ann.user_id, source)
    assert "certificate" in err.value.errors
    assert "not a PDF, PNG or JPEG" in err.value.errors["certificate"]
    assert Attachment.select().count() == 0
    assert _stored_files() == []


def test_oversize_is_refused_before_anything_is_read(people, tmp_path, monkeypatch):
    source = tmp_path / "huge.pdf"
    source.write_bytes(PDF)
    subprocess.run(["truncate", "-s", str(attachments.MAX_BYTES + 1), str(source)], check=True)
    opened: list[str] = []
    real_open = type(source).open

    def spy(self, *args, **kwargs):
        opened.append(str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(source), "open", spy)
    with pytest.raises(ValidationError) as err:
        attachments.store_certificate(people.as_ann, people.ann.user_id, source)
    assert "20 MB" in err.value.errors["certificate"]
    assert opened == []
    assert _stored_files() == []
    assert Attachment.select().count() == 0


def test_exactly_the_limit_is_accepted(people, tmp_path):
    source = tmp_path / "big.pdf"
    source.write_bytes(PDF)
    os.truncate(source, attachments.MAX_BYTES)
    row = attachments.store_certificate(people.as_ann, people.ann.user_id, source).value
    assert row.size == attachments.MAX_BYTES


def test_path_like_names_never_shape_the_stored_path(people, tmp_path):
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    source = folder / "passwd.pdf"
    source.write_bytes(PDF)
    sneaky = str(folder / ".." / ".." / "a" / "b" / "passwd.pdf")
    row = attachments.store_certificate(people.as_ann, people.ann.user_id, sneaky).value
    sha = hashlib.sha256(PDF).hexdigest()
    assert _stored_files() == [f"{sha[:2]}/{sha}.pdf"]
    assert row.original_name == "passwd.pdf"
    assert attachments.safe_name("../../etc/passwd.pdf", "application/pdf") == "passwd.pdf"
    assert attachments.safe_name("C:\\Users\\x\\..\\cert.png", "image/png") == "cert.png"
    assert attachments.safe_name("../..", "application/pdf") == "certificate.pdf"


def test_same_content_is_written_once_and_reused_per_person(people, tmp_path):
    first, second = tmp_path / "one.pdf", tmp_path / "two.pdf"
    first.write_bytes(PDF)
    second.write_bytes(PDF)
    a = attachments.store_certificate(people.as_ann, people.ann.user_id, first)
    b = attachments.store_certificate(people.as_ann, people.ann.user_id, second)
    c = attachments.store_certificate(people.as_bob, people.bob.user_id, second)
    assert a.value.attachment_id == b.value.attachment_id
    assert not b.changes
    assert c.value.attachment_id != a.value.attachment_id
    assert len(_stored_files()) == 1
    assert AuditLog.select().where(AuditLog.action == "create attachment").count() == 2


def test_no_temporary_files_are_left_behind(people, tmp_path):
    source = tmp_path / "c.jpg"
    source.write_bytes(JPEG)
    attachments.store_certificate(people.as_ann, people.ann.user_id, source)
    assert not [name for name in _stored_files() if ".part" in name or "incoming" in name]


def test_members_store_only_for_themselves(people, tmp_path):
    source = tmp_path / "c.pdf"
    source.write_bytes(PDF)
    with pytest.raises(PermissionDenied):
        attachments.store_certificate(people.as_ann, people.bob.user_id, source)
    assert _stored_files() == []


@pytest.mark.parametrize("name", ["missing.pdf", "empty.pdf", "folder"])
def test_unreadable_sources_name_the_certificate(people, tmp_path, name):
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "folder").mkdir()
    with pytest.raises(ValidationError) as err:
        attachments.store_certificate(people.as_ann, people.ann.user_id, tmp_path / name)
    assert list(err.value.errors) == ["certificate"]
