#!/usr/bin/env bash
# Build "HEMS Desktop.app" (menu-bar app: LSUIElement) for this Mac's architecture, run it, and make a .dmg;
# sign and notarize both when credentials exist. One build per architecture (arm64 on Apple silicon,
# x86_64 on Intel), not universal2: numpy and PyYAML publish no universal2 wheels
# (`python packaging/macos/macos_target.py universal2` lists the blockers).
# Signing runs only when this is set (skipped otherwise, with a note):
#   MACOS_SIGN_IDENTITY  e.g. "Developer ID Application: Name (TEAMID)" (certificate already in the keychain)
# PyInstaller then signs every binary inside-out with it (hardened runtime, secure timestamp,
# packaging/macos/entitlements.plist), then the .app: see the EXE options in hems-desktop.spec.
# Notarization additionally needs either
#   MACOS_NOTARY_PROFILE a `xcrun notarytool store-credentials` profile name (by hand, on your own Mac), or
#   MACOS_NOTARY_APPLE_ID, MACOS_NOTARY_TEAM_ID, MACOS_NOTARY_PASSWORD (an app-specific password; for CI,
#   where no keychain profile exists).
# The .app is notarized and stapled first, then put into the .dmg, which is notarized and stapled too:
# both open offline without Gatekeeper asking Apple.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# shellcheck source=packaging/macos/retry.sh
. packaging/macos/retry.sh
PYTHON=${PYTHON:-python3}
ARCH=$(uname -m)
"$PYTHON" -m pip install --upgrade pip
"$PYTHON" -m pip install ".[package]"
VERSION=$("$PYTHON" -c "import hems_desktop; print(hems_desktop.__version__)")
"$PYTHON" packaging/windows/make_icon.py   # also writes packaging/macos/hems-desktop.icns (16-1024 px)

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  export PYINSTALLER_STRICT_BUNDLE_CODESIGN_ERROR=1   # a signing failure fails the build instead of a warning
fi
"$PYTHON" -m PyInstaller --noconfirm --clean --distpath dist/pyinstaller --workpath dist/build \
  packaging/pyinstaller/hems-desktop.spec
APP="dist/pyinstaller/HEMS Desktop.app"
PLIST="$APP/Contents/Info.plist"
/usr/libexec/PlistBuddy -c "Print :LSUIElement" "$PLIST" | grep -q true
# A background-only app may not show windows; the spec overrides PyInstaller's console=True default.
# (An `if`, not `! cmd`: set -e ignores the status of a negated pipeline.)
if /usr/libexec/PlistBuddy -c "Print :LSBackgroundOnly" "$PLIST" 2>/dev/null | grep -q true; then
  echo "Info.plist has LSBackgroundOnly=true" >&2
  exit 1
fi
echo "LSMinimumSystemVersion: $(/usr/libexec/PlistBuddy -c "Print :LSMinimumSystemVersion" "$PLIST")"
"$PYTHON" packaging/macos/macos_target.py check "$APP"   # no Mach-O file needs a newer macOS than that
[ -f "$APP/Contents/Resources/resources/licenses/THIRD-PARTY-NOTICES.txt" ]

# Run what was built before shipping it.
"$APP/Contents/MacOS/hems-collector" --demo --count 2 --output stdout --mode interval -i 1 | tee dist/readings.jsonl
[ "$(grep -c '"instant_power"' dist/readings.jsonl)" = 2 ]
rm -rf dist/self-test
"$APP/Contents/MacOS/hems-desktop" --self-test dist/self-test

NOTARY=()
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  NOTARY=(--keychain-profile "$MACOS_NOTARY_PROFILE")
elif [ -n "${MACOS_NOTARY_APPLE_ID:-}" ] && [ -n "${MACOS_NOTARY_TEAM_ID:-}" ] && [ -n "${MACOS_NOTARY_PASSWORD:-}" ]; then
  NOTARY=(--apple-id "$MACOS_NOTARY_APPLE_ID" --team-id "$MACOS_NOTARY_TEAM_ID" --password "$MACOS_NOTARY_PASSWORD")
fi
NOTARIZE=0
[ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ "${#NOTARY[@]}" -gt 0 ] && NOTARIZE=1

notarize() {  # FILE: submit, wait, and stop the build unless Apple says Accepted
  local out status id
  # `submit --wait` can exit 0 with status Invalid; check the status and print Apple's log if it is not Accepted.
  out=$(xcrun notarytool submit "$1" "${NOTARY[@]}" --wait --output-format json) || true
  echo "$out"
  status=$(printf '%s' "$out" | "$PYTHON" -c "import json, sys; print(json.load(sys.stdin).get('status', ''))" || true)
  if [ "$status" != "Accepted" ]; then
    id=$(printf '%s' "$out" | "$PYTHON" -c "import json, sys; print(json.load(sys.stdin).get('id', ''))" || true)
    [ -n "$id" ] && xcrun notarytool log "$id" "${NOTARY[@]}" || true
    echo "notarization of $1 failed: ${status:-no answer}" >&2
    exit 1
  fi
}

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  # Already signed by PyInstaller (no `codesign --deep` re-sign here: Apple advises against signing with
  # --deep, and PyInstaller has signed each nested binary itself). Verify the result.
  codesign --verify --deep --strict --verbose=2 "$APP"
  codesign --display --verbose=2 "$APP" 2>&1 | grep -q "flags=.*runtime"
else
  echo "MACOS_SIGN_IDENTITY not set: the app is only ad-hoc signed (Gatekeeper will ask users to confirm)"
fi
if [ "$NOTARIZE" = 1 ]; then
  # The .app on its own first, so its ticket can be stapled into it before it goes into the .dmg.
  ditto -c -k --keepParent "$APP" dist/app-for-notarization.zip
  notarize dist/app-for-notarization.zip
  rm -f dist/app-for-notarization.zip
  xcrun stapler staple "$APP"
  xcrun stapler validate "$APP"
  spctl --assess --type execute --verbose=2 "$APP"
fi

DMG="dist/hems-desktop-$VERSION-macos-$ARCH.dmg"
rm -f "$DMG"
STAGE=$(mktemp -d)
ditto "$APP" "$STAGE/HEMS Desktop.app"   # ditto keeps symlinks, permissions, extended attributes, the ticket
ln -s /Applications "$STAGE/Applications"
retry_on_busy 6 hdiutil create -volname "HEMS Desktop" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"
retry_on_busy 3 hdiutil verify "$DMG"

if [ "$NOTARIZE" = 1 ]; then
  codesign --sign "$MACOS_SIGN_IDENTITY" --timestamp "$DMG"
  notarize "$DMG"
  xcrun stapler staple "$DMG"
  xcrun stapler validate "$DMG"
  spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
else
  echo "notarization skipped (needs MACOS_SIGN_IDENTITY and a notary profile or Apple ID credentials)"
fi
echo "$DMG"
