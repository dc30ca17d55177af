"""The B-route session: from "port open" to "joined", and keeping it joined.

Opens the dongle, detects its dialect, sets the credentials, finds the meter (override,
cached network, or active scan with growing duration), runs PANA, and then serves ECHONET
requests matched by TID. Unsolicited events (re-authentication, session end, transmission
limit, unplugged dongle) update the state the GUI shows as is.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import Enum
from hashlib import sha256
from pathlib import Path

import serial

from hems_desktop.driver import (
    CommandFailed,
    CommandTimeout,
    DongleDriver,
    DriverError,
    EventQueue,
    PortClosed,
    PortLost,
)
from hems_desktop.protocol import dialects, echonet
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.dialects import Dialect, ScanMode
from hems_desktop.protocol.echonet import ESV, Frame, Property
from hems_desktop.protocol.skstack import (
    ErxUdp,
    Event,
    EventNumber,
    Info,
    Ok,
    PanDescriptor,
    SkMessage,
    Version,
)

log = logging.getLogger("hems_desktop.session")

SCAN_DURATIONS = (4, 5, 6, 7, 8)
SCAN_CHANNELS = 28
_SESSION_GONE = (
    EventNumber.SESSION_EXPIRED,
    EventNumber.SESSION_END_REQUESTED,
    EventNumber.SESSION_ENDED,
    EventNumber.SESSION_END_TIMEOUT,
)


class SessionState(str, Enum):
    STOPPED = "stopped"
    OPENING = "opening"
    CONFIGURING = "configuring"
    SCANNING = "scanning"
    JOINING = "joining"
    JOINED = "joined"
    REAUTHENTICATING = "reauthenticating"
    TX_LIMITED = "tx_limited"
    DISCONNECTED = "disconnected"
    DONGLE_LOST = "dongle_lost"
    CREDENTIALS_REJECTED = "credentials_rejected"


class SessionError(Exception):
    """A failure with a message fit for the user (one line, no secrets)."""


class PortUnavailable(SessionError):
    pass


class DongleNotResponding(SessionError):
    pass


class NoBeaconFound(SessionError):
    pass


class JoinFailed(SessionError):
    def __init__(self, message: str, beacon_seen: bool) -> None:
        super().__init__(message)
        self.beacon_seen = beacon_seen


class SessionLost(SessionError):
    pass


class RequestTimeout(SessionError):
    pass


@dataclass(frozen=True)
class SessionConfig:
    port: str
    baudrate: int = 115200
    route_b_id: str = field(default="", repr=False)
    password: str = field(default="", repr=False)
    dongle: str = "auto"
    meter_channel: int | None = None
    meter_pan_id: int | None = None
    meter_ipv6: str | None = None
    cache_dir: Path | None = None
    request_timeout: float = 8.0  # one ECHONET answer (real meters: 0.1-1 s)
    request_attempts: int = 3
    join_timeout: float = 60.0  # PANA gives up after ~38 s on the hardware
    command_timeout: float = 5.0


@dataclass
class Network:
    channel: int
    pan_id: int
    ip: str
    mac: str = ""
    lqi: int | None = None
    source: str = "scan"  # scan | cache | settings

    @property
    def meter_id(self) -> str:
        return self.mac or self.ip


@dataclass(frozen=True)
class MeterConstants:
    """Read once per session: kWh per count = coefficient x unit."""

    coefficient: int
    unit_kwh: Decimal
    effective_digits: int | None
    coefficient_refused: bool = False


StateListener = Callable[[SessionState, str], None]
FrameListener = Callable[[Frame], None]


def describe_port_error(port: str, exc: BaseException) -> str:
    """One clear line for why a serial port could not be opened."""
    text = str(exc)
    err = getattr(exc, "errno", None)
    lowered = text.lower()
    if err == errno.ENOENT or "no such file" in lowered or "could not find" in lowered or "filenotfound" in lowered:
        return f"serial port {port} not found: is the dongle plugged in? (list ports: hems-collector --list-ports)"
    if err in (errno.EACCES, errno.EPERM) or "permission" in lowered or "access is denied" in lowered:
        hint = " (on Linux: sudo usermod -aG dialout $USER, then log in again)" if os.name == "posix" else ""
        return f"permission denied on serial port {port}{hint}"
    if err == errno.EBUSY or "busy" in lowered or "exclusively" in lowered:
        return f"serial port {port} is busy: another program is using the dongle"
    if "connection refused" in lowered:
        return f"nothing listens at {port}"
    return f"cannot open serial port {port}: {text}"


class Session:
    """Owns the driver for one dongle. Methods are called from one worker thread."""

    def __init__(
        self,
        config: SessionConfig,
        *,
        on_state: StateListener | None = None,
        on_frame: FrameListener | None = None,
    ) -> None:
        self.config = config
        self._on_state = on_state
        self._on_frame = on_frame
        self.state = SessionState.STOPPED
        self.driver: DongleDriver | None = None
        self.dialect: Dialect | None = None
        self.network: Network | None = None
        self.constants: MeterConstants | None = None
        self.dongle_mac = ""
        self.dongle_version = ""
        self.joined_at: float | None = None
        self.round_trips = 0
        self.round_trip_s = 2.0  # running average of answered requests; a cautious start
        self.refused_epcs: set[int] = set()
        self._events = EventQueue()
        self._cond = threading.Condition()
        self._joined = False
        self._tx_limited = False
        self._lost_reason: str | None = None
        self._tid = int.from_bytes(os.urandom(2), "big") & 0x7FFF
        self._pending: dict[int, Frame | None] = {}
        self._udp_result: int | None = None
        self._unpaired_probed = False
        self._unpaired_meter: PanDescriptor | None = None
        self._reauth_deadline: float | None = None  # set by EVENT 29, cleared by EVENT 25

    # ---- state ----

    def _set_state(self, state: SessionState, detail: str = "") -> None:
        if state == self.state and not detail:
            return
        self.state = state
        log.debug("session state: %s %s", state.value, detail)
        if self._on_state is not None:
            self._on_state(state, detail)

    @property
    def joined(self) -> bool:
        return self._joined

    # ---- connect ----

    def open(self) -> None:
        """Open the port and identify the dongle. Raises PortUnavailable / DongleNotResponding."""
        self._set_state(SessionState.OPENING, self.config.port)
        self.close_port()
        driver = DongleDriver(self.config.port, self.config.baudrate, secrets=[self.config.password])
        try:
            driver.open()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PortUnavailable(describe_port_error(self.config.port, exc)) from None
        driver.add_listener(self._on_message)
        self.driver = driver
        self._lost_reason = None
        self._reauth_deadline = None
        self._set_state(SessionState.CONFIGURING)
        version = self._probe()
        info = self._command_lines(dialects.skinfo())
        einfo = next((line for line in info if isinstance(line, Info)), None)
        if self.config.dongle != "auto":
            self.dialect = dialects.dialect_named(self.config.dongle)
        else:
            self.dialect = dialects.detect_dialect(einfo, version) or self._probe_dialect()
        self.dongle_mac = einfo.mac if einfo else ""
        self._read_payload_format()
        log.info("dongle %s (firmware %s, %s dialect)", self.dongle_mac or "?", self.dongle_version, self.dialect)

    def _probe(self) -> Version | None:
        driver = self._driver()
        for attempt in range(3):
            try:
                if attempt:
                    driver.write(b"\r\n")  # clear a half-typed line left in the dongle
                lines = driver.command(dialects.skver(), timeout=2.0)
            except (CommandTimeout, CommandFailed):
                continue  # FAIL ER09 etc.: a half line was pending; the \r\n above clears it
            version = next((line for line in lines if isinstance(line, Version)), None)
            self.dongle_version = version.version if version else ""
            return version
        raise DongleNotResponding(
            f"no answer from a Wi-SUN dongle on {self.config.port} at {self.config.baudrate} baud "
            "(wrong port, or wrong baud rate: the dongles use 115200)"
        )

    def _probe_dialect(self) -> Dialect:
        """No EINFO hint: a 3-argument SKSCAN fails with ER05 on dual-stack firmware."""
        try:
            self._driver().command(dialects.SINGLE_HOP.skscan(ScanMode.ACTIVE, 0, mask=1), timeout=3)
        except CommandFailed as exc:
            if exc.fail.code == 5:
                return dialects.DUAL_STACK
        return dialects.SINGLE_HOP

    def _read_payload_format(self) -> None:
        try:
            lines = self._driver().command(dialects.ropt(), timeout=2.0, check=False)
        except CommandTimeout:
            return
        status = lines[-1] if lines else None
        if isinstance(status, Ok) and status.value in ("00", "01"):
            self._driver().set_binary_payload(status.value == "00")
        else:
            self._driver().set_binary_payload(False)  # ROPT unsupported: a hex-only stick

    def connect(self, stop: threading.Event | None = None) -> Network:
        """Open (if needed), authenticate and join. Raises SessionError subclasses."""
        if self.driver is None or not self.driver.is_open:
            self.open()
        dialect = self._require_dialect()
        self._terminate_quietly()
        hidden = f"SKSETPWD {len(self.config.password):X} ********"
        self._command(dialects.sksetpwd(self.config.password), describe=hidden)
        self._command(dialects.sksetrbid(self.config.route_b_id))
        network, beacon_seen = self._find_network(dialect, stop)
        try:
            self._join(network)
        except JoinFailed as exc:
            if network.source != "cache":
                raise JoinFailed(str(exc), beacon_seen=beacon_seen) from None
            self.forget_network()
            log.info("cached network did not work; scanning")
            network, beacon_seen = self._scan(dialect, stop)
            try:
                self._join(network)
            except JoinFailed as again:
                # The scan found the meter, so a refusal now counts against the credentials.
                raise JoinFailed(str(again), beacon_seen=beacon_seen) from None
        self.network = network
        self._save_cache(network)
        try:
            self.constants = self._read_constants()
        except RequestTimeout as exc:
            # Joined all the same: ensure_constants() asks again before the next reading.
            log.warning("the meter's coefficient and unit could not be read yet: %s", exc)
        return network

    def _find_network(self, dialect: Dialect, stop: threading.Event | None) -> tuple[Network, bool]:
        cfg = self.config
        if cfg.meter_channel is not None and cfg.meter_pan_id is not None and cfg.meter_ipv6:
            return Network(cfg.meter_channel, cfg.meter_pan_id, cfg.meter_ipv6.upper(), source="settings"), False
        cached = self._load_cache()
        if cached is not None:
            return cached, False
        return self._scan(dialect, stop)

    def _scan(self, dialect: Dialect, stop: threading.Event | None) -> tuple[Network, bool]:
        self._set_state(SessionState.SCANNING)
        for duration in SCAN_DURATIONS:
            if stop is not None and stop.is_set():
                raise SessionError("stopped")
            self._set_state(SessionState.SCANNING, f"duration {duration}")
            beacons = self._scan_once(dialect, duration)
            if self.config.meter_channel is not None:
                beacons = [b for b in beacons if b.channel == self.config.meter_channel]
            if self.config.meter_pan_id is not None:
                beacons = [b for b in beacons if b.pan_id == self.config.meter_pan_id]
            if beacons:
                best = max(beacons, key=lambda b: b.lqi)
                ip = self.config.meter_ipv6 or self._driver().ll64(best.mac)
                log.info("meter found: channel %02X, PAN ID %04X, LQI %d", best.channel, best.pan_id, best.lqi)
                return Network(best.channel, best.pan_id, ip.upper(), best.mac, best.lqi, "scan"), True
        if not self._unpaired_probed:
            # Once: scan without the pairing code. A meter that answers this but not the paired scan
            # means the B-route ID is wrong (or not yet enabled), not that the meter is out of range.
            self._unpaired_probed = True
            others = self._scan_once(dialect, 6, ScanMode.ACTIVE)
            self._unpaired_meter = max(others, key=lambda b: b.lqi) if others else None
        if self._unpaired_meter is not None:
            found = self._unpaired_meter
            raise NoBeaconFound(
                f"a smart meter is in range (channel {found.channel:02X}, PAN ID {found.pan_id:04X}; it could be a "
                "neighbour's) but none answered to your B-route ID: check B_ROUTE_ID (the meter pairs with its "
                "last 8 characters); if it is right, the power company may not have enabled B-route service yet"
            )
        raise NoBeaconFound(
            "no smart meter answered the scan: move the dongle closer to the meter, check the B-route ID "
            "(the meter only answers its own), and make sure the power company has enabled B-route service"
        )

    def _scan_once(
        self, dialect: Dialect, duration: int, mode: ScanMode = ScanMode.ACTIVE_WITH_IE
    ) -> list[PanDescriptor]:
        self._events.drain()
        self._command(dialect.skscan(mode, duration))
        expected = 0.0096 * (2**duration + 1) * SCAN_CHANNELS
        deadline = time.monotonic() + expected * 1.5 + 5.0
        beacons: list[PanDescriptor] = []
        while True:
            message = self._events.get(deadline - time.monotonic())
            if message is None:
                log.warning("scan did not finish within %.0f s", expected * 1.5 + 5)
                return beacons
            if isinstance(message, PortClosed):
                raise SessionLost(f"dongle disconnected: {message.reason}")
            if isinstance(message, PanDescriptor):
                beacons.append(message)
            elif isinstance(message, Event) and message.number == EventNumber.ACTIVE_SCAN_DONE:
                return beacons

    def _join(self, network: Network) -> None:
        self._set_state(SessionState.JOINING, f"channel {network.channel:02X} PAN {network.pan_id:04X}")
        self._command(dialects.sksreg("S2", f"{network.channel:02X}"))
        self._command(dialects.sksreg("S3", f"{network.pan_id:04X}"))
        with self._cond:
            self._joined = False
        self._events.drain()
        self._command(dialects.skjoin(network.ip))
        deadline = time.monotonic() + self.config.join_timeout
        while True:
            message = self._events.get(deadline - time.monotonic())
            if message is None:
                raise JoinFailed("the meter did not complete authentication in time", beacon_seen=False)
            if isinstance(message, PortClosed):
                raise SessionLost(f"dongle disconnected: {message.reason}")
            if isinstance(message, Event) and message.number == EventNumber.PANA_CONNECTED:
                break
            if isinstance(message, Event) and message.number == EventNumber.PANA_FAILED:
                raise JoinFailed("the meter refused authentication (PANA failed)", beacon_seen=False)
        self.joined_at = time.monotonic()
        self.network = network
        self._set_state(SessionState.JOINED, network.ip)

    def ensure_constants(self) -> MeterConstants:
        """The meter's constants, read now when the read right after joining did not complete."""
        if self.constants is None:
            self.constants = self._read_constants()
        return self.constants

    def _read_constants(self) -> MeterConstants:
        """Coefficient (D3, 1 when refused), unit (E1) and digits (D7), once per session."""
        values = self.get_properties([m.EPC_COEFFICIENT, m.EPC_UNIT, m.EPC_EFFECTIVE_DIGITS])
        coefficient = m.decode_coefficient(values[m.EPC_COEFFICIENT]) if m.EPC_COEFFICIENT in values else 1
        unit = m.decode_unit(values[m.EPC_UNIT]) if m.EPC_UNIT in values else Decimal("0.1")
        digits = m.decode_effective_digits(values[m.EPC_EFFECTIVE_DIGITS]) if m.EPC_EFFECTIVE_DIGITS in values else None
        if m.EPC_UNIT not in values:
            log.warning("the meter refused E1 (unit); assuming 0.1 kWh")
        return MeterConstants(coefficient, unit, digits, m.EPC_COEFFICIENT not in values)

    # ---- requests ----

    def get_properties(self, epcs: Iterable[int]) -> dict[int, bytes]:
        """One Get for several EPCs; refused ones are left out (and remembered for the session).

        A Get_SNA that carries no values (some meters refuse the whole request) is retried
        without the refused EPCs, or EPC by EPC when the answer does not say which.
        """
        wanted = [epc for epc in epcs if epc not in self.refused_epcs]
        if not wanted:
            return {}
        frame = self.request(echonet.get_request(self._next_tid(), wanted))
        values = {p.epc: p.edt for p in frame.properties if p.edt}
        if frame.esv == ESV.GET_RES:
            return values
        refused = {p.epc for p in frame.properties if not p.edt}
        missing = [epc for epc in wanted if epc not in values]
        if values or len(wanted) == 1:
            self.refused_epcs |= refused if values else set(wanted)
            for epc in sorted(refused):
                log.info("the meter refuses property %02X", epc)
            return values
        # All-or-nothing refusal: ask one by one to find the culprit(s).
        for epc in missing:
            values.update(self.get_properties([epc]))
        return values

    def set_properties(self, props: Iterable[Property]) -> Frame:
        return self.request(echonet.set_request(self._next_tid(), tuple(props)))

    def request(self, frame: Frame) -> Frame:
        """Send one ECHONET request and wait for the answer with the same TID.

        Lost answers are retried with a new TID; stale answers (old TIDs) are ignored.
        """
        last_error = "no answer"
        for attempt in range(self.config.request_attempts):
            if attempt:
                frame = Frame(self._next_tid(), frame.seoj, frame.deoj, frame.esv, frame.properties,
                              frame.set_properties)
            self._wait_sendable()
            with self._cond:
                self._pending[frame.tid] = None
                self._udp_result = None
            sent_at = time.monotonic()
            try:
                self._send(frame)
                answer = self._await_answer(frame.tid)
            finally:
                with self._cond:
                    self._pending.pop(frame.tid, None)
            if answer is not None:
                self.round_trips += 1
                elapsed = time.monotonic() - sent_at
                self.round_trip_s = elapsed if self.round_trips == 1 else 0.8 * self.round_trip_s + 0.2 * elapsed
                return answer
            last_error = f"no answer from the meter within {self.config.request_timeout:g} s"
            log.info("%s (attempt %d of %d)", last_error, attempt + 1, self.config.request_attempts)
        raise RequestTimeout(last_error)

    def _send(self, frame: Frame) -> None:
        network, dialect = self.network, self._require_dialect()
        if network is None:
            raise SessionLost("not joined")
        data = echonet.encode_frame(frame)
        try:
            self._driver().command(
                dialect.sksendto(network.ip, data, echonet.ECHONET_UDP_PORT),
                timeout=self.config.command_timeout,
                describe=f"SKSENDTO {network.ip} {data.hex().upper()}",
            )
        except CommandFailed as exc:
            log.info("SKSENDTO failed: %s", exc.fail)  # ER10: the module could not send now
            with self._cond:
                self._udp_result = 1  # nothing left the dongle: no answer can come, retry after a pause
            time.sleep(0.2)
            return
        except PortLost as exc:
            raise SessionLost(f"dongle disconnected: {exc}") from None
        except CommandTimeout as exc:
            raise DongleNotResponding(str(exc)) from None

    def _await_answer(self, tid: int) -> Frame | None:
        deadline = time.monotonic() + self.config.request_timeout
        with self._cond:
            while True:
                answer = self._pending.get(tid)
                if answer is not None:
                    return answer
                if self._udp_result == 1:
                    return None  # EVENT 21 ... 01: the packet never left; retry now
                if self._lost_reason is not None:
                    raise SessionLost(self._lost_reason)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)

    def _wait_sendable(self, timeout: float = 120.0) -> None:
        """Block while re-authenticating or under the transmission-time limit (EVENT 32).

        Re-authentication gets at most the join timeout from its EVENT 29: a module that does
        not re-authenticate by itself sends nothing more, and the session is then lost.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._joined or self._tx_limited:
                if self._lost_reason is not None:
                    raise SessionLost(self._lost_reason)
                if not self._joined and self.state not in (SessionState.REAUTHENTICATING,):
                    raise SessionLost("the PANA session has ended")
                now = time.monotonic()
                reauth_deadline = None if self._joined else self._reauth_deadline
                if reauth_deadline is not None and now >= reauth_deadline:
                    self._lost_reason = "the meter did not re-authenticate the expired session in time"
                    break
                remaining = deadline - now
                if remaining <= 0:
                    raise SessionLost("the meter did not become reachable again in time")
                if reauth_deadline is not None:
                    remaining = min(remaining, reauth_deadline - now)
                self._cond.wait(remaining)
            else:
                return
            reason = self._lost_reason
        self._set_state(SessionState.DISCONNECTED, reason)
        raise SessionLost(reason)

    def _next_tid(self) -> int:
        self._tid = (self._tid + 1) & 0xFFFF
        return self._tid

    # ---- events (reader thread) ----

    def _on_message(self, message: SkMessage | PortClosed) -> None:
        self._events(message)
        if isinstance(message, ErxUdp):
            self._on_udp(message)
        elif isinstance(message, Event):
            self._on_event(message)
        elif isinstance(message, PortClosed):
            with self._cond:
                self._joined = False
                self._lost_reason = f"dongle disconnected: {message.reason}"
                self._cond.notify_all()
            self._set_state(SessionState.DONGLE_LOST, message.reason)

    def _on_udp(self, message: ErxUdp) -> None:
        if message.lport != echonet.ECHONET_UDP_PORT:
            return
        try:
            frame = echonet.decode_frame(message.data)
        except echonet.EchonetError as exc:
            log.debug("ignoring a malformed ECHONET frame: %s", exc)
            return
        with self._cond:
            if frame.tid in self._pending and frame.seoj == echonet.SMART_METER_EOJ and frame.esv in (
                ESV.GET_RES, ESV.GET_SNA, ESV.SET_RES, ESV.SETC_SNA,
            ):
                self._pending[frame.tid] = frame
                self._cond.notify_all()
                return
        if frame.esv == ESV.INFC:
            threading.Thread(target=self._answer_infc, args=(frame,), daemon=True).start()
        if frame.esv in (ESV.INF, ESV.INFC) and self._on_frame is not None:
            self._on_frame(frame)
        elif frame.esv in (ESV.GET_RES, ESV.GET_SNA):
            log.debug("ignoring a stale answer (TID %04X)", frame.tid)

    def _answer_infc(self, frame: Frame) -> None:
        with contextlib.suppress(DriverError, SessionError):
            self._send(echonet.infc_response(frame))

    def _on_event(self, event: Event) -> None:
        number = event.number
        with self._cond:
            if number == EventNumber.UDP_SENT and event.param in (0, 1):
                self._udp_result = event.param
            elif number == EventNumber.PANA_CONNECTED:
                self._joined = True
                self._lost_reason = None
                self._reauth_deadline = None
            elif number in _SESSION_GONE:
                self._joined = False
                if number == EventNumber.SESSION_EXPIRED:
                    self._reauth_deadline = time.monotonic() + self.config.join_timeout
            elif number == EventNumber.PANA_FAILED and self.state in (
                SessionState.JOINED, SessionState.REAUTHENTICATING, SessionState.TX_LIMITED
            ):
                self._joined = False
                self._lost_reason = "re-authentication failed"
            elif number == EventNumber.TX_LIMIT_ON:
                self._tx_limited = True
            elif number == EventNumber.TX_LIMIT_OFF:
                self._tx_limited = False
            self._cond.notify_all()
        if number == EventNumber.SESSION_EXPIRED:
            self._set_state(SessionState.REAUTHENTICATING, "PANA session lifetime expired")
        elif number == EventNumber.PANA_CONNECTED and self.state in (
            SessionState.REAUTHENTICATING, SessionState.TX_LIMITED
        ):
            self._set_state(SessionState.JOINED, "re-authenticated")
        elif number in (EventNumber.SESSION_END_REQUESTED, EventNumber.SESSION_END_TIMEOUT) or (
            number == EventNumber.SESSION_ENDED and self.state == SessionState.JOINED
        ):
            self._set_state(SessionState.DISCONNECTED, "the meter ended the session")
        elif number == EventNumber.PANA_FAILED and self._lost_reason:
            self._set_state(SessionState.DISCONNECTED, self._lost_reason)
        elif number == EventNumber.TX_LIMIT_ON:
            self._set_state(SessionState.TX_LIMITED, "radio transmission time limit reached; waiting")
        elif number == EventNumber.TX_LIMIT_OFF and self._joined:
            self._set_state(SessionState.JOINED, "transmission allowed again")

    # ---- end ----

    def _terminate_quietly(self) -> None:
        """End a session the dongle may still hold from an earlier run (FAIL ER10 = none)."""
        with contextlib.suppress(CommandFailed, CommandTimeout):
            self._driver().command(dialects.skterm(), timeout=self.config.command_timeout)

    def terminate(self, timeout: float = 1.5) -> None:
        """SKTERM and wait briefly for EVENT 27; then close the port."""
        driver = self.driver
        if driver is not None and driver.is_open and self._joined:
            self._set_state(SessionState.STOPPED, "ending the session (SKTERM)")
            self._events.drain()
            try:
                driver.command(dialects.skterm(), timeout=timeout)
                deadline = time.monotonic() + timeout
                while (message := self._events.get(deadline - time.monotonic())) is not None:
                    if isinstance(message, Event) and message.number in (0x27, 0x28):
                        break
            except DriverError as exc:
                log.debug("SKTERM: %s", exc)
        with self._cond:
            self._joined = False
        self.close_port()
        self._set_state(SessionState.STOPPED)

    def close_port(self) -> None:
        if self.driver is not None:
            self.driver.close()
            self.driver = None

    # ---- helpers ----

    def _driver(self) -> DongleDriver:
        if self.driver is None:
            raise SessionLost("the dongle is not open")
        return self.driver

    def _require_dialect(self) -> Dialect:
        if self.dialect is None:
            raise SessionLost("the dongle is not open")
        return self.dialect

    def _command(self, data: bytes, describe: str | None = None) -> None:
        self._command_lines(data, describe)

    def _command_lines(self, data: bytes, describe: str | None = None) -> list[SkMessage]:
        name = data.split(b" ", 1)[0].strip().decode()
        try:
            return self._driver().command(data, timeout=self.config.command_timeout, describe=describe)
        except CommandTimeout:
            raise DongleNotResponding(f"the dongle did not answer {name}") from None
        except CommandFailed as exc:
            raise SessionError(f"the dongle refused {name}: {exc.fail}") from None
        except PortLost as exc:
            raise SessionLost(f"dongle disconnected: {exc}") from None

    # ---- network cache ----

    def _cache_file(self) -> Path | None:
        if self.config.cache_dir is None or not self.dongle_mac:
            return None
        key = sha256(f"{self.dongle_mac}:{self.config.route_b_id}".encode()).hexdigest()[:16]
        return self.config.cache_dir / f"network-{key}.json"

    def _load_cache(self) -> Network | None:
        path = self._cache_file()
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

    def _save_cache(self, network: Network) -> None:
        path = self._cache_file()
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

    def forget_network(self) -> None:
        path = self._cache_file()
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
