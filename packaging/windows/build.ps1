# Build the Windows bundle and the per-user installer.
# Needs: Python 3.11+ on PATH, Inno Setup 6 (ISCC.exe; `choco install innosetup` on CI runners).
# Usage: powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
$Root = Resolve-Path "$PSScriptRoot\..\.."
Set-Location $Root
python -m pip install --upgrade pip
python -m pip install ".[package,cloud]"
$Version = python -c "import hems_desktop; print(hems_desktop.__version__)"
python packaging\windows\make_icon.py
$env:HEMS_BUNDLE_CLOUD = "1"
python -m PyInstaller --noconfirm --clean --distpath dist\pyinstaller --workpath dist\build packaging\pyinstaller\hems-desktop.spec
# Smoke test the console collector from the bundle before packaging it.
& dist\pyinstaller\hems-desktop\hems-collector.exe --demo --count 1 --output stdout
if ($LASTEXITCODE -ne 0) { throw "hems-collector smoke test failed" }
$Iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $Iscc "/DAppVersion=$Version" "/DSourceDir=$Root\dist\pyinstaller\hems-desktop" "/O$Root\dist" packaging\windows\hems-desktop.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "dist\hems-desktop-$Version-setup.exe"
