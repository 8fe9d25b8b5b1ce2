"""A log file on a full disk: a record that cannot be written is dropped quietly. Logging's
default would print "--- Logging error ---" and a traceback on stderr for every record, burying
the one line the command line prints about the full disk. /dev/full refuses every write with
"No space left on device", as a full disk does."""

from __future__ import annotations

import contextlib
import logging
import os

import pytest

from cpe_desktop import log

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")


def _log_through(handler: logging.Handler) -> None:
    logger = logging.getLogger(f"cpe_desktop.test_full_log.{type(handler).__name__}")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("an import failed")
        logger.error("and again", exc_info=ValueError("x"))
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
        with contextlib.suppress(OSError):  # closing flushes, and the disk is still full
            handler.close()


def test_a_record_the_disk_cannot_take_is_dropped_quietly(capsys):
    _log_through(log._LogFile("/dev/full", maxBytes=2_000_000, backupCount=5, encoding="utf-8"))
    assert capsys.readouterr().err == ""


def test_a_plain_handler_would_have_printed_tracebacks(capsys):
    """What the program's handler prevents."""
    _log_through(logging.FileHandler("/dev/full", encoding="utf-8"))
    assert capsys.readouterr().err.count("--- Logging error ---") == 2
