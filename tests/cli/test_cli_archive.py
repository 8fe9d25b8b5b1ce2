"""The account archive through the real command line (a subprocess each: keep these few).

``export --format zip`` writes the account with its certificate files; ``import account.zip`` on
another data folder restores every link; a damaged archive is refused in one line naming the
file, with nothing written.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers.interchange_documents import two_people_document

PDF = b"%PDF-1.4\n% a certificate\n%%EOF\n"


def _run(data_dir: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "cpe_desktop", "--db", str(db), *args],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _source_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder whose database holds the two-person document, with one certificate stored
    content-addressed and linked to Alice's first record in the document (the folder's files
    and the document's checksum, as the program writes them)."""
    import hashlib

    folder = tmp_path / "old-machine"
    folder.mkdir()
    sha = hashlib.sha256(PDF).hexdigest()
    stored = folder / "attachments" / sha[:2] / f"{sha}.pdf"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(PDF)
    document = two_people_document()
    alice = document["users"][0]
    alice["certificates"] = [
        {"sha256": sha, "name": "ethics.pdf", "media_type": "application/pdf", "size": len(PDF)}
    ]
    alice["records"][0]["certificate"] = "ethics.pdf"
    alice["records"][0]["certificate_sha256"] = sha
    source = folder / "people.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    db = folder / "cpe.db"
    result = _run(folder, db, "import", str(source))
    assert result.returncode == 0, result.stderr
    return folder, db


def test_export_zip_then_import_it_on_a_fresh_data_folder(tmp_path):
    folder, db = _source_folder(tmp_path)
    archive = tmp_path / "account.zip"

    exported = _run(folder, db, "export", "--format", "zip", "-o", str(archive))

    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith(
        "Exported 2 people, 3 licenses, 20 records, 1 requirement rule and 1 certificate file "
    )
    fresh = tmp_path / "new-machine"
    fresh.mkdir()
    imported = _run(fresh, fresh / "cpe.db", "import", str(archive))

    assert imported.returncode == 0, imported.stderr
    assert "1 certificate and 1 certificate link;" in imported.stdout
    assert "warning" not in imported.stdout
    (copied,) = (fresh / "attachments").rglob("*.pdf")
    assert copied.read_bytes() == PDF
    if os.name == "posix":
        assert stat.S_IMODE(copied.stat().st_mode) == 0o600
    again = tmp_path / "again.json"
    assert (
        _run(fresh, fresh / "cpe.db", "export", "--format", "json", "-o", str(again)).returncode
        == 0
    )
    assert (
        json.loads(again.read_text(encoding="utf-8"))["users"][0]["records"][0][
            "certificate_sha256"
        ]
        == copied.stem
    )


def test_a_damaged_archive_is_refused_in_one_line_naming_the_file(tmp_path):
    folder, db = _source_folder(tmp_path)
    archive = tmp_path / "account.zip"
    assert _run(folder, db, "export", "--format", "archive", "-o", str(archive)).returncode == 0
    with zipfile.ZipFile(archive) as original:
        members = {name: original.read(name) for name in original.namelist()}
    (name,) = [member for member in members if member.startswith("certificates/")]
    members[name] = members[name].replace(b"certificate", b"CERTIFICATE")
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as out:
        for member, content in members.items():
            out.writestr(member, content)
    fresh = tmp_path / "new-machine"
    fresh.mkdir()

    result = _run(fresh, fresh / "cpe.db", "import", str(damaged))

    assert result.returncode == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert f"{name}: is damaged: its content does not match its checksum" in line
    assert not (fresh / "attachments").exists() or not any(
        path.is_file() for path in (fresh / "attachments").rglob("*")
    )
    out = tmp_path / "after.json"
    assert (
        _run(fresh, fresh / "cpe.db", "export", "--format", "json", "-o", str(out)).returncode == 0
    )
    assert json.loads(out.read_text(encoding="utf-8"))["users"] == []
