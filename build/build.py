"""Build CPE Tracker's double-click installer for this platform, and check that it works.

Why this script exists: one command makes the same thing on a maintainer's machine and in CI.

1. A clean virtual environment under ``build/_work/venv`` with only the program's run-time
   dependencies (from ``pyproject.toml``) and PyInstaller, so nothing from a development
   environment (pytest, psycopg, ...) can slip into the bundle. On macOS PySide6 is held to
   ``build/macos/constraints.txt`` (newer releases need a newer macOS than the README
   promises). It is reused while the dependency list and Python version are unchanged
   (``--fresh-venv`` rebuilds it);
   ``--skip-venv`` uses the running interpreter instead, for quick iterations or a CI job that
   already has one (it must have the ``build`` extra: ``pip install -e '.[build]'``).
2. PyInstaller with ``build/cpe_tracker.spec``, ``--workpath build/_work --distpath dist``
   (its defaults, ``./build`` and ``./dist``, would write into this folder). On macOS a failure
   to sign the app fails the build (``PYINSTALLER_STRICT_BUNDLE_CODESIGN_ERROR=1``; PyInstaller
   only warns otherwise), and the app's ``LSMinimumSystemVersion`` must be the README's macOS
   floor. With ``CPE_SIGN_PFX`` (and ``CPE_SIGN_PASSWORD``) set, Windows executables and the
   setup file are signed with signtool.
3. A smoke test of the frozen program: ``--version`` and ``--self-test`` (which opens the main
   window offscreen, creates a database in a temporary folder, fires a scheduler job, writes a
   PDF, ...); any failure fails the build; on Windows also the console executable
   ``cpe-tracker-cli.exe``'s ``--version``. Then the bundle's size and number of files.
4. The installer: on Windows ``dist/CPE-Tracker-<version>-setup.exe`` with Inno Setup
   (``build/windows/cpe_tracker.iss``; ISCC on PATH or in its default folder), on macOS
   ``dist/CPE-Tracker-<version>-macos.dmg`` (``build/macos/make_dmg.sh``). Linux gets the onedir
   bundle only. ``--no-installer`` stops after the smoke test.

Run from anywhere: ``python build/build.py [--skip-venv] [--fresh-venv] [--no-installer]``.
``CPE_BUNDLE_POSTGRES=1`` adds the PostgreSQL driver to the environment and the bundle.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import plistlib
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
WORK = BUILD / "_work"
DIST = ROOT / "dist"
VENV = WORK / "venv"
SPEC = BUILD / "cpe_tracker.spec"
ISS = BUILD / "windows" / "cpe_tracker.iss"
MAKE_DMG = BUILD / "macos" / "make_dmg.sh"
MACOS_CONSTRAINTS = BUILD / "macos" / "constraints.txt"
README = ROOT / "README.md"
EXE_NAME = "cpe-tracker"  # the spec's EXE name
CLI_EXE_NAME = "cpe-tracker-cli"  # the spec's console executable, Windows only
APP_NAME = "CPE Tracker"  # the spec's macOS bundle name, without ".app"
SMOKE_TIMEOUT_S = 300
IS_WINDOWS = sys.platform == "win32"
IS_MACOS = sys.platform == "darwin"


class BuildFailed(Exception):
    """A step failed; the message says which and why."""


def read_version() -> str:
    """``cpe_desktop.__version__`` without importing the package (no Qt needed here)."""
    tree = ast.parse((ROOT / "cpe_desktop" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets
        ):
            return str(ast.literal_eval(node.value))
    raise BuildFailed("cpe_desktop/__init__.py defines no __version__")


def numeric_version(version: str) -> str:
    """``version`` as Windows' four numbers (``0.1.0`` -> ``0.1.0.0``, ``1.2rc1`` -> ``1.2.0.0``),
    for the setup file's version information (Inno Setup's ``VersionInfoVersion``)."""
    numbers = []
    for part in version.split(".")[:4]:
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        numbers.append(str(int(digits.group())))
        if digits.group() != part:
            break  # 2rc1: the rest is a pre-release marker
    if not numbers:
        raise BuildFailed(f"version {version!r} does not start with a number")
    return ".".join(numbers + ["0"] * (4 - len(numbers)))


def readme_macos_floor() -> str:
    """The oldest macOS the README promises ("... for macOS 12 (Monterey) or newer")."""
    found = re.search(
        r"for macOS (\d+(?:\.\d+)?)(?: \([A-Za-z ]+\))? or newer", README.read_text("utf-8")
    )
    if found is None:
        raise BuildFailed("README.md names no macOS floor ('for macOS N or newer')")
    return found.group(1)


def same_macos_version(a: str, b: str) -> bool:
    """``12`` and ``12.0`` and ``12.0.0`` are one version."""

    def parts(text: str) -> tuple[int, ...]:
        numbers = [int(p) for p in text.split(".")]
        return tuple(numbers + [0] * (3 - len(numbers)))

    return parts(a) == parts(b)


def check_macos_minimum(app: Path) -> str:
    """The app's ``LSMinimumSystemVersion`` (the spec's ``macos_minimum()`` of the bundled
    libraries) must be the README's floor: higher, and Finder refuses the app on systems the
    README promises; lower, and the README undersells it (or the pin in
    ``build/macos/constraints.txt`` was bypassed, as with --skip-venv)."""
    info = plistlib.loads((app / "Contents" / "Info.plist").read_bytes())
    declared = str(info.get("LSMinimumSystemVersion", ""))
    floor = readme_macos_floor()
    if not declared or not same_macos_version(declared, floor):
        raise BuildFailed(
            f"the app declares LSMinimumSystemVersion {declared or '(none)'} but the README "
            f"promises macOS {floor} or newer: keep PySide6 within {MACOS_CONSTRAINTS.name} "
            "(build/macos/check_minimum.py computes the figure from the wheels) or change the "
            "README's floor"
        )
    return declared


def requirements(with_postgres: bool) -> list[str]:
    """Run-time dependencies plus the ``build`` extra (PyInstaller), as pyproject.toml has them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"]) + list(project["optional-dependencies"]["build"])
    if with_postgres:
        wanted += project["optional-dependencies"]["postgres"]
    return wanted


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(command: Sequence[str | Path], **kwargs) -> subprocess.CompletedProcess:
    shown = " ".join(f'"{part}"' if " " in str(part) else str(part) for part in command)
    print(f"$ {shown}", flush=True)
    return subprocess.run([str(part) for part in command], check=True, **kwargs)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if IS_WINDOWS else "bin/python")


