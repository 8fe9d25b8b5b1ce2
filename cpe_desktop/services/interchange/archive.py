"""The account archive (ARCHITECTURE.md §2, Interchange): one ``.zip`` holding the whole account
as a ``cpe-tracker/1`` document plus its certificate files, for moving machines or keeping a
backup that a person can open.

Inside the zip there are exactly:

- ``account.json``: the document :func:`json_export.export_document` writes; each person's
  ``certificates`` list the files by SHA-256, and each record names its certificate's checksum;
- ``certificates/<sha256><.pdf|.png|.jpg>``: one file per content, named by its own checksum.

The member names are never used as paths on this machine: a name that is not one of those two
forms (``../x``, ``/etc/x``, ``certificates/a/b``) refuses the whole archive (no zip-slip). A zip
bomb is refused before anything is read: at most :data:`MAX_MEMBERS` members, each certificate at
most the attachments' 20 MB, the document at most :data:`MAX_DOCUMENT_BYTES`, all together at
most :data:`MAX_TOTAL_BYTES` as declared, and every read stops one byte past its declared size.

Import checks everything first: the document (as a ``.json`` import would), then every
certificate the document names: present in the zip, its content with exactly that SHA-256, size
and type. A file missing or damaged refuses the archive, naming it, before anything is written.
Only then does the one transaction run (people, records, ..., the certificate files copied into
the attachments folder in private mode, the records linked to them, the activity entry).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.files import write_atomically
from cpe_desktop.services.interchange.common import ExportSummary, ImportSummary
from cpe_desktop.services.interchange.json_export import export_document
from cpe_desktop.services.interchange.json_format import import_document

DOCUMENT = "account.json"
FOLDER = "certificates/"
MAX_MEMBERS = 20_001  # the document and 20,000 certificate files
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024
_MEMBER = re.compile(r"certificates/([0-9a-f]{64})(\.pdf|\.png|\.jpg)")
_CHUNK = 1024 * 1024

Progress = Callable[[int, str], None]
Parse = Callable[[bytes, str], Any]


def member_name(sha256: str, media_type: str) -> str:
    """Where a certificate's content lives inside the archive."""
    return f"{FOLDER}{sha256}{attachments.EXTENSIONS[media_type]}"


# --- export ---------------------------------------------------------------------------------------


