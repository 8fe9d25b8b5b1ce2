"""Logging to a rotating file in the data folder; the crash dialog and CLI errors point at it.

When that file cannot be written (a read-only or full data folder), records go to the error
output instead: a program that cannot log must still start and say what is wrong.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from cpe_desktop import paths

LOG_FILE = "cpe-tracker.log"

_file: Path | None = None  # where records are going, once set up; None: the error output


def log_path() -> Path:
    """The log file: the one records go to, or where it belongs in the data folder."""
    if _file is not None:
        return _file
    return paths.logs_dir() / LOG_FILE


def log_file() -> Path | None:
    """The file records are written to, or None when they go to the error output (or logging
    has not been set up)."""
    return _file


def logging_to_error_output() -> bool:
    """True when no log file could be opened, so records go to stderr."""
    return any(isinstance(h, _ErrorOutput) for h in logging.getLogger().handlers) and not _file


class _LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file. A record that cannot be written (the disk is full, the folder
    became read-only) is dropped: logging's default would print a traceback on stderr for each
    one, burying the one message that says what went wrong."""

    def handleError(self, record: logging.LogRecord) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)


class _ErrorOutput(logging.StreamHandler):
    """The stand-in for the log file: warnings and worse, on stderr."""


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send log records to the rotating log file (once per process); returns its path.

    Returns None when the log folder or file cannot be written: records of warnings and worse
    then go to stderr. Never raises for that; the caller's own work reports the folder."""
    global _file
    root = logging.getLogger()
    try:
        path = paths.logs_dir() / LOG_FILE
        for handler in root.handlers:
            if (
                isinstance(handler, logging.handlers.RotatingFileHandler)
                and Path(handler.baseFilename) == path
            ):
                _file = path
                return path
        handler = _PrivateFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        if not any(isinstance(h, _ErrorOutput) for h in root.handlers):
            fallback = _ErrorOutput(sys.stderr)
            fallback.setLevel(logging.WARNING)
            fallback.setFormatter(logging.Formatter("cpe-tracker: %(levelname)s %(message)s"))
            root.addHandler(fallback)
        root.setLevel(level)
        _file = None
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    _file = path
    for note in paths.take_notes():  # the data folder's modes, changed before the log existed
        logging.getLogger(paths.__name__).warning(note)
    return path


class _PrivateFileHandler(_LogFile):
    """The log file, and each one started on rotation, readable by its owner only (0600)."""

    def _open(self):
        stream = super()._open()
        paths.make_private(self.baseFilename)
        return stream
