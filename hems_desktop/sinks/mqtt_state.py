"""The MQTT output's retained state besides readings, and which of it the broker has not seen yet.

The collector's threads tell the board what they know (a reading's meter, the session state,
the LQI, error counts, the meter's maker and serial); the publisher thread asks it for the
messages to (re)send. The board keeps the whole desired set of retained messages (topic ->
payload) and what was last handed out, so a change sends only what changed, and a new
connection, or Home Assistant coming back, sends everything again (`mark_all_dirty`).
"""

from __future__ import annotations

import json
import threading
from collections import Counter

from hems_desktop.sinks.mqtt_discovery import (
    OFFLINE,
    ONLINE,
    MeterFacts,
    Topics,
    discovery_messages,
    removal_messages,
)

# Session states (hems_desktop.session.SessionState values) in which the meter link is up. The
# collector may say so itself with set_session_state(state, connected=...).
DEFAULT_ONLINE_STATES = frozenset({"joined", "reauthenticating", "tx_limited"})


class MqttStateBoard:
    def __init__(self, prefix: str, discovery_prefix: str, client_id: str, discovery: bool) -> None:
        self.topics = Topics(prefix, discovery_prefix, client_id)
        self.discovery = discovery
        self._lock = threading.Lock()
        self._meters: dict[str, MeterFacts] = {}
        self._current: str | None = None  # the meter the collector reads now
        self._identity: tuple[str | None, str | None] | None = None  # for the current (or next) meter
        self._state: str | None = None
        self._link_up: bool | None = None
        self._lqi: float | None = None
        self._errors: Counter[str] = Counter()
        self._sent: dict[str, bytes] = {}
        self._changes = 0  # bumped by every change: take_dirty skips the work when nothing changed
        self._taken_at = -1

    # ---- what the collector knows ----

    def note_reading(self, key: str, has_t_phase: bool, has_export: bool, *, live: bool) -> bool:
        """A reading of meter `key`; `live`: taken now (not a backlog row). True if anything changed."""
        with self._lock:
            facts = self._meters.get(key, MeterFacts(key))
            updated = MeterFacts(key, facts.has_t_phase or has_t_phase, facts.has_export or has_export,
                                 facts.manufacturer, facts.serial)
            if live and self._current != key:
                self._current = key
                if self._identity is not None:
                    updated = MeterFacts(key, updated.has_t_phase, updated.has_export, *self._identity)
            changed = updated != facts or key not in self._meters
            self._meters[key] = updated
            if live and self._link_up is None:
                self._link_up = True  # a reading proves the link, until a session state says otherwise
                changed = True
            self._changes += changed
            return changed

    def note_row(self, key: str, data: bytes) -> bool:
        """A spooled state message about to be published (it may come from an earlier run)."""
        try:
            record = json.loads(data)
        except ValueError:
            record = {}
        return self.note_reading(key, record.get("current_t") is not None,
                                 record.get("cumulative_export") is not None, live=False)

    def set_session_state(self, state: str, connected: bool | None) -> None:
        with self._lock:
            self._state = state
            self._link_up = connected if connected is not None else state in DEFAULT_ONLINE_STATES
            self._changes += 1

    def set_link_quality(self, value: float | None) -> None:
        with self._lock:
            self._lqi = value
            self._changes += 1

    def count_error(self, kind: str) -> None:
        with self._lock:
            self._errors[kind or "other"] += 1
            self._changes += 1

    def set_meter_identity(self, manufacturer: str | None, serial: str | None) -> None:
        with self._lock:
            self._identity = (manufacturer or None, serial or None)
            if self._current is not None:
                facts = self._meters[self._current]
                self._meters[self._current] = MeterFacts(facts.key, facts.has_t_phase, facts.has_export,
                                                         *self._identity)
            self._changes += 1

    # ---- what the publisher sends ----

    def take_dirty(self) -> list[tuple[str, bytes]]:
        """The retained messages the broker does not have yet (in a sensible order); marks them sent."""
        with self._lock:
            if self._taken_at == self._changes:
                return []
            self._taken_at = self._changes
            wanted = self._desired()
            dirty = [(topic, payload) for topic, payload in wanted.items() if self._sent.get(topic) != payload]
            self._sent.update(dirty)
            return dirty

    def mark_all_dirty(self) -> None:
        with self._lock:
            self._sent.clear()
            self._changes += 1

    def _desired(self) -> dict[str, bytes]:
        topics = self.topics
        wanted: dict[str, bytes] = {topics.collector_availability: ONLINE.encode()}
        for known, facts in self._meters.items():
            wanted.update(discovery_messages(topics, facts) if self.discovery else removal_messages(topics, known))
        key = self._current
        if key is not None:
            wanted[topics.meter(key, "availability")] = (ONLINE if self._link_up else OFFLINE).encode()
            if self._state is not None:
                wanted[topics.meter(key, "connection")] = self._state.encode()
            wanted[topics.meter(key, "link_quality")] = ("None" if self._lqi is None else f"{self._lqi:g}").encode()
            wanted[topics.meter(key, "errors")] = json.dumps(dict(sorted(self._errors.items()))).encode()
        return wanted
