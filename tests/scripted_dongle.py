"""A scripted SKSTACK peer on a real pty: exact lines in an exact order, no clock, no randomness.

Smdn.Net.SkStackIP's tests script a pseudo-stream line by line; this is the same idea over a
real pty, so the real driver and session read it. Setup commands get the usual answers
(single-hop, hex payloads, no echo); each SKSENDTO is handed to the test's `on_send`, which
writes whatever lines the scenario needs, in the order it needs them.
"""

from __future__ import annotations

import os
import threading
import tty
from collections.abc import Callable
from dataclasses import dataclass, field

from hems_desktop.protocol import echonet
from hems_desktop.protocol.dialects import mac_to_link_local
from hems_desktop.protocol.echonet import Frame

OWN_MAC = "001D129100040A5E"
METER_MAC = "001C6400036E8CF5"
OWN_IP = mac_to_link_local(OWN_MAC)
METER_IP = mac_to_link_local(METER_MAC)


@dataclass
class Send:
    """One SKSENDTO the host made: the decoded ECHONET frame and the raw payload."""

    frame: Frame
    payload: bytes


@dataclass
class ScriptedDongle:
    on_send: Callable[[ScriptedDongle, Send], None]
    sends: list[Send] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.port = os.ttyname(self.slave)
        self._buffer = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scripted-dongle", daemon=True)

    def __enter__(self) -> ScriptedDongle:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        os.close(self.slave)
        self._thread.join(2)
        os.close(self.master)

    # ---- what the scenario writes ----

    def line(self, text: str) -> None:
        os.write(self.master, text.encode("ascii") + b"\r\n")

    def event(self, number: int, param: int | None = None, address: str = METER_IP) -> None:
        self.line(f"EVENT {number:02X} {address}" + ("" if param is None else f" {param:02X}"))

    def erxudp(self, frame: Frame) -> None:
        data = echonet.encode_frame(frame)
        self.line(f"ERXUDP {METER_IP} {OWN_IP} 0E1A 0E1A {METER_MAC} 1 {len(data):04X} {data.hex().upper()}")

    # ---- the host side ----

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            if not data:
                return
            self._buffer += data
            self._consume()

    def _consume(self) -> None:
        while True:
            if self._buffer.startswith(b"SKSENDTO "):
                parts = self._buffer.split(b" ", 6)
                if len(parts) < 7:
                    return
                length = int(parts[5], 16)
                header = len(b" ".join(parts[:6])) + 1
                if len(self._buffer) < header + length:
                    return
                payload = bytes(self._buffer[header:header + length])
                del self._buffer[:header + length]
                send = Send(echonet.decode_frame(payload), payload)
                self.sends.append(send)
                self.on_send(self, send)
                continue
            end = self._buffer.find(b"\r")
            if end < 0:
                return
            text = self._buffer[:end].decode("ascii", "replace").strip()
            del self._buffer[:end + 1]
            if self._buffer[:1] == b"\n":
                del self._buffer[0]
            if text:
                self.commands.append(text)
                self._answer(text)

    def _answer(self, text: str) -> None:
        name = text.split()[0]
        if name == "SKVER":
            self.line("EVER 1.2.10")
            self.line("OK")
        elif name == "SKINFO":
            self.line(f"EINFO {OWN_IP} {OWN_MAC} 21 FFFF FFFE")
            self.line("OK")
        elif name == "ROPT":
            os.write(self.master, b"OK 01\r")  # hex payloads
        elif name == "SKTERM":
            self.line("FAIL ER10")
        elif name == "SKJOIN":
            self.line("OK")
            self.event(0x25)
        else:
            self.line("OK")
