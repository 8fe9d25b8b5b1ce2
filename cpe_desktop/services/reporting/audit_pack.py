"""The audit pack: everything a board's CPE audit asks for, for one license and one period, in
one zip — the progress report of that license as ``summary.pdf``, every counted record's
certificate, and ``missing-certificates.txt`` saying which records have none.

Certificates are named ``YYYY-MM-DD_title.ext`` so they sort by date in any file manager; the
title is made safe for Windows and macOS file names and a clash (two courses with the same title
on the same day, names differing only in case) gets `` (2)``. The zip is written to a temporary
file and renamed into place, so a failure never leaves half a pack. The pack's data is stored in
the ``reports`` table like any report, so it can be opened and exported again.

The PDF needs Qt, which this layer must not import: the caller passes ``render_pdf``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from cpe_desktop.db.models import Attachment, CpeRecord, License, database
from cpe_desktop.rules.wording import day_text, hours_text
from cpe_desktop.services import compliance
from cpe_desktop.services.audit import activity
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.changes import ACTIVITY, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.files import write_atomically
from cpe_desktop.services.reporting import reports
from cpe_desktop.services.reporting.files import RenderPdf, safe_title

SUMMARY = "summary.pdf"
MISSING = "missing-certificates.txt"
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class PackPeriod:
    """A period a pack can cover; ``as_of`` is the date it is judged at (today for the current
    period, the last day for a past one)."""

    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def label(self) -> str:
        return f"{day_text(self.start)} – {day_text(self.end)}"


@dataclass(frozen=True)
class PackResult:
    path: Path
    report_id: int
    files: tuple[str, ...]
    missing: tuple[str, ...]


def _license(ctx: ServiceContext, license_id: int) -> License:
    license_ = rows.get_or_missing(License, license_id, "license")
    ctx.require_owner(license_.user_id, "make audit packs")
    return license_


def _evaluation(ctx: ServiceContext, license_: License, as_of: dt.date):
    for item in compliance.evaluate_licenses(ctx, license_.user_id, as_of):
        if item.license.license_id == license_.license_id:
            if item.evaluation is None:
                raise ValidationError(
                    "license_id",
                    "has no requirement rule, so it has no reporting period to pack",
                )
            return item.evaluation
    raise ValidationError("license_id", "is not an active license")


def pack_periods(ctx: ServiceContext, license_id: int, count: int = 3) -> list[PackPeriod]:
    """The current period and up to ``count - 1`` before it, newest first."""
    license_ = _license(ctx, license_id)
    today = ctx.clock.today()
    found: list[PackPeriod] = []
    as_of = today
    for _ in range(count):
        ev = _evaluation(ctx, license_, as_of)
        found.append(PackPeriod(ev.period_start, ev.period_end, min(as_of, ev.period_end)))
        if license_.issued_on is not None and ev.period_start <= license_.issued_on:
            break  # not held before this period
        as_of = ev.period_start - _DAY
    return found


def certificate_names(entries: list[tuple[str, str, str]]) -> list[str]:
    """``YYYY-MM-DD_title.ext`` for each (completed_on, title, extension), clashes numbered."""
    taken = {SUMMARY.casefold(), MISSING.casefold()}
    names = []
    for day, title, ext in entries:
        stem = f"{day}_{safe_title(title)}"
        name, number = f"{stem}{ext}", 1
        while name.casefold() in taken:
            number += 1
            name = f"{stem} ({number}){ext}"
        taken.add(name.casefold())
        names.append(name)
    return names


def _line(record: dict[str, Any], why: str = "") -> str:
    credits = Decimal(str(record["credits"]))
    noun = "credit" if credits == 1 else "credits"
    return f"{record['completed_on']}  {record['title']}  ({hours_text(credits)} {noun}){why}"


def _missing_text(lic: dict[str, Any], missing: list[str]) -> str:
    what = f"{lic['credential']} — {lic['jurisdiction']}"
    period = f"{lic['period_start']} to {lic['period_end']}"
    if not missing:
        return (
            f"No certificates are missing: every record that counts toward {what} "
            f"({period}) has its certificate in this pack.\n"
        )
    lines = "\n".join(missing)
    records, have = ("record", "has") if len(missing) == 1 else ("records", "have")
    return (
        f"{len(missing)} {records} counting toward {what} ({period}) {have} no certificate in "
        f"this pack:\n\n{lines}\n"
    )


def _plan(lic: dict[str, Any]) -> tuple[list[tuple[str, Path]], list[str], list[dict[str, Any]]]:
    """(zip name, file) per certificate, lines for the missing ones, and what the data records."""
    ids = [r["record_id"] for r in lic["records"]]
    stored = {
        record.record_id: record.attachment
        for record in CpeRecord.select(CpeRecord, Attachment)
        .join(Attachment)
        .where(CpeRecord.record_id.in_(ids))
    }
    present: list[tuple[dict[str, Any], Path, str]] = []
    missing: list[str] = []
    for record in lic["records"]:
        attachment = stored.get(record["record_id"])
        if attachment is None:
            missing.append(_line(record))
            continue
        path = attachments.path_of(attachment)
        if not path.is_file():
            missing.append(_line(record, " — its stored file is missing from the data folder"))
            continue
        present.append((record, path, attachments.EXTENSIONS[attachment.media_type]))
    names = certificate_names([(r["completed_on"], r["title"], ext) for r, _, ext in present])
    files = [(name, path) for name, (_, path, _) in zip(names, present, strict=True)]
    listed = [
        {"record_id": r["record_id"], "file": name}
        for name, (r, _, _) in zip(names, present, strict=True)
    ]
    return files, missing, listed


def pack_file_name(license_: License, period: PackPeriod) -> str:
    """A name to offer, e.g. ``Audit pack - CPA Texas - 2024-01-01 to 2026-12-31.zip``."""
    which = safe_title(f"{license_.credential.code} {license_.jurisdiction}")
    return f"Audit pack - {which} - {period.start} to {period.end}.zip"


def _prepare(
    ctx: ServiceContext,
    license_id: int,
    as_of: dt.date | None,
    progress: reports.ProgressCallback | None,
) -> tuple[dict[str, Any], list[tuple[str, Path]], list[str]]:
    """The pack's report data, its certificates (zip name, stored file) and the missing lines."""
    license_ = _license(ctx, license_id)
    data = reports.progress_data(
        ctx, license_.user_id, as_of, license_id=license_id, progress=progress
    )
    lic = data["licenses"][0]
    if lic["period_start"] is None:
        raise ValidationError(
            "license_id", "has no requirement rule, so it has no reporting period to pack"
        )
    files, missing, listed = _plan(lic)
    who = data["person"]["name"]
    title = f"{reports.TYPE_TITLES[reports.AUDIT_PACK]} — {who}, {lic['credential']} "
    title += f"{lic['jurisdiction']} {lic['period_start'][:4]}–{lic['period_end'][:4]}"
    data |= {
        "kind": reports.AUDIT_PACK,
        "title": title,
        "pack": {"certificates": listed, "missing": missing},
    }
    return data, files, missing


