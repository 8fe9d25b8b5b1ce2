"""The installer's recipe, checked without building it (a build takes minutes; ``build/build.py``
and CI do that and run the frozen self-test).

- ``build/cpe_tracker.spec``: windowed onedir bundle (the Windows console executable, the macOS
  minimum and signing: ``tests/test_build_release.py``); leaves out the Qt modules, plugins and
  libraries the program never uses, but none it imports; keeps APScheduler's and keyring's
  package metadata; puts ``resources/`` where :func:`cpe_desktop.paths.resources_dir` looks
  when frozen; leaves out psycopg unless asked for.
- ``build/windows/cpe_tracker.iss``: per-user install without administrator rights that never
  deletes the data folder.
- ``build/build.py``: PyInstaller's work and output folders, the clean environment's contents.
- ``.gitignore``: build output stays out of git.

The spec is Python run by PyInstaller with names of its own; its definitions (everything above
the ``Analysis`` call) are loaded here without PyInstaller, and the calls are read with ``ast``.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from cpe_desktop import __version__, paths
from tests.helpers.build_spec import spec_definitions, spec_tree

ROOT = Path(__file__).resolve().parent.parent
ISS = ROOT / "build" / "windows" / "cpe_tracker.iss"
PACKAGE = ROOT / "cpe_desktop"

UNUSED_QT = (
    "QtWebEngineCore",
    "QtWebEngineWidgets",
    "QtWebEngineQuick",
    "QtQuick",
    "QtQuickWidgets",
    "QtQml",
    "QtPdf",
    "QtMultimedia",
    "QtVirtualKeyboard",
    "Qt3DCore",
    "QtCharts",
    "QtDataVisualization",
    "QtDesigner",
)


def _calls(name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(spec_tree())
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]


def _keyword(call: ast.Call, name: str) -> ast.expr:
    return next(k.value for k in call.keywords if k.arg == name)


def _qt_modules_the_program_imports() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found.update(n for n in names if n.startswith("PySide6.") and n.count(".") == 1)
    return found


def test_spec_excludes_unused_qt_modules_tkinter_and_test_tools(monkeypatch):
    spec = spec_definitions(monkeypatch)
    excluded = set(spec["QT_EXCLUDES"]) | set(spec["OTHER_EXCLUDES"])

    assert {f"PySide6.{name}" for name in UNUSED_QT} <= excluded
    assert {"tkinter", "pytest", "hypothesis", "pytestqt"} <= excluded


def test_spec_excludes_no_qt_module_the_program_imports(monkeypatch):
    imported = _qt_modules_the_program_imports()
    assert {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"} <= imported

    assert imported & set(spec_definitions(monkeypatch)["QT_EXCLUDES"]) == set()


def test_psycopg_only_when_asked_for(monkeypatch):
    assert "psycopg" in spec_definitions(monkeypatch)["OTHER_EXCLUDES"]
    assert "psycopg" not in spec_definitions(monkeypatch, postgres=True)["OTHER_EXCLUDES"]


def test_spec_keeps_the_package_metadata_read_at_run_time():
    copied = {
        call.args[0].value
        for call in _calls("copy_metadata")
        if call.args and isinstance(call.args[0], ast.Constant)
    }
    # APScheduler finds its triggers and executors, keyring its backends, as entry points.
    assert {"apscheduler", "keyring"} <= copied


def test_resources_go_where_the_frozen_program_looks(monkeypatch, tmp_path):
    (analysis,) = _calls("Analysis")
    datas = _keyword(analysis, "datas")
    destinations = [
        element.elts[1].value
        for element in datas.elts
        if isinstance(element, ast.Tuple) and isinstance(element.elts[1], ast.Constant)
    ]
    assert destinations == ["resources"]

    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"


def test_windowed_onedir_bundle_and_macos_app(monkeypatch):
    spec = spec_definitions(monkeypatch)
    (exe,) = _calls("EXE")  # in executable(): the windowed one, and on Windows a console one
    assert ast.literal_eval(_keyword(exe, "exclude_binaries")) is True  # onedir: COLLECT
    windowed = next(
        call for call in _calls("executable") if call.args[0].id == "EXE_NAME"
    )  # tests/test_build_release.py runs the spec per platform
    assert ast.literal_eval(_keyword(windowed, "console")) is False
    assert len(_calls("COLLECT")) == 1
    (bundle,) = _calls("BUNDLE")
    assert isinstance(_keyword(bundle, "bundle_identifier"), ast.Name)
    assert re.fullmatch(r"[a-z]+(\.[a-z][a-z0-9-]*)+", spec["BUNDLE_ID"])
    assert spec["VERSION"] == __version__
    assert (ROOT / "resources" / "icons" / "app.ico").is_file()
    assert (ROOT / "resources" / "icons" / "app.icns").is_file()


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/lib/libQt6Core.so.6",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6/Qt6Gui.dll",
        "PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/Qt/plugins/imageformats/libqico.so",
        "PySide6/plugins/tls/qschannelbackend.dll",
        "PySide6/QtWidgets.pyd",
        "resources/icons/app-256.png",
        "resources/requirements/requirements.json",
    ],
)
def test_qt_pruning_keeps_what_the_program_needs(monkeypatch, dest):
    assert spec_definitions(monkeypatch)["keep_entry"]((dest, "/src", "BINARY"))


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "PySide6/plugins/platforminputcontexts/qtvirtualkeyboardplugin.dll",
        "PySide6/Qt/plugins/imageformats/libqpdf.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "PySide6/Qt/lib/libQt6Quick.so.6",
        "PySide6/Qt/lib/libQt6QmlModels.so.6",
        "PySide6/Qt6VirtualKeyboard.dll",
        "PySide6/Qt/lib/QtQml.framework/Versions/A/QtQml",
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/translations/qtbase_fr.qm",
        "PySide6/opengl32sw.dll",
    ],
)
def test_qt_pruning_drops_what_it_never_uses(monkeypatch, dest):
    assert not spec_definitions(monkeypatch)["keep_entry"]((dest, "/src", "BINARY"))


def _iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
        elif current:
            sections[current].append(line)
    return sections


def test_windows_installer_is_per_user_without_admin_rights():
    setup = _iss_sections()["Setup"]
    assert "PrivilegesRequired=lowest" in setup
    assert "DefaultDirName={autopf}\\{#AppName}" in setup  # %LOCALAPPDATA%\Programs per user
    assert "AppVersion={#AppVersion}" in setup  # passed in by build.py
    assert any(line.startswith('Name: "{autoprograms}\\') for line in _iss_sections()["Icons"])


def test_windows_installer_never_deletes_the_data_folder():
    sections = _iss_sections()
    deleting = sections.get("UninstallDelete", []) + sections.get("InstallDelete", [])
    for line in deleting:
        name = re.search(r'Name:\s*"([^"]+)"', line).group(1)
        assert name.startswith("{app}\\"), line
    # nothing in the script points at the per-user data folder
    text = ISS.read_text(encoding="utf-8").lower()
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith(";"))
    assert "appdata}" not in code and "%appdata%" not in code


def _build_script():
    spec = importlib.util.spec_from_file_location("cpe_build_script", ROOT / "build" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_keeps_pyinstaller_out_of_our_build_folder():
    build = _build_script()
    assert build.WORK == ROOT / "build" / "_work"
    assert build.DIST == ROOT / "dist"
    assert build.VENV.is_relative_to(build.WORK)
    assert build.read_version() == __version__


def test_clean_build_environment_has_only_runtime_dependencies_and_pyinstaller():
    build = _build_script()
    names = {
        re.split(r"[<>=!~\[ ;]", req, maxsplit=1)[0].lower() for req in build.requirements(False)
    }
    assert {"pyside6-essentials", "peewee", "apscheduler", "pyinstaller"} <= names
    assert names.isdisjoint({"pytest", "pytest-qt", "hypothesis", "ruff", "psycopg", "aiosmtpd"})
    with_postgres = {r.split("[")[0].lower() for r in build.requirements(True)}
    assert "psycopg" in with_postgres


def test_build_output_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "dist/" in ignored
    assert "build/_work/" in ignored


def test_ci_runs_the_readme_test_command_word_for_word():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert readme[:2] == ["# CPE Tracker", ""]
    test_command = readme[4]
    assert test_command.startswith("python3 -m venv .venv && ") and test_command.endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    workflow = (ROOT / ".github" / "workflows" / "build.yml").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
    assert f"run: {test_command}" in [line.strip() for line in workflow.splitlines()]
    # and both build the bundle and run its self-test afterwards
    assert ci.index(test_command) < ci.index("build/build.py")
    assert workflow.count("build/build.py") >= 3  # Linux bundle, Windows, macOS
