"""Finding the meter: the user's overrides, then the cached network, then an active scan with
growing duration; and once, a scan without the pairing ID to tell "out of range" from "wrong ID"."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hems_desktop.device.base import Beacon, Dongle, Stopped
from hems_desktop.messages import msg
from hems_desktop.session.errors import NoBeaconFound
from hems_desktop.session.network import Network, NetworkCache
from hems_desktop.session.state import SessionState

log = logging.getLogger("hems_desktop.session")

SCAN_DURATIONS = (4, 5, 6, 7, 8)
UNPAIRED_PROBE_DURATION = 6


class Discovery:
    def __init__(
        self,
        dongle: Callable[[], Dongle],
        route_b_id: str,
        cache: NetworkCache,
        set_state: Callable[[SessionState, str], None],
        stop: threading.Event,
        *,
        channel: int | None = None,
        pan_id: int | None = None,
        ipv6: str | None = None,
    ) -> None:
        self._dongle = dongle
        self.route_b_id = route_b_id
        self.cache = cache
        self._set_state = set_state
        self.stop = stop
        self.channel, self.pan_id, self.ipv6 = channel, pan_id, ipv6
        self._unpaired_probed = False
        self._unpaired_meter: Beacon | None = None

    def find(self, dongle_mac: str) -> Network:
        if self.channel is not None and self.pan_id is not None and self.ipv6:
            return Network(self.channel, self.pan_id, self.ipv6.upper(), source="settings")
        cached = self.cache.load(dongle_mac, self.route_b_id)
        return cached if cached is not None else self.scan()

    def scan(self) -> Network:
        self._set_state(SessionState.SCANNING, "")
        pairing_id = self.route_b_id[-8:]
        for duration in SCAN_DURATIONS:
            if self.stop.is_set():
                raise Stopped("stopped")
            self._set_state(SessionState.SCANNING, f"duration {duration}")
            beacons = self._dongle().scan(duration, pairing_id, self.stop)
            if self.channel is not None:
                beacons = [b for b in beacons if b.channel == self.channel]
            if self.pan_id is not None:
                beacons = [b for b in beacons if b.pan_id == self.pan_id]
            if beacons:
                best = max(beacons, key=_strength)
                ip = self.ipv6 or self._dongle().meter_address(best.mac)
                log.info("meter found: channel %02X, PAN ID %04X, %s", best.channel, best.pan_id, _quality(best))
                return Network(best.channel, best.pan_id, ip.upper(), best.mac, best.lqi, "scan", best.rssi_dbm)
        if not self._unpaired_probed:
            # Once: scan without the pairing ID. A meter that answers this but not the paired scan
            # means the B-route ID is wrong (or not yet enabled), not that the meter is out of range.
            self._unpaired_probed = True
            others = self._dongle().scan(UNPAIRED_PROBE_DURATION, None, self.stop)
            self._unpaired_meter = max(others, key=_strength) if others else None
        if self._unpaired_meter is not None:
            found = self._unpaired_meter
            raise NoBeaconFound(msg(
                "a smart meter is in range (channel {channel:02X}, PAN ID {pan_id:04X}; it could be a "
                "neighbour's) but none answered to your B-route ID: check B_ROUTE_ID (the meter pairs with its "
                "last 8 characters); if it is right, the power company may not have enabled B-route service yet",
                channel=found.channel, pan_id=found.pan_id))
        raise NoBeaconFound(msg(
            "no smart meter answered the scan: move the dongle closer to the meter, check the B-route ID "
            "(the meter only answers its own), and make sure the power company has enabled B-route service"
        ))


def _strength(beacon: Beacon) -> float:
    if beacon.rssi_dbm is not None:
        return beacon.rssi_dbm
    return float(beacon.lqi or 0)


def _quality(beacon: Beacon) -> str:
    if beacon.lqi is not None:
        return f"LQI {beacon.lqi}"
    return f"RSSI {beacon.rssi_dbm:g} dBm" if beacon.rssi_dbm is not None else "signal unknown"
