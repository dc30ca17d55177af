"""SKSTACK IP text dongles (single-hop and dual-stack dialects) behind the `Dongle` interface.

What differs between the dialects (SKSCAN/SKSENDTO arguments, SIDE tokens) is in the
`Dialect` objects of protocol/dialects.py, chosen once in `identify`.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterable

from hems_desktop.device.base import (
    PANA_UDP_PORT,
    Beacon,
    Datagram,
    DongleFamily,
    DongleInfo,
    DongleNotResponding,
    LinkEvent,
    LinkEventKind,
    Listener,
    PortLost,
    SendOutcome,
    Stopped,
    Target,
    WrongDongleFamily,
)
from hems_desktop.device.skstack_port import CommandFailed, CommandTimeout, PortClosed, SkStackPort
from hems_desktop.protocol import dialects
from hems_desktop.protocol.dialects import Dialect, DialectName, ScanMode
from hems_desktop.protocol.skstack import (
    ErxUdp,
    Event,
    EventNumber,
    Info,
    Ok,
    PanDescriptor,
    RegisterValue,
    SkMessage,
    Version,
)

log = logging.getLogger("hems_desktop.serial")

SCAN_CHANNELS = 28
_POLL_S = 0.2  # waits look at the stop flag this often (only while a scan or a command runs)

# The one table from SKSTACK EVENT numbers to what they mean for the session.
_LINK_EVENTS: dict[int, LinkEventKind] = {
    EventNumber.PANA_FAILED: LinkEventKind.PANA_FAILED,
    EventNumber.PANA_CONNECTED: LinkEventKind.PANA_CONNECTED,
    EventNumber.SESSION_END_REQUESTED: LinkEventKind.SESSION_END_REQUESTED,
    EventNumber.SESSION_ENDED: LinkEventKind.SESSION_ENDED,
    EventNumber.SESSION_END_TIMEOUT: LinkEventKind.SESSION_END_TIMEOUT,
    EventNumber.SESSION_EXPIRED: LinkEventKind.SESSION_EXPIRED,
    EventNumber.TX_LIMIT_ON: LinkEventKind.TX_LIMIT_ON,
    EventNumber.TX_LIMIT_OFF: LinkEventKind.TX_LIMIT_OFF,
}
_FAMILIES = {DialectName.SINGLE_HOP: DongleFamily.SINGLE_HOP, DialectName.DUAL_STACK: DongleFamily.DUAL_STACK}


def _is_udp_sent(message: SkMessage) -> bool:
    return isinstance(message, Event) and message.number == EventNumber.UDP_SENT


class SkStackDongle:
    """One SKSTACK dongle on one port. `dialect` forces a dialect (None: detect it)."""

    def __init__(self, port: str, baudrate: int = 115200, *, dialect: Dialect | None = None,
                 secrets: Iterable[str] = (), command_timeout: float = 5.0,
                 stop: threading.Event | None = None) -> None:
        self.port_name = port
        self.serial = SkStackPort(port, baudrate, secrets=secrets, stop=stop)
        self.forced = dialect
        self.dialect: Dialect | None = dialect
        self.info: DongleInfo | None = None
        self.command_timeout = command_timeout
        self._listeners: list[Listener] = []
        self._scan_events: queue.Queue[SkMessage | PortClosed] | None = None
        self._term_events: queue.Queue[SkMessage | PortClosed] | None = None
        self._pana_answered = False  # a PANA datagram from the meter since the last join/rejoin
        self._lock = threading.Lock()

    # ---- lifecycle ----

    @property
    def is_open(self) -> bool:
        return self.serial.is_open

    def open(self) -> None:
        """Raises serial.SerialException / OSError / ValueError (the caller words it for the user)."""
        self.serial.open()
        self.serial.add_listener(self._on_message)

    def close(self) -> None:
        self.serial.close()

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def add_secret(self, secret: str) -> None:
        self.serial.add_secret(secret)

    # ---- identify ----

    def identify(self, stop: threading.Event | None = None) -> DongleInfo:
        version = self._probe(stop)
        info = self._command_lines(dialects.skinfo())
        einfo = next((line for line in info if isinstance(line, Info)), None)
        if self.forced is None:
            self.dialect = dialects.detect_dialect(einfo, version) or self._probe_dialect()
        self._read_payload_format()
        assert self.dialect is not None
        self.info = DongleInfo(_FAMILIES[self.dialect.name], einfo.mac if einfo else "",
                               version.version if version else "")
        return self.info

    def answers(self, timeout: float) -> bool:
        """Whether a SKSTACK dongle answers one SKVER within `timeout` (for `--dongle auto`)."""
        try:
            self.serial.command(dialects.skver(), timeout=timeout)
        except CommandTimeout:
            return False
        except CommandFailed:
            return True  # FAIL ER09 (a half line was pending): text all the same
        return True

    def _probe(self, stop: threading.Event | None) -> Version | None:
        for attempt in range(3):
            if stop is not None and stop.is_set():
                raise Stopped("stopped")
            try:
                if attempt:
                    self.serial.write(b"\r\n")  # clear a half-typed line left in the dongle
                lines = self.serial.command(dialects.skver(), timeout=2.0)
            except (CommandTimeout, CommandFailed):
                continue  # FAIL ER09 etc.: a half line was pending; the \r\n above clears it
            return next((line for line in lines if isinstance(line, Version)), None)
        raise DongleNotResponding(
            f"no answer from a Wi-SUN dongle on {self.port_name} at {self.serial.baudrate} baud "
            "(wrong port, or wrong baud rate: the dongles use 115200)"
        )

    def _probe_dialect(self) -> Dialect:
        """No EINFO hint: a 3-argument SKSCAN fails with ER05 on dual-stack firmware."""
        try:
            self.serial.command(dialects.SINGLE_HOP.skscan(ScanMode.ACTIVE, 0, mask=1), timeout=3)
        except CommandFailed as exc:
            if exc.fail.code == 5:
                return dialects.DUAL_STACK
        return dialects.SINGLE_HOP

    def _read_payload_format(self) -> None:
        try:
            lines = self.serial.command(dialects.ropt(), timeout=2.0, check=False)
        except CommandTimeout:
            return
        status = lines[-1] if lines else None
        if isinstance(status, Ok) and status.value in ("00", "01"):
            self.serial.set_binary_payload(status.value == "00")
        else:
            self.serial.set_binary_payload(False)  # ROPT unsupported: a hex-only stick

    def _require_dialect(self) -> Dialect:
        if self.dialect is None:
            raise WrongDongleFamily("the dongle was not identified yet")
        return self.dialect

    # ---- B-route operations ----

    def set_credentials(self, route_b_id: str, password: str) -> None:
        self.serial.add_secret(password)
        self.serial.add_identifier(route_b_id)
        self._command(dialects.sksetpwd(password), describe=f"SKSETPWD {len(password):X} ********")
        self._command(dialects.sksetrbid(route_b_id))

    def scan(self, duration: int, pairing_id: str | None, stop: threading.Event | None = None) -> list[Beacon]:
        """SKSCAN 2 (with the pairing ID set by SKSETRBID) or 3 (without), until EVENT 22."""
        mode = ScanMode.ACTIVE_WITH_IE if pairing_id else ScanMode.ACTIVE
        events: queue.Queue[SkMessage | PortClosed] = queue.Queue()
        self._scan_events = events
        try:
            self._command(self._require_dialect().skscan(mode, duration))
            expected = 0.0096 * (2**duration + 1) * SCAN_CHANNELS
            deadline = time.monotonic() + expected * 1.5 + 5.0
            beacons: list[Beacon] = []
            while True:
                if stop is not None and stop.is_set():
                    raise Stopped("stopped during the scan")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    log.warning("scan did not finish within %.0f s", expected * 1.5 + 5)
                    return beacons
                try:
                    message = events.get(timeout=min(remaining, _POLL_S))
                except queue.Empty:
                    continue
                if isinstance(message, PortClosed):
                    raise PortLost(f"dongle disconnected: {message.reason}")
                if isinstance(message, PanDescriptor):
                    beacons.append(Beacon(message.channel, message.pan_id, message.mac, lqi=message.lqi,
                                          rssi_dbm=message.rssi_dbm))
                elif isinstance(message, Event) and message.number == EventNumber.ACTIVE_SCAN_DONE:
                    return beacons
        finally:
            self._scan_events = None

    def meter_address(self, mac: str) -> str:
        try:
            return self.serial.ll64(mac, timeout=self.command_timeout).upper()
        except CommandTimeout:
            return dialects.mac_to_link_local(mac)  # the same rule the dongle applies

    def start_join(self, target: Target, stop: threading.Event | None = None) -> None:
        self._command(dialects.sksreg("S2", f"{target.channel:02X}"))
        self._command(dialects.sksreg("S3", f"{target.pan_id:04X}"))
        self._pana_answered = False
        self._command(dialects.skjoin(target.ip))

    def start_reauthentication(self) -> None:
        self._pana_answered = False
        self._command(dialects.skrejoin())

    def send(self, ip: str, port: int, data: bytes, timeout: float) -> SendOutcome:
        """SKSENDTO; its EVENT 21 (before the OK) says whether the datagram left the radio."""
        try:
            lines = self.serial.command(
                self._require_dialect().sksendto(ip, data, port), timeout=timeout, collect=_is_udp_sent,
                describe=f"SKSENDTO {ip} {data.hex().upper()}",
            )
        except CommandFailed as exc:
            log.info("SKSENDTO failed: %s", exc.fail)  # ER10: the module could not send now
            return SendOutcome.NOT_SENT
        results = [m.param for m in lines if isinstance(m, Event) and m.number == EventNumber.UDP_SENT]
        return SendOutcome.NOT_SENT if results and results[-1] == 1 else SendOutcome.SENT

    def session_lifetime(self) -> float | None:
        """Register S16 (seconds, hex): BP35A1-class modules re-authenticate at 80 % of it."""
        try:
            lines = self.serial.command(dialects.sksreg("S16"), timeout=self.command_timeout)
        except (CommandFailed, CommandTimeout):
            return None
        value = next((m.value for m in lines if isinstance(m, RegisterValue)), None)
        try:
            return float(int(value, 16)) if value else None
        except ValueError:
            return None

    def terminate(self, timeout: float) -> None:
        """SKTERM, then wait for EVENT 27/28; FAIL ER10 means there was no session."""
        events: queue.Queue[SkMessage | PortClosed] = queue.Queue()
        self._term_events = events
        try:
            self.serial.command(dialects.skterm(), timeout=timeout)
            deadline = time.monotonic() + timeout
            while (remaining := deadline - time.monotonic()) > 0:
                try:
                    message = events.get(timeout=remaining)
                except queue.Empty:
                    return
                if isinstance(message, PortClosed) or (
                    isinstance(message, Event) and message.number in (EventNumber.SESSION_ENDED,
                                                                      EventNumber.SESSION_END_TIMEOUT)
                ):
                    return
        except CommandFailed as exc:
            log.debug("SKTERM: %s", exc)  # ER10: no session to end
        finally:
            self._term_events = None

    def reset(self) -> None:
        with contextlib.suppress(CommandFailed, CommandTimeout):
            self.serial.command(dialects.skreset(), timeout=self.command_timeout)

    # ---- helpers ----

    def _command(self, data: bytes, describe: str | None = None) -> None:
        self._command_lines(data, describe)

    def _command_lines(self, data: bytes, describe: str | None = None) -> list[SkMessage]:
        name = data.split(b" ", 1)[0].strip().decode()
        try:
            return self.serial.command(data, timeout=self.command_timeout, describe=describe)
        except CommandTimeout:
            raise DongleNotResponding(f"the dongle did not answer {name}") from None
        except CommandFailed as exc:
            raise CommandFailed(name, exc.fail) from None

    # ---- messages (reader thread) ----

    def _on_message(self, message: SkMessage | PortClosed) -> None:
        for waiting in (self._scan_events, self._term_events):
            if waiting is not None:
                waiting.put(message)
        if isinstance(message, ErxUdp):
            if message.rport == PANA_UDP_PORT:
                self._pana_answered = True
            # The SA2 RSSI token's unit is undocumented publicly: the link quality comes from the scan's LQI.
            self._deliver(Datagram(message.sender.upper(), message.rport, message.lport, message.data,
                                   message.secured))
        elif isinstance(message, Event):
            kind = _LINK_EVENTS.get(message.number)
            if kind is LinkEventKind.PANA_FAILED and self._pana_answered:
                kind = LinkEventKind.PANA_REJECTED  # the meter took part in PANA and refused us
            if kind is not None:
                self._deliver(LinkEvent(kind, f"EVENT {message.number:02X}"))
        elif isinstance(message, PortClosed):
            self._deliver(LinkEvent(LinkEventKind.PORT_LOST, message.reason))

    def _deliver(self, message: Datagram | LinkEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(message)
            except Exception:  # a listener bug must not kill the reader
                log.exception("listener failed")
