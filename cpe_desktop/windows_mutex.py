"""The named mutex that tells CPE Tracker's Windows installer the program is running.

Why: the installer (``build/windows/cpe_tracker.iss``) names this mutex in ``AppMutex``. While a
CPE Tracker process holds it, Setup and Uninstall ask the user to close the program first, so
an update or an uninstall never runs under a program still open in the tray (which would leave
files behind or half replaced). The mutex is created once at start (``main.py``, the frozen
program's entry) and released by Windows when the process ends. Both the session's name and
the ``Global\\`` one are created, as Inno Setup's documentation advises, so an installer in
another session (fast user switching, Remote Desktop) sees it too.

Elsewhere this does nothing. No Qt here: it runs before anything else is imported.
"""

from __future__ import annotations

import sys

# Must stay equal to AppMutex in build/windows/cpe_tracker.iss (tests/test_build_spec.py checks).
MUTEX_NAME = "CPETracker-6F0B7C52-3D1E-4A8B-9C2F-5E4D7A1B8C63"

_handles: list[int] = []  # held open until the process ends


def mutex_names() -> tuple[str, str]:
    """The names created: this session's and the machine-wide ``Global\\`` one."""
    return MUTEX_NAME, f"Global\\{MUTEX_NAME}"


def hold_app_mutex(platform: str | None = None) -> bool:
    """Create the mutexes on Windows (True when at least one exists now); a no-op elsewhere."""
    if (platform or sys.platform) != "win32":
        return False
    if _handles:
        return True
    import ctypes
    from ctypes import wintypes

    # WinDLL exists on Windows only (checked above); mypy reads ctypes as on this platform.
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    create_mutex = kernel32.CreateMutexW
    create_mutex.argtypes = (wintypes.LPVOID, wintypes.BOOL, wintypes.LPCWSTR)
    create_mutex.restype = wintypes.HANDLE
    for name in mutex_names():
        # Not owned (FALSE): only its existence matters. Opening one another process made
        # (a second CPE Tracker) also succeeds; a refusal (another user's Global one) is harmless.
        handle = create_mutex(None, False, name)
        if handle:
            _handles.append(handle)
    return bool(_handles)
