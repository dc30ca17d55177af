"""What the Linux bundle takes from the system, and the .deb's Depends computed from it.

- `system_libraries`: the shared libraries PyInstaller copied from the build host that a Debian package
  owns (dpkg -S). hems-desktop.spec leaves them out of the bundle: the .deb depends on their packages
  instead, so the system's copy is used (no clashes such as a bundled fontconfig reading the host's
  newer config) and security updates reach them. libpython stays bundled: its version is the build's.
- `depends`: runs dpkg-shlibdeps over every ELF file of the staged package, which maps each library the
  bundle still needs to its package and minimum version, and raises libc6's minimum to the highest
  GLIBC_x.y symbol version any ELF file references (objdump -p), so the declared glibc is what the
  copied files really need, not a guess. Libraries Qt loads with dlopen (not in any ELF's NEEDED) are
  added by name.

    python packaging/linux/debian_deps.py depends STAGING_ROOT   # prints the Depends value
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

# Never taken from the system: tied to the Python the bundle was built with.
KEEP_BUNDLED = re.compile(r"^libpython\d")
# Qt opens these with dlopen, so no ELF file names them: dpkg-shlibdeps cannot see them.
DLOPENED = ("libdbus-1-3",)
GLIBC_REF = re.compile(r"^\s+0x[0-9a-f]+ 0x[0-9a-f]+ \d+ GLIBC_(\d+(?:\.\d+)+)\s*$", re.MULTILINE)
ELF_MAGIC = b"\x7fELF"


def usr_variants(path: str) -> list[str]:
    """The path and its merged-/usr twin: dpkg records /lib/x/libz.so.1 or /usr/lib/x/..., as shipped."""
    variants = [path]
    if path.startswith("/usr/lib/") or path.startswith("/usr/lib64/"):
        variants.append(path[4:])
    elif path.startswith("/lib/") or path.startswith("/lib64/"):
        variants.append("/usr" + path)
    return variants


def owning_packages(paths: Iterable[str]) -> dict[str, str]:
    """path -> Debian package owning it (paths no package owns are left out). One dpkg -S call."""
    wanted: dict[str, str] = {}
    for path in paths:
        for candidate in {*usr_variants(path), *usr_variants(os.path.realpath(path))}:
            wanted[candidate] = path
    if not wanted or shutil.which("dpkg") is None:
        return {}
    out = subprocess.run(["dpkg", "-S", *sorted(wanted)], capture_output=True, text=True).stdout
    owners = {}
    for line in out.splitlines():
        package, sep, owned = line.partition(": ")
        if sep and owned in wanted and "," not in package:  # "a, b: path" is a diversion
            owners[wanted[owned]] = package.split(":")[0]
    return owners


def system_libraries(binaries: Sequence[tuple[str, str, str]]) -> dict[str, str]:
    """dest name -> package, for the top-level BINARY entries of a PyInstaller TOC the system provides."""
    candidates = {src: dest for dest, src, kind in binaries
                  if kind == "BINARY" and "/" not in dest and "\\" not in dest and not KEEP_BUNDLED.match(dest)}
    owners = owning_packages(candidates)
    return {candidates[src]: package for src, package in owners.items()}


def elf_files(root: Path) -> list[Path]:
    files = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            with path.open("rb") as f:
                if f.read(4) == ELF_MAGIC:
                    files.append(path)
    return sorted(files)


def glibc_references(objdump_output: str) -> list[tuple[int, ...]]:
    """GLIBC_x.y versions in the "Version References" part of `objdump -p` output."""
    start = objdump_output.find("Version References:")
    if start < 0:
        return []
    return [tuple(int(p) for p in v.split(".")) for v in GLIBC_REF.findall(objdump_output[start:])]


def glibc_requirement(files: Iterable[Path]) -> tuple[tuple[int, ...], Path | None]:
    """The highest GLIBC symbol version any file references, and one file that needs it."""
    best: tuple[int, ...] = (2, 17)
    needed_by = None
    for path in files:
        out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True).stdout
        for version in glibc_references(out):
            if version > best:
                best, needed_by = version, path
    return best, needed_by


def parse_shlibs(line: str) -> list[str]:
    """The dependencies in a `shlibs:Depends=a (>= 1), b` line."""
    _, _, value = line.strip().partition("=")
    return [d.strip() for d in value.split(",") if d.strip()]


def merge(dependencies: list[str], glibc: tuple[int, ...], extra: Iterable[str] = DLOPENED) -> list[str]:
    """Depends with libc6's minimum raised to `glibc` and the dlopen'ed packages added; sorted, unique."""
    wanted = ".".join(str(p) for p in glibc)
    result: dict[str, str] = {}
    for dep in [*dependencies, *extra]:
        name = re.split(r"[\s(]", dep, maxsplit=1)[0]
        if name == "libc6":
            m = re.search(r">=\s*([\d.]+)", dep)
            have = tuple(int(p) for p in m.group(1).split(".")) if m else (0,)
            dep = f"libc6 (>= {wanted})" if have < glibc else dep
        result.setdefault(name, dep)
    result.setdefault("libc6", f"libc6 (>= {wanted})")
    return [result[name] for name in sorted(result)]


def shlibdeps(staging: Path, files: Sequence[Path]) -> list[str]:
    """dpkg-shlibdeps over `files` of the package staged at `staging` (a tree with DEBIAN/ in it)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "debian").mkdir()
        (work / "debian" / "control").write_text("Source: hems-desktop\n\nPackage: hems-desktop\nArchitecture: any\n")
        (work / "debian" / "hems-desktop").symlink_to(staging.resolve(), target_is_directory=True)
        rel = [str(Path("debian/hems-desktop") / f.resolve().relative_to(staging.resolve())) for f in files]
        proc = subprocess.run(["dpkg-shlibdeps", "-O", "--warnings=0", *[f"-e{f}" for f in rel]],
                              cwd=work, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("dpkg-shlibdeps failed:\n" + "\n".join(
            line for line in proc.stderr.splitlines() if "warning" not in line))
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("shlibs:Depends=")), "")
    return parse_shlibs(line)


def depends(staging: Path) -> tuple[list[str], str]:
    """(Depends list, a one-line explanation of the libc6 minimum)."""
    files = elf_files(staging)
    glibc, needed_by = glibc_requirement(files)
    deps = merge(shlibdeps(staging, files), glibc)
    where = needed_by.relative_to(staging) if needed_by else "-"
    return deps, f"glibc {'.'.join(map(str, glibc))} needed by {where} ({len(files)} ELF files)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("depends", help="print the Depends value for a staged package").add_argument("staging", type=Path)
    args = parser.parse_args(argv)
    deps, why = depends(args.staging)
    print(why, file=sys.stderr)
    print(", ".join(deps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
