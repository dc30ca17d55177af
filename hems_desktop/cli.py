"""`hems-collector`: the seed's headless collector (same options, variables and fields)."""

from __future__ import annotations

import argparse
import logging
import signal
import sqlite3
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from hems_desktop.args import build_arg_parser
from hems_desktop.config import ConfigError, Settings, load_settings
from hems_desktop.logsetup import setup_logging

if TYPE_CHECKING:
    from hems_desktop.collector import CollectorEvent
    from hems_desktop.emulator import Emulator

log = logging.getLogger("hems_desktop.cli")

DEMO_ROUTE_B_ID = "0" * 24 + "DEMO0001"
DEMO_PASSWORD = "DEMOPASSWORD"
DEMO_SPEED = 20.0
DEMO_INTERVAL_S = 10


def _cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("hems-desktop"))


def _start_demo() -> Emulator:
    from hems_desktop.emulator import Emulator, EmulatorConfig

    return Emulator(EmulatorConfig(dialect="bp35a1", speed=DEMO_SPEED)).start()


def _print_event(event: CollectorEvent, logs_readings: bool) -> None:
    from hems_desktop.collector import ErrorReported, FixedTimeReading, ReadingTaken, SlotMissed, StateChanged

    if isinstance(event, ReadingTaken):
        if logs_readings:
            log.info("reading: %s", event.reading.to_record())
    elif isinstance(event, StateChanged):
        log.info("%s%s", event.state.value, f": {event.detail}" if event.detail else "")
    elif isinstance(event, ErrorReported):
        (log.error if event.fatal else log.warning)("%s", event.message)
    elif isinstance(event, SlotMissed):
        log.warning("reading for %s missed: %s", event.slot.isoformat(timespec="seconds"), event.reason)
    elif isinstance(event, FixedTimeReading):
        log.info("meter's fixed-time value %s: %s kWh", event.at.isoformat(), event.cumulative_kwh)


def run(settings: Settings) -> int:
    from hems_desktop.collector import Collector, local_now
    from hems_desktop.protocol.dialects import check_password, check_route_b_id
    from hems_desktop.protocol.errors import ProtocolError
    from hems_desktop.schedule import build_schedule
    from hems_desktop.session import SessionConfig
    from hems_desktop.sinks import SinkError, build_sinks

    emulator = None
    route_b_id, password = settings.route_b_id or "", settings.route_b_password or ""
    port = settings.serial_port
    cache_dir: Path | None = _cache_dir()
    if settings.demo:
        emulator = _start_demo()
        port, cache_dir = emulator.port, None
        route_b_id, password = route_b_id or DEMO_ROUTE_B_ID, password or DEMO_PASSWORD
        log.info("demo mode: a virtual dongle and meter on %s", port)
    else:
        if not route_b_id or not password:
            log.error("B_ROUTE_ID and B_ROUTE_PASSWORD must be set (environment or .env file); "
                      "or try --demo to run without a meter")
            return 2
        try:
            check_route_b_id(route_b_id)
            check_password(password)
        except ProtocolError as exc:
            log.error("%s", exc)
            return 2
    try:
        sinks = build_sinks(settings)
    except SinkError as exc:
        log.error("%s", exc)
        return 2
    mode, interval = settings.mode, settings.interval
    if settings.demo and all(settings.origin.get(k) == "default" for k in ("mode", "schedule", "interval")):
        mode, interval = "interval", DEMO_INTERVAL_S  # a demo should show data now, not in 5 minutes
    schedule = build_schedule(mode, settings.schedule, interval, local_now())
    session_config = SessionConfig(
        port=port,
        baudrate=settings.baudrate,
        route_b_id=route_b_id,
        password=password,
        dongle=settings.dongle,
        meter_channel=settings.meter_channel,
        meter_pan_id=settings.meter_pan_id,
        meter_ipv6=settings.meter_ipv6,
        cache_dir=cache_dir,
    )
    logs_readings = not settings.outputs
    history = None
    if settings.history is not None:
        from hems_desktop.history import HistoryStore
        from hems_desktop.sinks.history import HistorySink

        try:
            history = HistoryStore(settings.history)
        except (OSError, RuntimeError, sqlite3.Error) as exc:
            log.error("history database %s: %s", settings.history, exc)
            return 2
        sinks.append(HistorySink(history))
        log.info("history: %s", settings.history)
    collector = Collector(session_config, schedule, list(sinks), count=settings.count, history=history,
                          on_event=lambda e: _print_event(e, logs_readings))

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("stopping (%s)", signal.Signals(signum).name)
        collector.stop()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    worker = threading.Thread(target=collector.run, name="hems-collector", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)  # the main thread stays free for signal handlers
    finally:
        collector.stop()
        worker.join(5)
        if emulator is not None:
            emulator.stop()
        if history is not None:
            history.close()
    return collector.exit_status


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["export"]:
        from hems_desktop.export import main as export_main

        return export_main(arguments[1:])
    parser = build_arg_parser()
    args: argparse.Namespace = parser.parse_args(arguments)
    try:
        settings = load_settings(args)
    except ConfigError as exc:
        print(f"hems-collector: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.debug, [settings.route_b_password or ""])
    try:
        return run(settings)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
