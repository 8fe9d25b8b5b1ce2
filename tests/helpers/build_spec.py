"""The installer's recipe (``build/cpe_tracker.spec``) read without PyInstaller: shared by the
build tests and the help dialog's test (which checks the bundle keeps the help's files).

The spec is Python run by PyInstaller with names of its own; its definitions (everything above
the ``Analysis`` call) are loaded here, and its calls can be read with ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC = ROOT / "build" / "cpe_tracker.spec"


def spec_tree() -> ast.Module:
    """The spec, parsed."""
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def spec_definitions(monkeypatch, *, postgres: bool = False) -> dict:
    """The spec's constants and helper functions, as PyInstaller would define them."""
    if postgres:
        monkeypatch.setenv("CPE_BUNDLE_POSTGRES", "1")
    else:
        monkeypatch.delenv("CPE_BUNDLE_POSTGRES", raising=False)
    body = []
    for node in spec_tree().body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "a" for target in node.targets
        ):
            break  # a = Analysis(...): PyInstaller's part begins
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PyInstaller"):
            continue
        body.append(node)
    namespace = {"SPECPATH": str(SPEC.parent), "__name__": "cpe_tracker_spec"}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace
