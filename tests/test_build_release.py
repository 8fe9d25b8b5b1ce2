"""The installers as they reach users (issue 16), checked here without Windows or a Mac.

- macOS: the app's declared minimum (the spec's ``macos_minimum`` over what the spec keeps of
  the pinned PySide6, from the per-file figures ``build/macos/check_minimum.py`` read out of the
  real wheels) is the README's floor; ``build/build.py`` refuses an app whose
  ``LSMinimumSystemVersion`` differs and makes a signing failure fail the build.
- Windows: the bundle holds a console executable for the command line beside the windowed one;
  the installer's ``AppMutex`` is the mutex the program creates; its version information is set.
- The workflow: current action majors, signing only when its secrets exist, the LaunchServices
  smoke test, the command line from cmd.exe and PowerShell, and a Release on a ``v*`` tag.

The spec runs here with stand-ins for PyInstaller's classes, which record what they were given.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import plistlib
import re
import sys
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from cpe_desktop import windows_mutex

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build" / "cpe_tracker.spec"
ISS = ROOT / "build" / "windows" / "cpe_tracker.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"
MACOS = ROOT / "build" / "macos"
RECORD = MACOS / "pyside6-wheel-minimums.json"

# The newest major of each action GitHub publishes (all on Node 24): checkout v7, setup-python
# v7, upload-artifact v7 and download-artifact v8 (the pair that goes with upload-artifact v7).
CURRENT_ACTIONS = {
    "actions/checkout": 7,
    "actions/setup-python": 7,
    "actions/upload-artifact": 7,
    "actions/download-artifact": 8,
}


def _build_script():
    spec = importlib.util.spec_from_file_location("cpe_build_script", ROOT / "build" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _spec_definitions() -> dict:
    """The spec's definitions above its ``Analysis`` call (no PyInstaller needed), read the way
    the build-time minimum check reads them."""
    path = ROOT / "build" / "macos" / "check_minimum.py"
    spec = importlib.util.spec_from_file_location("cpe_check_minimum", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.spec_functions()


class _Recorded:
    """A stand-in for one of PyInstaller's spec classes: keeps its arguments."""

    made: list[_Recorded] = []

    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs
        type(self).made.append(self)


class _Analysis(_Recorded):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.binaries, self.datas, self.pure, self.scripts = [], [], [], ["main.py"]


def _run_spec(monkeypatch, platform: str) -> dict[str, list[_Recorded]]:
    """Run the whole spec as PyInstaller would on ``platform``; what each class was given."""
    classes = {name: type(name, (_Recorded,), {"made": []}) for name in ("PYZ", "EXE", "COLLECT")}
    classes["BUNDLE"] = type("BUNDLE", (_Recorded,), {"made": []})
    classes["Analysis"] = type("Analysis", (_Analysis,), {"made": []})
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    tree.body = [
        node
        for node in tree.body
        if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PyInstaller"))
    ]
    namespace = {
        "SPECPATH": str(SPEC.parent),
        "__name__": "cpe_tracker_spec",
        "collect_submodules": lambda name: [name],
        "copy_metadata": lambda name: [],
        **classes,
    }
    with monkeypatch.context() as patched:
        patched.delenv("CPE_CODESIGN_IDENTITY", raising=False)
        patched.setattr(sys, "platform", platform)
        exec(compile(tree, str(SPEC), "exec"), namespace)
    return {name: cls.made for name, cls in classes.items()}


# --- Windows: a command line that prints and returns exit codes ---------------------------------


