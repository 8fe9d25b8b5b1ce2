"""Writing a file the person asked for, whole or not at all.

Why this module exists: exports, reports and audit packs must never leave a half-written file
where the person will look for it (a full disk, a yanked USB stick). Every such file is written
to a temporary name beside its target, flushed to disk, then renamed into place; on any failure
the temporary file is removed and the error names the path in plain words.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO

from cpe_desktop.services.errors import ValidationError


def write_atomically(path: str | os.PathLike[str], write: Callable[[IO[bytes]], object]) -> Path:
    """Call ``write`` with a new temporary file beside ``path``, then rename it into place.

    The temporary file is created like any new file (the umask applies). Raises
    ValidationError naming the path when the place cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise ValidationError(str(path), "is a folder; give a file name to write to")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(str(path), f"cannot be written: the folder {folder} does not exist")
    temporary = folder / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        with open(temporary, "xb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ValidationError(str(path), f"cannot be written: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return path


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    return write_atomically(path, lambda handle: handle.write(data))


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """``text`` exactly as given (no newline translation), in ``encoding``."""
    return write_bytes(path, text.encode(encoding))
