"""Where the meter is (channel, PAN ID, address), and the cache of the last network that worked.

The cache is per dongle and B-route ID (a hash, not the ID itself) in the per-user cache folder,
so a restart joins in seconds without a scan. A wrong password cannot disprove it: only a join
that got no answer from the meter forgets it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from hashlib import sha256
from pathlib import Path

from hems_desktop.device.base import Target

log = logging.getLogger("hems_desktop.session")


@dataclass
class Network:
    channel: int
    pan_id: int
    ip: str
    mac: str = ""
    lqi: int | None = None
    source: str = "scan"  # scan | cache | settings
    rssi_dbm: float | None = None

    @property
    def meter_id(self) -> str:
        return self.mac or self.ip

    @property
    def target(self) -> Target:
        return Target(self.channel, self.pan_id, self.ip, self.mac)


class NetworkCache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _file(self, dongle_mac: str, route_b_id: str) -> Path | None:
        if self.folder is None or not dongle_mac:
            return None
        key = sha256(f"{dongle_mac}:{route_b_id}".encode()).hexdigest()[:16]
        return self.folder / f"network-{key}.json"

    def load(self, dongle_mac: str, route_b_id: str) -> Network | None:
        path = self._file(dongle_mac, route_b_id)
        if path is None or not path.exists():
            return None
        try:
            data = json.loads(path.read_text("utf-8"))
            network = Network(int(data["channel"]), int(data["pan_id"]), str(data["ip"]), str(data.get("mac", "")),
                              data.get("lqi"), "cache")
        except (OSError, ValueError, KeyError, TypeError):
            return None
        log.info("using the cached network: channel %02X, PAN ID %04X", network.channel, network.pan_id)
        return network

    def save(self, dongle_mac: str, route_b_id: str, network: Network) -> None:
        path = self._file(dongle_mac, route_b_id)
        if path is None or network.source == "settings":
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = asdict(network)
            data["source"] = "scan"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data), "utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            log.debug("could not cache the network: %s", exc)

    def forget(self, dongle_mac: str, route_b_id: str) -> None:
        path = self._file(dongle_mac, route_b_id)
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
