; Inno Setup script: per-user install (no admin rights), Start menu entries, optional start at login,
; uninstaller; the wizard in Japanese or English (the Windows display language decides, else a dialog).
; Built by packaging/windows/build.ps1, which passes AppVersion, NumericVersion and SourceDir.
; Saved as UTF-8 with a BOM: the Japanese texts below need it on every Inno Setup 6 release.

; Pinned: the GitHub runner image's preinstalled Inno Setup (build.ps1 checks the same version first).
; A different compiler stops here; update both pins after reading Inno Setup's revision history.
#define InnoSetupPinned "6.7.1"
; PREPROCVER: the compiler's own version, 8 bits each for major, minor, revision, build.
#if PREPROCVER < EncodeVer(6, 7, 1, 0) || PREPROCVER >= EncodeVer(6, 7, 2, 0)
  #error This script is pinned to Inno Setup 6.7.1 (InnoSetupPinned here and $InnoSetupVersion in build.ps1)
#endif

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef NumericVersion
  #define NumericVersion "0.0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\pyinstaller\hems-desktop"
#endif

[Setup]
AppId={{6C4F2E1B-7C1E-4A0E-9D8B-48454D534445}
AppName=HEMS Desktop
AppVersion={#AppVersion}
AppVerName=HEMS Desktop {#AppVersion}
AppPublisher=HEMS Desktop developers
AppPublisherURL=https://github.com/hems-desktop/hems-desktop
AppSupportURL=https://github.com/hems-desktop/hems-desktop/issues
; Version resource of the setup program itself (Explorer > Properties > Details).
VersionInfoVersion={#NumericVersion}
VersionInfoProductVersion={#NumericVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoCompany=HEMS Desktop developers
VersionInfoDescription=HEMS Desktop {#AppVersion} Setup
VersionInfoProductName=HEMS Desktop
VersionInfoCopyright=MIT License
; Per-user only: PrivilegesRequired=lowest always runs in non administrative install mode, where {autopf}
; is {userpf} (%LOCALAPPDATA%\Programs) and {group}/{autodesktop} are the user's own Start menu and desktop.
; No PrivilegesRequiredOverridesAllowed=dialog: an "all users" (admin) install would put the HKCU Run value
; and the per-user folders into the elevating administrator's profile, not the user's.
DefaultDirName={autopf}\HEMS Desktop
DefaultGroupName=HEMS Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
OutputBaseFilename=hems-desktop-{#AppVersion}-windows-x64-setup
SetupIconFile=hems-desktop.ico
UninstallDisplayIcon={app}\hems-desktop.exe
UninstallDisplayName=HEMS Desktop {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; x64compatible (also Arm64 Windows 11 via emulation) needs Inno Setup 6.3 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; A running HEMS Desktop or collector holds its DLLs open: ask the Restart Manager to close it.
CloseApplications=yes
CloseApplicationsFilter=*.exe,*.dll,*.pyd
; The language dialog appears only when the Windows display language is neither Japanese nor English.
ShowLanguageDialog=auto

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "japanese"; MessagesFile: "compiler:Languages\Japanese.isl"

[CustomMessages]
english.StartAtLogin=Start HEMS Desktop when I log in
japanese.StartAtLogin=ログイン時に HEMS Desktop を起動する
english.Options=Options:
japanese.Options=オプション:
english.CollectorShortcut=HEMS Collector (command line)
japanese.CollectorShortcut=HEMS コレクター (コマンドライン)
english.NoticesShortcut=HEMS Desktop third-party notices
japanese.NoticesShortcut=HEMS Desktop サードパーティー ライセンス

[Tasks]
Name: "startatlogin"; Description: "{cm:StartAtLogin}"; GroupDescription: "{cm:Options}"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole PyInstaller folder: DLLs and modules an older version shipped and this one
; does not would otherwise stay behind and could be loaded instead of the new ones.
Type: filesandordirs; Name: "{app}\_internal"
Type: files; Name: "{app}\THIRD-PARTY-NOTICES.txt"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; Also next to the programs, where a user looks for it (the About box reads the copy in _internal).
Source: "{#SourceDir}\_internal\resources\licenses\THIRD-PARTY-NOTICES.txt"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{group}\HEMS Desktop"; Filename: "{app}\hems-desktop.exe"
Name: "{group}\{cm:CollectorShortcut}"; Filename: "{cmd}"; Parameters: "/k ""{app}\hems-collector.exe"" --help"; WorkingDir: "{app}"
Name: "{group}\{cm:NoticesShortcut}"; Filename: "{app}\THIRD-PARTY-NOTICES.txt"
Name: "{group}\{cm:UninstallProgram,HEMS Desktop}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\HEMS Desktop"; Filename: "{app}\hems-desktop.exe"; Tasks: desktopicon

[Registry]
; The same value the app's "Start at login" setting writes, so either place can turn it off.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "HEMS Desktop"; \
  ValueData: """{app}\hems-desktop.exe"" --autostart"; Flags: uninsdeletevalue; Tasks: startatlogin
; Always remove that value on uninstall, also when the task was not chosen but the app's own setting
; wrote it later (ValueType: none creates nothing; uninsdeletevalue still logs the deletion).
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: none; ValueName: "HEMS Desktop"; \
  Flags: uninsdeletevalue

[Run]
Filename: "{app}\hems-desktop.exe"; Description: "{cm:LaunchProgram,HEMS Desktop}"; Flags: nowait postinstall skipifsilent
