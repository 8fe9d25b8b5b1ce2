"""PySide6's import hook, made cheap: it looks at every module imported after PySide6 for the
word "PySide6" (to know which modules may switch its ``__feature__`` options, which this program
never uses) by asking ``inspect.getsource``, which searches every loaded module for the one that
owns the file and keeps each file's lines in ``linecache``. Over the window's few hundred
modules that is tens of milliseconds of the start and about 16 MB kept.

:func:`scan_imports_quickly` gives PySide6 the same answer (is "PySide6" in the module's source
file?) read straight from the file. Called once, before the window's modules are imported; with
a PySide6 whose hook is shaped otherwise it leaves the hook as it is.
"""

from __future__ import annotations

import sys
from types import ModuleType


def _mentions_pyside(module: ModuleType) -> bool:
    """Whether the module's source file says "PySide6" (False without a readable source file,
    as PySide6's own check answers)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def scan_imports_quickly() -> None:
    import PySide6  # noqa: F401  # loads shiboken6, which installs the hook

    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _mentions_pyside  # type: ignore[attr-defined]
