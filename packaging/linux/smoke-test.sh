#!/usr/bin/env bash
# Packaging check of the .deb that is published (xz): build it, unpack it into a scratch folder and run the
# programs there (collector on the demo meter, desktop self-test offscreen, no Wayland-plugin warning under
# Xvfb), then `apt-get install` it into a minimal Debian root (test-in-debian-root.sh; needs root or
# passwordless sudo) and run it again. Prints sizes, build and start-up times; checks the size goals.
# Usage: packaging/linux/smoke-test.sh        PYTHON=python  DEB_OUT=DIR (keep the .deb)
#   DEBIAN_SUITES="bookworm trixie" (default bookworm; empty: no Debian root, e.g. when another job does it)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/hems-package.XXXXXX)
# Size goals (MiB) of issue 11, with Pub/Sub included. The unpacked goal is not met yet (see the report
# printed below); UNPACKED_LIMIT_MB guards against growing further until it is.
DEB_GOAL_MB=50
UNPACKED_GOAL_MB=160
UNPACKED_LIMIT_MB=${UNPACKED_LIMIT_MB:-175}

START=$(date +%s)
DEB=$("$ROOT/packaging/linux/build-deb.sh" "$WORK")
BUILD_S=$(( $(date +%s) - START ))
dpkg-deb -f "$DEB" Depends | grep -q 'libc6 (>= ' || { echo "Depends has no libc6 minimum" >&2; exit 1; }
[ "$(ar t "$DEB" | grep -c '^data\.tar\.xz$')" = 1 ] || { echo "$DEB is not xz-compressed" >&2; exit 1; }

SCRATCH="$WORK/root"
dpkg-deb -x "$DEB" "$SCRATCH"
APP="$SCRATCH/opt/hems-desktop"
[ "$(readlink "$SCRATCH/usr/bin/hems-collector")" = /opt/hems-desktop/hems-collector ]
[ "$(readlink "$SCRATCH/usr/bin/hems-desktop")" = /opt/hems-desktop/hems-desktop ]
[ "$(readlink "$APP/hems-collector")" = hems-desktop ]
[ -f "$SCRATCH/usr/share/applications/hems-desktop.desktop" ]
[ -f "$SCRATCH/usr/lib/systemd/system/hems-collector.service" ]
[ -f "$APP/_internal/resources/licenses/THIRD-PARTY-NOTICES.txt" ]

echo "== unpacked hems-collector --demo --count 2 --output stdout"
"$APP/hems-collector" --demo --count 2 --output stdout --mode interval -i 1 2>"$WORK/collector.log" | tee "$WORK/readings.jsonl"
[ "$(grep -c '"instant_power"' "$WORK/readings.jsonl")" = 2 ] || { cat "$WORK/collector.log"; exit 1; }
# The demo meter is on a pty here; where there is none it is on socket://, a handler pyserial imports by
# name: a port nobody listens on must fail with "refused", not "protocol 'socket' not known".
grep -q "demo mode: .* on /dev/pts/" "$WORK/collector.log" || { cat "$WORK/collector.log"; exit 1; }
out=$(B_ROUTE_ID=00000000000000000000000000000000 B_ROUTE_PASSWORD=000000000000 timeout 60 \
  "$APP/hems-collector" --port socket://127.0.0.1:9 --count 1 2>&1 || true)
if grep -qi "not known" <<<"$out"; then echo "$out" >&2; echo "pyserial's socket:// handler is not in the bundle" >&2; exit 1; fi

echo "== unpacked hems-desktop --self-test (offscreen)"
SHOTS="$ROOT/dist/self-test"   # kept after the run: the screenshots are part of the evidence
rm -rf "$SHOTS"
env -u DISPLAY -u WAYLAND_DISPLAY HOME="$WORK/home" "$APP/hems-desktop" --self-test "$SHOTS" 2>"$WORK/desktop.log" \
  || { tail -20 "$WORK/desktop.log"; exit 1; }

if command -v Xvfb >/dev/null; then
  echo "== hems-desktop --self-test under Xvfb in a 'Wayland' session: no Wayland-plugin warning"
  display=:$(( 90 + RANDOM % 100 ))
  Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  sleep 1
  status=0
  env DISPLAY="$display" XDG_SESSION_TYPE=wayland WAYLAND_DISPLAY=wayland-0 HOME="$WORK/home-x" \
    "$APP/hems-desktop" --self-test "$WORK/shots-x11" 2>"$WORK/desktop-x11.log" || status=$?
  kill "$xvfb" 2>/dev/null || true
  [ "$status" = 0 ] || { tail -20 "$WORK/desktop-x11.log"; exit 1; }
  if grep -i "platform plugin.*wayland" "$WORK/desktop-x11.log"; then echo "Wayland-plugin warning is back" >&2; exit 1; fi
fi

best=999999
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N); "$APP/hems-collector" --version >/dev/null; t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 )); [ "$ms" -lt "$best" ] && best=$ms
done

