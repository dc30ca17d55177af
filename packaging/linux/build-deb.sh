#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle and the .deb from it (xz-compressed: the file that is published).
# Usage: packaging/linux/build-deb.sh [OUTDIR]   (default: dist/)
#   ZSTD=1      zstd instead of xz: a much faster local build, but not what users download
#   PYTHON=...  the interpreter with .[package] installed (default python3)
# Progress goes to stderr; the .deb's path is the only line on stdout.
set -euo pipefail
exec 3>&1 1>&2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mkdir -p "${1:-$ROOT/dist}" && cd "${1:-$ROOT/dist}" && pwd)
PYTHON=${PYTHON:-python3}
VERSION=$("$PYTHON" -c 'import sys; sys.path.insert(0, sys.argv[1]); import hems_desktop; print(hems_desktop.__version__)' "$ROOT")
ARCH=$(dpkg --print-architecture)

echo "== PyInstaller bundle (version $VERSION)"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$OUT/pyinstaller" --workpath "$OUT/build" "$ROOT/packaging/pyinstaller/hems-desktop.spec"
BUNDLE="$OUT/pyinstaller/hems-desktop"
# Strip debug symbols from Qt and the extension modules; never numpy's bundled OpenBLAS/gfortran,
# which strip corrupts ("ELF load command address/offset not page-aligned").
find "$BUNDLE" -type f \( -name '*.so' -o -name '*.so.*' \) -not -path '*/numpy.libs/*' \
  -exec strip --strip-unneeded {} + 2>/dev/null || true
strip --strip-unneeded "$BUNDLE/hems-desktop" 2>/dev/null || true
# Symlinks PyInstaller made to libraries the spec pruned point nowhere.
find "$BUNDLE" -xtype l -print -delete | sed 's|^|removed dangling symlink |'
# One launcher, two names: launcher.py runs the collector when called as hems-collector.
ln -sfn hems-desktop "$BUNDLE/hems-collector"

echo "== .deb"
PKG="$OUT/deb/hems-desktop"
rm -rf "$OUT/deb"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/icons/hicolor/scalable/apps" "$PKG/usr/share/doc/hems-desktop" "$PKG/usr/share/hems-desktop" \
  "$PKG/usr/lib/systemd/system"
cp -a "$BUNDLE" "$PKG/opt/hems-desktop"
ln -s /opt/hems-desktop/hems-desktop "$PKG/usr/bin/hems-desktop"
ln -s /opt/hems-desktop/hems-collector "$PKG/usr/bin/hems-collector"
install -m 0644 "$ROOT/resources/icons/hems-desktop.svg" "$PKG/usr/share/icons/hicolor/scalable/apps/hems-desktop.svg"
install -m 0644 "$ROOT/resources/linux/hems-desktop.desktop" "$PKG/usr/share/applications/hems-desktop.desktop"
install -m 0644 "$ROOT/LICENSE" "$PKG/usr/share/doc/hems-desktop/copyright"
ln -s /opt/hems-desktop/_internal/resources/licenses/THIRD-PARTY-NOTICES.txt \
  "$PKG/usr/share/doc/hems-desktop/THIRD-PARTY-NOTICES.txt"
install -m 0644 "$ROOT/packaging/linux/hems-collector.service" "$PKG/usr/lib/systemd/system/hems-collector.service"
# The template postinst copies to /etc/hems-desktop/collector.env (0600) when that file does not exist.
install -m 0644 "$ROOT/packaging/linux/collector.env" "$PKG/usr/share/hems-desktop/collector.env"
install -m 0755 "$ROOT/packaging/linux/debian/postinst" "$ROOT/packaging/linux/debian/prerm" \
  "$ROOT/packaging/linux/debian/postrm" "$PKG/DEBIAN/"
[ -f "$PKG/opt/hems-desktop/_internal/resources/licenses/THIRD-PARTY-NOTICES.txt" ] \
  || { echo "THIRD-PARTY-NOTICES.txt missing from the bundle" >&2; exit 1; }

# Depends from the ELF files themselves (dpkg-shlibdeps + the highest GLIBC symbol version).
DEPENDS=$("$PYTHON" "$ROOT/packaging/linux/debian_deps.py" depends "$PKG")
INSTALLED_KB=$(du -sk --apparent-size "$PKG" | cut -f1)
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: hems-desktop
Version: $VERSION
Section: utils
Priority: optional
Architecture: $ARCH
Installed-Size: $INSTALLED_KB
Maintainer: HEMS Desktop developers <hems-desktop@users.noreply.github.com>
Depends: $DEPENDS
Recommends: fonts-noto-cjk | fonts-ipafont-gothic, gnome-keyring | kwalletmanager
Homepage: https://github.com/hems-desktop/hems-desktop
Description: Japanese smart meter (Wi-SUN B-route) reader: tray app and collector
 Reads a low-voltage smart electric meter over a Wi-SUN USB dongle (SKSTACK IP,
 ECHONET Lite) and shows live power in the tray, with history, usage and cost,
 and writes readings to files or Google Cloud Pub/Sub (hems-collector, which
 can also run as the systemd service hems-collector, disabled by default).
CONTROL
echo "Depends: $DEPENDS"
# xz -9: measured 49.3 MiB against 50.4 MiB at dpkg's default -6, for about a minute more of build time
# (the published file; -Sextreme gained nothing more).
COMPRESS=(-Zxz -z9)
[ "${ZSTD:-0}" = 1 ] && COMPRESS=(-Zzstd)
DEB="$OUT/hems-desktop_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group "${COMPRESS[@]}" --build "$PKG" "$DEB" >/dev/null
echo "$DEB" >&3
