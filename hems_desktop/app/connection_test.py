"""A short scan / join / read for the settings dialog's "Test connection" button."""

from __future__ import annotations

import threading
from collections.abc import Callable

from hems_desktop.collector.reading import take_reading
from hems_desktop.reading import Reading
from hems_desktop.session import JoinFailed, Session, SessionConfig, SessionError


def run_connection_test(config: SessionConfig, progress: Callable[[str], None],
                        stop: threading.Event | None = None) -> Reading:
    """Open, join and take one reading. Raises HemsError subclasses with a message for the user."""
    session = Session(config, stop=stop)
    try:
        progress("opening")
        session.open()
        progress("joining")
        try:
            session.connect()
        except JoinFailed as exc:
            raise SessionError(
                f"{exc}. The meter was found but did not accept the B-route ID and password."
                if exc.rejected else str(exc)
            ) from None
        progress("reading")
        return take_reading(session)
    finally:
        session.terminate()
