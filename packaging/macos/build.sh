#!/usr/bin/env bash
# Build "HEMS Desktop.app" (menu-bar app: LSUIElement) and a .dmg; sign and notarize when credentials exist.
# Signing runs only when these are set (skipped otherwise, with a note):
#   MACOS_SIGN_IDENTITY  e.g. "Developer ID Application: Name (TEAMID)" (certificate already in the keychain)
#   MACOS_NOTARY_PROFILE a `xcrun notarytool store-credentials` profile name
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip install --upgrade pip
"$PYTHON" -m pip install ".[package,cloud]"
VERSION=$("$PYTHON" -c "import hems_desktop; print(hems_desktop.__version__)")
"$PYTHON" packaging/windows/make_icon.py
HEMS_BUNDLE_CLOUD=1 "$PYTHON" -m PyInstaller --noconfirm --clean --distpath dist/pyinstaller --workpath dist/build \
  packaging/pyinstaller/hems-desktop.spec
APP="dist/pyinstaller/HEMS Desktop.app"
"$APP/Contents/MacOS/hems-collector" --demo --count 1 --output stdout   # smoke test before shipping
/usr/libexec/PlistBuddy -c "Print :LSUIElement" "$APP/Contents/Info.plist" | grep -q true

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp \
    --entitlements packaging/macos/entitlements.plist --sign "$MACOS_SIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict "$APP"
else
  echo "MACOS_SIGN_IDENTITY not set: the app is not signed (Gatekeeper will ask users to confirm)"
fi

DMG="dist/hems-desktop-$VERSION.dmg"
rm -f "$DMG"
STAGE=$(mktemp -d)
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "HEMS Desktop" -srcfolder "$STAGE" -ov -format UDZO "$DMG"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  codesign --sign "$MACOS_SIGN_IDENTITY" --timestamp "$DMG"
  xcrun notarytool submit "$DMG" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
else
  echo "notarization skipped (needs MACOS_SIGN_IDENTITY and MACOS_NOTARY_PROFILE)"
fi
echo "$DMG"
