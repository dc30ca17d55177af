#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle and a .deb from it.
# Usage: packaging/linux/build-deb.sh [OUTDIR]   (default: dist/)   XZ=1 for a smaller, slower .deb
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mkdir -p "${1:-$ROOT/dist}" && cd "${1:-$ROOT/dist}" && pwd)
PYTHON=${PYTHON:-python3}
VERSION=$("$PYTHON" -c "import sys; sys.path.insert(0, '$ROOT'); import hems_desktop; print(hems_desktop.__version__)")
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)

echo "== PyInstaller bundle (version $VERSION)"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$OUT/pyinstaller" --workpath "$OUT/build" "$ROOT/packaging/pyinstaller/hems-desktop.spec"
BUNDLE="$OUT/pyinstaller/hems-desktop"
# Strip debug symbols from Qt and the extension modules; never numpy's bundled OpenBLAS/gfortran,
# which strip corrupts ("ELF load command address/offset not page-aligned").
find "$BUNDLE" -type f \( -name '*.so' -o -name '*.so.*' \) -not -path '*/numpy.libs/*' \
  -exec strip --strip-unneeded {} + 2>/dev/null || true
strip --strip-unneeded "$BUNDLE/hems-desktop" "$BUNDLE/hems-collector" 2>/dev/null || true

echo "== .deb"
PKG="$OUT/deb/hems-desktop_${VERSION}_${ARCH}"
rm -rf "$PKG"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/icons/hicolor/scalable/apps" "$PKG/usr/share/doc/hems-desktop"
cp -a "$BUNDLE" "$PKG/opt/hems-desktop"
ln -s /opt/hems-desktop/hems-desktop "$PKG/usr/bin/hems-desktop"
ln -s /opt/hems-desktop/hems-collector "$PKG/usr/bin/hems-collector"
cp "$ROOT/resources/icons/hems-desktop.svg" "$PKG/usr/share/icons/hicolor/scalable/apps/hems-desktop.svg"
cp "$ROOT/resources/linux/hems-desktop.desktop" "$PKG/usr/share/applications/hems-desktop.desktop"
cp "$ROOT/LICENSE" "$PKG/usr/share/doc/hems-desktop/copyright"
INSTALLED_KB=$(du -sk "$PKG" | cut -f1)
# The PySide6 wheels need glibc 2.34 (manylinux_2_34); the xcb libraries are what Qt's X11 plugin loads.
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: hems-desktop
Version: $VERSION
Section: utils
Priority: optional
Architecture: $ARCH
Installed-Size: $INSTALLED_KB
Maintainer: HEMS Desktop developers <hems-desktop@users.noreply.github.com>
Depends: libc6 (>= 2.34), libegl1, libgl1, libfontconfig1, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xkb1
Recommends: fonts-noto-cjk | fonts-ipafont-gothic, gnome-keyring | kwalletmanager
Homepage: https://github.com/hems-desktop/hems-desktop
Description: Japanese smart meter (Wi-SUN B-route) reader: tray app and collector
 Reads a low-voltage smart electric meter over a Wi-SUN USB dongle (SKSTACK IP,
 ECHONET Lite) and shows live power in the tray, with history, usage and cost,
 and writes readings to files or Google Cloud Pub/Sub (hems-collector).
CONTROL
COMPRESS=(-Zzstd)
[ "${XZ:-0}" = 1 ] && COMPRESS=(-Zxz)
dpkg-deb --root-owner-group "${COMPRESS[@]}" --build "$PKG" "$OUT/hems-desktop_${VERSION}_${ARCH}.deb" >/dev/null
echo "$OUT/hems-desktop_${VERSION}_${ARCH}.deb"
