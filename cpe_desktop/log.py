"""Logging to a rotating file in the data folder; the crash dialog and CLI errors point at it."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from cpe_desktop import paths

LOG_FILE = "cpe-tracker.log"


def log_path() -> Path:
    return paths.logs_dir() / LOG_FILE


def setup_logging(level: int = logging.INFO) -> Path:
    """Send log records to the rotating log file (once per process); returns its path."""
    path = log_path()
    root = logging.getLogger()
    for handler in root.handlers:
        if (
            isinstance(handler, logging.handlers.RotatingFileHandler)
            and Path(handler.baseFilename) == path
        ):
            return path
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return path
