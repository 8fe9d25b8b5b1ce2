"""Benchmark: start-up of the frozen program (the PyInstaller bundle) against running from source.

Why: the installer ships the frozen bundle, so its start-up is what people feel; a bundle that
starts much slower than the source would point at something PyInstaller does (unpacking,
scanning, a missing compiled module) rather than at our code.

How, following ``bench_startup.py``: each run starts a fresh process on a prepared database (one
person without a password, so no dialog waits) and is timed from just before the process was
started to the main window being shown; medians of ``--runs`` interleaved runs after one warm-up
of each case. The frozen program cannot be patched from outside the way ``bench_startup.py``
patches ``MainWindow.showEvent``, so both the frozen and the source program are measured the same
external way: on a private Xvfb display, until the X server maps the main window (the first
top-level, non-override-redirect window to appear), watched through one Xlib connection kept open
for the whole run (polling with ``xdotool`` costs about 0.1 s a poll and competes for the CPU).
Then the process is terminated. A bare PySide6 window (``QApplication`` + ``QMainWindow``
shown: issue 18's baseline) is timed the same way. Also printed, on the same display:
``bench_startup.py``'s in-process measure of the source program (first ``showEvent``), relating
the two methods, and its baseline, a bare ``python -c "import PySide6.QtWidgets"`` process.

Needs Linux, Xvfb and Qt's X11 libraries (the Debian packages listed in ARCHITECTURE.md §6), and a
built bundle: ``python build/build.py --no-installer`` (or ``--bundle DIR``). Not collected by
pytest; see README.md.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

DEFAULT_BUNDLE = ROOT / "dist" / "cpe-tracker"
MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
TIMEOUT_S = 60.0


class _MapEvent(ctypes.Structure):
    # Xlib's XMapEvent
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", ctypes.c_ulong),
        ("window", ctypes.c_ulong),
        ("override_redirect", ctypes.c_int),
    ]


class _Event(ctypes.Union):
    # Xlib's XEvent: 24 longs, of which we read the map event
    _fields_ = [("type", ctypes.c_int), ("xmap", _MapEvent), ("pad", ctypes.c_long * 24)]


class WindowWatcher:
    """One connection to the X server, told about every window mapped on the root window."""

    def __init__(self, display: str) -> None:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x11.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        x11.XPending.argtypes = [ctypes.c_void_p]
        x11.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Event)]
        x11.XConnectionNumber.argtypes = [ctypes.c_void_p]
        x11.XFlush.argtypes = [ctypes.c_void_p]
        x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._x11 = x11
        self._display = x11.XOpenDisplay(display.encode())
        if not self._display:
            raise RuntimeError(f"cannot open X display {display}")
        x11.XSelectInput(
            self._display, x11.XDefaultRootWindow(self._display), SUBSTRUCTURE_NOTIFY_MASK
        )
        x11.XFlush(self._display)
        self._fd = x11.XConnectionNumber(self._display)

    def drain(self) -> None:
        """Forget the events of earlier runs."""
        event = _Event()
        while self._x11.XPending(self._display):
            self._x11.XNextEvent(self._display, ctypes.byref(event))

    def wait_for_top_level_map(self, timeout: float) -> float:
        """``time.time()`` when a normal top-level window was next mapped."""
        deadline = time.monotonic() + timeout
        event = _Event()
        while True:
            while not self._x11.XPending(self._display):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no window was shown within {timeout:g} s")
                select.select([self._fd], [], [], remaining)
            self._x11.XNextEvent(self._display, ctypes.byref(event))
            if event.type == MAP_NOTIFY and not event.xmap.override_redirect:
                return time.time()

    def close(self) -> None:
        self._x11.XCloseDisplay(self._display)


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A private Xvfb server on a free display number (Xvfb picks it: ``-displayfd``)."""
    if shutil.which("Xvfb") is None:
        raise SystemExit(
            "needs Xvfb: apt-get install xvfb (and Qt's X11 libraries, ARCHITECTURE.md §6)"
        )
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise SystemExit("Xvfb did not start")
    return server, f":{number}"


def environment(work: Path, display: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        CPE_DATA_DIR=str(work / "data"),
        XDG_CONFIG_HOME=str(work / "config"),  # window geometry etc.: the same for every run
    )
    env.pop("CPE_DATABASE_URL", None)
    return env


def time_shown(command: list[str], env: dict[str, str], watcher: WindowWatcher) -> float:
    """Seconds from just before starting ``command`` to its main window being mapped."""
    watcher.drain()
    started = time.time()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        shown = watcher.wait_for_top_level_map(TIMEOUT_S)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return shown - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument(
        "--bundle", type=Path, default=DEFAULT_BUNDLE, help="the onedir bundle (dist/cpe-tracker)"
    )
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("this benchmark runs on Linux (it watches an Xvfb display)")
    frozen = args.bundle / "cpe-tracker"
    if not frozen.is_file():
        raise SystemExit(f"no frozen program at {frozen}: run build/build.py --no-installer")

    import bench_startup  # its baseline and in-process measure
    from bench_table_open import build  # the same fast database builder

    work = Path(tempfile.mkdtemp(prefix="cpe-bench-frozen-"))
    empty, full = work / "empty.db", work / f"records-{args.records}.db"
    build(empty, 0, users=1)
    build(full, args.records, users=1)
    server, display = start_xvfb()
    watcher = WindowWatcher(display)
    env = environment(work, display)
    # bench_startup's children inherit this process's environment
    os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(work / "config"))
    source = [sys.executable, str(ROOT / "main.py")]

    def shown(program: list[str], db: Path) -> Callable[[], float]:
        return lambda: time_shown([*program, "--db", str(db)], env, watcher)

    records = f"{args.records:,} records"
    # The bare PySide6 window (QApplication + QMainWindow shown) issue 18 compares with, timed
    # the same way: until the X server maps it.
    bare = [sys.executable, "-c", bench_startup.BARE_WINDOW, "0"]
    cases: dict[str, Callable[[], float]] = {
        "python + import PySide6.QtWidgets": lambda: bench_startup.time_baseline(work)[0],
        "bare PySide6 window": lambda: time_shown(bare, env, watcher),
        "source, in-process showEvent, empty": lambda: bench_startup.time_window(empty, work)[0],
        "source, empty database": shown(source, empty),
        "frozen, empty database": shown([str(frozen)], empty),
        f"source, {records}": shown(source, full),
        f"frozen, {records}": shown([str(frozen)], full),
    }
    try:
        for case in cases.values():  # warm the disk cache, .pyc files and font caches
            case()
        results: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, case in cases.items():
                results[name].append(case())
    finally:
        watcher.close()
        server.terminate()
        server.wait()
    print(f"Process start to main window shown (Xvfb, xcb), median of {args.runs} runs\n")
    print(f"{'':40s}{'median':>10s}{'min':>10s}{'max':>10s}{'vs source':>11s}")
    for name, values in results.items():
        median = statistics.median(values)
        kind, _, rest = name.partition(", ")
        partner = f"source, {rest}" if kind == "frozen" else None
        ratio = (
            f"{median / statistics.median(results[partner]):10.2f}x"
            if partner in results
            else f"{'':11s}"
        )
        print(
            f"{name:40s}{median * 1000:8.0f}ms{min(values) * 1000:8.0f}ms"
            f"{max(values) * 1000:8.0f}ms{ratio}"
        )


if __name__ == "__main__":
    main()