def ensure_venv(fresh: bool, with_postgres: bool) -> Path:
    """The build environment's interpreter, (re)creating the environment when needed."""
    wanted = requirements(with_postgres)
    constraints = ["-c", str(MACOS_CONSTRAINTS)] if IS_MACOS else []
    stamp_data = {
        "python": sys.version,
        "requirements": wanted,
        "constraints": MACOS_CONSTRAINTS.read_text(encoding="utf-8") if IS_MACOS else "",
    }
    stamp = VENV / "cpe-build-stamp.json"
    python = venv_python(VENV)
    if (
        not fresh
        and python.exists()
        and stamp.exists()
        and json.loads(stamp.read_text(encoding="utf-8")) == stamp_data
    ):
        print(f"reusing {VENV.relative_to(ROOT)} (same Python and requirements)")
        return python
    if VENV.exists():
        shutil.rmtree(VENV)
    run([sys.executable, "-m", "venv", VENV])
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *constraints,
            *wanted,
        ]
    )
    stamp.write_text(json.dumps(stamp_data, indent=2), encoding="utf-8")
    return python


def build_bundle(python: Path) -> None:
    check = subprocess.run(
        [str(python), "-c", "import PyInstaller"], capture_output=True, text=True, check=False
    )
    if check.returncode != 0:
        raise BuildFailed(
            f"{python} has no PyInstaller: install the build extra (pip install -e '.[build]') "
            "or leave out --skip-venv"
        )
    run(
        [
            python,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--workpath",
            WORK,
            "--distpath",
            DIST,
            SPEC,
        ],
        cwd=ROOT,
        # macOS: an app whose signing failed must not ship (PyInstaller only warns otherwise).
        env=dict(os.environ, PYINSTALLER_STRICT_BUNDLE_CODESIGN_ERROR="1"),
    )


def bundle_paths() -> tuple[Path, Path]:
    """(what is shipped, the executable to run): the .app on macOS, else the onedir folder."""
    if IS_MACOS:
        app = DIST / f"{APP_NAME}.app"
        return app, app / "Contents" / "MacOS" / EXE_NAME
    folder = DIST / EXE_NAME
    return folder, folder / (f"{EXE_NAME}.exe" if IS_WINDOWS else EXE_NAME)


def cli_executable() -> Path | None:
    """Windows' console executable for the command line (elsewhere the one executable serves)."""
    return DIST / EXE_NAME / f"{CLI_EXE_NAME}.exe" if IS_WINDOWS else None


