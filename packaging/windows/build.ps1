# Build the Windows bundle, run it (collector demo, desktop self-test), then build the per-user installer.
# Needs: Python 3.10+ on PATH and the pinned Inno Setup (preinstalled on GitHub's windows-2025 image).
# Usage: powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Writes dist\hems-desktop-VERSION-windows-x64-setup.exe and prints its path last.
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
# Keep equal to InnoSetupPinned in hems-desktop.iss (tests/test_packaging.py checks that they agree).
$InnoSetupVersion = "6.7.1"
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $Root

# $ErrorActionPreference does not apply to native programs (python, ISCC): a non-zero exit code
# is only visible in $LASTEXITCODE, so every native call is checked explicitly.
function Assert-ExitCode([string]$What) {
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

# The compiler first: a wrong Inno Setup fails in seconds, not after a ten-minute build.
# ISCC.exe is not always on PATH; look in the default install folders too.
$Iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)
if (-not $Iscc) {
    $Iscc = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "${env:ProgramFiles}\Inno Setup 6\ISCC.exe",
        "${env:LOCALAPPDATA}\Programs\Inno Setup 6\ISCC.exe"
    ) | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $Iscc) { throw "ISCC.exe (Inno Setup $InnoSetupVersion) not found; install it: choco install innosetup --version=$InnoSetupVersion -y" }
$Info = (Get-Item $Iscc).VersionInfo
$Found = "$($Info.FileMajorPart).$($Info.FileMinorPart).$($Info.FileBuildPart)"
if ($Found -ne $InnoSetupVersion) {
    throw ("Inno Setup $InnoSetupVersion is required, but $Iscc is $Found. Either install the pinned version " +
           "(choco install innosetup --version=$InnoSetupVersion --allow-downgrade -y) or, after reading its " +
           "revision history, update `$InnoSetupVersion in packaging\windows\build.ps1 and InnoSetupPinned in hems-desktop.iss.")
}
Write-Host "Inno Setup $Found at $Iscc"

python -m pip install --upgrade pip
Assert-ExitCode "pip upgrade"
python -m pip install ".[package]"   # quoted: the brackets reach pip as one argument
Assert-ExitCode "pip install"
$Version = (python -c "import hems_desktop; print(hems_desktop.__version__)" | Out-String).Trim()
Assert-ExitCode "reading the version"
$NumericVersion = (python -c "import sys; sys.path.insert(0, r'packaging\windows'); import version_info; print('.'.join(map(str, version_info.numeric_version(sys.argv[1]))))" $Version | Out-String).Trim()
Assert-ExitCode "numeric version"
python packaging\windows\make_icon.py
Assert-ExitCode "make_icon.py"
python -m PyInstaller --noconfirm --clean --distpath dist\pyinstaller --workpath dist\build packaging\pyinstaller\hems-desktop.spec
Assert-ExitCode "PyInstaller"
$Bundle = "$Root\dist\pyinstaller\hems-desktop"

# Run what was built before packaging it. The collector is a console program: PowerShell waits for it.
$Readings = & "$Bundle\hems-collector.exe" --demo --count 2 --output stdout --mode interval -i 1
Assert-ExitCode "hems-collector --demo --count 2"
$Count = @($Readings | Select-String -Pattern '"instant_power"').Count
if ($Count -ne 2) { throw "hems-collector --demo --count 2 printed $Count readings, expected 2:`n$Readings" }
Write-Host "hems-collector --demo: $Count readings"
# hems-desktop.exe is windowed (no console, sys.stdout is None): only its exit code and files tell.
$Shots = "$Root\dist\self-test"
Remove-Item -Recurse -Force $Shots -ErrorAction SilentlyContinue
$Desktop = Start-Process -FilePath "$Bundle\hems-desktop.exe" -ArgumentList @("--self-test", "`"$Shots`"") -Wait -PassThru
if ($Desktop.ExitCode -ne 0) { throw "hems-desktop --self-test failed (exit code $($Desktop.ExitCode))" }
foreach ($Name in "dashboard-en.png", "dashboard-ja.png", "settings-en.png", "settings-ja.png") {
    if (-not (Test-Path "$Shots\$Name")) { throw "hems-desktop --self-test wrote no $Name" }
}
Write-Host "hems-desktop --self-test: passed, screenshots in $Shots"

# /D<name>=<value> sets the script's #define (ISPP), /O<path> the output folder; the script path comes last.
& $Iscc "/DAppVersion=$Version" "/DNumericVersion=$NumericVersion" "/DSourceDir=$Bundle" "/O$Root\dist" `
    "$Root\packaging\windows\hems-desktop.iss"
Assert-ExitCode "Inno Setup (ISCC)"
Write-Host "$Root\dist\hems-desktop-$Version-windows-x64-setup.exe"
