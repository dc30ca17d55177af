; Inno Setup script: per-user install (no admin rights), Start menu entry, optional start at login,
; uninstaller. Built by packaging/windows/build.ps1, which passes AppVersion and SourceDir.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\pyinstaller\hems-desktop"
#endif

[Setup]
AppId={{6C4F2E1B-7C1E-4A0E-9D8B-48454D534445}
AppName=HEMS Desktop
AppVersion={#AppVersion}
AppPublisher=HEMS Desktop developers
; Per-user only: PrivilegesRequired=lowest always runs in non administrative install mode, where {autopf}
; is {userpf} (%LOCALAPPDATA%\Programs) and {group}/{autodesktop} are the user's own Start menu and desktop.
; No PrivilegesRequiredOverridesAllowed=dialog: an "all users" (admin) install would put the HKCU Run value
; and the per-user folders into the elevating administrator's profile, not the user's.
DefaultDirName={autopf}\HEMS Desktop
DefaultGroupName=HEMS Desktop
PrivilegesRequired=lowest
OutputBaseFilename=hems-desktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; x64compatible (also Arm64 Windows 11 via emulation) needs Inno Setup 6.3 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\hems-desktop.exe
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "japanese"; MessagesFile: "compiler:Languages\Japanese.isl"

[Tasks]
Name: "startatlogin"; Description: "Start HEMS Desktop when I log in"; GroupDescription: "Options:"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\HEMS Desktop"; Filename: "{app}\hems-desktop.exe"
Name: "{group}\HEMS Collector (command line)"; Filename: "{cmd}"; Parameters: "/k ""{app}\hems-collector.exe"" --help"
Name: "{group}\Uninstall HEMS Desktop"; Filename: "{uninstallexe}"
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
