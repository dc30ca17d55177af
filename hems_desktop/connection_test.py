"""A short scan / join / read for the settings dialog's "Test connection" button."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hems_desktop.collector import Collector
from hems_desktop.reading import Reading
from hems_desktop.schedule import IntervalSchedule
from hems_desktop.session import JoinFailed, SessionConfig, SessionError


def run_connection_test(config: SessionConfig, progress: Callable[[str], None]) -> Reading:
    """Open, join and take one reading. Raises SessionError with a message for the user."""
    # Only read_once() is used: the schedule is never consulted.
    collector = Collector(config, IntervalSchedule(3600, dt.datetime.now().astimezone()), [], count=1)
    session = collector.session
    try:
        progress("opening")
        session.open()
        progress("joining")
        try:
            session.connect()
        except JoinFailed as exc:
            raise SessionError(
                f"{exc}. The meter was found but did not accept the B-route ID and password."
                if exc.beacon_seen else str(exc)
            ) from None
        progress("reading")
        return collector.read_once()
    finally:
        session.terminate()