def size_and_count(folder: Path) -> tuple[int, int]:
    """Bytes and number of regular files under ``folder`` (links not followed or counted)."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def smoke_platform(offscreen: bool) -> str:
    """The Qt platform plugin for the self-test: the one people's desktops use (so the shipped
    plugin and its libraries are loaded for real; a window flashes up for a moment), or
    ``offscreen`` when asked to or when a Linux machine has no display."""
    if offscreen:
        return "offscreen"
    if IS_WINDOWS:
        return "windows"
    if IS_MACOS:
        return "cocoa"
    if os.environ.get("DISPLAY"):
        return "xcb"
    return "offscreen"


def smoke_test(
    executable: Path,
    version: str,
    platform: str,
    arguments: Sequence[str] = ("--version", "--self-test"),
) -> None:
    """``--version`` and ``--self-test`` of the frozen program; their exit codes decide.

    A windowed Windows executable writes to stdout only when it is redirected, as here.
    """
    if not executable.is_file():
        raise BuildFailed(f"PyInstaller made no executable at {executable}")
    env = dict(os.environ, QT_QPA_PLATFORM=platform)
    env.pop("CPE_DATABASE_URL", None)
    for argument in arguments:
        started = time.monotonic()
        result = subprocess.run(
            [str(executable), argument],
            capture_output=True,
            text=True,
            env=env,
            timeout=SMOKE_TIMEOUT_S,
            check=False,
        )
        seconds = time.monotonic() - started
        output = (result.stdout + result.stderr).strip()
        print(f"$ {executable.name} {argument}  (exit {result.returncode}, {seconds:.1f} s)")
        print(output or "(no output)")
        if result.returncode != 0:
            raise BuildFailed(f"{executable.name} {argument} failed (exit {result.returncode})")
        if argument == "--version" and output and f"CPE Tracker {version}" not in output:
            raise BuildFailed(f"--version printed {output!r}, expected CPE Tracker {version}")


def find_iscc() -> Path:
    found = shutil.which("iscc")
    if found:
        return Path(found)
    # (Windows environment variables ignore case: PROGRAMFILES is %ProgramFiles%.)
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        for folder in ("Inno Setup 6", "Inno Setup 7"):
            candidate = Path(base or "C:/Program Files (x86)") / folder / "ISCC.exe"
            if candidate.is_file():
                return candidate
    raise BuildFailed(
        "Inno Setup's compiler (ISCC.exe) was not found; install Inno Setup 6 "
        "(https://jrsoftware.org/isinfo.php, or: choco install innosetup) or use --no-installer"
    )


def find_signtool() -> Path:
    found = shutil.which("signtool")
    if found:
        return Path(found)
    kits = Path(os.environ.get("PROGRAMFILES(X86)") or "C:/Program Files (x86)") / "Windows Kits"
    candidates = sorted(kits.glob("10/bin/10.*/x64/signtool.exe"))
    if not candidates:
        raise BuildFailed("CPE_SIGN_PFX is set but signtool.exe was not found (Windows SDK)")
    return candidates[-1]  # the newest SDK's


def unsigned_code(folder: Path, signtool: Path) -> list[Path]:
    """The bundle's executables and libraries (.exe, .dll, .pyd) that carry no valid signature.

    All of them, not only the two executables: Smart App Control also checks every library a
    program loads, and blocks an unsigned one ("blocked part of this app"). Libraries already
    signed by their publisher (Python's, Qt's) keep their signature."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in {".exe", ".dll", ".pyd"} and path.is_file():
            check = subprocess.run(
                [str(signtool), "verify", "/pa", "/q", str(path)], capture_output=True, check=False
            )
            if check.returncode != 0:
                found.append(path)
    return found


def sign_windows(files: Sequence[Path] | Path) -> bool:
    """Sign ``files`` (or a folder's unsigned code) with the certificate in ``CPE_SIGN_PFX`` (a
    .pfx file; its password in ``CPE_SIGN_PASSWORD``), time-stamped, then verify them. Without
    ``CPE_SIGN_PFX`` nothing is signed (False). The password never appears in the log."""
    pfx = os.environ.get("CPE_SIGN_PFX", "")
    if not pfx:
        return False
    signtool = find_signtool()
    if isinstance(files, Path):
        files = unsigned_code(files, signtool)
        print(f"{len(files)} unsigned executables and libraries to sign")
        if not files:
            return True
    timestamp = os.environ.get("CPE_SIGN_TIMESTAMP_URL", "http://timestamp.digicert.com")
    command = [str(signtool), "sign", "/fd", "SHA256", "/td", "SHA256", "/tr", timestamp]
    command += ["/f", pfx]
    password = os.environ.get("CPE_SIGN_PASSWORD", "")
    secret = ["/p", password] if password else []
    for start in range(0, len(files), 50):  # a few commands, not one past Windows' line limit
        batch = [str(path) for path in files[start : start + 50]]
        print("$ " + " ".join([*command, *(["/p", "***"] if password else []), *batch]), flush=True)
        subprocess.run([*command, *secret, *batch], check=True)
        run([signtool, "verify", "/pa", "/q", *batch])
    return True