def export_archive(
    ctx: ServiceContext,
    path: str | Path,
    user_email: str | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the account archive to ``path``, whole or not at all.

    Every certificate is read from the attachments folder and checked against its checksum
    first: a missing or damaged one refuses the export, naming it (a JSON export still works).
    """
    path = Path(path)
    if progress is not None:
        progress(0, f"Exporting {path.name}…")
    document = export_document(ctx, user_email)
    wanted: dict[str, tuple[str, str]] = {}  # member name -> (sha256, what to call it)
    for person in document["users"]:
        for item in person.get("certificates", ()):
            name = member_name(item["sha256"], item["media_type"])
            wanted.setdefault(name, (item["sha256"], f"{item['name']!r} of {person['email']}"))
    problems = {
        name: f"the certificate {label} is missing or damaged in the attachments folder"
        for name, (sha, label) in wanted.items()
        if attachments.read_stored(sha, _media_of(name)) is None
    }
    if problems:
        first = next(iter(problems.values()))
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(
            str(path),
            f"cannot hold every certificate: {first}{more}; attach the file again, or export "
            "the account as JSON without its files",
        )
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def write(handle: IO[bytes]) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(DOCUMENT, text.encode("utf-8"))
            for done, (name, (sha, _)) in enumerate(sorted(wanted.items()), start=1):
                content = attachments.read_stored(sha, _media_of(name))
                if content is None:  # removed since it was checked, a moment ago
                    raise ValidationError(str(path), f"{name}: the certificate went missing")
                # Already compressed formats: stored as they are.
                archive.writestr(name, content, compress_type=zipfile.ZIP_STORED)
                if progress is not None:
                    progress(int(90 * done / len(wanted)), "Writing certificates…")

    write_atomically(path, write)
    people = document["users"]
    summary = ExportSummary(
        path,
        "zip",
        people=len(people),
        licenses=sum(len(person["licenses"]) for person in people),
        records=sum(len(person["records"]) for person in people),
        requirements=len(document["requirements"]),
        certificates=len(wanted),
    )
    return summary


def _media_of(name: str) -> str:
    return attachments.EXTENSION_TYPES[name[name.rindex(".") :]]


# --- import ---------------------------------------------------------------------------------------


def import_archive(
    ctx: ServiceContext,
    path: str | Path,
    user_email: str | None = None,
    *,
    parse: Parse,
    progress: Progress | None = None,
    finish: Callable[[ImportSummary], object] | None = None,
) -> ImportSummary:
    """Import an account archive, all or nothing (see the module's docstring).

    ``parse(content, label)`` reads the document's bytes as JSON, with the same messages as a
    ``.json`` file's import; ``finish`` is the caller's activity entry, inside the transaction.
    """
    path = Path(path)
    _check_count(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ValidationError(str(path), "is not a zip file (or it is damaged)") from None
    except OSError as exc:
        raise ValidationError(str(path), f"cannot be read: {exc.strerror or exc}") from exc
    with archive:
        members = _check_members(path, archive)
        if DOCUMENT not in members:
            raise ValidationError(
                str(path), f"holds no {DOCUMENT}, so it is not a CPE Tracker account archive"
            )
        content = _read(archive, members[DOCUMENT], MAX_DOCUMENT_BYTES, path)
        document = parse(content, f"{path.name}: {DOCUMENT}")
        files = {name: info for name, info in members.items() if name != DOCUMENT}
        checked = _check_certificates(path, archive, files, document)

        def source(sha256: str, media_type: str) -> bytes | None:
            name = member_name(sha256, media_type)
            if name not in checked:
                return None
            data = _read(archive, files[name], attachments.MAX_BYTES, path)
            if hashlib.sha256(data).hexdigest() != sha256:  # changed since it was checked
                raise ValidationError(name, "changed while it was being imported; try again")
            return data

        return import_document(
            ctx, document, user_email, progress=progress, finish=finish, certificates=source
        )


def _check_count(path: Path) -> None:
    """Refuse an archive announcing too many members before their list is read: the list alone
    of a zip claiming millions of files would fill the memory. The count is read from the zip's
    end record (the standard library's reader of it; where it is missing, the count is checked
    after opening, in :func:`_check_members`)."""
    reader = getattr(zipfile, "_EndRecData", None)
    index = getattr(zipfile, "_ECD_ENTRIES_TOTAL", None)
    if reader is None or index is None:
        return
    try:
        with path.open("rb") as handle:
            end = reader(handle)
    except OSError:
        return  # opening it says what is wrong, in words
    if end is not None and end[index] > MAX_MEMBERS:
        raise ValidationError(
            str(path),
            f"holds {end[index]} files; an account archive holds at most {MAX_MEMBERS}",
        )


def _check_members(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The members by name, every one of them a name this format uses and within the limits."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ValidationError(
            str(path), f"holds {len(infos)} files; an account archive holds at most {MAX_MEMBERS}"
        )
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name in members:
            raise ValidationError(name, "is in the archive twice")
        if info.is_dir() and name == FOLDER:
            continue
        if name != DOCUMENT and not _MEMBER.fullmatch(name):
            raise ValidationError(
                _shown(name),
                f"is not part of a CPE Tracker account archive (only {DOCUMENT} and "
                f"{FOLDER}<sha256>.pdf/.png/.jpg are); nothing was imported",
            )
        if info.flag_bits & 0x1:
            raise ValidationError(name, "is encrypted; an account archive is not")
        limit = MAX_DOCUMENT_BYTES if name == DOCUMENT else attachments.MAX_BYTES
        if info.file_size > limit:
            raise ValidationError(
                name, f"is {info.file_size} bytes unpacked; at most {limit} bytes are allowed"
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ValidationError(
                str(path), f"unpacks to more than {MAX_TOTAL_BYTES // 1024**3} GB; refused"
            )
        members[name] = info
    return members


def _shown(name: str) -> str:
    """A member's name as text on one line, however it was written."""
    return json.dumps(name) if not name.isprintable() else name


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, path: Path) -> bytes:
    """A member's content, never more than its declared size (and ``limit``) read."""
    wanted = min(info.file_size, limit)
    try:
        with archive.open(info) as handle:
            data = handle.read(wanted + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise ValidationError(info.filename, f"cannot be read from {path.name} ({exc})") from None
    if len(data) > wanted:
        raise ValidationError(info.filename, "is larger than the archive says; refused")
    return data


def _check_certificates(
    path: Path,
    archive: zipfile.ZipFile,
    files: dict[str, zipfile.ZipInfo],
    document: Any,
) -> set[str]:
    """Every certificate the document names, present and whole: the member names checked.

    Read (and hashed) one at a time, so memory holds one file at most.
    """
    errors: dict[str, str] = {}
    checked: set[str] = set()
    people = document.get("users") if isinstance(document, dict) else None
    for index, person in enumerate(people if isinstance(people, list) else ()):
        items = person.get("certificates") if isinstance(person, dict) else None
        for j, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, dict):
                continue  # the document's own check names it
            sha, media = item.get("sha256"), item.get("media_type")
            if media not in attachments.EXTENSIONS or not isinstance(sha, str):
                continue
            where = f"users[{index}].certificates[{j}]"
            name = member_name(sha, media)
            if name in checked:
                continue
            info = files.get(name)
            if info is None:
                errors.setdefault(name, f"is missing from the archive (named at {where})")
                continue
            try:
                data = _read(archive, info, attachments.MAX_BYTES, path)
            except ValidationError as exc:
                errors.update(exc.errors)
                continue
            if hashlib.sha256(data).hexdigest() != sha:
                errors.setdefault(name, "is damaged: its content does not match its checksum")
            elif len(data) != item.get("size"):
                errors.setdefault(name, f"is {len(data)} bytes, but {where} says {item['size']}")
            elif attachments.media_type_of(data[:16]) != media:
                errors.setdefault(name, f"is not the {media} file {where} says it is")
            else:
                checked.add(name)
    if errors:
        raise ValidationError(errors)
    return checked
