"""The installer's recipe, checked without building it (a build takes minutes; ``build/build.py``
and CI do that and run the frozen self-test).

- ``build/cpe_tracker.spec``: windowed onedir bundle (the Windows console executable, the macOS
  minimum and signing: ``tests/test_build_release.py``); leaves out the Qt modules, plugins and
  libraries the program never uses, but none it imports; keeps APScheduler's and keyring's
  package metadata; puts ``resources/`` where :func:`cpe_desktop.paths.resources_dir` looks
  when frozen; leaves out psycopg unless asked for.
- Size (issue 18): Qt's TLS plugins only while the program has no TLS through Qt; Linux's ICU
  data (``build/icu_data.py``) without what QtCore's ICU calls cannot read, judged against
  those calls and compared with the full data; bytecode without docstrings and asserts on
  Linux only while the program reads no docstring and catches no AssertionError.
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
import os
import re
import shutil
import subprocess
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
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
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
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6/Qt/plugins/platforms/libqminimal.so",
        "PySide6/Qt/plugins/imageformats/libqgif.so",
        "PySide6/Qt/plugins/wayland-shell-integration/libivi-shell.so",
        "PySide6/plugins/tls/qschannelbackend.dll",
        "PySide6/Qt/plugins/tls/libqsecuretransportbackend.dylib",
    ],
)
def test_qt_pruning_drops_what_it_never_uses(monkeypatch, dest):
    assert not spec_definitions(monkeypatch)["keep_entry"]((dest, "/src", "BINARY"))


def _program_sources() -> list[tuple[Path, str]]:
    files = [*sorted(PACKAGE.rglob("*.py")), ROOT / "main.py"]
    return [(path, path.read_text(encoding="utf-8")) for path in files]


def test_qt_tls_plugins_are_left_out_while_the_program_has_no_tls_through_qt():
    """Mail goes over Python's ssl; the program's one use of QtNetwork is one instance per user
    (QLocalServer/QLocalSocket). QSslSocket or HTTPS through Qt would need the ``tls`` plugins
    back in the spec's ``QT_PLUGINS_KEEP``."""
    used = set()
    for _path, text in _program_sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module == "PySide6.QtNetwork":
                used.update(alias.name for alias in node.names)
    assert used == {"QLocalServer", "QLocalSocket"}


def test_program_never_asks_qt_for_a_legacy_encoding():
    """The bundle's ICU data has no converters (build/icu_data.py): Qt decodes UTF-8/16/32 and
    Latin-1 itself, and reaches ICU's tables only through these. The program decodes with
    Python's codecs, and its text browsers never load a link themselves."""
    for path, text in _program_sources():
        for name in ("QStringDecoder", "QStringEncoder", "QStringConverter", "QXmlStreamReader"):
            assert name not in text, f"{path.name} uses {name}: keep ICU's converters"
        assert "setSource(" not in text, f"{path.name}: QTextBrowser.setSource decodes HTML"
        if "QTextBrowser()" in text:
            assert text.count("QTextBrowser()") == text.count("setOpenLinks(False)"), path.name


def test_bytecode_without_docstrings_only_on_linux_and_only_while_nothing_reads_them(
    monkeypatch,
):
    assert spec_definitions(monkeypatch)["OPTIMIZE"] == (2 if sys.platform == "linux" else 0)
    for platform, level in (("linux", 2), ("win32", 0), ("darwin", 0)):
        monkeypatch.setattr(sys, "platform", platform)
        assert spec_definitions(monkeypatch)["OPTIMIZE"] == level
    monkeypatch.undo()
    (analysis,) = _calls("Analysis")
    assert ast.unparse(_keyword(analysis, "optimize")) == "OPTIMIZE"
    # -OO: docstrings are None and assert statements are gone in the bundle.
    for path, text in _program_sources():
        tree = ast.parse(text)
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Attribute) and node.attr == "__doc__"), path.name
            assert not (isinstance(node, ast.Name) and node.id == "__doc__"), path.name
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = ast.unparse(node.type)
                assert "AssertionError" not in caught, f"{path.name}: an assert decides something"
        assert "getdoc(" not in text and "pydoc" not in text, path.name


# --- Linux: QtCore's ICU data without what it cannot reach (build/icu_data.py) ------------------

QT_LIB = (
    Path(importlib.util.find_spec("PySide6").submodule_search_locations[0]) / "Qt" / "lib"
    if importlib.util.find_spec("PySide6")
    else Path("/nonexistent")
)
ICU_DATA = next(iter(sorted(QT_LIB.glob("libicudata.so.*"))), None)
needs_wheel_icu = pytest.mark.skipif(ICU_DATA is None, reason="PySide6 without ICU (not Linux)")


def _icu_data(monkeypatch):
    return spec_definitions(monkeypatch)["icu_data"]


