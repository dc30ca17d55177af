"""`--dongle auto` tells a J11 module from a SKSTACK dongle; a forced family that does not match
gives one clear line naming what was found. Real emulators on real ptys."""

from __future__ import annotations

from typing import Any

import pytest

from hems_desktop.device.base import DongleFamily, WrongDongleFamily
from hems_desktop.session import Session, SessionState

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(("dialect", "family"), [("bp35a1", DongleFamily.SINGLE_HOP),
                                                 ("dual-stack", DongleFamily.DUAL_STACK),
                                                 ("j11", DongleFamily.J11)])
def test_auto_finds_the_family(make_emulator: Any, e2e_config: Any, dialect: str, family: DongleFamily) -> None:
    emulator = make_emulator(dialect, 1000.0)
    session = Session(e2e_config(emulator, dongle="auto"))
    try:
        info = session.open()
        assert info.family is family
        session.connect()
        assert session.state is SessionState.JOINED
    finally:
        session.terminate()


@pytest.mark.parametrize("forced", ["single-hop", "dual-stack", "bp35c2"])
def test_a_text_dialect_forced_on_a_j11_module_names_j11(make_emulator: Any, e2e_config: Any, forced: str) -> None:
    emulator = make_emulator("j11", 1000.0)
    session = Session(e2e_config(emulator, dongle=forced))
    try:
        with pytest.raises(WrongDongleFamily) as failed:
            session.open()
        message = str(failed.value)
        assert "J11" in message and "\n" not in message and "auto" in message
    finally:
        session.terminate()


@pytest.mark.parametrize("forced", ["j11", "rs-wsuha-j11"])
def test_j11_forced_on_a_text_dongle_names_skstack(make_emulator: Any, e2e_config: Any, forced: str) -> None:
    emulator = make_emulator("bp35a1", 1000.0)
    session = Session(e2e_config(emulator, dongle=forced))
    try:
        with pytest.raises(WrongDongleFamily) as failed:
            session.open()
        assert "SKSTACK" in str(failed.value) and "\n" not in str(failed.value)
    finally:
        session.terminate()


def test_the_cli_ends_with_one_line_for_a_wrong_family(make_emulator: Any, tmp_path: Any) -> None:
    import subprocess
    import sys

    from conftest import PASSWORD, ROUTE_B_ID

    emulator = make_emulator("j11", 1000.0)
    result = subprocess.run(
        [sys.executable, "-m", "hems_desktop.cli", "--port", emulator.port, "--dongle", "bp35a1", "--count", "1"],
        env={"B_ROUTE_ID": ROUTE_B_ID, "B_ROUTE_PASSWORD": PASSWORD, "PATH": "/usr/bin:/bin",
             "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")},
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 78  # EX_CONFIG: the unit's RestartPreventExitStatus (restarting cannot fix it)
    errors = [line for line in result.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "J11" in errors[0], result.stderr
    assert "Traceback" not in result.stderr
