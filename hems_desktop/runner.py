"""Builds a ready-to-run Collector from Settings: shared by the CLI and the desktop worker."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hems_desktop.collector import Collector, EventCallback, local_now
from hems_desktop.schedule import build_schedule
from hems_desktop.session import SessionConfig
from hems_desktop.settings import Settings
from hems_desktop.settings.parsers import parse_password, parse_route_b_id

if TYPE_CHECKING:
    from hems_desktop.emulator import Emulator
    from hems_desktop.history import HistoryStore

log = logging.getLogger("hems_desktop.runner")

DEMO_ROUTE_B_ID = "0" * 24 + "DEMO0001"
DEMO_PASSWORD = "DEMOPASSWORD"
DEMO_SPEED = 20.0
DEMO_INTERVAL_S = 10


class RunSetupError(Exception):
    """Settings that cannot start a collector (one clear line, no secrets)."""


@dataclass
class CollectorRun:
    collector: Collector
    emulator: Emulator | None = None
    history: HistoryStore | None = None

    def close(self) -> None:
        _close(self.emulator, self.history)
        self.emulator = self.history = None


def _close(emulator: Emulator | None, history: HistoryStore | None) -> None:
    if emulator is not None:
        emulator.stop()
    if history is not None:
        with contextlib.suppress(sqlite3.Error):
            history.close()


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("hems-desktop"))


def start_demo_emulator(speed: float = DEMO_SPEED) -> Emulator:
    from hems_desktop.emulator import Emulator, EmulatorConfig

    return Emulator(EmulatorConfig(dialect="bp35a1", speed=speed)).start()


@dataclass
class Endpoint:
    """Where and how to reach the meter: the session settings, and the emulator in demo mode."""

    session_config: SessionConfig
    emulator: Emulator | None = None


def open_endpoint(settings: Settings, *, cache_dir: Path | None = None, demo_speed: float = DEMO_SPEED) -> Endpoint:
    """Validate the credentials (or start the demo meter) and build the session settings.

    Raises RunSetupError for settings a user must fix.
    """
    emulator = None
    route_b_id, password = settings.route_b_id or "", settings.route_b_password or ""
    port = settings.serial_port
    cache: Path | None = cache_dir or default_cache_dir()
    if settings.demo:
        emulator = start_demo_emulator(demo_speed)
        port, cache = emulator.port, None
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
        cache_dir=cache,
    )
    return Endpoint(config, emulator)


def prepare_run(
    settings: Settings,
    *,
    on_event: EventCallback | None = None,
    history_path: Path | None = None,
    cache_dir: Path | None = None,
    demo_speed: float = DEMO_SPEED,
) -> CollectorRun:
    """Start the emulator in demo mode, open sinks and history, and build the Collector.

    Raises RunSetupError for settings a user must fix.
    """
    from hems_desktop.sinks import SinkError, build_sinks

    endpoint = open_endpoint(settings, cache_dir=cache_dir, demo_speed=demo_speed)
    emulator = endpoint.emulator
    history: HistoryStore | None = None
    try:
        sinks = list(build_sinks(settings))
        history_file = history_path or settings.history
        if history_file is not None:
            from hems_desktop.history import HistoryStore
            from hems_desktop.sinks.history import HistorySink

            try:
                history = HistoryStore(history_file)
            except (OSError, RuntimeError, sqlite3.Error) as exc:
                raise RunSetupError(f"history database {history_file}: {exc}") from None
            sinks.append(HistorySink(history))
    except SinkError as exc:
        _close(emulator, history)
        raise RunSetupError(str(exc)) from None
    except RunSetupError:
        _close(emulator, history)
        raise
    mode, interval = settings.mode, settings.interval
    if settings.demo and all(settings.origin.get(k, "default") == "default" for k in ("mode", "schedule", "interval")):
        mode, interval = "interval", DEMO_INTERVAL_S  # a demo should show data now, not in 5 minutes
    schedule = build_schedule(mode, settings.schedule, interval, local_now())
    collector = Collector(endpoint.session_config, schedule, sinks, count=settings.count, history=history,
                          on_event=on_event, keep_days=settings.keep_days)
    return CollectorRun(collector, emulator, history)
