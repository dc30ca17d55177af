"""The release and packaging scripts (packaging/), exercised on Linux without building anything.

Covers what would otherwise only run on a release: the tag/version check, SHA256SUMS, the third-party
notices, the macOS minimum-version logic (wheel tags and Mach-O load commands), the .ico/.icns writers,
the Windows version resource, the Inno Setup script's pins, languages and upgrade cleanup, the hdiutil
retry, the Debian Depends logic, the systemd unit and the launchd example.
"""

from __future__ import annotations

import configparser
import hashlib
import importlib.util
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import types
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def load(relative: str) -> types.ModuleType:
    """A packaging helper by path (packaging/ is no package: `packaging` is PyPA's library)."""
    path = PACKAGING / relative
    spec = importlib.util.spec_from_file_location(f"hems_packaging_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


check_version = load("release/check_version.py")
sha256sums = load("release/sha256sums.py")
notices = load("release/notices.py")
macos_target = load("macos/macos_target.py")
make_icon = load("windows/make_icon.py")
version_info = load("windows/version_info.py")
debian_deps = load("linux/debian_deps.py")


# ---- version and tag ----

def test_code_version_is_read_without_importing() -> None:
    import hems_desktop

    assert check_version.code_version() == hems_desktop.__version__


@pytest.mark.parametrize(("tag", "ok"), [
    ("v1.2.3", True), ("refs/tags/v1.2.3", True), ("v1.2.4", False), ("1.2.3", False), ("v1.2.3rc1", False),
])
def test_tag_must_name_the_code_version(tag: str, ok: bool) -> None:
    assert (check_version.check(tag, "1.2.3") == []) is ok


def test_without_a_tag_only_the_version_form_is_checked() -> None:
    assert check_version.check(None, "1.2.3rc1") == []
    assert check_version.check(None, "1.2.3-dev") != []


def test_check_version_cli_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    version = check_version.code_version()
    assert check_version.main([f"v{version}"]) == 0
    assert check_version.main(["v999.0.0"]) == 1
    assert "bump __version__" in capsys.readouterr().err


# ---- SHA256SUMS ----

def test_sha256sums_lists_every_artifact_and_verifies(tmp_path: Path) -> None:
    (tmp_path / "b.dmg").write_bytes(b"mac")
    (tmp_path / "a.deb").write_bytes(b"linux")
    assert sha256sums.main([str(tmp_path)]) == 0
    lines = (tmp_path / "SHA256SUMS").read_text().splitlines()
    assert lines == [f"{hashlib.sha256(b'linux').hexdigest()}  a.deb", f"{hashlib.sha256(b'mac').hexdigest()}  b.dmg"]
    assert sha256sums.verify(tmp_path) == []
    (tmp_path / "a.deb").write_bytes(b"tampered")
    (tmp_path / "c.exe").write_bytes(b"new")
    assert sorted(sha256sums.verify(tmp_path)) == ["a.deb: SHA-256 differs", "c.exe: not listed"]
    assert sha256sums.main([str(tmp_path), "--check"]) == 1


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils sha256sum not installed")
def test_sha256sums_is_what_coreutils_reads(tmp_path: Path) -> None:
    (tmp_path / "hems-desktop_1_amd64.deb").write_bytes(b"\x00" * 1000)
    sha256sums.main([str(tmp_path)])
    subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=tmp_path, check=True,
                   capture_output=True)


# ---- third-party notices ----

def test_every_bundled_package_has_a_license_text() -> None:
    # The packages hems-desktop[gui,cloud] pulls in: the same set the spec finds from collected files.
    dists = notices.requirement_closure("hems-desktop[gui,cloud]")
    names = {notices.canonical(d.metadata["Name"]) for d in dists}
    assert {"pyside6-essentials", "shiboken6", "pyqtgraph", "numpy", "google-cloud-pubsub", "grpcio",
            "pyserial", "keyring"} <= names
    text = notices.build(dists, "9.9.9")  # raises when a package has no license text
    for dist in dists:
        assert re.search(rf"^  {re.escape(dist.metadata['Name'])} +{re.escape(dist.version)} ", text, re.MULTILINE)
    assert "=== pyserial 3.5: pyserial.txt" in text or "=== pyserial" in text


def test_notices_say_what_the_lgpl_requires() -> None:
    text = notices.build(notices.requirement_closure("hems-desktop[gui]"), "9.9.9")
    section = text[text.index("GNU LGPL version 3"):text.index("License texts")]
    assert "Copyright (C) The Qt Company" in section          # 4(c): the library's copyright notice
    assert "unmodified" in section and "replace them" in section  # 4(d)(1): a replaceable shared library
    assert "download.qt.io" in section and "On request" in section  # where the source is
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "GNU GENERAL PUBLIC LICENSE" in text  # 4(b)
    assert "Unicode, Inc." in text  # ICU ships inside the Qt wheel


def test_bundled_distributions_come_from_collected_files(tmp_path: Path) -> None:
    import serial
    import yaml

    index = notices.file_index()
    found = notices.bundled_distributions([serial.__file__, yaml.__file__, str(tmp_path / "stdlib.py"),
                                           str(ROOT / "hems_desktop" / "__init__.py")], index)
    assert [notices.canonical(d.metadata["Name"]) for d in found] == ["pyserial", "pyyaml"]


def test_a_package_without_license_text_fails_the_build(tmp_path: Path) -> None:
    dist = fake_dist(tmp_path, "nolicense", "1.0", "License: MIT\n", files=[])
    with pytest.raises(ValueError, match="nolicense"):
        notices.build([dist], "9.9.9", fallback_dir=tmp_path / "none")


# ---- macOS: minimum version and architecture ----

def fake_dist(root: Path, name: str, version: str, metadata_text: str = "", tags: tuple[str, ...] = (),
              files: list[str] | None = None) -> metadata.Distribution:
    info = root / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{metadata_text}\n")
    (info / "WHEEL").write_text("Wheel-Version: 1.0\n" + "".join(f"Tag: {t}\n" for t in tags))
    (info / "RECORD").write_text("".join(f"{f},,\n" for f in files or []))
    return metadata.Distribution.at(info)


def test_minimum_macos_is_the_highest_bundled_wheel_tag(tmp_path: Path) -> None:
    # The tags of the wheels pip picks on the runners (PySide6 6.11 universal2 13.0, numpy 14.0 per arch).
    dists = [
        fake_dist(tmp_path, "pyside6_essentials", "6.11.3", tags=("cp310-abi3-macosx_13_0_universal2",)),
        fake_dist(tmp_path, "numpy", "2.4.6", tags=("cp311-cp311-macosx_14_0_arm64",)),
        fake_dist(tmp_path, "pyyaml", "6.0.4", tags=("cp311-cp311-macosx_11_0_arm64",)),
        fake_dist(tmp_path, "croniter", "7.0.0", tags=("py3-none-any",)),
    ]
    minimum, reasons = macos_target.minimum_system_version(dists, "arm64", python=(11, 0))
    assert minimum == "14.0"
    assert reasons == ["numpy 2.4.6 wheel 14.0"]
    # An x86_64 machine ignores arm64-only tags: here PySide6's universal2 tag decides.
    assert macos_target.minimum_system_version(dists, "x86_64", python=(10, 9))[0] == "13.0"


def test_universal2_is_blocked_by_single_architecture_wheels(tmp_path: Path) -> None:
    dists = [
        fake_dist(tmp_path, "pyside6_essentials", "6.11.3", tags=("cp310-abi3-macosx_13_0_universal2",)),
        fake_dist(tmp_path, "numpy", "2.4.6", tags=("cp311-cp311-macosx_14_0_arm64",)),
        fake_dist(tmp_path, "pure", "1.0", tags=("py3-none-any",)),
    ]
    assert macos_target.universal2_blockers(dists) == ["numpy 2.4.6 (macosx_14_0_arm64)"]


def macho(cputype: int, minos: tuple[int, int, int], command: int = 0x32) -> bytes:
    packed = (minos[0] << 16) | (minos[1] << 8) | minos[2]
    body = struct.pack("<IIIIII", command, 24, 1, packed, packed, 0) if command == 0x32 else \
        struct.pack("<IIII", command, 16, packed, packed)
    header = struct.pack("<IiiIIIII", 0xFEEDFACF, cputype, 0, 6, 1, len(body), 0, 0)
    return header + body


def test_macho_minimums_thin_fat_and_old_load_command() -> None:
    arm = macho(0x0100000C, (14, 0, 0))
    intel = macho(0x01000007, (10, 13, 0), command=0x24)
    assert macos_target.macho_minimums(arm) == [("arm64", (14, 0, 0))]
    assert macos_target.macho_minimums(intel) == [("x86_64", (10, 13, 0))]
    offset_a, offset_b = 4096, 8192
    fat = bytearray(struct.pack(">II", 0xCAFEBABE, 2))
    fat += struct.pack(">iiIII", 0x01000007, 3, offset_a, len(intel), 12)
    fat += struct.pack(">iiIII", 0x0100000C, 0, offset_b, len(arm), 14)
    fat += b"\0" * (offset_a - len(fat)) + intel
    fat += b"\0" * (offset_b - len(fat)) + arm
    assert macos_target.macho_minimums(bytes(fat)) == [("x86_64", (10, 13, 0)), ("arm64", (14, 0, 0))]
    assert macos_target.macho_minimums(b"\x7fELF" + b"\0" * 60) == []


def test_app_check_finds_a_binary_needing_a_newer_macos(tmp_path: Path) -> None:
    app = tmp_path / "HEMS Desktop.app"
    (app / "Contents" / "MacOS").mkdir(parents=True)
    (app / "Contents" / "Frameworks").mkdir()
    with (app / "Contents" / "Info.plist").open("wb") as f:
        plistlib.dump({"LSMinimumSystemVersion": "14.0"}, f)
    (app / "Contents" / "MacOS" / "hems-desktop").write_bytes(macho(0x0100000C, (13, 0, 0)))
    assert macos_target.check(app) == []
    (app / "Contents" / "Frameworks" / "libnew.dylib").write_bytes(macho(0x0100000C, (15, 0, 0)))
    assert macos_target.check(app) == [
        "Contents/Frameworks/libnew.dylib (arm64) needs macOS 15.0.0, but LSMinimumSystemVersion is 14.0"]


def test_the_spec_writes_the_computed_minimum_into_info_plist() -> None:
    spec = (PACKAGING / "pyinstaller" / "hems-desktop.spec").read_text()
    assert '"LSMinimumSystemVersion": minimum' in spec
    assert "minimum_system_version(bundled" in spec


def test_hdiutil_is_retried_on_resource_busy_only(tmp_path: Path) -> None:
    fake = tmp_path / "hdiutil"
    fake.write_text("#!/usr/bin/env bash\n"
                    f"n=$(cat {tmp_path}/count 2>/dev/null || echo 0); echo $((n + 1)) > {tmp_path}/count\n"
                    f'if [ "$n" -lt 2 ]; then echo "hdiutil: create failed - $MESSAGE" >&2; exit 1; fi\n'
                    "echo created\n")
    fake.chmod(0o755)
    script = f". {PACKAGING / 'macos' / 'retry.sh'}; RETRY_DELAY_S=0 retry_on_busy 5 {fake} create x.dmg"

    def run(message: str) -> tuple[int, int, str]:
        (tmp_path / "count").unlink(missing_ok=True)
        proc = subprocess.run(["bash", "-c", script], env={"MESSAGE": message, "PATH": "/usr/bin:/bin"},
                              capture_output=True, text=True)
        return proc.returncode, int((tmp_path / "count").read_text()), proc.stdout + proc.stderr

    status, calls, output = run("Resource busy")
    assert (status, calls) == (0, 3) and "created" in output
    status, calls, _ = run("No space left on device")
    assert (status, calls) == (1, 1)


def test_build_sh_retries_hdiutil_and_staples_app_and_dmg() -> None:
    build = (PACKAGING / "macos" / "build.sh").read_text()
    assert "retry_on_busy 6 hdiutil create" in build
    assert build.index('xcrun stapler staple "$APP"') < build.index("hdiutil create") < build.index(
        'xcrun stapler staple "$DMG"')


# ---- icons ----

def test_ico_writer_roundtrip() -> None:
    entries = [(16, make_icon.bmp_entry(16, b"\x10\x20\x30\xff" * 256)), (256, b"\x89PNG\r\n\x1a\nfake")]
    blob = make_icon.build_ico(entries)
    assert make_icon.parse_ico(blob) == [(16, "bmp"), (256, "png")]
    header = struct.unpack_from("<IiiHH", blob, 6 + 16 * 2)
    assert header == (40, 16, 32, 1, 32)  # BITMAPINFOHEADER, height doubled for the AND mask, 32 bpp
    with pytest.raises(ValueError):
        make_icon.bmp_entry(16, b"short")


