; Inno Setup 6 script for SMS Console - OUTLINE, NOT YET BUILT OR TESTED.
; See packaging/windows/README.md. Build: iscc packaging\windows\smsconsole.iss
; after PyInstaller has produced dist\smsconsole\.

#define AppName "SMS Console"
#define AppId "org.smsconsole.SMSConsole"
#define AppVersion "0.1.0"          ; keep in step with app/__init__.py
#define AppExe "smsconsole.exe"

[Setup]
; AppId must never change once released: it identifies the installation.
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The SMS Console developers
AppPublisherURL=https://smsconsole.example.org/
DefaultDirName={autopf}\SMS Console
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; LicenseFile=..\..\LICENSE   (once the repository has a LICENSE file)
OutputDir=..\..\dist
OutputBaseFilename=SMSConsole-{#AppVersion}-setup
SetupIconFile=smsconsole.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern

[Files]
Source: "..\..\dist\smsconsole\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppId}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