def test_windows_bundle_has_a_console_executable_beside_the_windowed_one(monkeypatch):
    made = _run_spec(monkeypatch, "win32")
    exes = {exe.kwargs["name"]: exe.kwargs for exe in made["EXE"]}

    assert set(exes) == {"cpe-tracker", "cpe-tracker-cli"}
    assert exes["cpe-tracker"]["console"] is False  # double-click: no console window, no flash
    assert exes["cpe-tracker-cli"]["console"] is True  # cmd.exe / PowerShell wait and see output
    assert not any("hide_console" in kwargs for kwargs in exes.values())
    for kwargs in exes.values():
        assert kwargs["exclude_binaries"] is True  # onedir: one _internal/ for both
        assert kwargs["icon"].endswith("app.ico")
    (collect,) = made["COLLECT"]
    assert {arg.kwargs["name"] for arg in collect.args if arg in made["EXE"]} == set(exes)
    assert collect.kwargs["name"] == "cpe-tracker"
    assert made["BUNDLE"] == []


def test_macos_and_linux_keep_one_windowed_executable(monkeypatch):
    made = _run_spec(monkeypatch, "darwin")
    (exe,) = made["EXE"]
    assert exe.kwargs["name"] == "cpe-tracker"
    assert exe.kwargs["console"] is False
    assert exe.kwargs["codesign_identity"] is None  # ad hoc unless CPE_CODESIGN_IDENTITY is set
    (bundle,) = made["BUNDLE"]
    assert "LSMinimumSystemVersion" in bundle.kwargs["info_plist"]


def test_codesign_identity_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CPE_CODESIGN_IDENTITY", "Developer ID Application: A Firm (ABCDE12345)")
    assert _spec_definitions()["CODESIGN_IDENTITY"].startswith("Developer ID Application:")
    monkeypatch.setenv("CPE_CODESIGN_IDENTITY", "")
    assert _spec_definitions()["CODESIGN_IDENTITY"] is None


def test_build_smoke_tests_the_console_executable_on_windows(monkeypatch):
    build = _build_script()
    assert build.CLI_EXE_NAME == _spec_definitions()["CLI_EXE_NAME"] == "cpe-tracker-cli"
    monkeypatch.setattr(build, "IS_WINDOWS", True)
    assert build.cli_executable() == build.DIST / "cpe-tracker" / "cpe-tracker-cli.exe"
    monkeypatch.setattr(build, "IS_WINDOWS", False)
    assert build.cli_executable() is None


# --- Windows installer: AppMutex and version information ---------------------------------------


def _iss_setup() -> dict[str, str]:
    text = ISS.read_text(encoding="utf-8")
    section = text.split("[Setup]", 1)[1].split("\n[", 1)[0]
    pairs = (line.split("=", 1) for line in section.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs if not key.startswith(";")}


def _iss_define(name: str) -> str:
    found = re.search(rf'^#define {name} "([^"]+)"$', ISS.read_text(encoding="utf-8"), re.M)
    assert found, name
    return found.group(1)


def test_installer_app_mutex_is_the_one_the_program_creates():
    setup = _iss_setup()
    assert setup["AppMutex"] == "{#AppMutexName},Global\\{#AppMutexName}"
    assert _iss_define("AppMutexName") == windows_mutex.MUTEX_NAME
    assert windows_mutex.mutex_names() == (
        windows_mutex.MUTEX_NAME,
        f"Global\\{windows_mutex.MUTEX_NAME}",
    )


def test_program_creates_the_mutex_first_thing_in_main_py():
    tree = ast.parse((ROOT / "main.py").read_text(encoding="utf-8"))
    (block,) = [node for node in tree.body if isinstance(node, ast.If)]
    first = block.body[0]
    assert isinstance(first, ast.Expr) and first.value.func.id == "hold_app_mutex"


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_mutex_is_a_no_op_off_windows(monkeypatch, platform):
    monkeypatch.setattr(windows_mutex, "_handles", [])
    assert windows_mutex.hold_app_mutex(platform) is False
    assert windows_mutex._handles == []


def test_mutex_on_this_machine_does_nothing_unless_windows(monkeypatch):
    monkeypatch.setattr(windows_mutex, "_handles", [])
    assert windows_mutex.hold_app_mutex() is (sys.platform == "win32")


