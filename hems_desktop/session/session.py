"""The B-route session: from "port open" to "joined", and keeping it joined.

Opens the dongle (whatever its family: see device/), sets the credentials, finds the meter
(discovery.py), runs PANA, and then serves ECHONET requests matched by TID (requests.py)
through the send gates (gate.py). Every link event goes through one table (state.py) that
decides the state the GUI shows. The credentials latch lives here: a meter that refuses the
credentials twice is not asked again, so the B-route account is not locked.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hems_desktop.describe import describe_port_error
from hems_desktop.device.base import (
    ECHONET_UDP_PORT,
    Datagram,
    Dongle,
    DongleError,
    DongleInfo,
    DongleMessage,
    LinkEvent,
    LinkEventKind,
    PortLost,
    PortUnavailable,
    SendOutcome,
    Stopped,
)
from hems_desktop.device.factory import make_dongle
from hems_desktop.device.port_errors import PORT_ERRORS
from hems_desktop.protocol import echonet
from hems_desktop.protocol.echonet import ESV, Frame, Property
from hems_desktop.redaction import mask_id
from hems_desktop.session.constants import MeterConstants
from hems_desktop.session.discovery import Discovery
from hems_desktop.session.errors import CredentialsRejected, DongleGone, JoinFailed, RequestTimeout, SessionLost
from hems_desktop.session.gate import POLL_S, SendGate
from hems_desktop.session.meter_info import MeterCache, MeterProfile
from hems_desktop.session.meter_session import MeterSession
from hems_desktop.session.network import Network, NetworkCache
from hems_desktop.session.requests import Requests
from hems_desktop.session.state import EventKey, SessionState, SessionTimer, transition_for

log = logging.getLogger("hems_desktop.session")

REJECTIONS_BEFORE_GIVING_UP = 2  # refusals by a meter that answered PANA, in a row
_PANA_OUTCOMES = (LinkEventKind.PANA_CONNECTED, LinkEventKind.PANA_FAILED, LinkEventKind.PANA_REJECTED,
                  LinkEventKind.PORT_LOST)

StateListener = Callable[[SessionState, str], None]
FrameListener = Callable[[Frame], None]
DongleFactory = Callable[..., Dongle]


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


class Session(MeterSession):
    """Owns the dongle for one port. Methods are called from one worker thread; `stop` ends every wait."""

    def __init__(
        self,
        config: SessionConfig,
        *,
        on_state: StateListener | None = None,
        on_frame: FrameListener | None = None,
        stop: threading.Event | None = None,
        dongle_factory: DongleFactory = make_dongle,
    ) -> None:
        self.config = config
        self.stop = stop if stop is not None else threading.Event()
        self._on_state = on_state
        self._on_frame = on_frame
        self._dongle_factory = dongle_factory
        self.state = SessionState.STOPPED
        self._state_lock = threading.Lock()
        self.dongle: Dongle | None = None
        self.info: DongleInfo | None = None
        self.network: Network | None = None
        self.constants: MeterConstants | None = None
        self.joined_at: float | None = None
        self.refused_epcs: set[int] = set()
        self.meter = MeterProfile()
        self.meter_cache = MeterCache(config.cache_dir)
        self._primed = None
        self._identity_attempts = 0
        self._start_unanswered = 0
        self.gate = SendGate(config.join_timeout, self.stop,
                             on_reauth_overdue=lambda: self._apply(SessionTimer.REAUTH_OVERDUE, ""))
        self.requests = Requests(self.gate, self._send, timeout=config.request_timeout,
                                 attempts=config.request_attempts)
        self.cache = NetworkCache(config.cache_dir)
        self.discovery = Discovery(self._require_dongle, config.route_b_id, self.cache, self._set_state, self.stop,
                                   channel=config.meter_channel, pan_id=config.meter_pan_id, ipv6=config.meter_ipv6)
        self._rejections = 0
        self._pana: queue.Queue[LinkEvent] = queue.Queue()

    def listen(self, *, on_state: StateListener | None = None, on_frame: FrameListener | None = None) -> None:
        """Who hears of state changes and of the meter's unsolicited frames (the collector)."""
        self._on_state = on_state
        self._on_frame = on_frame

    # ---- state ----

    def _set_state(self, state: SessionState, detail: str = "") -> None:
        with self._state_lock:
            if state == self.state and not detail:
                return
            self.state = state
        log.debug("session state: %s %s", state.value, detail)
        if self._on_state is not None:
            self._on_state(state, detail)

    @property
    def joined(self) -> bool:
        return self.gate.joined

    @property
    def dongle_mac(self) -> str:
        return self.info.mac if self.info else ""

    @property
    def dongle_version(self) -> str:
        return self.info.firmware if self.info else ""

    @property
    def round_trip_s(self) -> float:
        return self.requests.round_trip_s

    @property
    def round_trips(self) -> int:
        return self.requests.round_trips

    # ---- connect ----

    def open(self) -> DongleInfo:
        """Open the port and identify the dongle. Raises PortUnavailable / DongleNotResponding."""
        self._set_state(SessionState.OPENING, self.config.port)
        self.close_port()
        dongle = self._dongle_factory(self.config.port, self.config.baudrate, self.config.dongle,
                                      secrets=[self.config.password], command_timeout=self.config.command_timeout,
                                      stop=self.stop)
        try:
            dongle.open()
        except PORT_ERRORS as exc:
            raise PortUnavailable(describe_port_error(self.config.port, exc)) from None
        dongle.add_listener(self._on_message)
        self.dongle = dongle
        self.gate.reset()
        self._set_state(SessionState.CONFIGURING)
        try:
            self.info = dongle.identify(self.stop)
        except PortLost as exc:
            raise DongleGone(f"dongle disconnected: {exc}") from None
        log.info("dongle %s (firmware %s, %s)", self.info.mac or "?", self.info.firmware, self.info.family.value)
        log.debug("B-route ID %s", mask_id(self.config.route_b_id))
        return self.info

    def connect(self) -> Network:
        """Open (if needed), authenticate and join. Raises SessionError / DongleError subclasses."""
        if self.dongle is None or not self.dongle.is_open:
            self.open()
        dongle = self._require_dongle()
        try:
            dongle.terminate(self.config.command_timeout)  # a session the dongle may hold from an earlier run
            dongle.set_credentials(self.config.route_b_id, self.config.password)
            network = self.discovery.find(self.dongle_mac)
            try:
                self._join(network)
            except JoinFailed as exc:
                if exc.rejected or network.source != "cache":
                    raise self._judged(exc) from None
                # No answer on the cached network: it may have moved. Forget it and scan.
                self.cache.forget(self.dongle_mac, self.config.route_b_id)
                log.info("cached network did not work; scanning")
                network = self.discovery.scan()
                try:
                    self._join(network)
                except JoinFailed as again:
                    raise self._judged(again) from None
        except PortLost as exc:
            raise DongleGone(f"dongle disconnected: {exc}") from None
        self._rejections = 0
        self.cache.save(self.dongle_mac, self.config.route_b_id, network)
        self._start_meter()
        try:
            self.gate.set_lifetime(dongle.session_lifetime())
        except PortLost as exc:
            raise DongleGone(f"dongle disconnected: {exc}") from None
        if self.gate.next_reauth is not None and log.isEnabledFor(logging.DEBUG):
            log.debug("the module re-authenticates by itself every %.0f s; next in %.0f s",
                      self.gate.reauth_period, self.gate.next_reauth - time.monotonic())
        try:
            self._read_start()
        except RequestTimeout as exc:
            # Joined all the same: ensure_constants() asks again before the next reading.
            log.warning("the meter's coefficient and unit could not be read yet: %s", exc)
        return network

    def _judged(self, failure: JoinFailed) -> JoinFailed | CredentialsRejected:
        """The credentials latch: a refusal by a meter that answered PANA counts; twice ends it."""
        if not failure.rejected:
            return failure
        self._rejections += 1
        if self._rejections < REJECTIONS_BEFORE_GIVING_UP:
            return failure
        self.close_port()
        self._set_state(SessionState.CREDENTIALS_REJECTED)
        return CredentialsRejected(
            "the smart meter rejected the B-route ID or password (authentication failed "
            f"{self._rejections} times); not retrying, so the B-route account is not locked. "
            "Check B_ROUTE_ID and B_ROUTE_PASSWORD"
        )

    def _join(self, network: Network) -> None:
        self.network = network  # known before JOINED is reported (the GUI shows it at once)
        self._set_state(SessionState.JOINING, f"channel {network.channel:02X} PAN {network.pan_id:04X}")
        self.gate.reset()
        while not self._pana.empty():
            self._pana.get_nowait()
        self._require_dongle().start_join(network.target, self.stop)
        deadline = time.monotonic() + self.config.join_timeout
        while True:
            if self.stop.is_set():
                raise Stopped("stopped while authenticating")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise JoinFailed("the meter did not complete authentication in time")
            try:
                event = self._pana.get(timeout=min(remaining, POLL_S))
            except queue.Empty:
                continue
            if event.kind is LinkEventKind.PANA_CONNECTED:
                break
            if event.kind is LinkEventKind.PANA_REJECTED:
                raise JoinFailed("the meter refused authentication (PANA failed)", rejected=True)
            if event.kind is LinkEventKind.PANA_FAILED:
                raise JoinFailed("the meter did not answer the authentication (PANA failed)")
            raise DongleGone(f"dongle disconnected: {event.detail}")
        self.joined_at = time.monotonic()

    def ensure_constants(self) -> MeterConstants:
        """The meter's constants, read now when the read right after joining did not complete."""
        if self.constants is None:
            self._read_start()
        assert self.constants is not None
        return self.constants

    # ---- requests ----

    def get_properties(self, epcs: Iterable[int], *, probe_each: bool = True) -> dict[int, bytes]:
        """One Get for several EPCs; refused ones are left out (and remembered for the session).

        A Get_SNA that carries no values (some meters refuse the whole request) is retried EPC
        by EPC to find the culprit, or, without `probe_each`, answered with {} (the caller has a
        cheaper plan). EPCs a meter left out of its answer altogether (a meter that answers only
        as many as it can) are asked again in a Get of their own.
        """
        wanted = [epc for epc in dict.fromkeys(epcs) if epc not in self.refused_epcs]
        if not wanted:
            return {}
        frame = self.request(echonet.get_request(self.requests.next_tid(), wanted))
        values = {p.epc: p.edt for p in frame.properties if p.edt and p.epc in wanted}
        answered = {p.epc for p in frame.properties}
        unanswered = [epc for epc in wanted if epc not in answered]
        if frame.esv != ESV.GET_RES:
            refused = answered - set(values)
            if not values and len(wanted) > 1:
                if not probe_each:
                    return {}
                # All-or-nothing refusal: ask one by one to find the culprit(s).
                for epc in wanted:
                    values.update(self.get_properties([epc]))
                return values
            self.refused_epcs |= refused if values else set(wanted)
            for epc in sorted(refused):
                log.info("the meter refuses property %02X", epc)
        if unanswered and values:
            values.update(self.get_properties(unanswered))
        return values

    def set_properties(self, props: Iterable[Property]) -> Frame:
        return self.request(echonet.set_request(self.requests.next_tid(), tuple(props)))

    def request(self, frame: Frame) -> Frame:
        """One ECHONET request; the answer with the same TID. Raises RequestTimeout, SessionLost, Stopped."""
        return self.requests.request(frame)

    def _send(self, data: bytes) -> SendOutcome:
        network = self.network
        if network is None:
            raise SessionLost("not joined")
        try:
            return self._require_dongle().send(network.ip, ECHONET_UDP_PORT, data, self.config.command_timeout)
        except PortLost as exc:
            raise DongleGone(f"dongle disconnected: {exc}") from None

    # ---- messages from the dongle (reader thread) ----

    def _on_message(self, message: DongleMessage) -> None:
        if isinstance(message, Datagram):
            self._on_datagram(message)
            return
        if message.kind in _PANA_OUTCOMES:
            self._pana.put(message)
        self._apply(message.kind, message.detail)

    def _apply(self, event: EventKey, detail: str) -> None:
        """The one place an event changes the session: the table's effect on the gates and the state."""
        with self._state_lock:
            effect = transition_for(event, self.state)
        self.gate.apply(effect, detail)
        if effect.state is not None:
            self._set_state(effect.state, effect.detail or detail)

    def _on_datagram(self, datagram: Datagram) -> None:
        if datagram.dest_port != ECHONET_UDP_PORT:
            return
        try:
            frame = echonet.decode_frame(datagram.data)
        except echonet.EchonetError as exc:
            log.debug("ignoring a malformed ECHONET frame: %s", exc)
            return
        if self.requests.deliver(frame):
            return
        if frame.esv == ESV.INFC:
            threading.Thread(target=self._answer_infc, args=(frame,), name="hems-infc-res", daemon=True).start()
        if frame.esv in (ESV.INF, ESV.INFC) and self._on_frame is not None:
            self._on_frame(frame)

    def _answer_infc(self, frame: Frame) -> None:
        with contextlib.suppress(DongleError, SessionLost):
            self._send(echonet.encode_frame(echonet.infc_response(frame)))

    # ---- end ----

    def terminate(self, timeout: float = 1.5) -> None:
        """End the PANA session (SKTERM; J11 terminate) if one is up or being set up; close the port."""
        dongle = self.dongle
        in_session = self.state in (SessionState.JOINING, SessionState.JOINED, SessionState.REAUTHENTICATING,
                                    SessionState.TX_LIMITED) or self.gate.joined
        if dongle is not None and dongle.is_open and in_session:
            self._set_state(SessionState.STOPPED, "ending the session (SKTERM)")
            try:
                dongle.terminate(timeout)
            except DongleError as exc:
                log.debug("ending the session: %s", exc)
        self.gate.mark_lost("the session was ended")
        self.close_port()
        self._set_state(SessionState.STOPPED)

    def close_port(self) -> None:
        if self.dongle is not None:
            self.dongle.close()
            self.dongle = None

    def forget_network(self) -> None:
        self.cache.forget(self.dongle_mac, self.config.route_b_id)

    def _require_dongle(self) -> Dongle:
        if self.dongle is None:
            raise SessionLost("the dongle is not open")
        return self.dongle
