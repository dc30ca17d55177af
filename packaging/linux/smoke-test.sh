#!/usr/bin/env bash
# Packaging check: build the bundle and the .deb, install the .deb into a scratch root, run the installed
# programs (the desktop self-test offscreen, the collector on the demo meter), and print sizes and start-up time.
# With CI=true and root, it also installs the .deb with dpkg (checking its dependencies) and removes it again.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/hems-package.XXXXXX)
START=$(date +%s)
DEB=$("$ROOT/packaging/linux/build-deb.sh" "$WORK" | tail -n 1)
BUILD_S=$(( $(date +%s) - START ))
SCRATCH="$WORK/root"
dpkg-deb -I "$DEB" | grep -E "Package|Version|Depends" >/dev/null
dpkg-deb -x "$DEB" "$SCRATCH"
APP="$SCRATCH/opt/hems-desktop"
[ "$(readlink "$SCRATCH/usr/bin/hems-collector")" = /opt/hems-desktop/hems-collector ]
[ "$(readlink "$SCRATCH/usr/bin/hems-desktop")" = /opt/hems-desktop/hems-desktop ]
[ -f "$SCRATCH/usr/share/applications/hems-desktop.desktop" ]

echo "== installed hems-collector --demo --count 2 --output stdout"
"$APP/hems-collector" --demo --count 2 --output stdout --mode interval -i 1 2>"$WORK/collector.log" | tee "$WORK/readings.jsonl"
[ "$(grep -c '"instant_power"' "$WORK/readings.jsonl")" = 2 ] || { cat "$WORK/collector.log"; exit 1; }

echo "== installed hems-desktop --self-test (offscreen)"
SHOTS="$ROOT/dist/self-test"   # kept after the run: the screenshots are part of the evidence
rm -rf "$SHOTS"
env -u DISPLAY -u WAYLAND_DISPLAY HOME="$WORK/home" "$APP/hems-desktop" --self-test "$SHOTS" 2>"$WORK/desktop.log" \
  || { tail -20 "$WORK/desktop.log"; exit 1; }

best=999999
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N); "$APP/hems-collector" --version >/dev/null; t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 )); [ "$ms" -lt "$best" ] && best=$ms
done
best_desktop=999999
for _ in 1 2 3; do
  t0=$(date +%s%N); "$APP/hems-desktop" --version >/dev/null; t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 )); [ "$ms" -lt "$best_desktop" ] && best_desktop=$ms
done
tar -C "$WORK/pyinstaller" -czf "$WORK/bundle.tar.gz" hems-desktop

if [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ] && command -v dpkg >/dev/null; then
  echo "== dpkg -i on the CI machine"
  dpkg -i "$DEB" >/dev/null
  /usr/bin/hems-collector --demo --count 1 --output stdout 2>/dev/null | grep -q '"cumulative_power"'
  dpkg -r hems-desktop >/dev/null
fi

echo "== package figures"
echo "bundle (unpacked):      $(du -sm "$WORK/pyinstaller/hems-desktop" | cut -f1) MB"
echo "bundle (tar.gz):        $(( $(stat -c %s "$WORK/bundle.tar.gz") / 1048576 )) MB"
echo ".deb (zstd):            $(( $(stat -c %s "$DEB") / 1048576 )) MB  $(basename "$DEB")"
echo "start-up, installed hems-collector --version: ${best} ms (best of 5)"
echo "start-up, installed hems-desktop --version:   ${best_desktop} ms (best of 3)"
echo "build time:             ${BUILD_S} s"
echo "screenshots:            $(ls "$SHOTS" | tr '\n' ' ')in $SHOTS"
