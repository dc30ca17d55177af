"""The ROHM J11 driver (BP35C0-J11, BP35C2-J11-T01, RATOC RS-WSUHA-J11) behind the `Dongle` interface.

Sequences [shared/protocol/J11.md; ROHM's B-route application note as broute-j11 quotes it]:
identify = version (0x006B), status (0x0001), MAC (0x000E), initial settings (0x005F, dual mode,
channel 4); join = initial settings with the meter's channel, route-B start (0x0053, retried on
0x0E "association failed"), open UDP 3610 (0x0005, "already open" is fine), PANA start (0x0056),
whose outcome comes later as 0x6028. Notifications become `Datagram`s (0x6018) and `LinkEvent`s
(0x6028, 0x601A, an unexpected 0x6019) for the listeners, on the reader thread.

Channels are SKSTACK numbers on this interface (odd 0x21..0x3B map to J11 4..17, see
`protocol.j11.j11_channel`). PANA_FAILED carries why in `detail`: `rejected` (0x6028 02: the
credentials), `no-response` (0x6028 03) or `association-failed` (0x2053 0x0E three times):
unlike SKSTACK, J11 tells a wrong password from a meter out of reach.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from hems_desktop.device.base import (
    Beacon,
    CommandRefused,
    Datagram,
    Dongle,
    DongleError,
    DongleFamily,
    DongleInfo,
    DongleMessage,
    DongleNotResponding,
    LinkEvent,
    LinkEventKind,
    Listener,
    PortLost,
    SendOutcome,
    Target,
    WrongDongleFamily,
)
from hems_desktop.device.j11_link import J11Link, command_name
from hems_desktop.device.serial_line import wait
from hems_desktop.protocol.dialects import mac_to_link_local
from hems_desktop.protocol.errors import ProtocolError
from hems_desktop.protocol.j11 import ALL_CHANNELS_MASK, j11_channel, skstack_channel
from hems_desktop.protocol.j11_codec import Garbage
from hems_desktop.protocol.j11_messages import (
    RESPONSE_FLAG,
    RESULT_OK,
    Command,
    ConnectionState,
    J11Message,
    MacAddress,
    ModuleError,
    ModuleStatus,
    PanaOutcome,
    PanaResult,
    RouteBStarted,
    ScanResult,
    Startup,
    TransmitResult,
    UdpReceived,
    VersionInfo,
    result_meaning,
)
from hems_desktop.protocol.j11_requests import (
    SCAN_DURATION_MAX,
    SCAN_DURATION_MIN,
    InitialSettings,
    PanaAuth,
    ScanRequest,
    TransmitRequest,
    open_udp_port_request,
    simple_request,
)

log = logging.getLogger("hems_desktop.serial")

ECHONET_PORT = 3610
SCAN_CHANNEL = 4  # every public client scans with channel 4 set, then sets the meter's
COMMAND_TIMEOUT_S = 2.0  # the module answers within milliseconds
PROBE_TIMEOUT_S = 1.5
ASSOCIATION_TIMEOUT_S = 20.0
ASSOCIATION_ATTEMPTS = 3  # 0x0E is often transient [broute-j11 session]
RESET_TIMEOUT_S = 10.0
BUSY_RETRY_S = 0.2
TEXT_PROBE_S = 1.0  # how long an SKSTACK dongle may take to answer SKVER
SCAN_DWELL_S = 0.00964  # per channel: 9.64 ms x 2**duration

BUSY = 0x3D
PORT_ALREADY_OPEN = 0x0A
ASSOCIATION_FAILED = 0x0E
NOT_STARTED = (0x10, 0x37)  # route-B or PANA not started: nothing to terminate
ALREADY_SET = 0x58  # PANA authentication information already set [broute-j11]

PANA_FAILURE_DETAIL: dict[int, str] = {PanaOutcome.FAILED: "rejected", PanaOutcome.NO_RESPONSE: "no-response"}
_SKSTACK_TEXT = (b"FAIL ER", b"EVER ", b"OK\r", b"EVENT ", b"SKVER", b"ERXUDP ")


class J11Dongle:
    """A J11 module on a serial port (or any pyserial URL). See `hems_desktop.device.base.Dongle`."""

    family = DongleFamily.J11

    def __init__(
        self, port: str, baudrate: int = 115200, *, command_timeout: float = COMMAND_TIMEOUT_S,
        reset_timeout: float = RESET_TIMEOUT_S, stop: threading.Event | None = None,
    ) -> None:  # fmt: skip
        self.port_name = port
        self.stop = stop  # the owner's stop: every wait without a stop of its own watches this one
        self.command_timeout = command_timeout
        self.reset_timeout = reset_timeout
        self._link = J11Link(port, baudrate, self._on_message, self._on_port_lost)
        self._listeners: list[Listener] = []
        self._startup = threading.Event()
        self._expect_startup = False
        self._scan_results: list[ScanResult] | None = None
        self._credentials: tuple[str, str] | None = None
        self._route_b_active = False
        self._channel: int | None = None  # the J11 channel last set with 0x005F
        self._text_seen = threading.Event()  # SKSTACK text came back: this is no J11 module
        self.last_rssi_dbm: int | None = None  # from the latest frame of the meter (link quality)

    # ---- lifecycle ----

    @property
    def is_open(self) -> bool:
        return self._link.is_open

    def open(self) -> None:
        self._link.open()

    def close(self) -> None:
        self._link.close()

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def add_secret(self, secret: str) -> None:
        self._link.add_secret(secret)

    # ---- requests ----

    def _request(
        self, frame: bytes, command: int, timeout: float | None = None, stop: threading.Event | None = None,
        tolerate: tuple[int, ...] = (),
    ) -> J11Message:  # fmt: skip
        """A request whose response must be success (or a tolerated result); a busy module is asked again."""
        code = command | RESPONSE_FLAG
        stop = stop if stop is not None else self.stop
        deadline = time.monotonic() + (self.command_timeout if timeout is None else timeout)
        while True:
            message = self._link.request(frame, code, max(0.05, deadline - time.monotonic()), stop)
            if isinstance(message, ModuleError):
                raise CommandRefused(f"the J11 module refused {command_name(code)}: {message.meaning}")
            result = getattr(message, "result", RESULT_OK)
            if result == BUSY and time.monotonic() + BUSY_RETRY_S < deadline:
                wait(threading.Event(), BUSY_RETRY_S, stop)  # still busy (a scan we stopped waiting for)
                continue
            if result != RESULT_OK and result not in tolerate:
                raise CommandRefused(f"the J11 module refused {command_name(code)}: {result_meaning(result)}")
            return message

    def probe(self, timeout: float = PROBE_TIMEOUT_S) -> bool:
        """Whether a J11 module answers on the open port: one version request, answered by any valid
        module frame. The request has no CR or LF, so a text dongle executes nothing."""
        try:
            self._link.request(simple_request(Command.GET_VERSION), Command.GET_VERSION | RESPONSE_FLAG, timeout)
        except (DongleNotResponding, PortLost):
            return False
        return True

    # ---- Dongle ----

    def identify(self, stop: threading.Event | None = None) -> DongleInfo:
        self._text_seen.clear()
        version = self._version(stop)
        status = self._request(simple_request(Command.GET_STATUS), Command.GET_STATUS, stop=stop)
        if isinstance(status, ModuleStatus) and status.route_b_state != 0x01:
            # A route-B or PANA session left over from an earlier run: start from a clean module.
            log.info("J11 module still has a route-B session (state %02X); resetting it", status.route_b_state)
            self._reset(stop)
        try:
            mac_answer = self._request(simple_request(Command.GET_MAC), Command.GET_MAC, stop=stop)
        except CommandRefused:
            mac_answer = None
        mac = mac_answer.mac if isinstance(mac_answer, MacAddress) else ""
        self._set_channel(SCAN_CHANNEL, stop)
        return DongleInfo(DongleFamily.J11, mac, str(version))

    def _version(self, stop: threading.Event | None) -> VersionInfo:
        request = simple_request(Command.GET_VERSION)
        try:
            message = self._request(request, Command.GET_VERSION, stop=stop)
        except DongleNotResponding:
            # A J11 module ignores text, a text dongle answers it: ask once in SKSTACK before a reset.
            self._link.write(b"\r\nSKVER\r\n")
            if wait(self._text_seen, TEXT_PROBE_S, stop):
                raise WrongDongleFamily(
                    f"{self.port_name} is a SKSTACK (text) dongle, not a J11 module: "
                    "choose a SKSTACK dongle type or --dongle auto"
                ) from None
            self._reset(stop)  # a wedged module often answers again after a hardware reset
            message = self._request(request, Command.GET_VERSION, stop=stop)
        if not isinstance(message, VersionInfo):
            raise DongleError(f"unexpected answer to the J11 version request: {message!r}")
        return message

    def _set_channel(self, channel: int, stop: threading.Event | None = None) -> None:
        if self._route_b_active:
            self._end_route_b(self.command_timeout)
        self._request(InitialSettings(channel).frame(), Command.INITIAL_SETTINGS, stop=stop)
        self._channel = channel

    def set_credentials(self, route_b_id: str, password: str) -> None:
        self.add_secret(password)
        self.add_secret(route_b_id)
        try:
            frame = PanaAuth(route_b_id, password).frame()
        except ProtocolError as exc:
            raise CommandRefused(str(exc)) from None
        self._request(frame, Command.SET_PANA_AUTH, tolerate=(ALREADY_SET,))
        self._credentials = (route_b_id, password)

    def scan(self, duration: int, pairing_id: str | None, stop: threading.Event | None = None) -> list[Beacon]:
        duration = min(max(duration, SCAN_DURATION_MIN), SCAN_DURATION_MAX)
        if self._channel != SCAN_CHANNEL:
            self._set_channel(SCAN_CHANNEL, stop)
        try:
            frame = ScanRequest(duration, pairing_id, ALL_CHANNELS_MASK).frame()
        except ProtocolError as exc:
            raise CommandRefused(str(exc)) from None
        channels = bin(ALL_CHANNELS_MASK).count("1")
        budget = channels * SCAN_DWELL_S * 2**duration * 1.5 + 3.0
        self._scan_results = []
        try:
            self._request(frame, Command.ACTIVE_SCAN, timeout=budget, stop=stop)
            results, self._scan_results = self._scan_results, None
        finally:
            self._scan_results = None
        beacons: dict[str, Beacon] = {}
        for result in results or []:
            for found in result.beacons:
                beacons.setdefault(found.mac, Beacon(skstack_channel(result.channel), found.pan_id, found.mac,
                                                     rssi_dbm=float(found.rssi)))  # fmt: skip
        return list(beacons.values())

    def meter_address(self, mac: str) -> str:
        return mac_to_link_local(mac)

    def start_join(self, target: Target, stop: threading.Event | None = None) -> None:
        try:
            channel = j11_channel(target.channel)
        except ValueError as exc:
            raise CommandRefused(str(exc)) from None
        if self._route_b_active or self._channel != channel:
            self._set_channel(channel, stop)
        for attempt in range(1, ASSOCIATION_ATTEMPTS + 1):
            started = self._request(simple_request(Command.START_ROUTE_B), Command.START_ROUTE_B,
                                    timeout=ASSOCIATION_TIMEOUT_S, stop=stop,
                                    tolerate=(ASSOCIATION_FAILED,))  # fmt: skip
            if isinstance(started, RouteBStarted):
                break
            log.info("J11: association with the meter failed (attempt %d of %d)", attempt, ASSOCIATION_ATTEMPTS)
        else:
            self._emit(LinkEvent(LinkEventKind.PANA_FAILED, "association-failed"))
            return
        self._route_b_active = True
        self.last_rssi_dbm = started.rssi
        if target.mac and started.mac != target.mac.upper():
            log.warning("J11: route-B started with %s, not the meter %s", started.mac, target.mac)
        self._request(open_udp_port_request(ECHONET_PORT), Command.OPEN_UDP_PORT, tolerate=(PORT_ALREADY_OPEN,))
        self._request(simple_request(Command.START_PANA), Command.START_PANA)

    def session_lifetime(self) -> float | None:
        return None  # no J11 source names the lifetime; the session learns the period from PANA results

    def start_reauthentication(self) -> None:
        self._request(simple_request(Command.REDO_PANA), Command.REDO_PANA)

    def send(self, ip: str, port: int, data: bytes, timeout: float) -> SendOutcome:
        try:
            frame = TransmitRequest(ip, data, ECHONET_PORT, port).frame()
        except ProtocolError as exc:
            raise CommandRefused(str(exc)) from None
        head = data[:5]  # 0x2008 repeats them: a late result of an earlier datagram cannot answer this one

        def ours(message: J11Message) -> bool:
            return not isinstance(message, TransmitResult) or not message.head or message.head == head

        message = self._link.request(frame, Command.TRANSMIT | RESPONSE_FLAG, timeout, self.stop, accept=ours)
        if isinstance(message, TransmitResult) and message.sent:
            return SendOutcome.SENT
        log.debug("J11: datagram not sent (%r)", message)
        return SendOutcome.NOT_SENT

    def terminate(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        try:
            answer = self._request(simple_request(Command.TERMINATE_PANA), Command.TERMINATE_PANA,
                                   timeout=max(0.1, timeout * 0.7), tolerate=(*NOT_STARTED, BUSY))  # fmt: skip
            if getattr(answer, "result", None) == RESULT_OK:
                self._emit(LinkEvent(LinkEventKind.SESSION_ENDED, "terminated"))
        except DongleNotResponding:
            self._emit(LinkEvent(LinkEventKind.SESSION_END_TIMEOUT, "no answer to terminate PANA"))
        self._end_route_b(max(0.1, deadline - time.monotonic()))

    def _end_route_b(self, timeout: float) -> None:
        try:
            self._request(simple_request(Command.TERMINATE_ROUTE_B), Command.TERMINATE_ROUTE_B,
                          timeout=timeout, tolerate=(*NOT_STARTED, BUSY))  # fmt: skip
        except DongleNotResponding:
            log.info("J11: no answer to terminate route-B")
        self._route_b_active = False

    def reset(self) -> None:
        """0x00D9 has no response; the module says 0x6019 when it has started again. Its settings
        and credentials are gone then: the scan channel and the credentials we had are set again."""
        self._reset(None)

    def _reset(self, stop: threading.Event | None) -> None:
        self._startup.clear()
        self._expect_startup = True
        try:
            self._link.write(simple_request(Command.HARDWARE_RESET))
            if not wait(self._startup, self.reset_timeout, stop if stop is not None else self.stop):
                raise DongleNotResponding(f"the J11 module did not restart within {self.reset_timeout:g} s")
        finally:
            self._expect_startup = False
        self._route_b_active = False
        self._channel = None
        self._set_channel(SCAN_CHANNEL)
        if self._credentials is not None:
            self.set_credentials(*self._credentials)

    # ---- notifications (reader thread) ----

    def _emit(self, message: DongleMessage) -> None:
        for listener in list(self._listeners):
            try:
                listener(message)
            except Exception:  # a listener bug must not kill the reader
                log.exception("listener failed")

    def _on_port_lost(self, reason: str) -> None:
        self._emit(LinkEvent(LinkEventKind.PORT_LOST, reason))

    def _on_message(self, message: J11Message) -> None:
        if isinstance(message, UdpReceived):
            self.last_rssi_dbm = message.rssi
            self._emit(Datagram(message.sender, message.source_port, message.dest_port, message.data,
                                      secured=message.encrypted, rssi_dbm=float(message.rssi)))  # fmt: skip
        elif isinstance(message, ScanResult):
            if self._scan_results is not None:
                self._scan_results.append(message)
        elif isinstance(message, PanaResult):
            if message.ok:
                self._emit(LinkEvent(LinkEventKind.PANA_CONNECTED, message.mac))
            else:
                detail = PANA_FAILURE_DETAIL.get(message.result, f"result {message.result:02X}")
                kind = LinkEventKind.PANA_REJECTED if detail == "rejected" else LinkEventKind.PANA_FAILED
                self._emit(LinkEvent(kind, detail))
        elif isinstance(message, ConnectionState):
            self.last_rssi_dbm = message.rssi
            if message.lost:
                self._emit(LinkEvent(LinkEventKind.LINK_LOST, f"connection state {message.state:02X}"))
        elif isinstance(message, Startup):
            if self._expect_startup:
                self._startup.set()
            else:  # it restarted by itself (brown-out, watchdog): every setting and the session are gone
                self._route_b_active = False
                self._channel = None
                self._emit(LinkEvent(LinkEventKind.LINK_LOST, "the J11 module restarted"))
        elif isinstance(message, Garbage):
            # Not only clean text: a text dongle echoes our binary frames before its FAIL line.
            if any(token in message.raw for token in _SKSTACK_TEXT):
                self._text_seen.set()
        elif isinstance(message, ModuleError):
            log.debug("J11: unexpected %r", message)


if TYPE_CHECKING:  # mypy proves that J11Dongle has the exact shape of the Dongle protocol
    _conforms: Dongle = J11Dongle("")
