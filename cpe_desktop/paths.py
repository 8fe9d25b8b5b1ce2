"""Every file location the program uses, in one place.

The database, attachments, backups, logs and config live in the platform's standard per-user data
folder unless ``--data-dir`` or ``CPE_DATA_DIR`` points elsewhere (tests, portable installs).
``resources/`` is found the same way whether we run from source or frozen by PyInstaller.

Everything the program creates there is private to the person's login where the platform has
file modes (POSIX): folders 0700, files 0600 (the database, logs, attachments). A data folder
found with looser modes is tightened once, and the log says so; the folders inside it and the
files it holds are then out of others' reach whatever their own modes.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

APP_NAME = "CPE Tracker"
APP_AUTHOR = "CPE Tracker"
DATA_DIR_ENV = "CPE_DATA_DIR"
DATABASE_FILE = "cpe-tracker.db"
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
HAS_MODES = os.name == "posix"

log = logging.getLogger(__name__)

_data_dir_override: Path | None = None
_checked: set[Path] = set()  # data folders whose mode was looked at in this process
_notes: list[str] = []


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Point every per-user path at ``path`` (``--data-dir``); ``None`` restores the default."""
    global _data_dir_override
    _data_dir_override = Path(path).expanduser().resolve() if path else None


def data_dir() -> Path:
    """The folder holding the database, attachments, backups and logs (created on demand)."""
    if _data_dir_override is not None:
        base = _data_dir_override
    elif os.environ.get(DATA_DIR_ENV):
        base = Path(os.environ[DATA_DIR_ENV]).expanduser().resolve()
    else:
        import platformdirs  # only here: with --data-dir or CPE_DATA_DIR a start never needs it

        base = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=True))
    if base in _checked:  # looked at already: only made again if something removed it
        base.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    else:
        _private_folder(base, tighten=True)
        _checked.add(base)
    return base


def _private_folder(path: Path, *, tighten: bool = False) -> None:
    """Create ``path`` (0700); with ``tighten``, take group and others' rights off an existing
    one (once: the folder then stays so)."""
    existed = path.is_dir()
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if not HAS_MODES or (existed and not tighten):
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077 == 0:
        return
    try:
        path.chmod(mode & ~0o077)
    except OSError as exc:
        _notes.append(f"could not make the data folder {path} private: {exc}")
        return
    if existed:
        _notes.append(
            f"the data folder {path} could be read by other users of this computer "
            f"(mode {mode:03o}); it is now private to its owner (mode {mode & ~0o077:03o})"
        )


def take_notes() -> list[str]:
    """What was changed about the data folder, for the log once it is set up (the log file
    lives in that folder, so it cannot be written before)."""
    notes = list(_notes)
    _notes.clear()
    return notes


def make_private(path: str | os.PathLike[str] | None) -> None:
    """Make the file ``path`` readable and writable by its owner only (0600), where the platform
    has modes; a missing file or one that cannot be changed is left as it is."""
    if not HAS_MODES or path is None:
        return
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & ~0o077)
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("could not make %s private: %s", path, exc)


def make_database_private(path: str | os.PathLike[str] | None) -> None:
    """The SQLite file ``path`` and its write-ahead log and shared-memory files (which SQLite
    creates with the database file's mode) made private (0600); None (a server) is left alone."""
    if path is None:
        return
    for suffix in ("", "-wal", "-shm"):
        make_private(f"{os.fspath(path)}{suffix}")


def default_database_path() -> Path:
    return data_dir() / DATABASE_FILE


def _subdir(name: str) -> Path:
    path = data_dir() / name
    _private_folder(path)
    return path


def attachments_dir() -> Path:
    return _subdir("attachments")


def backups_dir() -> Path:
    return _subdir("backups")


def logs_dir() -> Path:
    return _subdir("logs")


# From source, ``resources/`` beside the package: found once (resolving the path asks the file
# system about each of its folders, and the start asks for some twenty resources).
_SOURCE_RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resources_dir() -> Path:
    """``resources/`` beside the package from source; inside the bundle when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return _SOURCE_RESOURCES


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
