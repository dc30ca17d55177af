"""The virtual ROHM J11 module (BP35C0-J11 family) with the same meter (`MeterNode`) behind it.

It plays the real module's sequences [shared/protocol/J11.md]: one 0x4051 per scanned channel
and then the 0x2051 response; 0x2056 at once and the PANA outcome later as 0x6028; 0x2008 with
the transmission byte and the first 5 payload bytes; 0x6019 after a hardware reset (and no
0x20D9); 0x601A when the session is lost; 0x6018 with RSSI for every datagram. Text commands
(SKVER ...) get no answer at all, as on the real module. Settings survive the host closing the
port (the USB dongle stays powered) and are lost on a reset or an unplug.

Single-threaded like the SKSTACK dongle: the server calls `receive()` and runs due timers;
delays follow the hardware (scan dwell 9.64 ms x 2**duration per channel, about 2 s of PANA)
divided by `speed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from hems_desktop.emulator.faults import Faults
from hems_desktop.emulator.meter_model import MeterModel
from hems_desktop.emulator.virtual_module import Scheduler, VirtualModule
from hems_desktop.protocol import echonet
from hems_desktop.protocol.echonet import Frame
from hems_desktop.protocol.errors import ProtocolError
from hems_desktop.protocol.j11 import j11_channel
from hems_desktop.protocol.j11_codec import HOST_CODE, J11FrameParser, RawFrame
from hems_desktop.protocol.j11_messages import (
    INVALID_COMMAND,
    Command,
    ConnectionState,
    LinkState,
    MacAddress,
    ModuleError,
    ModuleStatus,
    PanaOutcome,
    PanaResult,
    Response,
    RouteBStarted,
    ScanBeacon,
    ScanResult,
    Startup,
    TransmitResult,
    UdpReceived,
    VersionInfo,
)
from hems_desktop.protocol.j11_requests import (
    InitialSettings,
    PanaAuth,
    ScanRequest,
    TransmitRequest,
    decode_port,
)

log = logging.getLogger("hems_desktop.emulator")

OWN_MAC = "001D129012C40B15"
FIRMWARE = VersionInfo(firmware_id=0x0400, major=1, minor=3, revision=0x158A)  # as in transcript 13
ECHONET_PORT = 3610
SCAN_DWELL_S = 0.00964  # per channel: 9.64 ms x 2**duration
ANSWER_S = 0.01  # a response after the module has read a request
RESET_S = 1.0  # hardware reset until 0x6019
ASSOCIATION_S = 0.5  # 0x0053 until 0x2053 when the meter is there
ASSOCIATION_TIMEOUT_S = 3.0  # ... and until 0x2053 0x0E when it is not
PANA_S = 2.0  # 0x0056 / 0x00D2 until 0x6028
TRANSMIT_S = 0.05  # 0x0008 until 0x2008 (the radio frame and its ACK)

# Results (Table 34) the module answers with
OK, BAD_PARAMETER, ASSOCIATION_FAILED, NOT_STARTED = 0x01, 0x04, 0x0E, 0x10
PORT_ALREADY_OPEN, ROUTE_B_OPERATING, PANA_NOT_STARTED, BUSY, PANA_SETTINGS_MISSING = 0x0A, 0x34, 0x37, 0x3D, 0x51


class VirtualJ11Module(VirtualModule):
    def __init__(
        self,
        meter: MeterModel,
        *,
        output: Callable[[bytes], None],
        schedule: Scheduler,
        clock: Callable[[], float],
        speed: float = 1.0,
        faults: Faults | None = None,
        seed: int = 1,
    ) -> None:
        try:
            self.meter_channel = j11_channel(meter.config.channel)
        except ValueError:
            raise ValueError(f"a J11 meter needs an odd channel 21..3B, not {meter.config.channel:02X}") from None
        super().__init__(meter, OWN_MAC, output=output, schedule=schedule, clock=clock, speed=speed, faults=faults,
                         seed=seed)
        self.meter_rssi = round(0.275 * meter.config.lqi - 104.27)  # the BP35A1 LQI formula, for one meter model
        self._parser = J11FrameParser(HOST_CODE)
        # tx_limited stays False: J11 reports no transmission-time limit
        self._handlers: dict[int, Callable[[bytes], None]] = {
            Command.GET_VERSION: lambda _: self._answer(FIRMWARE.frame()),
            Command.GET_STATUS: self._status,
            Command.GET_MAC: lambda _: self._answer(MacAddress(OWN_MAC).frame()),
            Command.INITIAL_SETTINGS: self._initial_settings,
            Command.SET_PANA_AUTH: self._pana_auth,
            Command.ACTIVE_SCAN: self._scan,
            Command.START_ROUTE_B: self._start_route_b,
            Command.OPEN_UDP_PORT: self._open_port,
            Command.START_PANA: self._start_pana,
            Command.REDO_PANA: self._redo_pana,
            Command.TRANSMIT: self._transmit,
            Command.TERMINATE_PANA: self._terminate_pana,
            Command.TERMINATE_ROUTE_B: self._terminate_route_b,
            Command.HARDWARE_RESET: self._hardware_reset,
        }
        self.reset()

    # ---- state ----

    def reset(self) -> None:
        """Power-on state: no settings, no credentials, no ports, no session (a reset or an unplug)."""
        self._epoch += 1
        self.settings: InitialSettings | None = None
        self.route_b_id: str | None = None
        self.password: str | None = None
        self.route_b_started = False
        self.joined = False
        self.ports: set[int] = set()
        self._scanning = False
        self.node.reset()

    def _answer(self, frame: bytes, hardware_seconds: float = ANSWER_S) -> None:
        self._after(hardware_seconds, lambda: self.output(frame))

    def _result(self, command: int, result: int, extra: bytes = b"") -> None:
        self._answer(Response(command, result, extra).frame())

    # ---- host bytes ----

    def receive(self, data: bytes) -> None:
        for item in self._parser.feed(data):
            if not isinstance(item, RawFrame):
                self._count("ignored_input")  # text commands and broken frames: no answer at all
                continue
            self._count("commands")
            handler = self._handlers.get(item.command)
            if handler is None:
                self._answer(ModuleError(INVALID_COMMAND).frame())
            elif self._scanning and item.command != Command.HARDWARE_RESET:
                self._result(item.command, BUSY)
            else:
                try:
                    handler(item.data)
                except ProtocolError:
                    self._result(item.command, BAD_PARAMETER)

    # ---- commands ----

    def _status(self, _: bytes) -> None:
        route_b = 0x03 if self.joined else 0x02 if self.route_b_started else 0x01
        self._answer(ModuleStatus(global_state=0x03, route_b_state=route_b, han_state=0x01).frame())

    def _initial_settings(self, data: bytes) -> None:
        settings = InitialSettings.decode(data)
        if settings.mode not in (1, 2, 3, 5) or not 4 <= settings.channel <= 17 or settings.tx_power > 2:
            self._result(Command.INITIAL_SETTINGS, BAD_PARAMETER)
            return
        if self.route_b_started:
            self._result(Command.INITIAL_SETTINGS, ROUTE_B_OPERATING)
            return
        self.settings = settings
        self._result(Command.INITIAL_SETTINGS, OK)

    def _pana_auth(self, data: bytes) -> None:
        auth = PanaAuth.decode(data)
        self.route_b_id, self.password = auth.route_b_id, auth.password
        self._result(Command.SET_PANA_AUTH, OK)

    def _scan(self, data: bytes) -> None:
        request = ScanRequest.decode(data)
        if not 1 <= request.duration <= 14 or request.mask & ~0x0003FFF0 or not request.mask:
            self._result(Command.ACTIVE_SCAN, BAD_PARAMETER)
            return
        self._count("scans")
        self._scanning = True
        channels = [channel for channel in range(4, 18) if request.mask >> channel & 1]
        visible = self._beacon_visible(request)
        dwell = SCAN_DWELL_S * 2**request.duration
        beacon = ScanBeacon(self.meter.config.mac, self.meter.config.pan_id, self.meter_rssi)
        for index, channel in enumerate(channels):
            found = (beacon,) if visible and channel == self.meter_channel else ()
            self._answer(ScanResult(channel, found).frame(), dwell * (index + 1))
        self._after(dwell * len(channels) + ANSWER_S, self._scan_done)

    def _scan_done(self) -> None:
        self._scanning = False
        self.output(Response(Command.ACTIVE_SCAN, OK).frame())

    def _beacon_visible(self, request: ScanRequest) -> bool:
        cfg = self.meter.config
        if self.faults.take("no_beacon_scans") or request.duration < cfg.beacon_min_duration:
            return False
        # With the pairing ID (the last 8 characters of the B-route ID) only that meter answers.
        return request.pairing_id is None or cfg.route_b_id is None or request.pairing_id == cfg.route_b_id[-8:]

    def _start_route_b(self, _: bytes) -> None:
        if self.route_b_started:
            self._result(Command.START_ROUTE_B, ROUTE_B_OPERATING)
            return
        if self.route_b_id is None or self.settings is None:
            self._result(Command.START_ROUTE_B, PANA_SETTINGS_MISSING)
            return
        if self.settings.channel != self.meter_channel or self.faults.take("association_failures"):
            self._answer(Response(Command.START_ROUTE_B, ASSOCIATION_FAILED).frame(), ASSOCIATION_TIMEOUT_S)
            return
        cfg = self.meter.config

        def associated() -> None:
            self.route_b_started = True
            self.output(RouteBStarted(self.meter_channel, cfg.pan_id, cfg.mac, self.meter_rssi).frame())

        self._after(ASSOCIATION_S, associated)

    def _open_port(self, data: bytes) -> None:
        port = decode_port(data)
        if port in self.ports:
            self._result(Command.OPEN_UDP_PORT, PORT_ALREADY_OPEN)
            return
        self.ports.add(port)
        self._result(Command.OPEN_UDP_PORT, OK)

    def _start_pana(self, _: bytes) -> None:
        if not self.route_b_started:
            self._result(Command.START_PANA, NOT_STARTED)
            return
        self._count("joins")
        self.joins += 1
        self._result(Command.START_PANA, OK)
        self._pana_exchange()

    def _redo_pana(self, _: bytes) -> None:
        if not self.route_b_started:
            self._result(Command.REDO_PANA, NOT_STARTED)
            return
        self.joined = False
        self._result(Command.REDO_PANA, OK)
        self._pana_exchange()

    def _credentials_ok(self) -> bool:
        cfg = self.meter.config
        if self.route_b_id is None or self.password is None:
            return False
        if cfg.route_b_id is not None and self.route_b_id != cfg.route_b_id:
            return False
        return cfg.password is None or self.password == cfg.password

    def _pana_exchange(self) -> None:
        if self.faults.take("join_failures"):
            outcome = PanaOutcome.NO_RESPONSE  # a transient failure: the meter's answers were lost on the air
        elif not self._credentials_ok():
            outcome = PanaOutcome.FAILED  # the meter answered and refused
        else:
            outcome = PanaOutcome.SUCCESS
        failed = outcome != PanaOutcome.SUCCESS

        def done() -> None:
            self.output(PanaResult(outcome, self.meter.config.mac).frame())
            if outcome == PanaOutcome.SUCCESS:
                self.joined = True
                self.node.joined()

        self._after(PANA_S * (0.75 if failed else 1.0), done)

    def _transmit(self, data: bytes) -> None:
        request = TransmitRequest.decode(data)
        if not self.route_b_started:
            self._result(Command.TRANSMIT, NOT_STARTED)
            return
        self._count("sendto")
        delivered = self.joined and request.dest == self.meter_ip and not self.faults.take("send_failures")
        status = 0x0 if delivered else 0x5  # 5: no ACK from the destination
        self._answer(TransmitResult(0, status, request.data[:5]).frame(), TRANSMIT_S)
        if delivered and request.dest_port == ECHONET_PORT:
            self._after(TRANSMIT_S, lambda: self.node.receive(request.data))

    def _terminate_pana(self, _: bytes) -> None:
        if not self.joined:
            self._result(Command.TERMINATE_PANA, PANA_NOT_STARTED)
            return
        self.joined = False
        self._answer(Response(Command.TERMINATE_PANA, OK).frame(), 0.3)

    def _terminate_route_b(self, _: bytes) -> None:
        if not self.route_b_started:
            self._result(Command.TERMINATE_ROUTE_B, NOT_STARTED)
            return
        self.route_b_started = self.joined = False
        self._result(Command.TERMINATE_ROUTE_B, OK)

    def _hardware_reset(self, _: bytes) -> None:
        self._count("resets")
        self.reset()  # cancels every timer of the old state, including a scan in progress
        self._after(RESET_S, lambda: self.output(Startup().frame()))

    # ---- the meter's side of the radio (MeterLink) ----

    def deliver(self, frame: Frame, multicast: bool) -> None:
        if ECHONET_PORT not in self.ports or not (self.joined or multicast):
            return  # the module passes on datagrams only for open ports and a live session
        self.output(self._udp(echonet.encode_frame(frame), multicast).frame())

    def _udp(self, payload: bytes, multicast: bool = False) -> UdpReceived:
        rssi = self.meter_rssi + self.rng.choice((-1, 0, 0, 1))
        pan_id = self.meter.config.pan_id
        return UdpReceived(self.meter_ip, ECHONET_PORT, ECHONET_PORT, pan_id, multicast, True, rssi, payload)

    def wire_faults(self, delay: float, answer: Frame) -> None:
        """Random bytes, a frame with a wrong data checksum, or a frame cut short, before an answer."""
        frame = self._udp(echonet.encode_frame(answer)).frame()
        if self.faults.take("garbage_lines"):
            noise = bytes(self.rng.randrange(256) for _ in range(40))
            self._after(delay * 0.5, lambda: self.output(noise))
        if self.faults.take("bad_checksum_frames"):
            corrupted = bytearray(frame)
            corrupted[-1] ^= 0x5A  # data checksum no longer matches
            self._after(delay * 0.55, lambda: self.output(bytes(corrupted)))
        if self.faults.take("truncated_lines"):
            self._after(delay * 0.6, lambda: self.output(frame[:20]))

    # ---- the meter and the session (fault actions and the clock) ----

    def expire_session(self, reauthenticate: bool = True) -> None:
        """The PANA lifetime ends: the module re-authenticates by itself (0x6028 again), or fails to
        and reports the session gone (0x6028 no response, then 0x601A PANA disconnected)."""
        if not self.joined:
            return
        self.joined = False
        if reauthenticate:
            self._pana_exchange()
            return
        mac = self.meter.config.mac

        def lost() -> None:
            self.output(PanaResult(PanaOutcome.NO_RESPONSE, mac).frame())
            self.output(ConnectionState(LinkState.PANA_DISCONNECTED, mac, self.meter_rssi).frame())

        self._after(PANA_S, lost)

    def end_session(self) -> None:
        """The meter ends the session: 0x601A PANA disconnected (the MAC link stays up)."""
        if not self.joined:
            return
        self.joined = False
        self.output(ConnectionState(LinkState.PANA_DISCONNECTED, self.meter.config.mac, self.meter_rssi).frame())

    def set_tx_limit(self, seconds: float) -> None:
        """SKSTACK's EVENT 32/33 have no J11 counterpart in any source we have: nothing happens."""
        log.info("emulator: the J11 module reports no transmission-time limit; tx-limit ignored")