@needs_wheel_icu
def test_icu_data_pruning_was_judged_against_every_icu_call_qt_makes(monkeypatch):
    icu_data = _icu_data(monkeypatch)
    qt = QT_LIB.parent
    libraries = [
        path
        for path in [*qt.rglob("*.so*"), *qt.parent.glob("*.so*")]
        if path.is_file() and not path.is_symlink() and not path.name.startswith("libicu")
    ]
    callers = {path.name: icu_data.icu_calls(path) for path in libraries}
    callers = {name: calls for name, calls in callers.items() if calls}
    assert set(callers) == {"libQt6Core.so.6"}  # no other Qt library or plugin calls ICU
    assert callers["libQt6Core.so.6"] <= icu_data.QT_ICU_CALLS


def test_icu_data_drops_no_tree_or_file_qt_reads(monkeypatch):
    icu_data = _icu_data(monkeypatch)
    for name in icu_data.REQUIRED:
        assert icu_data.drop_reason(name) is None, name
    for name in ("brkitr/cjdict.dict", "translit/root.res", "unit/en.res", "curr/en.res"):
        assert icu_data.drop_reason(name), name
    assert icu_data.drop_reason("ibm-943_P15A-2003.cnv")  # converters: see the test above
    assert icu_data.drop_reason("coll/sv.res") is None
    assert icu_data.drop_reason("zone/de.res") is None
    assert icu_data.drop_reason("sv.res") is None


@needs_wheel_icu
def test_pruned_icu_package_keeps_every_other_item_byte_for_byte(monkeypatch):
    icu_data = _icu_data(monkeypatch)
    symbol, blob = icu_data.data_symbol(ICU_DATA)
    assert re.fullmatch(r"icudt\d+_dat", symbol)
    header, items = icu_data.read_package(blob)
    assert icu_data.read_package(icu_data.write_package(header, items)) == (header, items)

    pruned, dropped = icu_data.prune_package(blob)
    kept_header, kept = icu_data.read_package(pruned)
    assert kept_header == header
    expected = [(n, d) for n, d in items if icu_data.drop_reason(n.split("/", 1)[1]) is None]
    assert kept == expected
    assert sum(dropped.values()) == sum(len(d) for _n, d in items) - sum(len(d) for _n, d in kept)
    assert len(pruned) < len(blob) * 0.4  # 32 MB -> about 11 MB


ICU_PROBE = """
import functools, sys
from PySide6.QtCore import QCollator, QDate, QDateTime, QLocale, QTime, QTimeZone
words = ["peach", "péché", "pêche", "Ärger", "zebra", "Zebra", "ångström", "Öl", "ch", "cz",
         "ıi", "İI", "日本", "中文", "한국", "ไทย", "file10", "file9", "Straße", "Strasse"]
zones = [b"America/New_York", b"Europe/Berlin", b"Asia/Kolkata", b"Australia/Lord_Howe"]
moment = QDateTime(QDate(2026, 7, 1), QTime(13, 5), QTimeZone(b"Europe/Berlin"))
for name in sys.argv[1:]:
    locale = QLocale(name)
    for numeric in (False, True):
        collator = QCollator(locale)
        collator.setNumericMode(numeric)
        print(name, sorted(words, key=functools.cmp_to_key(collator.compare)))
    print(name, locale.toUpper("ıi istanbul straße"), locale.toLower("İI ISTANBUL ΣΑΣ"))
    for zone in zones:
        for kind in QTimeZone.NameType:
            for when in QTimeZone.TimeType:
                print(name, zone, kind, when, QTimeZone(zone).displayName(when, kind, locale))
    print(name, locale.toString(moment, QLocale.FormatType.LongFormat))
print(next(line for line in open("/proc/self/maps") if "libicudata" in line).split()[-1])
"""
ICU_PROBE_LOCALES = [
    *("en_US", "de_DE", "sv_SE", "fr_FR", "es_MX", "tr_TR", "lt_LT", "ja_JP", "zh_CN", "zh_TW"),
    *("ko_KR", "th_TH", "ar_EG", "he_IL", "hi_IN", "ru_RU", "el_GR", "pl_PL", "da_DK", "fa_IR"),
]


def _probe(library: Path | None) -> list[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if library is not None:
        env["LD_PRELOAD"] = str(library)  # the same soname: libicuuc links to this one
    result = subprocess.run(
        [sys.executable, "-c", ICU_PROBE, *ICU_PROBE_LOCALES],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return result.stdout.splitlines()


@needs_wheel_icu
@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("as", "ld", "objdump")), reason="needs binutils"
)
def test_pruned_icu_library_gives_qt_the_same_answers(monkeypatch, tmp_path):
    """Collation, case mapping, time-zone names and the long date-time format in 20 locales, with
    the full and with the pruned data library: the same, line for line."""
    library, dropped = _icu_data(monkeypatch).pruned_library(ICU_DATA, tmp_path)
    assert library.name == ICU_DATA.name and library.stat().st_size < 17_000_000
    assert {"brkitr", "unit", "curr", "lang", "region", "translit"} <= set(dropped)

    full, pruned = _probe(None), _probe(library)
    assert full[-1] == str(ICU_DATA.resolve()) and pruned[-1] == str(library)
    assert len(full) > 20 * 50
    assert "Mitteleuropäische Sommerzeit" in "\n".join(full)  # real names, not IDs
    assert pruned[:-1] == full[:-1]


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
