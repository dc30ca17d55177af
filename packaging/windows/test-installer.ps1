# Install the setup program silently for this user, run the installed collector, upgrade over it (a file an
# older version left in _internal must go), then uninstall and check nothing is left: folder, Run value.
# Usage: powershell -ExecutionPolicy Bypass -File packaging\windows\test-installer.ps1 dist\hems-desktop-X-windows-x64-setup.exe
param([Parameter(Mandatory = $true)][string]$Setup)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$App = "$env:LOCALAPPDATA\Programs\HEMS Desktop"
$RunKey = "HKCU:\Software\Microsoft\Windows\CurrentVersion\Run"

function Install([string]$Tasks) {
    $Log = "$env:TEMP\hems-setup.log"
    $p = Start-Process -FilePath $Setup -Wait -PassThru -ArgumentList @(
        "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER", "/TASKS=$Tasks", "/LOG=`"$Log`"")
    if ($p.ExitCode -ne 0) { Get-Content $Log -Tail 30; throw "setup failed (exit code $($p.ExitCode))" }
}

Install "startatlogin"
if (-not (Test-Path "$App\hems-collector.exe")) { throw "no hems-collector.exe in $App" }
if (-not (Test-Path "$App\THIRD-PARTY-NOTICES.txt")) { throw "no THIRD-PARTY-NOTICES.txt in $App" }
& "$App\hems-collector.exe" --version
if ($LASTEXITCODE -ne 0) { throw "installed hems-collector --version failed" }
$Readings = & "$App\hems-collector.exe" --demo --count 2 --output stdout --mode interval -i 1
if ($LASTEXITCODE -ne 0) { throw "installed hems-collector --demo failed" }
if (@($Readings | Select-String -Pattern '"instant_power"').Count -ne 2) { throw "installed hems-collector --demo: not 2 readings" }
if (-not (Get-ItemProperty -Path $RunKey -Name "HEMS Desktop" -ErrorAction SilentlyContinue)) { throw "no Run value" }

# An upgrade must not leave an older version's files behind ([InstallDelete] of _internal).
Set-Content -Path "$App\_internal\stale-from-old-version.dll" -Value "old"
Install ""
if (Test-Path "$App\_internal\stale-from-old-version.dll") { throw "the upgrade left an old file in _internal" }
Write-Host "upgrade: old files removed"

$p = Start-Process -FilePath "$App\unins000.exe" -Wait -PassThru -ArgumentList @("/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART")
if ($p.ExitCode -ne 0) { throw "uninstall failed (exit code $($p.ExitCode))" }
Start-Sleep -Seconds 2   # the uninstaller deletes itself from a temporary copy
if (Test-Path "$App\hems-desktop.exe") { throw "uninstall left $App\hems-desktop.exe" }
if (Get-ItemProperty -Path $RunKey -Name "HEMS Desktop" -ErrorAction SilentlyContinue) { throw "uninstall left the Run value" }
Write-Host "installer: install, upgrade and uninstall passed"
