"""Certificate files (PDF, PNG, JPEG) stored content-addressed under the data folder.

A certificate is evidence for a board audit, so storing one must never damage or lose anything:
the file's type is judged by its content (not its name), oversize files are refused before any
byte is copied, the stored path is built only from the content's SHA-256 (the user's file name is
kept as a label and never touches the file system), and the copy is written to a temporary file
and renamed into place, so a crash leaves either no file or a whole one.

The same content is written to disk once. When the same person stores the same content again,
their existing attachment row is reused (no new row, no audit entry: nothing changed); another
person storing it gets a row of their own pointing at the same file. A file whose row is rolled
back (the record it came with was refused) stays on disk unreferenced; that is harmless because
the name is its content's hash, and a later clean-up can remove such files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path, PureWindowsPath

import peewee

from cpe_desktop import paths
from cpe_desktop.db.models import Attachment, CertificateContent, User, database
from cpe_desktop.db.typed import tuples
from cpe_desktop.services.changes import ATTACHMENTS, AUDIT, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
FIELD = "certificate"
CHANGED = Changes.of(ATTACHMENTS, AUDIT)

# (magic prefix, media type, extension); judged on the first bytes of the content.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
EXTENSIONS = {media: ext for _, media, ext in _SIGNATURES}
EXTENSION_TYPES = {ext: media for media, ext in EXTENSIONS.items()}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEAD = 16


def media_type_of(head: bytes) -> str | None:
    """The media type the content's first bytes announce, or None for anything else."""
    for magic, media, _ in _SIGNATURES:
        if head.startswith(magic):
            return media
    return None


def safe_name(name: str, media_type: str) -> str:
    """The base name of what the user picked, as a label only (no folders, no control chars)."""
    base = PureWindowsPath(name).name  # strips both "/" and "\\" folder parts
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = stem[: 250 - len(ext)] + dot + ext if dot and len(ext) <= 5 else base[:255]
    return base or f"certificate{EXTENSIONS.get(media_type, '')}"


def check_file(path: str | os.PathLike[str]) -> str:
    """Check a file before storing it: readable, at most 20 MB, PDF/PNG/JPEG by content.

    Returns the media type; raises ValidationError("certificate", …) saying what is wrong. Reads
    only the first bytes, so forms can call it the moment a file is chosen.
    """
    file = Path(path)
    try:
        info = file.stat()
        if not file.is_file():
            raise ValidationError(FIELD, f"{file.name or str(file)!r} is not a file")
        if info.st_size > MAX_BYTES:
            raise ValidationError(
                FIELD,
                f"{file.name!r} is {info.st_size / 1024 / 1024:.1f} MB; certificates may be at "
                f"most {MAX_BYTES // 1024 // 1024} MB",
            )
        if info.st_size == 0:
            raise ValidationError(FIELD, f"{file.name!r} is empty")
        with file.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError as exc:
        raise ValidationError(FIELD, f"{file.name!r} cannot be read ({exc.strerror})") from None
    media = media_type_of(head)
    if media is None:
        raise ValidationError(
            FIELD, f"{file.name!r} is not a PDF, PNG or JPEG file (judged by its content)"
        )
    return media


def _read_limited(file: Path) -> bytes:
    """The whole content; refused if the file grew past the limit since it was checked."""
    try:
        with file.open("rb") as handle:
            content = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ValidationError(FIELD, f"{file.name!r} cannot be read ({exc.strerror})") from None
    if len(content) > MAX_BYTES:
        raise ValidationError(FIELD, f"{file.name!r} is larger than {MAX_BYTES // 1024 // 1024} MB")
    return content


def stored_path(sha256: str, media_type: str) -> Path:
    """Where content with this hash and type lives: ``attachments/<sha[:2]>/<sha><ext>``."""
    if not _SHA256.fullmatch(sha256 or "") or media_type not in EXTENSIONS:
        raise ValueError(f"not a stored certificate: {sha256!r} ({media_type!r})")
    return paths.attachments_dir() / sha256[:2] / f"{sha256}{EXTENSIONS[media_type]}"


def path_of(attachment: Attachment) -> Path:
    """The file behind an attachment row (on a server, fetched into this desk's data folder
    when the certificate was attached at another desk)."""
    target = stored_path(attachment.sha256, attachment.media_type)
    if not target.is_file():
        read_stored(attachment.sha256, attachment.media_type)  # fills the local copy
    return target


# --- certificates shared through the database (schema 10) ---------------------------------------


def _shared() -> bool:
    """On a firm's PostgreSQL server the bytes are kept in the database too, for every desk."""
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def _share(sha256: str, media_type: str, content: bytes) -> None:
    """Keep ``content`` in ``certificate_contents`` (once per hash); inside the caller's
    transaction, so the row and its bytes arrive together."""
    CertificateContent.insert(
        sha256=sha256,
        media_type=media_type,
        content=content,
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
    ).on_conflict_ignore().execute()


def _from_database(sha256: str, media_type: str) -> bytes | None:
    """The shared bytes of this hash, checked, and copied into this desk's data folder."""
    row = (
        CertificateContent.select(CertificateContent.content)
        .where(CertificateContent.sha256 == sha256)
        .first()
    )
    if row is None:
        return None
    content = bytes(row.content)
    if hashlib.sha256(content).hexdigest() != sha256:
        log.warning("the database's copy of certificate %s is damaged", sha256)
        return None
    try:
        _write_once(stored_path(sha256, media_type), content)
    except OSError:  # a full or read-only data folder: the bytes still serve this call
        log.warning("could not keep a local copy of certificate %s", sha256, exc_info=True)
    return content


