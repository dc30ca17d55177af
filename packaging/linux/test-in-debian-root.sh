#!/usr/bin/env bash
# Install a .deb with `apt-get install ./….deb` into a minimal Debian root (debootstrap --variant=minbase)
# and run the installed programs there, as on a fresh system: apt must find every dependency the control
# file names, and the programs must run with only those. Needs root, debootstrap and a Debian mirror
# (no Docker). Checks the collector service's files too, then purges the package.
# Usage: sudo packaging/linux/test-in-debian-root.sh DEB [SUITE]      SUITE: bookworm (default), trixie, ...
#   MIRROR=http://deb.debian.org/debian   COMPONENTS=main   SHOTS=DIR (keep the self-test screenshots)
#   Ubuntu works too: MIRROR=http://archive.ubuntu.com/ubuntu COMPONENTS=main,universe ... jammy
#   ROOTFS_CACHE=FILE.tar  reuse a debootstrapped root between runs (made on the first run)
set -euo pipefail
DEB=$(realpath "$1")
SUITE=${2:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "test-in-debian-root.sh: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
WORK=$(mktemp -d /var/tmp/hems-debian-root.XXXXXX)
R="$WORK/root"

mounted() { grep -q " $R/" /proc/mounts; }
cleanup() {
  for m in dev/shm dev/pts proc; do umount "$R/$m" 2>/dev/null || umount -l "$R/$m" 2>/dev/null || true; done
  # Never rm -rf through a mount point that is still there.
  if mounted; then echo "test-in-debian-root.sh: mounts left under $R; not deleting it" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

t0=$(date +%s)
if [ -n "${ROOTFS_CACHE:-}" ] && [ -f "$ROOTFS_CACHE" ]; then
  mkdir -p "$R" && tar -C "$R" -xf "$ROOTFS_CACHE"
else
  # An older debootstrap has no script for a newer suite; Debian's suites all use the sid one.
  SCRIPT=()
  [ -e "/usr/share/debootstrap/scripts/$SUITE" ] || SCRIPT=(/usr/share/debootstrap/scripts/sid)
  debootstrap --variant=minbase --components="${COMPONENTS:-main}" "$SUITE" "$R" "$MIRROR" "${SCRIPT[@]}" \
    >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  [ -n "${ROOTFS_CACHE:-}" ] && tar -C "$R" -cf "$ROOTFS_CACHE" .
fi
t1=$(date +%s)
# A private devpts and shm: the demo meter runs on a pseudo-terminal; nothing of the host's /dev is shared.
mount -t proc proc "$R/proc"
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -sf pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
cp "$DEB" "$R/tmp/"

echo "== apt-get install ./$(basename "$DEB") into a minimal $SUITE root"
before=$(in_root dpkg-query -W -f='${Package}\n' | wc -l)
in_root apt-get update -qq >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$DEB")" \
  >"$WORK/apt.log" 2>&1 || { tail -30 "$WORK/apt.log" >&2; exit 1; }
after=$(in_root dpkg-query -W -f='${Package}\n' | wc -l)
t2=$(date +%s)

echo "== installed hems-collector --demo --count 2"
in_root /usr/bin/hems-collector --demo --count 2 --output stdout --mode interval -i 1 \
  >"$WORK/readings.jsonl" 2>"$WORK/collector.log" || { cat "$WORK/collector.log" >&2; exit 1; }
[ "$(grep -c '"instant_power"' "$WORK/readings.jsonl")" = 2 ] || { cat "$WORK/collector.log" >&2; exit 1; }
head -n 1 "$WORK/readings.jsonl"

echo "== installed hems-desktop --self-test (offscreen)"
in_root env HOME=/tmp/home /usr/bin/hems-desktop --self-test /tmp/self-test >"$WORK/desktop.log" 2>&1 \
  || { tail -30 "$WORK/desktop.log" >&2; exit 1; }
grep "self-test:" "$WORK/desktop.log" || true
if [ -n "${SHOTS:-}" ]; then mkdir -p "$SHOTS" && cp "$R"/tmp/self-test/*.png "$SHOTS/"; fi

echo "== collector service files"
[ "$(stat -c '%a %U' "$R/etc/hems-desktop/collector.env")" = "600 root" ] \
  || { echo "collector.env is not mode 600, owner root" >&2; exit 1; }
[ -f "$R/usr/lib/systemd/system/hems-collector.service" ]
[ ! -e "$R/etc/systemd/system/multi-user.target.wants/hems-collector.service" ]  # disabled by default
echo "collector.env 0600 root; hems-collector.service installed, not enabled"
in_root grep -q "Qt Company" /usr/share/doc/hems-desktop/THIRD-PARTY-NOTICES.txt

installed_kb=$(in_root dpkg-query -W -f='${Installed-Size}' hems-desktop)
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq hems-desktop >/dev/null
[ ! -e "$R/etc/hems-desktop/collector.env" ] || { echo "purge left collector.env behind" >&2; exit 1; }
echo "== $SUITE root: debootstrap $((t1 - t0)) s, apt-get install $((t2 - t1)) s ($((after - before)) packages)," \
  "Installed-Size $((installed_kb / 1024)) MB; purge removed collector.env"