def test_setup_file_carries_the_program_version():
    setup = _iss_setup()
    assert setup["VersionInfoVersion"] == "{#NumericVersion}"
    assert setup["VersionInfoProductTextVersion"] == "{#AppVersion}"
    build = _build_script()
    source = (ROOT / "build" / "build.py").read_text(encoding="utf-8")
    assert 'f"/DNumericVersion={numeric_version(version)}"' in source
    assert build.numeric_version(build.read_version()).count(".") == 3


@pytest.mark.parametrize(
    ("version", "numbers"),
    [("0.1.0", "0.1.0.0"), ("1.2", "1.2.0.0"), ("2.0.1rc1", "2.0.1.0"), ("3.1.4.1.5", "3.1.4.1")],
)
def test_numeric_version(version, numbers):
    assert _build_script().numeric_version(version) == numbers


def test_signing_on_windows_only_with_a_certificate(monkeypatch):
    build = _build_script()
    monkeypatch.delenv("CPE_SIGN_PFX", raising=False)
    monkeypatch.setattr(build, "run", lambda *a, **k: pytest.fail("signtool ran"))
    assert build.sign_windows([Path("x.exe")]) is False


# --- macOS: the declared minimum is the README's floor -----------------------------------------


def _record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def _parts(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _minimum(minimums: dict[str, str]) -> str:
    """The spec's own ``macos_minimum`` over the wheel files the spec keeps."""
    spec = _spec_definitions()
    kept = [
        (dest, dest, "BINARY") for dest in minimums if spec["keep_entry"]((dest, dest, "BINARY"))
    ]
    return spec["macos_minimum"](kept, lambda src: _parts(minimums[src]))


def test_recorded_wheels_are_the_pinned_pyside6():
    record = _record()
    pins = {}
    for line in (MACOS / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, specifier = re.match(r"([A-Za-z0-9_.-]+)(.*)", line.strip()).groups()
            pins[name.lower().replace("-", "_")] = SpecifierSet(specifier)
    wheels = {name.split("-")[0]: Version(name.split("-")[1]) for name in record["wheels"]}
    assert set(wheels) == set(pins) == {"pyside6_essentials", "shiboken6"}
    for name, version in wheels.items():
        assert version in pins[name], (name, version)
    assert all(name.endswith(".whl") and "macosx" in name for name in record["wheels"])
    # The record covers the libraries the issue is about, not a handful of files.
    assert len(record["minimums"]) > 100
    assert {"PySide6/QtCore.abi3.so", "shiboken6/libshiboken6.abi3.6.9.dylib"} & set(
        record["minimums"]
    )


def test_macos_minimum_of_the_pinned_wheels_is_the_readme_floor():
    build = _build_script()
    figure = _minimum(_record()["minimums"])
    assert build.same_macos_version(figure, build.readme_macos_floor()), figure


def test_one_newer_library_raises_the_minimum_above_the_floor():
    # What PySide6 6.10+ did: its own libraries declare 15.0 while Qt's declare 13.0.
    minimums = dict(_record()["minimums"])
    minimums["PySide6/QtCore.abi3.so"] = "15.0.0"
    build = _build_script()
    assert _minimum(minimums) == "15.0"
    assert not build.same_macos_version(_minimum(minimums), build.readme_macos_floor())


def test_libraries_the_spec_drops_do_not_count():
    minimums = dict(_record()["minimums"])
    qml = "PySide6/Qt/lib/QtQml.framework/Versions/A/QtQml"
    minimums[qml] = "15.0.0"
    assert not _spec_definitions()["keep_entry"]((qml, qml, "BINARY"))
    assert _minimum(minimums) == _minimum(_record()["minimums"])


def _app_declaring(tmp_path: Path, version: str) -> Path:
    app = tmp_path / "CPE Tracker.app"
    (app / "Contents").mkdir(parents=True)
    info = {"CFBundleName": "CPE Tracker", "LSMinimumSystemVersion": version}
    (app / "Contents" / "Info.plist").write_bytes(plistlib.dumps(info))
    return app


def test_build_refuses_an_app_declaring_another_minimum(tmp_path):
    build = _build_script()
    floor = build.readme_macos_floor()
    assert build.check_macos_minimum(_app_declaring(tmp_path / "ok", f"{floor}.0")) == f"{floor}.0"
    with pytest.raises(build.BuildFailed, match="LSMinimumSystemVersion 15.0"):
        build.check_macos_minimum(_app_declaring(tmp_path / "new", "15.0"))


def test_readme_floor_is_the_one_in_the_installing_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    installing = readme.split("### Installing", 1)[1].split("\n### ", 1)[0]
    floor = _build_script().readme_macos_floor()
    assert f"for macOS {floor} " in installing


def test_pyinstaller_signing_failure_fails_the_build(monkeypatch):
    build = _build_script()
    seen = {}

    def fake_run(command, **kwargs):
        seen.update(kwargs)

    class Found:
        returncode = 0

    monkeypatch.setattr(build, "run", fake_run)
    monkeypatch.setattr(build.subprocess, "run", lambda *a, **k: Found())
    build.build_bundle(Path(sys.executable))
    assert seen["env"]["PYINSTALLER_STRICT_BUNDLE_CODESIGN_ERROR"] == "1"


def test_macos_build_environment_holds_pyside6_to_the_pin(monkeypatch, tmp_path):
    build = _build_script()
    commands = []
    monkeypatch.setattr(build, "IS_MACOS", True)
    monkeypatch.setattr(build, "VENV", tmp_path / "venv")

    def fake_run(command, **kwargs):
        commands.append(command)
        (tmp_path / "venv").mkdir(exist_ok=True)  # as `python -m venv` would

    monkeypatch.setattr(build, "run", fake_run)
    build.ensure_venv(fresh=True, with_postgres=False)
    install = next(c for c in commands if "install" in map(str, c))
    assert ["-c", str(MACOS / "constraints.txt")] == [str(p) for p in install][6:8]


def test_dmg_script_verifies_the_signature_before_packing():
    script = (MACOS / "make_dmg.sh").read_text(encoding="utf-8")
    verify = script.index('codesign --verify --deep --strict --verbose=2 "$app"')
    assert verify < script.index("hdiutil create")


def test_wheel_check_is_not_part_of_the_suite():
    # It downloads about 140 MB: a build-time check run by hand, never collected by pytest.
    assert not list((ROOT / "tests").rglob("check_minimum*"))
    source = (MACOS / "check_minimum.py").read_text(encoding="utf-8")
    assert "--only-binary=:all:" in source and '"--platform"' in source and "--no-deps" in source
    assert 'spec["macos_minimum"]' in source and 'spec["keep_entry"]' in source


# --- the workflow ------------------------------------------------------------------------------


def _workflow() -> str:
    return WORKFLOW.read_text(encoding="utf-8")


def _job(name: str) -> str:
    text = _workflow().split("\njobs:\n", 1)[1]
    found = re.search(rf"^  {name}:\n(.*?)(?=^  [a-z][a-z0-9_-]*:\n|\Z)", text, re.M | re.S)
    assert found, name
    return found.group(1)


def _steps(job: str) -> list[str]:
    return _job(job).split("\n      - ")[1:]


def _step(job: str, named: str) -> str:
    (step,) = [s for s in _steps(job) if s.startswith(f"name: {named}")]
    return step


def test_workflow_uses_the_current_major_of_each_action():
    used = re.findall(r"uses: (actions/[a-z-]+)@v(\d+)", _workflow())
    assert used
    for action, major in used:
        assert int(major) == CURRENT_ACTIONS[action], (action, major)
    assert {action for action, _ in used} == set(CURRENT_ACTIONS)


def test_workflow_signs_only_when_the_secrets_are_configured():
    workflow = _workflow()
    # Secrets reach steps through the environment, where `if:` can test them.
    assert "WINDOWS_CERT_PFX_BASE64: ${{ secrets.WINDOWS_CERT_PFX_BASE64 }}" in workflow
    assert "MACOS_CERT_P12_BASE64: ${{ secrets.MACOS_CERT_P12_BASE64 }}" in workflow
    windows = _step("windows", "Code-signing certificate")
    assert "if: env.WINDOWS_CERT_PFX_BASE64 != ''" in windows and "CPE_SIGN_PFX=" in windows
    assert "if: env.WINDOWS_CERT_PFX_BASE64 == ''" in _step("windows", "Unsigned build")
    keychain = _step("macos", "Developer ID certificate")
    assert "if: env.MACOS_CERT_P12_BASE64 != ''" in keychain
    assert "CPE_CODESIGN_IDENTITY=" in keychain
    assert "if: env.MACOS_CERT_P12_BASE64 == ''" in _step("macos", "Unsigned build")
    notarize = _step("macos", "Notarize")
    assert "if: env.MACOS_CERT_P12_BASE64 != '' && env.APPLE_ID != ''" in notarize
    assert "build/macos/notarize.sh" in notarize
    script = (MACOS / "notarize.sh").read_text(encoding="utf-8")
    for command in ("codesign --force --timestamp", "notarytool submit", "stapler staple"):
        assert command in script
    build = (ROOT / "build" / "build.py").read_text(encoding="utf-8")
    assert '"sign", "/fd", "SHA256"' in build and "CPE_SIGN_PFX" in build


def test_workflow_smoke_tests_the_mac_app_through_launchservices():
    step = _step("macos", "Smoke test")
    assert "hdiutil attach" in step  # the app as copied out of the disk image
    assert '"$app/Contents/MacOS/cpe-tracker" --self-test' in step  # directly
    assert re.search(r'open -W -n -a "\$app" .*--args --self-test', step)  # and LaunchServices
    assert 'grep -q "self-test: all .* checks passed"' in step


def test_workflow_runs_the_command_line_from_cmd_and_powershell():
    cmd = _step("windows", "Command line from cmd")
    assert "shell: cmd" in cmd
    for line in ('"%CPE_CLI%" --version', '"%CPE_CLI%" status --json', '"%CPE_CLI%" restore'):
        assert line in cmd
    assert "if %ERRORLEVEL% neq 0" in cmd and "if %ERRORLEVEL% neq 1" in cmd
    assert "if %ERRORLEVEL% neq 2" in cmd
    pwsh = _step("windows", "Command line from PowerShell")
    assert "shell: pwsh" in pwsh
    assert "& $env:CPE_CLI --version" in pwsh and "& $env:CPE_CLI status --json" in pwsh
    assert "$LASTEXITCODE -ne 1" in pwsh
    install = _step("windows", "Install the setup file")
    assert "cpe-tracker-cli.exe" in install and "/VERYSILENT" in install
    assert "refused" in _step("windows", "Uninstall refused while the program runs")


def test_workflow_publishes_a_release_on_a_version_tag():
    assert 'tags: ["v*"]' in _workflow()
    release = _job("release")
    assert "if: startsWith(github.ref, 'refs/tags/v')" in release
    assert "needs: [windows, macos]" in release
    assert "contents: write" in release
    assert "sha256sum CPE-Tracker-*-setup.exe CPE-Tracker-*-macos.dmg > SHA256SUMS.txt" in release
    assert "gh release create" in release
    for published in ("-setup.exe", "-macos.dmg", "SHA256SUMS.txt"):
        assert published in _step("release", "Publish the GitHub Release")
    # the rest of the workflow may only read
    assert _workflow().split("\njobs:\n")[0].count("contents: read") == 1


def test_readme_sends_users_to_the_releases_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    installing = readme.split("### Installing", 1)[1].split("\n### ", 1)[0]
    assert "/releases" in installing
    assert "Artifacts" not in installing