def share_local_files() -> int:
    """On a server, put into the database the certificates this desk has in its data folder and
    the database lacks (attached before schema 10, or copied in by hand); returns how many."""
    if not _shared():
        return 0
    missing = tuples(
        Attachment.select(Attachment.sha256, Attachment.media_type)
        .join(
            CertificateContent,
            peewee.JOIN.LEFT_OUTER,
            on=CertificateContent.sha256 == Attachment.sha256,
        )
        .where(CertificateContent.sha256.is_null())
        .distinct()
    )
    shared = 0
    for sha, media in list(missing):
        content = _read_local(sha, media)
        if content is None:
            continue
        with database.atomic():
            _share(sha, media, content)
        shared += 1
    return shared


def _write_once(target: Path, content: bytes, *, verified: bool = False) -> None:
    """Write ``content`` to ``target`` unless a whole copy is already there; atomic rename.

    ``verified``: a copy there counts only when its content is the same (not just its size)."""
    if verified:
        if target.is_file() and _read_local(target.stem, EXTENSION_TYPES[target.suffix]) == content:
            return
    elif target.is_file() and target.stat().st_size == len(content):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def store_certificate(
    ctx: ServiceContext, user_id: int, path: str | os.PathLike[str]
) -> Outcome[Attachment]:
    """Store the file at ``path`` as a certificate of ``user_id``; returns its attachment row."""
    if User.get_or_none(User.user_id == user_id) is None:
        raise ValidationError("user_id", f"there is no person with id {user_id}")
    ctx.require_owner(user_id, "add certificates")
    file = Path(path)
    media = check_file(file)  # size first: nothing is read or copied past the limit
    content = _read_limited(file)
    if media_type_of(content[:_HEAD]) != media:
        raise ValidationError(FIELD, f"{file.name!r} changed while it was being read; try again")
    sha = hashlib.sha256(content).hexdigest()
    return _store(ctx, user_id, content, sha, media, os.fspath(path))


def read_stored(sha256: str, media_type: str) -> bytes | None:
    """The stored file of this content, read and checked against its hash; None when it is
    missing, unreadable or damaged (its content no longer has that hash). On a server, a file
    this desk lacks is taken from the database (and kept in the data folder)."""
    content = _read_local(sha256, media_type)
    if content is None and _shared():
        content = _from_database(sha256, media_type)
    return content


def _read_local(sha256: str, media_type: str) -> bytes | None:
    try:
        target = stored_path(sha256, media_type)
        with target.open("rb") as handle:
            content = handle.read(MAX_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(content) > MAX_BYTES or hashlib.sha256(content).hexdigest() != sha256:
        return None
    return content


def store_content(
    ctx: ServiceContext, user_id: int, content: bytes, sha256: str, name: str
) -> Outcome[Attachment]:
    """Store certificate ``content`` that came with its checksum (an account archive, a copied
    attachments folder) as a certificate of ``user_id``.

    The content must have the SHA-256 ``sha256`` and be a PDF, PNG or JPEG of at most 20 MB, or
    nothing is written. The file is written once (private mode, atomic rename) unless a whole
    copy is already there; the person's row for this content is reused, else one is added with
    ``name`` as its label. Call inside the caller's transaction to make the rows all or nothing.
    """
    ctx.require_owner(user_id, "add certificates")
    label = safe_name(name, "")
    if len(content) > MAX_BYTES:
        raise ValidationError(FIELD, f"{label!r} is larger than {MAX_BYTES // 1024 // 1024} MB")
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ValidationError(FIELD, f"{label!r} does not match its checksum (it is damaged)")
    media = media_type_of(content[:_HEAD])
    if media is None:
        raise ValidationError(FIELD, f"{label!r} is not a PDF, PNG or JPEG file")
    return _store(ctx, user_id, content, sha256, media, name, verified=True)


def _store(
    ctx: ServiceContext,
    user_id: int,
    content: bytes,
    sha: str,
    media: str,
    name: str,
    *,
    verified: bool = False,
) -> Outcome[Attachment]:
    """Write ``content`` once under its hash (see ``_write_once``), on a server into the
    database too, and reuse the person's row for it, else add one labelled ``name``: one
    transaction."""
    with database.atomic():
        try:
            _write_once(stored_path(sha, media), content, verified=verified)
        except OSError as exc:
            raise ValidationError(
                FIELD, f"the certificate could not be saved ({exc.strerror})"
            ) from None
        if _shared():
            _share(sha, media, content)
        existing = (
            Attachment.select()
            .where((Attachment.user == user_id) & (Attachment.sha256 == sha))
            .order_by(Attachment.attachment_id)
            .first()
        )
        if existing is not None:
            return Outcome(existing, Changes())
        values = {
            "user": user_id,
            "original_name": safe_name(name, media),
            "sha256": sha,
            "size": len(content),
            "media_type": media,
        }
        attachment = rows.create(ctx, Attachment, values, "attachment")
    return Outcome(attachment, CHANGED)


def get_attachment(ctx: ServiceContext, attachment_id: int) -> Attachment:
    attachment = rows.get_or_missing(Attachment, attachment_id, "certificate")
    ctx.require_owner(attachment.user_id, "see the certificates")
    return attachment