def inno_sign_tool(password_shown: str | None = None) -> str | None:
    """Inno Setup's ``/S`` sign tool (``cpesign=<command>``) when ``CPE_SIGN_PFX`` is set: ISCC
    then signs the setup file and the uninstaller it writes (``SignedUninstaller``), which no
    later step could. ``$f`` is the file, ``$q`` a quote. ``password_shown`` replaces the
    password, for the log."""
    pfx = os.environ.get("CPE_SIGN_PFX", "")
    if not pfx:
        return None
    timestamp = os.environ.get("CPE_SIGN_TIMESTAMP_URL", "http://timestamp.digicert.com")
    password = os.environ.get("CPE_SIGN_PASSWORD", "")
    if password_shown is not None and password:
        password = password_shown
    command = f"$q{find_signtool()}$q sign /fd SHA256 /td SHA256 /tr {timestamp} /f $q{pfx}$q"
    if password:
        command += f" /p {password}"
    return f"cpesign={command} $f"


def windows_installer(bundle: Path, version: str) -> Path:
    name = f"CPE-Tracker-{version}-setup"
    command = [
        find_iscc(),
        "/Qp",
        f"/DAppVersion={version}",
        f"/DNumericVersion={numeric_version(version)}",
        f"/DBundleDir={bundle}",
        f"/DRepoRoot={ROOT}",
        f"/O{DIST}",
        f"/F{name}",
    ]
    sign_tool = inno_sign_tool()
    if sign_tool is None:
        run([*command, ISS])
    else:
        shown = [*command, "/DSign", f"/S{inno_sign_tool('***')}", ISS]
        print("$ " + " ".join(str(part) for part in shown), flush=True)
        subprocess.run(
            [str(part) for part in [*command, "/DSign", f"/S{sign_tool}", ISS]], check=True
        )
    setup = DIST / f"{name}.exe"
    if sign_tool is not None:
        run([find_signtool(), "verify", "/pa", setup])
    return setup


def macos_dmg(app: Path, version: str) -> Path:
    target = DIST / f"CPE-Tracker-{version}-macos.dmg"
    run(["bash", MAKE_DMG, app, target, APP_NAME])
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-venv",
        action="store_true",
        help="build with the running interpreter instead of build/_work/venv",
    )
    parser.add_argument(
        "--fresh-venv", action="store_true", help="recreate build/_work/venv even if up to date"
    )
    parser.add_argument(
        "--no-installer", action="store_true", help="stop after the bundle's smoke test"
    )
    parser.add_argument(
        "--offscreen",
        action="store_true",
        help="self-test with Qt's offscreen platform instead of the desktop's (no window)",
    )
    args = parser.parse_args(argv)
    version = read_version()
    with_postgres = os.environ.get("CPE_BUNDLE_POSTGRES", "") == "1"
    started = time.monotonic()
    try:
        step(f"CPE Tracker {version}: build environment")
        python = (
            Path(sys.executable) if args.skip_venv else ensure_venv(args.fresh_venv, with_postgres)
        )
        print(f"interpreter: {python}")
        step("PyInstaller")
        build_bundle(python)
        shipped, executable = bundle_paths()
        if IS_MACOS:
            step("macOS minimum")
            print(f"LSMinimumSystemVersion {check_macos_minimum(shipped)}, as the README says")
        cli = cli_executable()
        if IS_WINDOWS and sign_windows(shipped):
            step("signed the bundle's executables and libraries")
        platform = smoke_platform(args.offscreen)
        step(f"smoke test of the frozen program (Qt platform {platform})")
        smoke_test(executable, version, platform)
        if cli is not None:
            smoke_test(cli, version, platform, arguments=("--version",))
        size, files = size_and_count(shipped)
        step("bundle")
        print(f"{shipped.relative_to(ROOT)}: {size / 1_000_000:.1f} MB in {files} files")
        installer = None
        if not args.no_installer:
            if IS_WINDOWS:
                step("Inno Setup installer")
                installer = windows_installer(shipped, version)
            elif IS_MACOS:
                step("disk image")
                installer = macos_dmg(shipped, version)
            else:
                print("\n(no installer on this platform: the onedir bundle is the product)")
        if installer is not None:
            if not installer.is_file():
                raise BuildFailed(f"no installer was written at {installer}")
            mb = installer.stat().st_size / 1_000_000
            print(f"installer: {installer.relative_to(ROOT)} ({mb:.1f} MB)")
    except (BuildFailed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"\nbuild failed: {exc}", file=sys.stderr)
        return 1
    print(f"\ndone in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