def test_icns_writer_roundtrip() -> None:
    blob = make_icon.build_icns({b"icp4": b"\x89PNGa", b"ic10": b"\x89PNGbb"})
    assert make_icon.parse_icns(blob) == [b"icp4", b"ic10"]
    with pytest.raises(ValueError):
        make_icon.parse_icns(blob[:-1])


def test_icon_sizes_cover_windows_and_macos() -> None:
    assert {16, 24, 32, 48, 256} <= set(make_icon.ICO_SIZES)
    assert set(make_icon.ICNS_TYPES.values()) == {16, 32, 64, 128, 256, 512, 1024}


def test_make_icon_renders_both_files(tmp_path: Path) -> None:
    pytest.importorskip("PySide6.QtSvg")
    proc = subprocess.run([sys.executable, str(PACKAGING / "windows" / "make_icon.py"), "--out-dir", str(tmp_path)],
                          capture_output=True, text=True, env={**_env(), "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    ico = make_icon.parse_ico((tmp_path / "hems-desktop.ico").read_bytes())
    assert [size for size, _ in ico] == list(make_icon.ICO_SIZES)
    assert make_icon.parse_icns((tmp_path / "hems-desktop.icns").read_bytes()) == list(make_icon.ICNS_TYPES)


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


# ---- Windows ----

@pytest.mark.parametrize(("text", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("1.2.3rc1", (1, 2, 3, 0)), ("1.2.3.4.5", (1, 2, 3, 4)),
])
def test_numeric_version(text: str, numbers: tuple[int, ...]) -> None:
    assert version_info.numeric_version(text) == numbers


def test_version_resource_text_for_both_programs(tmp_path: Path) -> None:
    paths = version_info.write(tmp_path, "1.2.3", 2026)
    assert set(paths) == {"hems-desktop", "hems-collector"}
    recorded: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def recorder(name: str) -> Any:
        def make(*args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
            recorded.append((name, args, kwargs))
            return name, args, kwargs
        return make

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo",
             "VarStruct"]
    text = paths["hems-collector"].read_text(encoding="utf-8")
    eval(compile(text, "version", "eval"), {"__builtins__": {}}, {n: recorder(n) for n in names})
    strings = {args[0]: args[1] for name, args, _ in recorded if name == "StringStruct"}
    assert strings["OriginalFilename"] == "hems-collector.exe" and strings["ProductVersion"] == "1.2.3"
    ffi = next(kwargs for name, _, kwargs in recorded if name == "FixedFileInfo")
    assert ffi["filevers"] == (1, 2, 3, 0)
    tables = [args[0] for name, args, _ in recorded if name == "StringTable"]
    assert tables == ["040904B0", "041104B0"]  # English and Japanese


def test_version_resource_serializes_with_pyinstaller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("PyInstaller")
    import PyInstaller.compat

    # versioninfo imports pefile and win32api at module level; toRaw() needs neither.
    monkeypatch.setitem(sys.modules, "pefile", sys.modules.get("pefile") or types.ModuleType("pefile"))
    monkeypatch.setattr(PyInstaller.compat, "win32api", getattr(PyInstaller.compat, "win32api", None), raising=False)
    from PyInstaller.utils.win32 import versioninfo

    path = version_info.write(tmp_path, "1.2.3", 2026)["hems-desktop"]
    raw = versioninfo.load_version_info_from_text_file(str(path)).toRaw()
    assert "hems-desktop.exe".encode("utf-16-le") in raw
    assert "スマートメーター表示".encode("utf-16-le") in raw


ISS = PACKAGING / "windows" / "hems-desktop.iss"


def iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in ISS.read_text(encoding="utf-8-sig").splitlines():
        m = re.match(r"^\[(\w+)\]\s*$", line)
        if m:
            current = m.group(1)
            sections.setdefault(current, [])
        elif line.strip() and not line.startswith(";"):
            sections.setdefault(current, []).append(line)
    return sections


def test_inno_script_is_utf8_with_bom() -> None:
    assert ISS.read_bytes().startswith(b"\xef\xbb\xbf")
    ISS.read_bytes().decode("utf-8")


def test_inno_version_pin_agrees_with_build_ps1() -> None:
    text = ISS.read_text(encoding="utf-8-sig")
    pinned = re.search(r'#define InnoSetupPinned "(\d+)\.(\d+)\.(\d+)"', text)
    assert pinned is not None
    major, minor, patch = (int(g) for g in pinned.groups())
    assert f"PREPROCVER < EncodeVer({major}, {minor}, {patch}, 0)" in text
    assert f"PREPROCVER >= EncodeVer({major}, {minor}, {patch + 1}, 0)" in text
    assert "#error" in text
    build = (PACKAGING / "windows" / "build.ps1").read_text()
    assert f'$InnoSetupVersion = "{major}.{minor}.{patch}"' in build
    assert "FileMajorPart" in build and "throw" in build


def test_inno_languages_and_texts_in_japanese_and_english() -> None:
    sections = iss_sections()
    languages = {re.search(r'Name: "(\w+)"', line).group(1) for line in sections["Languages"]}  # type: ignore[union-attr]
    assert languages == {"english", "japanese"}
    assert any("Languages\\Japanese.isl" in line for line in sections["Languages"])
    messages: dict[str, dict[str, str]] = {}
    for line in sections["CustomMessages"]:
        key, _, value = line.partition("=")
        lang, _, name = key.partition(".")
        messages.setdefault(name, {})[lang] = value
    for name, texts in messages.items():
        assert set(texts) == languages, f"{name} is not in both languages"
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", texts["japanese"]), f"{name}: no Japanese text"
    used = set(re.findall(r"\{cm:(\w+)", ISS.read_text(encoding="utf-8-sig")))
    builtin = {"CreateDesktopIcon", "AdditionalIcons", "LaunchProgram", "UninstallProgram"}
    assert used - builtin <= set(messages), "a {cm:...} used in the script has no [CustomMessages] entry"
    # No hard-coded English left in what the wizard shows.
    for line in sections["Tasks"] + sections["Icons"]:
        for description in re.findall(r'(?:Description|GroupDescription): "([^"]*)"', line):
            assert description.startswith("{cm:"), line


def test_inno_removes_old_files_on_upgrade_and_installs_per_user() -> None:
    sections = iss_sections()
    assert 'Type: filesandordirs; Name: "{app}\\_internal"' in sections["InstallDelete"]
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup
    assert setup["VersionInfoVersion"] == "{#NumericVersion}"
    assert setup["SetupIconFile"] == "hems-desktop.ico"
    assert "THIRD-PARTY-NOTICES.txt" in "\n".join(sections["Files"])


def test_both_windows_programs_get_icon_and_version_resource() -> None:
    spec = (PACKAGING / "pyinstaller" / "hems-desktop.spec").read_text()
    assert spec.count('version=versions.get("hems-desktop")') == 1
    assert spec.count('version=versions.get("hems-collector")') == 1
    assert spec.count("icon=icon") == 2


# ---- Linux ----

OBJDUMP = """
Dynamic Section:
  NEEDED               libc.so.6
Version definitions:
1 0x01 0x0b2a8d0d libfoo.so.1

Version References:
  required from libm.so.6:
    0x09691a75 0x00 03 GLIBC_2.2.5
  required from libc.so.6:
    0x06969194 0x00 05 GLIBC_2.14
    0x069691b6 0x00 04 GLIBC_2.36
    0x09691a75 0x00 02 GLIBC_PRIVATE
  required from libstdc++.so.6:
    0x08922974 0x00 06 GLIBCXX_3.4
"""


def test_glibc_references_parse_objdump_output() -> None:
    assert sorted(debian_deps.glibc_references(OBJDUMP)) == [(2, 2, 5), (2, 14), (2, 36)]
    assert debian_deps.glibc_references("no version references here") == []


def test_depends_libc6_is_raised_to_what_the_elf_files_need() -> None:
    merged = debian_deps.merge(["libc6 (>= 2.34)", "libx11-6", "libdbus-1-3 (>= 1.9.14)"], (2, 36))
    assert merged == ["libc6 (>= 2.36)", "libdbus-1-3 (>= 1.9.14)", "libx11-6"]
    assert debian_deps.merge(["libc6 (>= 2.38)"], (2, 36), extra=())[0] == "libc6 (>= 2.38)"
    assert debian_deps.merge([], (2, 35), extra=()) == ["libc6 (>= 2.35)"]
    assert debian_deps.parse_shlibs("shlibs:Depends=libc6 (>= 2.34), zlib1g (>= 1:1.2.0)") == [
        "libc6 (>= 2.34)", "zlib1g (>= 1:1.2.0)"]


def test_usr_merge_variants() -> None:
    assert debian_deps.usr_variants("/usr/lib/x86_64-linux-gnu/libz.so.1") == [
        "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"]
    assert debian_deps.usr_variants("/lib/x86_64-linux-gnu/libz.so.1")[1] == "/usr/lib/x86_64-linux-gnu/libz.so.1"


@pytest.mark.skipif(shutil.which("dpkg") is None or shutil.which("objdump") is None, reason="needs dpkg and objdump")
def test_system_libraries_are_found_and_libpython_stays(tmp_path: Path) -> None:
    import ctypes.util

    libz = ctypes.util.find_library("z")
    candidates = [p for p in (f"/usr/lib/x86_64-linux-gnu/{libz}", f"/lib/x86_64-linux-gnu/{libz}") if libz]
    existing = next((p for p in candidates if Path(p).exists()), None)
    if existing is None:
        pytest.skip("no libz in the Debian multiarch folder")
    private = tmp_path / "libprivate.so.1"
    private.write_bytes(b"\x7fELF")
    toc = [("libz.so.1", existing, "BINARY"), ("libprivate.so.1", str(private), "BINARY"),
           ("libpython3.11.so.1.0", existing, "BINARY"), ("PySide6/Qt/lib/libQt6Core.so.6", existing, "BINARY")]
    assert debian_deps.system_libraries(toc) == {"libz.so.1": "zlib1g"}


@pytest.mark.skipif(shutil.which("objdump") is None, reason="needs objdump")
def test_glibc_requirement_of_a_real_library() -> None:
    version, _ = debian_deps.glibc_requirement([Path(sys.executable).resolve()])
    assert version >= (2, 17)


UNIT = PACKAGING / "linux" / "hems-collector.service"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text())
    return parser


def test_systemd_unit_runs_the_collector_safely() -> None:
    service = unit()["Service"]
    assert service["ExecStart"].startswith("/usr/bin/hems-collector ")
    assert service["EnvironmentFile"] == "/etc/hems-desktop/collector.env"
    assert service["DynamicUser"] == "yes" and service["SupplementaryGroups"] == "dialout"
    assert service["Restart"] == "on-failure"
    assert "2" in service["RestartPreventExitStatus"].split()  # a configuration error is not retried
    assert unit()["Unit"]["StartLimitBurst"] and unit()["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    copy = tmp_path / "hems-collector.service"
    copy.write_text(UNIT.read_text().replace("/usr/bin/hems-collector", "/bin/true"))
    proc = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_environment_file_template_has_the_settings_the_unit_uses() -> None:
    template = (PACKAGING / "linux" / "collector.env").read_text()
    for name in ("B_ROUTE_ID=", "B_ROUTE_PASSWORD=", "SERIAL_PORT=", "HEMS_COLLECTOR_OPTIONS="):
        assert re.search(rf"^{name}", template, re.MULTILINE), name
    assert "$HEMS_COLLECTOR_OPTIONS" in unit()["Service"]["ExecStart"]


def test_maintainer_scripts_create_the_env_file_0600_and_keep_the_service_disabled() -> None:
    postinst = (PACKAGING / "linux" / "debian" / "postinst").read_text()
    assert "install -m 0600 -o root -g root" in postinst and '[ ! -e "$ENV_FILE" ]' in postinst
    assert "systemctl enable" not in postinst
    assert "rm -f /etc/hems-desktop/collector.env" in (PACKAGING / "linux" / "debian" / "postrm").read_text()
    for name in ("postinst", "prerm", "postrm"):
        path = PACKAGING / "linux" / "debian" / name
        assert path.stat().st_mode & 0o111, f"{name} is not executable"
        assert "set -euo pipefail" in path.read_text()
        subprocess.run(["bash", "-n", str(path)], check=True)


def test_build_deb_ships_the_service_files_and_one_launcher() -> None:
    script = (PACKAGING / "linux" / "build-deb.sh").read_text()
    assert 'usr/lib/systemd/system/hems-collector.service' in script
    assert 'ln -sfn hems-desktop "$BUNDLE/hems-collector"' in script
    assert "debian_deps.py\" depends" in script and "COMPRESS=(-Zxz -z9)" in script


def test_launcher_dispatches_on_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("hems_launcher", PACKAGING / "pyinstaller" / "launcher.py")
    assert spec is not None and spec.loader is not None
    launcher = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launcher)
    called: list[str] = []
    monkeypatch.setattr("hems_desktop.cli.main", lambda: called.append("collector") or 0)
    monkeypatch.setattr(sys, "argv", ["/usr/bin/hems-collector", "--version"])
    assert launcher.main() == 0 and called == ["collector"]


def test_qt_platform_hook_picks_xcb_only_in_a_wayland_session(monkeypatch: pytest.MonkeyPatch) -> None:
    hook = (PACKAGING / "pyinstaller" / "rthook_qt_platform.py").read_text()

    def run(env: dict[str, str]) -> str | None:
        import os

        for name in ("XDG_SESSION_TYPE", "WAYLAND_DISPLAY", "DISPLAY", "QT_QPA_PLATFORM"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        exec(compile(hook, "rthook", "exec"), {})
        return os.environ.get("QT_QPA_PLATFORM")

    assert run({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}) == "xcb"
    assert run({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}) == "xcb"
    assert run({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}) is None
    assert run({"WAYLAND_DISPLAY": "wayland-0"}) is None  # no XWayland: leave Qt's own message
    assert run({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}) == "offscreen"


OPENGL_STAND_INS = """
import runpy, sys
runpy.run_path(sys.argv[1])
sys.meta_path.insert(0, sys.meta_path.pop())  # as in the bundle, where the real bindings are missing
from PySide6.QtWidgets import QApplication
app = QApplication([])
import numpy as np
import pyqtgraph as pg
import PySide6.QtOpenGLWidgets as gl_widgets
assert gl_widgets.QOpenGLWidget.__name__ == "NotInThisBuild"
plot = pg.PlotWidget()
plot.plot(np.arange(50), np.arange(50) ** 0.5)
plot.resize(300, 200)
plot.show()
app.processEvents()
assert not plot.grab().isNull()
try:
    gl_widgets.QOpenGLWidget()
except RuntimeError:
    pass
else:
    raise SystemExit("the stand-in did not refuse to be used")
"""


def test_opengl_stand_ins_let_pyqtgraph_draw() -> None:
    pytest.importorskip("pyqtgraph")
    hook = PACKAGING / "pyinstaller" / "rthook_no_opengl.py"
    proc = subprocess.run([sys.executable, "-c", OPENGL_STAND_INS, str(hook)], capture_output=True, text=True,
                          env={**_env(), "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr


# ---- macOS launchd example ----

def test_launchd_example_restarts_on_crash_only() -> None:
    with (PACKAGING / "macos" / "jp.hems-desktop.collector.plist").open("rb") as f:
        agent = plistlib.load(f)
    assert agent["Label"] == "jp.hems-desktop.collector"
    assert agent["ProgramArguments"][0] == "/Applications/HEMS Desktop.app/Contents/MacOS/hems-collector"
    assert agent["KeepAlive"] == {"Crashed": True}
    assert agent["RunAtLoad"] is True
    assert not any("PASSWORD" in str(value) for value in agent.values())  # secrets live in .env


# ---- workflow ----

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def test_workflow_covers_every_platform_and_release_step() -> None:
    text = WORKFLOW.read_text()
    for runner in ("windows-latest", "macos-14", "macos-15-intel", "ubuntu-24.04"):
        assert f"runs-on: {runner}" in text or f"runner: {runner}" in text, runner
    assert "container: ubuntu:22.04" in text  # the glibc floor of the .deb
    assert "pull_request:" in text and 'tags: ["v*"]' in text
    assert "packaging/release/check_version.py" in text
    assert "packaging/release/sha256sums.py artifacts" in text
    assert text.count("ruff check hems_desktop tests bench && mypy && python -m pytest -q") == 3
    assert "gh release create" in text and "contents: write" in text


def test_workflow_yaml_parses() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(WORKFLOW.read_text())
    jobs = workflow["jobs"]
    assert set(jobs) == {"version", "linux", "linux-install", "windows", "macos", "release"}
    assert jobs["release"]["needs"] == ["linux", "linux-install", "windows", "macos"]
    assert jobs["linux-install"]["needs"] == "linux"
    for name in ("linux", "windows", "macos"):
        assert jobs[name]["needs"] == "version"
        steps = [s.get("name", s.get("uses", "")) for s in jobs[name]["steps"]]
        tests = next(i for i, s in enumerate(steps) if s.startswith("Tests"))
        build = next(i for i, s in enumerate(steps) if s.startswith("Build"))
        assert tests < build, f"{name}: tests must run before the build"
