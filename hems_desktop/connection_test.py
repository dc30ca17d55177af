"""A short scan / join / read for the settings dialog's "Test connection" button."""

from __future__ import annotations

from collections.abc import Callable

from hems_desktop.collector import Collector
from hems_desktop.reading import Reading
from hems_desktop.session import JoinFailed, SessionConfig, SessionError


class _Never:
    def next_after(self, t):  # type: ignore[no-untyped-def]
        return t


def run_connection_test(config: SessionConfig, progress: Callable[[str], None]) -> Reading:
    """Open, join and take one reading. Raises SessionError with a message for the user."""
    collector = Collector(config, _Never(), [], count=1)
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