SUITES=${DEBIAN_SUITES-bookworm}
ROOT_TEST=("$ROOT/packaging/linux/test-in-debian-root.sh")
if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then ROOT_TEST=(sudo -n "${ROOT_TEST[@]}"); fi
if [ -z "$SUITES" ]; then
  echo "== minimal Debian root: not here (DEBIAN_SUITES is empty)"
elif [ "$(id -u)" = 0 ] || [ "${ROOT_TEST[0]}" = sudo ]; then
  if command -v debootstrap >/dev/null; then
    for suite in $SUITES; do
      "${ROOT_TEST[@]}" "$DEB" "$suite"
    done
  elif [ "${CI:-}" = true ]; then
    echo "debootstrap is missing: CI must install the .deb into a minimal Debian root" >&2
    exit 1
  else
    echo "== minimal Debian root: skipped (install debootstrap)"
  fi
else
  echo "== minimal Debian root: skipped (needs root or passwordless sudo)"
fi

DEB_B=$(stat -c %s "$DEB")
UNPACKED_KB=$(du -sk --apparent-size "$SCRATCH" | cut -f1)
DEB_MB=$(awk "BEGIN { printf \"%.1f\", $DEB_B / 1048576 }")
UNPACKED_MB=$(awk "BEGIN { printf \"%.1f\", $UNPACKED_KB / 1024 }")
verdict() { awk "BEGIN { exit !($1 <= $2) }" && echo "goal <= $2 MB met" || echo "GOAL <= $2 MB MISSED"; }
echo "== package figures"
echo ".deb (xz, published):   $DEB_MB MB  $(basename "$DEB")   $(verdict "$DEB_MB" "$DEB_GOAL_MB")"
echo "unpacked (installed):   $UNPACKED_MB MB   $(verdict "$UNPACKED_MB" "$UNPACKED_GOAL_MB")"
echo "largest parts:          $(du -sk "$APP/_internal"/* | sort -nr | head -6 | awk '{printf "%s %d MB, ", $2, $1/1024}' | sed "s|$APP/_internal/||g")"
echo "Depends:                $(dpkg-deb -f "$DEB" Depends | tr -d '\n' | cut -c1-160)..."
echo "start-up, hems-collector --version: ${best} ms (best of 5)"
echo "build time (bundle + .deb): ${BUILD_S} s"
echo "screenshots:            $(ls "$SHOTS" | tr '\n' ' ')in $SHOTS"
awk "BEGIN { exit !($DEB_MB <= $DEB_GOAL_MB) }" || { echo "the .deb is larger than $DEB_GOAL_MB MB" >&2; exit 1; }
awk "BEGIN { exit !($UNPACKED_MB <= $UNPACKED_LIMIT_MB) }" \
  || { echo "unpacked size grew past $UNPACKED_LIMIT_MB MB" >&2; exit 1; }
if [ -n "${DEB_OUT:-}" ]; then cp "$DEB" "$DEB_OUT/"; fi
rm -rf "$WORK"
