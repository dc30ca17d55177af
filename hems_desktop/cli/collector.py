"""`hems-collector`: the seed's headless collector (same options, variables and fields)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from hems_desktop.cli.args import build_arg_parser, cli_values
from hems_desktop.errors import HemsError
from hems_desktop.logsetup import setup_logging
from hems_desktop.settings import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from hems_desktop.app import CollectorRun
    from hems_desktop.collector import CollectorEvent

log = logging.getLogger("hems_desktop.cli")


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


@contextlib.contextmanager
def _stop_signals_to_the_main_thread() -> Iterator[None]:
    """Block SIGINT and SIGTERM while the run's threads start: they, and every thread they start,
    inherit the block. POSIX hands a process's signal to any thread that does not block it, and
    the main thread, waiting in join() without a timeout, never ran the handler of one that landed
    on another thread (a second Ctrl-C then did nothing). What arrives meanwhile waits for the unblock."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: Ctrl-C is handled on the main thread anyway
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def run(settings: Settings) -> int:
    with _stop_signals_to_the_main_thread():
        started = _start(settings)
    if started is None:
        return 2
    run, worker = started
    collector = run.collector
    try:
        while worker.is_alive():
            # POSIX: a join without a timeout still lets signal handlers run (no wake-ups at rest);
            # Windows: Ctrl-C only interrupts a timed wait.
            worker.join(None if os.name == "posix" else 1.0)
    finally:
        collector.stop()
        worker.join(5)
        run.close()
    return collector.exit_status


def _start(settings: Settings) -> tuple[CollectorRun, threading.Thread] | None:
    """Build the run, install the stop handlers and start the collector's thread (None: bad settings, said)."""
    from hems_desktop.app import prepare_run

    logs_readings = not settings.outputs
    try:
        run = prepare_run(settings, on_event=lambda e: _print_event(e, logs_readings))
    except HemsError as exc:  # settings the user must fix: one line, exit 2
        log.error("%s", exc)
        return None
    if settings.history is not None:
        log.info("history: %s", settings.history)
    collector = run.collector

    signals: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        signals.append(signum)
        if len(signals) == 1:
            log.info("stopping (%s)", signal.Signals(signum).name)
            collector.stop()
        else:  # a second Ctrl-C: no waiting for the outputs' flush; the spools keep the rest
            log.info("stopping now (%s)", signal.Signals(signum).name)
            collector.abandon_outputs()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    worker = threading.Thread(target=collector.run, name="hems-collector", daemon=True)
    worker.start()
    return run, worker


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["export"]:
        from hems_desktop.cli.export import main as export_main

        return export_main(arguments[1:])
    if arguments[:1] == ["report"]:
        from hems_desktop.cli.report import main as report_main

        return report_main(arguments[1:])
    parser = build_arg_parser()
    args: argparse.Namespace = parser.parse_args(arguments)
    try:
        settings = load_settings(cli_values(args), settings_path=Path(args.settings) if args.settings else None)
    except ConfigError as exc:
        print(f"hems-collector: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.debug, [settings.route_b_password or "", settings.mqtt_password or ""])
    if settings.origin.get("interval") not in (None, "default") and settings.mode != "interval" and not (
            settings.demo and settings.origin.get("mode") == "default"):
        log.warning("--interval is used only with --mode interval; readings follow the cron schedule '%s' "
                    "(add --mode interval to read every %d s)", settings.schedule, settings.interval)
    try:
        return run(settings)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
