#!/usr/bin/env bash
# Build "HEMS Desktop.app" (menu-bar app: LSUIElement) and a .dmg; sign and notarize when credentials exist.
# Signing runs only when this is set (skipped otherwise, with a note):
#   MACOS_SIGN_IDENTITY  e.g. "Developer ID Application: Name (TEAMID)" (certificate already in the keychain)
# PyInstaller then signs every binary inside-out with it (hardened runtime, secure timestamp,
# packaging/macos/entitlements.plist), then the .app: see the EXE options in hems-desktop.spec.
# Notarization additionally needs either
#   MACOS_NOTARY_PROFILE a `xcrun notarytool store-credentials` profile name (by hand, on your own Mac), or
#   MACOS_NOTARY_APPLE_ID, MACOS_NOTARY_TEAM_ID, MACOS_NOTARY_PASSWORD (an app-specific password; for CI,
#   where no keychain profile exists).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip install --upgrade pip
"$PYTHON" -m pip install ".[package,cloud]"
VERSION=$("$PYTHON" -c "import hems_desktop; print(hems_desktop.__version__)")
"$PYTHON" packaging/windows/make_icon.py
# Qt's .icns holds one image; build the full set of sizes with Apple's tools when they are there.
if command -v iconutil >/dev/null && [ -f packaging/macos/hems-desktop-1024.png ]; then
  ICONSET=$(mktemp -d)/hems-desktop.iconset
  mkdir -p "$ICONSET"
  for size in 16 32 128 256 512; do
    sips -z "$size" "$size" packaging/macos/hems-desktop-1024.png --out "$ICONSET/icon_${size}x${size}.png" >/dev/null
    sips -z $((size * 2)) $((size * 2)) packaging/macos/hems-desktop-1024.png \
      --out "$ICONSET/icon_${size}x${size}@2x.png" >/dev/null
  done
  iconutil -c icns "$ICONSET" -o packaging/macos/hems-desktop.icns
fi

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  export PYINSTALLER_STRICT_BUNDLE_CODESIGN_ERROR=1   # a signing failure fails the build instead of a warning
fi
HEMS_BUNDLE_CLOUD=1 "$PYTHON" -m PyInstaller --noconfirm --clean --distpath dist/pyinstaller --workpath dist/build \
  packaging/pyinstaller/hems-desktop.spec
APP="dist/pyinstaller/HEMS Desktop.app"
"$APP/Contents/MacOS/hems-collector" --demo --count 1 --output stdout   # smoke test before shipping
/usr/libexec/PlistBuddy -c "Print :LSUIElement" "$APP/Contents/Info.plist" | grep -q true
# A background-only app may not show windows; the spec overrides PyInstaller's console=True default.
# (An `if`, not `! cmd`: set -e ignores the status of a negated pipeline.)
if /usr/libexec/PlistBuddy -c "Print :LSBackgroundOnly" "$APP/Contents/Info.plist" 2>/dev/null | grep -q true; then
  echo "Info.plist has LSBackgroundOnly=true" >&2
  exit 1
fi

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  # Already signed by PyInstaller (no `codesign --deep` re-sign here: Apple advises against signing with
  # --deep, and PyInstaller has signed each nested binary itself). Verify the result.
  codesign --verify --deep --strict --verbose=2 "$APP"
  codesign --display --verbose=2 "$APP" 2>&1 | grep -q "flags=.*runtime"
else
  echo "MACOS_SIGN_IDENTITY not set: the app is only ad-hoc signed (Gatekeeper will ask users to confirm)"
fi

DMG="dist/hems-desktop-$VERSION.dmg"
rm -f "$DMG"
STAGE=$(mktemp -d)
ditto "$APP" "$STAGE/HEMS Desktop.app"   # ditto keeps symlinks, permissions and extended attributes
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "HEMS Desktop" -srcfolder "$STAGE" -ov -format UDZO "$DMG"

NOTARY=()
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  NOTARY=(--keychain-profile "$MACOS_NOTARY_PROFILE")
elif [ -n "${MACOS_NOTARY_APPLE_ID:-}" ] && [ -n "${MACOS_NOTARY_TEAM_ID:-}" ] && [ -n "${MACOS_NOTARY_PASSWORD:-}" ]; then
  NOTARY=(--apple-id "$MACOS_NOTARY_APPLE_ID" --team-id "$MACOS_NOTARY_TEAM_ID" --password "$MACOS_NOTARY_PASSWORD")
fi
if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ "${#NOTARY[@]}" -gt 0 ]; then
  codesign --sign "$MACOS_SIGN_IDENTITY" --timestamp "$DMG"
  # `submit --wait` can exit 0 with status Invalid; check the status and print Apple's log if it is not Accepted.
  OUT=$(xcrun notarytool submit "$DMG" "${NOTARY[@]}" --wait --output-format json) || true
  echo "$OUT"
  STATUS=$(printf '%s' "$OUT" | "$PYTHON" -c "import json, sys; print(json.load(sys.stdin).get('status', ''))")
  if [ "$STATUS" != "Accepted" ]; then
    ID=$(printf '%s' "$OUT" | "$PYTHON" -c "import json, sys; print(json.load(sys.stdin).get('id', ''))")
    [ -n "$ID" ] && xcrun notarytool log "$ID" "${NOTARY[@]}" || true
    echo "notarization failed: $STATUS" >&2
    exit 1
  fi
  xcrun stapler staple "$DMG"
  xcrun stapler validate "$DMG"
else
  echo "notarization skipped (needs MACOS_SIGN_IDENTITY and a notary profile or Apple ID credentials)"
fi
echo "$DMG"