def pack_data(
    ctx: ServiceContext,
    license_id: int,
    as_of: dt.date | None = None,
    *,
    progress: reports.ProgressCallback | None = None,
) -> dict[str, Any]:
    """The pack's report data: the license's progress as of ``as_of`` (default today; a past
    period's last day packs that period) and the files the pack will hold."""
    return _prepare(ctx, license_id, as_of, progress)[0]


def build_audit_pack(
    ctx: ServiceContext,
    license_id: int,
    path: str | os.PathLike[str],
    render_pdf: RenderPdf,
    as_of: dt.date | None = None,
    *,
    progress: reports.ProgressCallback | None = None,
) -> Outcome[PackResult]:
    """Write the audit pack of ``license_id`` for the period containing ``as_of`` to ``path``
    and keep its data in the reports table."""
    data, files, missing = _prepare(ctx, license_id, as_of, progress)
    lic = data["licenses"][0]
    if progress is not None:
        progress(50, "Laying out the summary")
    summary = render_pdf(data)
    if progress is not None:
        progress(70, "Collecting the certificates")
    stamp = ctx.clock.now().astimezone().timetuple()[:6]

    def entry(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16  # readable once unpacked, on any system
        return info

    def write(handle: IO[bytes]) -> None:
        with zipfile.ZipFile(handle, "w") as archive:
            archive.writestr(entry(SUMMARY), summary)
            for name, source in files:
                try:
                    with open(source, "rb") as src, archive.open(entry(name), "w") as out:
                        shutil.copyfileobj(src, out)
                except OSError as exc:  # the stored file vanished or cannot be read
                    raise ValidationError(
                        "certificate", f"{name} could not be read ({exc.strerror or exc})"
                    ) from exc
            archive.writestr(entry(MISSING), _missing_text(lic, missing).encode("utf-8"))

    written = write_atomically(path, write)
    with database.atomic():
        outcome = reports.save_report(ctx, reports.AUDIT_PACK, data["person"]["user_id"], data)
        activity.log(ctx, "made audit pack", f"{data['title']} to {written.name}")
    if progress is not None:
        progress(100, "Done")
    names = (SUMMARY, *(name for name, _ in files), MISSING)
    result = PackResult(written, outcome.value.report_id, names, tuple(missing))
    return Outcome(result, outcome.changes | Changes.of(ACTIVITY))
