"""The composition root: from Settings to a ready-to-run Collector, for the CLI and the desktop worker."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hems_desktop.app.endpoint import DEMO_SPEED, Endpoint, RunSetupError, open_endpoint
from hems_desktop.app.outputs import OutputEvents
from hems_desktop.collector import Collector, EventCallback
from hems_desktop.describe import describe_sqlite_error
from hems_desktop.reading import local_now
from hems_desktop.schedule import build_schedule
from hems_desktop.settings import Settings

if TYPE_CHECKING:
    from hems_desktop.history import HistoryStore

log = logging.getLogger("hems_desktop.app")

DEMO_INTERVAL_S = 10


@dataclass
class CollectorRun:
    collector: Collector
    endpoint: Endpoint
    history: HistoryStore | None = None

    @property
    def emulator_port(self) -> str | None:
        return self.endpoint.emulator.port if self.endpoint.emulator is not None else None

    def close(self) -> None:
        self.endpoint.close()
        if self.history is not None:
            with contextlib.suppress(sqlite3.Error):
                self.history.close()
            self.history = None


def prepare_run(
    settings: Settings,
    *,
    on_event: EventCallback | None = None,
    history_path: Path | None = None,
    cache: Path | None = None,
    demo_speed: float = DEMO_SPEED,
    give_up_before_first_join: bool = True,
) -> CollectorRun:
    """Start the emulator in demo mode, open sinks and history, and build the Collector.

    Raises RunSetupError for settings a user must fix.
    """
    from hems_desktop.sinks import SinkError, build_sinks, check_outputs

    try:
        check_outputs(settings)  # before the demo meter starts or any file is created
    except SinkError as exc:
        raise RunSetupError(str(exc)) from None
    events = OutputEvents(on_event)
    endpoint = open_endpoint(settings, cache=cache, demo_speed=demo_speed)
    history: HistoryStore | None = None
    try:
        sinks = list(build_sinks(settings, report=events.output_left_out))
        history_file = history_path or settings.history
        if history_file is not None:
            from hems_desktop.history import HistoryStore
            from hems_desktop.sinks.history import HistorySink

            try:
                history = HistoryStore(history_file)
            except sqlite3.Error as exc:
                raise RunSetupError(f"history database {history_file}: {describe_sqlite_error(exc)}") from None
            except (OSError, RuntimeError) as exc:
                raise RunSetupError(f"history database {history_file}: {exc}") from None
            sinks.append(HistorySink(history))
    except SinkError as exc:
        _close(endpoint, history)
        raise RunSetupError(str(exc)) from None
    except RunSetupError:
        _close(endpoint, history)
        raise
    mode, interval = settings.mode, settings.interval
    if settings.demo and all(settings.origin.get(k, "default") == "default" for k in ("mode", "schedule")):
        # A demo should show data now, not in 5 minutes: every 10 s, or the --interval given.
        mode = "interval"
        interval = interval if settings.origin.get("interval", "default") != "default" else DEMO_INTERVAL_S
    schedule = build_schedule(mode, settings.schedule, interval, local_now())
    events.sinks = sinks
    collector = Collector(endpoint.session(), schedule, sinks, count=settings.count, history=history,
                          on_event=events, keep_days=settings.keep_days,
                          give_up_before_first_join=give_up_before_first_join)
    events.flush()
    return CollectorRun(collector, endpoint, history)


def _close(endpoint: Endpoint, history: HistoryStore | None) -> None:
    endpoint.close()
    if history is not None:
        with contextlib.suppress(sqlite3.Error):
            history.close()
