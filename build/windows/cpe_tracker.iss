; CPE Tracker's Windows installer (Inno Setup 6.3 or newer).
;
; Installs the PyInstaller onedir bundle (dist\cpe-tracker) for the current user only, without
; administrator rights: into %LOCALAPPDATA%\Programs\CPE Tracker ({autopf} in non-administrative
; install mode), with a Start-menu entry, an optional desktop icon and an uninstaller listed in
; Settings > Apps.
;
; The user's data is NOT in the installation folder and is never removed: the database, backups,
; logs and certificates live in the platformdirs user data folder,
; %APPDATA%\CPE Tracker\CPE Tracker (or --data-dir / CPE_DATA_DIR). Installing a new version
; over an old one, or uninstalling, leaves that folder as it is. Keep it that way: do not add an
; [UninstallDelete] entry outside {app}.
;
; The bundle holds two programs: cpe-tracker.exe (windowed: the Start-menu entry) and
; cpe-tracker-cli.exe (a console program for the command line: cmd.exe and PowerShell wait for it,
; show its messages and get its exit code).
;
; Built by build/build.py, which passes the version and paths:
;   ISCC /DAppVersion=0.1.0 /DNumericVersion=0.1.0.0 /DBundleDir=...\dist\cpe-tracker /O...\dist
;        /FCPE-Tracker-0.1.0-setup build\windows\cpe_tracker.iss

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=<cpe_desktop.__version__> (build/build.py does)
#endif
#ifndef NumericVersion
  #error Pass the version as four numbers: ISCC /DNumericVersion=0.1.0.0 (build/build.py does)
#endif
#ifndef RepoRoot
  #define RepoRoot SourcePath + "\..\.."
#endif
#ifndef BundleDir
  #define BundleDir RepoRoot + "\dist\cpe-tracker"
#endif

#define AppName "CPE Tracker"
#define AppExe "cpe-tracker.exe"
; The mutex the running program holds (cpe_desktop/windows_mutex.py, MUTEX_NAME; a test checks
; they are equal): Setup and Uninstall ask to close CPE Tracker first, tray included.
#define AppMutexName "CPETracker-6F0B7C52-3D1E-4A8B-9C2F-5E4D7A1B8C63"

[Setup]
; A fixed identity, so a new version upgrades the installed one instead of sitting beside it.
AppId={{6F0B7C52-3D1E-4A8B-9C2F-5E4D7A1B8C63}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=CPE Tracker
AppMutex={#AppMutexName},Global\{#AppMutexName}
; The setup file's own version information (Properties > Details), else 0.0.0.0.
VersionInfoVersion={#NumericVersion}
VersionInfoProductName={#AppName}
VersionInfoProductTextVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user install: no UAC prompt, no administrator rights needed.
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile={#RepoRoot}\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir={#RepoRoot}\dist
OutputBaseFilename=CPE-Tracker-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
#ifdef Sign
; build/build.py passes /DSign and the sign tool (/Scpesign=signtool sign ...) when CPE_SIGN_PFX
; names a code-signing certificate: the setup file and its uninstaller are signed with it.
SignTool=cpesign
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program's own files: libraries of the previous version must not linger
; beside the new ones. This is the installation folder only, never the data folder.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
