"""The layers stay where ARCHITECTURE.md puts them.

The Qt-free core stays Qt-free: rules/, db/ and services/ never import PySide6. The upper layer
works through services: ui/ and scheduler/ never import cpe_desktop.db. The engine stays pure:
rules/ imports only cpe_desktop.rules and the standard library.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cpe_desktop"
CORE = ("rules", "db", "services")
UPPER = ("ui", "scheduler")  # work through services/, never through db/
QT = ("PySide6", "shiboken6")


def _imported_modules(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every module ``path`` imports, anywhere in it (in functions, under TYPE_CHECKING too),
    by its absolute name: relative imports are resolved, and ``from a import b`` names both
    ``a`` and ``a.b`` (``b`` may be a module)."""
    package = path.relative_to(root.parent).parts[:-1]  # a module's package; __init__'s own
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _sources(layer: str) -> list[Path]:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no source files found under {layer}/"
    return files


def _within(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


@pytest.mark.parametrize("layer", CORE)
def test_core_layer_source_has_no_qt_import(layer):
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] in QT
        )
        for path in _sources(layer)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("layer", UPPER)
def test_upper_layer_source_never_imports_db(layer):
    """ui/ and scheduler/ call services; a query or a transaction of theirs belongs there."""
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _imported_modules(path) if _within(name, "cpe_desktop.db")
        )
        for path in _sources(layer)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_rules_import_only_rules_and_the_standard_library():
    """The engine is given plain data and "today": no database, no services, no Qt, no
    third-party package, nothing else of the program."""
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name
            for name in _imported_modules(path)
            if not _within(name, "cpe_desktop.rules")
            and name.split(".")[0] not in sys.stdlib_module_names
        )
        for path in _sources("rules")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_scan_sees_relative_and_nested_imports(tmp_path):
    """The checks above are only as good as the scan: a relative import, one inside a
    function and ``from package import module`` are all reported by their absolute names."""
    fake = tmp_path / "cpe_desktop"
    (fake / "ui" / "forms").mkdir(parents=True)
    source = fake / "ui" / "forms" / "thing.py"
    source.write_text(
        "from ...db import models\n"
        "from .. import session\n"
        "def later():\n"
        "    import cpe_desktop.db.errors\n"
        "    from cpe_desktop import db\n",
        encoding="utf-8",
    )
    found = _imported_modules(source, root=fake)
    assert {
        "cpe_desktop.db",
        "cpe_desktop.db.models",
        "cpe_desktop.ui",
        "cpe_desktop.ui.session",
        "cpe_desktop.db.errors",
    } <= found


def test_importing_every_core_module_loads_no_qt():
    modules = [
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for layer in CORE
        for path in sorted((PACKAGE / layer).rglob("*.py"))
    ] + ["cpe_desktop.cli", "cpe_desktop.startup"]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
