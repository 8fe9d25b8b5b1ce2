"""Logging to a rotating file in the data folder; the crash dialog and CLI errors point at it.

When that file cannot be written (a read-only or full data folder), records go to the error
output instead: a program that cannot log must still start and say what is wrong.

The file is rotated by size by a small handler of our own on ``logging.FileHandler``, as the
standard library's ``RotatingFileHandler`` does it (same files, same moment), because importing
``logging.handlers`` brings ``socket``, ``pickle`` and ``queue``, some 4 ms of the window's start
before its first paint (issue 18).
"""

from __future__ import annotations

import logging
import os
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


class RotatingFile(logging.FileHandler):
    """A log file that, before a record would make it reach ``maxBytes``, is renamed ``.1``
    (``.1`` to ``.2`` and so on, up to ``backupCount`` kept) and started afresh: what
    ``logging.handlers.RotatingFileHandler`` does, without importing that module."""

    def __init__(
        self,
        filename: str | os.PathLike[str],
        maxBytes: int = 0,  # (the standard handler's names)
        backupCount: int = 0,
        encoding: str | None = None,
        delay: bool = False,
    ) -> None:
        super().__init__(filename, mode="a", encoding=encoding, delay=delay)
        self.maxBytes = maxBytes
        self.backupCount = backupCount

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.shouldRollover(record):
                self.doRollover()
            logging.FileHandler.emit(self, record)
        except Exception:
            self.handleError(record)

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        # Never anything but a regular file (what the standard handler does, bpo-45401).
        if os.path.exists(self.baseFilename) and not os.path.isfile(self.baseFilename):
            return False
        if self.stream is None:
            self.stream = self._open()
        if self.maxBytes > 0:
            message = f"{self.format(record)}\n"
            self.stream.seek(0, 2)
            if self.stream.tell() + len(message) >= self.maxBytes:
                return True
        return False

    def doRollover(self) -> None:
        if self.stream:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        if self.backupCount > 0:
            for index in range(self.backupCount - 1, 0, -1):
                source = f"{self.baseFilename}.{index}"
                target = f"{self.baseFilename}.{index + 1}"
                if os.path.exists(source):
                    if os.path.exists(target):
                        os.remove(target)
                    os.rename(source, target)
            target = f"{self.baseFilename}.1"
            if os.path.exists(target):
                os.remove(target)
            if os.path.exists(self.baseFilename):
                os.rename(self.baseFilename, target)
        if not self.delay:
            self.stream = self._open()


class _LogFile(RotatingFile):
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
            if isinstance(handler, RotatingFile) and Path(handler.baseFilename) == path:
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
