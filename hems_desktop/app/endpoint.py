"""Where and how to reach the meter: the session settings, and the emulator in demo mode."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hems_desktop.errors import ErrorKind, HemsError
from hems_desktop.session import Session, SessionConfig
from hems_desktop.settings import Settings
from hems_desktop.settings.parsers import parse_password, parse_route_b_id
from hems_desktop.settings.paths import cache_dir

if TYPE_CHECKING:
    from hems_desktop.emulator import Emulator

log = logging.getLogger("hems_desktop.app")

DEMO_ROUTE_B_ID = "0" * 24 + "DEMO0001"
DEMO_PASSWORD = "DEMOPASSWORD"
DEMO_SPEED = 20.0


class RunSetupError(HemsError):
    """Settings that cannot start a collector (one clear line, no secrets)."""

    kind = ErrorKind.SETTINGS


DEMO_SOLAR_ENV = "HEMS_DEMO_SOLAR"  # watts of solar peak for the demo meter (exports around noon)
DEMO_RELEASE_ENV = "HEMS_DEMO_RELEASE"  # the demo meter's ECHONET release letter; R: a next-generation meter


def start_demo_emulator(speed: float = DEMO_SPEED, environ: Mapping[str, str] | None = None) -> Emulator:
    """The demo's virtual dongle and meter; HEMS_DEMO_SOLAR / HEMS_DEMO_RELEASE (read only here) give it
    solar panels or make it a Release R meter, for trying those outputs without hardware."""
    from hems_desktop.emulator import Emulator, EmulatorConfig, MeterConfig  # the emulator only in demo mode

    environ = os.environ if environ is None else environ
    solar, release = environ.get(DEMO_SOLAR_ENV, "").strip(), environ.get(DEMO_RELEASE_ENV, "").strip().upper()
    try:
        solar_w = int(solar) if solar else 0
    except ValueError:
        raise RunSetupError(f"{DEMO_SOLAR_ENV} must be whole watts, e.g. 4000 (got {solar!r})") from None
    if release and not (len(release) == 1 and "A" <= release <= "Z"):
        raise RunSetupError(f"{DEMO_RELEASE_ENV} must be a release letter such as F or R (got {release!r})")
    meter = MeterConfig(solar_peak_w=max(0, solar_w), release=release or MeterConfig.release)
    return Emulator(EmulatorConfig(dialect="bp35a1", speed=speed, meter=meter, periodic_reauth=True)).start()


@dataclass
class Endpoint:
    session_config: SessionConfig
    emulator: Emulator | None = None

    def session(self, stop: threading.Event | None = None) -> Session:
        return Session(self.session_config, stop=stop)

    def close(self) -> None:
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None


def open_endpoint(settings: Settings, *, cache: Path | None = None, demo_speed: float = DEMO_SPEED) -> Endpoint:
    """Validate the credentials (or start the demo meter) and build the session settings.

    Raises RunSetupError for settings a user must fix.
    """
    emulator = None
    route_b_id, password = settings.route_b_id or "", settings.route_b_password or ""
    port = settings.serial_port
    network_cache: Path | None = cache or cache_dir()
    if settings.demo:
        emulator = start_demo_emulator(demo_speed)
        port, network_cache = emulator.port, None
        route_b_id, password = route_b_id or DEMO_ROUTE_B_ID, password or DEMO_PASSWORD
        log.info("demo mode: a virtual dongle and meter on %s", port)
    else:
        if not route_b_id or not password:
            raise RunSetupError("B_ROUTE_ID and B_ROUTE_PASSWORD must be set (environment or .env file); "
                                "or try --demo to run without a meter")
        try:
            parse_route_b_id(route_b_id)
            parse_password(password)
        except ValueError as exc:
            raise RunSetupError(str(exc)) from None
    config = SessionConfig(
        port=port,
        baudrate=settings.baudrate,
        route_b_id=route_b_id,
        password=password,
        dongle=settings.dongle,
        meter_channel=settings.meter_channel,
        meter_pan_id=settings.meter_pan_id,
        meter_ipv6=settings.meter_ipv6,
        cache_dir=network_cache,
    )
    return Endpoint(config, emulator)
