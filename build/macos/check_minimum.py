"""The macOS minimum of the PySide6 the macOS build is pinned to, from the real wheels.

Why: the app's ``LSMinimumSystemVersion`` is the highest minimum any bundled library declares
(``macos_minimum()`` in ``build/cpe_tracker.spec``). PySide6 6.10 and later declare macOS 15.0
for their own libraries, so an app built with them refuses to open on macOS 13 and 14. This
script needs no Mac: it downloads the macOS wheels of the newest PySide6-Essentials and shiboken6
that ``build/macos/constraints.txt`` allows (``pip download --platform macosx_15_0_arm64
--only-binary=:all: --no-deps``), reads every Mach-O file's declared minimum with PyInstaller's
reader, keeps what the spec keeps (its ``keep_entry``) and applies the spec's own
``macos_minimum``. The figure must be the README's floor (exit 1 otherwise).

``--write-record`` stores the per-file figures in ``build/macos/pyside6-wheel-minimums.json``,
from which ``tests/test_build_spec.py`` recomputes the minimum without a download; without it,
the script also says whether that record is still what the wheels declare.

Run by hand (a build-time check, about 140 MB of downloads; never part of the test suite):

    .venv/bin/python build/macos/check_minimum.py [--write-record] [--keep DIR]

It needs PyInstaller (the ``build`` extra) and macholib (PyInstaller's Mach-O library, installed
only on macOS; the script puts it in its temporary folder when it is missing).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RECORD = HERE / "pyside6-wheel-minimums.json"
PLATFORM = "macosx_15_0_arm64"  # pip accepts this system's wheels: *_arm64 and *_universal2
PYTHON = "3.11"
# Mach-O magic numbers: 64-bit, 32-bit, universal ("fat").
MACHO_MAGIC = {b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"}


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spec_functions() -> dict:
    """The spec's definitions above its ``Analysis`` call, as PyInstaller would define them."""
    import ast

    spec_path = ROOT / "build" / "cpe_tracker.spec"
    body = []
    for node in ast.parse(spec_path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "a" for target in node.targets
        ):
            break
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PyInstaller"):
            continue
        body.append(node)
    namespace = {"SPECPATH": str(spec_path.parent), "__name__": "cpe_tracker_spec"}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(spec_path), "exec"), namespace)
    return namespace


def pinned_requirements() -> list[str]:
    lines = (HERE / "constraints.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def pip_download(requirement: str, dest: Path) -> Path:
    before = set(dest.glob("*.whl"))
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    command += ["--only-binary=:all:", "--no-deps", "--platform", PLATFORM]
    command += ["--python-version", PYTHON, "--implementation", "cp", "--dest", str(dest)]
    print(f"$ pip download {requirement!r} (for {PLATFORM}, Python {PYTHON})", flush=True)
    subprocess.run([*command, requirement], check=True)
    (wheel,) = set(dest.glob("*.whl")) - before
    return wheel


def version_reader(tools: Path):
    """PyInstaller's reader of a Mach-O file's declared minimum (``macosx_version_min``)."""
    try:
        import macholib  # noqa: F401
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(tools), "macholib"],
            check=True,
        )
        sys.path.insert(0, str(tools))
    from PyInstaller.utils.osx import macosx_version_min

    return macosx_version_min


def declared_minimums(wheels: list[Path], unpacked: Path, version_min) -> dict[str, str]:
    """{path inside the wheel (as in the bundle): declared minimum} for every Mach-O file."""
    found: dict[str, str] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(unpacked)
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
        for name in names:
            path = unpacked / name
            with path.open("rb") as handle:
                if handle.read(4) not in MACHO_MAGIC:
                    continue
            try:
                declared = version_min(str(path))
            except ValueError:
                continue  # a universal static library (.a): not loaded, declares nothing
            found[name] = ".".join(str(part) for part in declared)
    return found


def minimum_from(record: dict[str, str], spec: dict) -> str:
    """The spec's ``macos_minimum`` of the files the spec keeps, read from ``record``."""
    kept = [(dest, dest, "BINARY") for dest in record if spec["keep_entry"]((dest, dest, "BINARY"))]
    return spec["macos_minimum"](kept, lambda src: tuple(int(p) for p in record[src].split(".")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-record", action="store_true", help=f"write {RECORD.name}")
    parser.add_argument("--keep", type=Path, help="download and unpack here (kept afterwards)")
    args = parser.parse_args(argv)

    build = load("cpe_build_script", ROOT / "build" / "build.py")
    spec = spec_functions()
    floor = build.readme_macos_floor()
    with tempfile.TemporaryDirectory(prefix="cpe-macos-wheels-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        version_min = version_reader(work / "tools")
        wheels = []
        for requirement in pinned_requirements():
            if requirement.lower().startswith("shiboken6") and wheels:
                # The shiboken6 PySide6-Essentials was built with: always the same version.
                requirement = f"shiboken6=={wheels[0].name.split('-')[1]}"
            wheels.append(pip_download(requirement, work / "wheels"))
        record = declared_minimums(wheels, work / "unpacked", version_min)

    figure = minimum_from(record, spec)
    counts: dict[str, int] = {}
    for value in record.values():
        counts[value] = counts.get(value, 0) + 1
    print(f"\nwheels: {', '.join(w.name for w in wheels)}")
    print(f"Mach-O files: {len(record)}; declared minimums: {dict(sorted(counts.items()))}")
    print(f"macos_minimum() of what the spec keeps: {figure}; README's floor: macOS {floor}")

    data = {
        "platform": PLATFORM,
        "python": PYTHON,
        "wheels": [wheel.name for wheel in wheels],
        "minimums": dict(sorted(record.items())),
    }
    if args.write_record:
        RECORD.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RECORD.relative_to(ROOT)}")
    elif not RECORD.is_file() or json.loads(RECORD.read_text(encoding="utf-8")) != data:
        print(f"{RECORD.relative_to(ROOT)} is out of date: run again with --write-record")
        return 1
    if not build.same_macos_version(figure, floor):
        print(f"MISMATCH: the app would declare macOS {figure}, the README promises {floor}")
        return 1
    print("ok: the pinned PySide6 runs on the README's floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
