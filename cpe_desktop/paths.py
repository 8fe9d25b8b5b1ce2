"""Every file location the program uses, in one place.

The database, attachments, backups, logs and config live in the platform's standard per-user data
folder unless ``--data-dir`` or ``CPE_DATA_DIR`` points elsewhere (tests, portable installs).
``resources/`` is found the same way whether we run from source or frozen by PyInstaller.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "CPE Tracker"
APP_AUTHOR = "CPE Tracker"
DATA_DIR_ENV = "CPE_DATA_DIR"
DATABASE_FILE = "cpe-tracker.db"

_data_dir_override: Path | None = None


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
        base = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=True))
    base.mkdir(parents=True, exist_ok=True)
    return base


def default_database_path() -> Path:
    return data_dir() / DATABASE_FILE


def _subdir(name: str) -> Path:
    path = data_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def attachments_dir() -> Path:
    return _subdir("attachments")


def backups_dir() -> Path:
    return _subdir("backups")


def logs_dir() -> Path:
    return _subdir("logs")


def resources_dir() -> Path:
    """``resources/`` beside the package from source; inside the bundle when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
