# Build the Windows bundle and the per-user installer.
# Needs: Python 3.11+ on PATH, Inno Setup 6 (ISCC.exe; `choco install innosetup` on CI runners).
# Usage: powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $Root

# $ErrorActionPreference does not apply to native programs (python, ISCC): a non-zero exit code
# is only visible in $LASTEXITCODE, so every native call is checked explicitly.
function Assert-ExitCode([string]$What) {
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

python -m pip install --upgrade pip
Assert-ExitCode "pip upgrade"
python -m pip install ".[package,cloud]"   # quoted: the brackets and comma reach pip as one argument
Assert-ExitCode "pip install"
$Version = (python -c "import hems_desktop; print(hems_desktop.__version__)" | Out-String).Trim()
Assert-ExitCode "reading the version"
python packaging\windows\make_icon.py
Assert-ExitCode "make_icon.py"
$env:HEMS_BUNDLE_CLOUD = "1"
python -m PyInstaller --noconfirm --clean --distpath dist\pyinstaller --workpath dist\build packaging\pyinstaller\hems-desktop.spec
Assert-ExitCode "PyInstaller"
# Smoke test the console collector from the bundle before packaging it.
& "$Root\dist\pyinstaller\hems-desktop\hems-collector.exe" --demo --count 1 --output stdout
Assert-ExitCode "hems-collector smoke test"

# ISCC.exe is not on PATH after `choco install innosetup`; look in the default install folders too.
$Iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) {
    $Iscc = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "${env:ProgramFiles}\Inno Setup 6\ISCC.exe",
        "${env:LOCALAPPDATA}\Programs\Inno Setup 6\ISCC.exe"
    ) | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $Iscc) { throw "ISCC.exe (Inno Setup 6) not found; install it with: choco install innosetup" }
# /D<name>=<value> sets the script's #define (ISPP), /O<path> the output folder; the script path comes last.
& $Iscc "/DAppVersion=$Version" "/DSourceDir=$Root\dist\pyinstaller\hems-desktop" "/O$Root\dist" `
    "$Root\packaging\windows\hems-desktop.iss"
Assert-ExitCode "Inno Setup (ISCC)"
Write-Host "dist\hems-desktop-$Version-setup.exe"
