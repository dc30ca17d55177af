"""The virtual SKSTACK IP dongle with a smart meter on the other side of the radio.

Single-threaded: the server calls `receive()` with host bytes and runs due timers; the
dongle answers through `output`. Timing follows the hardware (scan formula, PANA exchange,
100-700 ms per meter answer) divided by `speed`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from hems_desktop.emulator.faults import Faults
from hems_desktop.emulator.meter_model import MeterModel, slot_of, slot_of_jst, slot_start_jst
from hems_desktop.protocol import echonet
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.dialects import mac_to_link_local
from hems_desktop.protocol.echonet import ESV, Frame, Property
from hems_desktop.timebase import JST

log = logging.getLogger("hems_desktop.emulator")

MULTICAST_ALL_NODES = "FF02:0000:0000:0000:0000:0000:0000:0001"
PANA_PORT = 0x02CC
ECHONET_PORT = 0x0E1A
OWN_MAC = "001D129100040A5E"
PANA_TIMEOUT_S = 38.0  # PANA retransmissions before EVENT 24 (2+4+8+8+8+8 s)


@dataclass(frozen=True)
class DongleProfile:
    name: str
    version: str
    app_version: str
    dual_stack: bool
    hex_only: bool
    default_hex: bool


PROFILES: dict[str, DongleProfile] = {
    "bp35a1": DongleProfile("bp35a1", "1.2.10", "rev26e", dual_stack=False, hex_only=False, default_hex=False),
    "dual-stack": DongleProfile("dual-stack", "1.5.2", "rev15", dual_stack=True, hex_only=False, default_hex=False),
    "rl7023-ips": DongleProfile("rl7023-ips", "1.2.8", "rev1", dual_stack=False, hex_only=True, default_hex=True),
}

Scheduler = Callable[[float, Callable[[], None]], None]


class VirtualDongle:
    def __init__(
        self,
        profile: DongleProfile,
        meter: MeterModel,
        *,
        output: Callable[[bytes], None],
        schedule: Scheduler,
        clock: Callable[[], float],
        speed: float = 1.0,
        hex_payload: bool | None = None,
        faults: Faults | None = None,
        seed: int = 1,
    ) -> None:
        self.profile = profile
        self.meter = meter
        self.output = output
        self._schedule = schedule
        self.clock = clock
        self.speed = speed
        self.faults = faults or Faults()
        self.rng = random.Random(seed)
        self.hex_payload = profile.default_hex if hex_payload is None else hex_payload or profile.hex_only
        self.own_ip = mac_to_link_local(OWN_MAC)
        self.meter_ip = mac_to_link_local(meter.config.mac)
        self._buffer = bytearray()
        self._sendto: tuple[str, int, int] | None = None  # waiting for SKSENDTO data: dest, port, length
        self._sendto_header = ""
        self._epoch = 0  # bumps on reset/unplug so timers of an older state do nothing
        self.stats: dict[str, int] = {}
        self.received_frames: list[Frame] = []  # what the meter got (tests read it)
        self.reset()
        self.joined = False
        self.tx_limited = False
        self._meter_tid = 0
        self._last_fixed_slot = slot_of(clock())
        self.joins = 0

    # ---- state ----

    def reset(self) -> None:
        self._epoch += 1
        self.registers: dict[str, str] = {"S02": "21", "S03": "FFFF", "SFE": "1", "S16": "00000384"}
        if self.profile.dual_stack:
            self.registers["SA2"] = "0"
        self.password: str | None = None
        self.route_b_id: str | None = None
        self.joined = False
        self._day_for_history = 0
        self._history2 = (slot_start_jst(slot_of(self.clock()) - 1), 12)

    def _count(self, key: str) -> None:
        self.stats[key] = self.stats.get(key, 0) + 1

    def _after(self, hardware_seconds: float, action: Callable[[], None]) -> None:
        epoch = self._epoch

        def run() -> None:
            if epoch == self._epoch:
                action()

        self._schedule(hardware_seconds / self.speed, run)

    def _send_line(self, text: str, terminator: bytes = b"\r\n") -> None:
        self.output(text.encode("ascii") + terminator)

    @property
    def echo(self) -> bool:
        return self.registers.get("SFE", "1") == "1"

    def _side(self) -> str:
        return " 0" if self.profile.dual_stack else ""

    def _event(self, number: int, address: str, param: int | None = None) -> None:
        text = f"EVENT {number:02X} {address}{self._side()}"
        if param is not None:
            text += f" {param:02X}"
        self._send_line(text)

    # ---- host bytes ----

    def receive(self, data: bytes) -> None:
        self._buffer += data
        while self._buffer:
            if self._sendto is not None:
                dest, port, length = self._sendto
                if len(self._buffer) < length:
                    return
                payload = bytes(self._buffer[:length])
                del self._buffer[:length]
                self._sendto = None
                self._finish_sendto(dest, port, payload)
                continue
            if self._buffer.startswith(b"SKSENDTO ") and self._try_sendto_header():
                continue
            end = min((i for i in (self._buffer.find(b"\r"), self._buffer.find(b"\n")) if i >= 0), default=-1)
            if end < 0:
                if len(self._buffer) > 512:
                    self._buffer.clear()
                    self._send_line("FAIL ER09")
                return
            raw = bytes(self._buffer[:end])
            cr_only = self._buffer[end] == 0x0D and self._buffer[end + 1 : end + 2] != b"\n"
            del self._buffer[: end + 1]
            if self._buffer[:1] == b"\n":
                del self._buffer[0]
            if raw.strip():
                self._command(raw.decode("ascii", "replace").strip(), cr_only)

    def _try_sendto_header(self) -> bool:
        """Parse `SKSENDTO h ip port sec [side] len ` once its last space has arrived."""
        fields = 7 if self.profile.dual_stack else 6
        parts = self._buffer.split(b" ", fields)
        if len(parts) <= fields:
            if b"\n" in self._buffer or len(self._buffer) > 120:
                line, _, _rest = bytes(self._buffer).partition(b"\n")
                del self._buffer[: len(line) + 1]
                self._send_line("FAIL ER05")
                return True
            return False
        header = b" ".join(parts[:fields]).decode("ascii", "replace")
        tokens = header.split(" ")
        try:
            handle, ip, port, sec = int(tokens[1]), tokens[2], int(tokens[3], 16), int(tokens[4])
            length = int(tokens[-1], 16)
            if handle not in range(1, 7) or sec not in (0, 1, 2) or length > 1232 or len(tokens[-1]) != 4:
                raise ValueError
            if self.profile.dual_stack and tokens[5] not in ("0", "1"):
                raise ValueError
        except (ValueError, IndexError):
            del self._buffer[: len(header) + 1]
            self._send_line("FAIL ER06")
            return True
        del self._buffer[: len(header) + 1]
        self._sendto = (ip.upper(), port, length)
        self._sendto_header = header + " "
        return True

    # ---- commands ----

    def _command(self, line: str, cr_only: bool) -> None:
        self._count("commands")
        tokens = line.split()
        name, args = tokens[0].upper(), tokens[1:]
        terminator = b"\r" if name in ("WOPT", "ROPT", "WUART", "RUART") else b"\r\n"
        if self.echo:
            self._send_line(line, b"\r\n")
        handler = getattr(self, "_cmd_" + name.lower(), None)
        if handler is None:
            self._send_line("FAIL ER04", terminator)
            return
        result: str | None = handler(args)
        if result is not None:
            self._send_line(result, terminator)

    def _cmd_skver(self, args: list[str]) -> str:
        self._send_line(f"EVER {self.profile.version}")
        return "OK"

    def _cmd_skappver(self, args: list[str]) -> str:
        self._send_line(f"EAPPVER {self.profile.app_version}")
        return "OK"

    def _cmd_skinfo(self, args: list[str]) -> str:
        last = "0" if self.profile.dual_stack else "FFFE"
        channel, pan = self.registers["S02"], self.registers["S03"]
        self._send_line(f"EINFO {self.own_ip} {OWN_MAC} {channel} {pan} {last}")
        return "OK"

    def _cmd_skreset(self, args: list[str]) -> str:
        self.reset()
        return "OK"

    def _cmd_sksetpwd(self, args: list[str]) -> str:
        if len(args) != 2:
            return "FAIL ER05"
        try:
            length = int(args[0], 16)
        except ValueError:
            return "FAIL ER06"
        if length != len(args[1]) or not 1 <= length <= 32:
            return "FAIL ER06"
        self.password = args[1]
        return "OK"

    def _cmd_sksetrbid(self, args: list[str]) -> str:
        if len(args) != 1:
            return "FAIL ER05"
        if len(args[0]) != 32:
            return "FAIL ER06"
        self.route_b_id = args[0]
        return "OK"

    def _cmd_sksreg(self, args: list[str]) -> str:
        if not 1 <= len(args) <= 2 or not args[0].upper().startswith("S"):
            return "FAIL ER05"
        reg = args[0].upper()
        reg = "S" + reg[1:].rjust(2, "0") if len(reg) < 3 else reg
        allowed = {"S02", "S03", "S07", "S0A", "S15", "S16", "S17", "SA0", "SA1", "SFB", "SFD", "SFE", "SFF"}
        if self.profile.dual_stack:
            allowed |= {"S0B", "S1C", "SA2", "SA9", "SF0"}
        if reg not in allowed:
            return "FAIL ER06"
        if len(args) == 1:
            value = self.registers.get(reg, "0")
            if reg == "SFB":
                value = "1" if self.tx_limited else "0"
            self._send_line(f"ESREG {value}")
            return "OK"
        value = args[1].upper()
        try:
            number = int(value, 16)
        except ValueError:
            return "FAIL ER06"
        if reg == "S02" and not 0x21 <= number <= 0x3C:
            return "FAIL ER06"
        if reg == "S03" and not 0 <= number <= 0xFFFF:
            return "FAIL ER06"
        if reg in ("SFE", "SA2") and value not in ("0", "1"):
            return "FAIL ER06"
        if reg in ("S07", "SFB", "SFD"):
            return "FAIL ER10"  # read-only
        self.registers[reg] = value
        return "OK"

    def _cmd_wopt(self, args: list[str]) -> str:
        if self.profile.hex_only:
            return "FAIL ER04"
        if len(args) != 1 or args[0] not in ("00", "01"):
            return "FAIL ER06"
        self.hex_payload = args[0] == "01"
        self._count("flash_writes")
        return "OK"

    def _cmd_ropt(self, args: list[str]) -> str:
        if self.profile.hex_only:
            return "FAIL ER04"
        return "OK 01" if self.hex_payload else "OK 00"

    def _cmd_skll64(self, args: list[str]) -> str | None:
        if len(args) != 1:
            return "FAIL ER05"
        try:
            return mac_to_link_local(args[0])  # a bare address line, no OK
        except ValueError:
            return "FAIL ER06"

    # ---- scan ----

    def _cmd_skscan(self, args: list[str]) -> str | None:
        expected = 4 if self.profile.dual_stack else 3
        if len(args) != expected:
            return "FAIL ER05"
        try:
            mode, mask, duration = int(args[0]), int(args[1], 16), int(args[2])
        except ValueError:
            return "FAIL ER06"
        if mode not in (0, 2, 3) or not 0 <= duration <= 14 or mask == 0:
            return "FAIL ER06"
        channels = [33 + bit for bit in range(32) if mask >> bit & 1 and 33 + bit <= 60]
        per_channel = 0.0096 * (2**duration + 1)
        self._send_line("OK")
        self._count("scans")
        if mode == 0:
            self._after(per_channel * len(channels), lambda: self._energy_scan_done(channels))
            return None
        found = self._beacon_visible(mode, duration, channels)
        if found:
            index = channels.index(self.meter.config.channel)
            self._after(per_channel * (index + 1), lambda: self._beacon(mode))
        self._after(per_channel * len(channels), lambda: self._event(0x22, self.own_ip))
        return None

    def _beacon_visible(self, mode: int, duration: int, channels: list[int]) -> bool:
        cfg = self.meter.config
        if self.faults.take("no_beacon_scans") or cfg.channel not in channels:
            return False
        if duration < cfg.beacon_min_duration:
            return False
        # Mode 2 carries the pairing ID (last 8 of the route-B ID); the meter ignores other IDs.
        return not (mode == 2 and cfg.route_b_id and (self.route_b_id or "")[-8:] != cfg.route_b_id[-8:])

    def _beacon(self, mode: int) -> None:
        cfg = self.meter.config
        self._event(0x20, self.own_ip)
        lines = [
            "EPANDESC",
            f"  Channel:{cfg.channel:02X}",
            "  Channel Page:09",
            f"  Pan ID:{cfg.pan_id:04X}",
            f"  Addr:{cfg.mac}",
            f"  LQI:{cfg.lqi:02X}",
        ]
        if self.profile.dual_stack:
            lines.append("  Side:0")
        if mode == 2:
            lines.append(f"  PairID:{(self.route_b_id or '0' * 32)[-8:]}")
        for line in lines:
            self._send_line(line)

    def _energy_scan_done(self, channels: list[int]) -> None:
        self._send_line(f"EVENT 1F {self.own_ip}{self._side()}")
        self._send_line("EEDSCAN")
        pairs = " ".join(f"{ch:02X} {self.rng.randrange(0x10, 0x60):02X}" for ch in channels)
        self._send_line(("0 " if self.profile.dual_stack else "") + pairs)

    # ---- PANA ----

    def _cmd_skjoin(self, args: list[str]) -> str | None:
        if len(args) != 1:
            return "FAIL ER05"
        if self.joined:
            return "FAIL ER10"
        target = args[0].upper()
        self._send_line("OK")
        self._count("joins")
        self.joins += 1
        self._pana_exchange(target)
        return None

    def _credentials_ok(self) -> bool:
        cfg = self.meter.config
        if self.password is None or self.route_b_id is None:
            return False
        if cfg.route_b_id is not None and self.route_b_id != cfg.route_b_id:
            return False
        return cfg.password is None or self.password == cfg.password

    def _network_ok(self, target: str) -> bool:
        cfg = self.meter.config
        try:
            channel, pan = int(self.registers["S02"], 16), int(self.registers["S03"], 16)
        except ValueError:
            return False
        return target == self.meter_ip and channel == cfg.channel and pan == cfg.pan_id

    def _pana_exchange(self, target: str, rejoin: bool = False) -> None:
        meter_ip = self.meter_ip
        if not self._network_ok(target):
            self._after(PANA_TIMEOUT_S, lambda: self._event(0x24, target))
            return
        if self.faults.take("join_failures"):
            # A transient failure: the meter's PANA answers are lost on the air, PANA times out.
            self._after(PANA_TIMEOUT_S, lambda: self._event(0x24, meter_ip))
            return
        fail = not self._credentials_ok()  # the meter answers PANA, then refuses
        steps: list[tuple[float, Callable[[], None]]] = []
        if not rejoin:
            steps.append((0.25, lambda: self._event(0x21, meter_ip, 0x02)))
            steps.append((0.05, lambda: self._event(0x02, meter_ip)))
        for size in (0x28, 0x68, 0x54, 0x58):
            steps.append((0.35, functools.partial(self._pana_packet, size)))
            steps.append((0.15, lambda: self._event(0x21, meter_ip, 0x00)))
            if fail and size == 0x68:
                break
        if fail:
            steps.append((PANA_TIMEOUT_S, lambda: self._event(0x24, meter_ip)))
        else:
            steps.append((0.4, self._joined))
        delay = 0.0
        for step_delay, action in steps:
            delay += step_delay
            self._after(delay, action)

    def _pana_packet(self, size: int) -> None:
        payload = bytes([0, 0]) + size.to_bytes(2, "big") + bytes(self.rng.randrange(256) for _ in range(size - 4))
        self._erxudp(self.meter_ip, self.own_ip, PANA_PORT, PANA_PORT, payload, secured=False)

    def _joined(self) -> None:
        self.joined = True
        self._last_fixed_slot = slot_of(self.clock())
        self._event(0x25, self.meter_ip)
        instance_list = Frame(
            0, echonet.NODE_PROFILE_EOJ, echonet.NODE_PROFILE_EOJ, ESV.INF,
            (Property(m.EPC_INSTANCE_LIST, bytes([1]) + echonet.SMART_METER_EOJ.to_bytes(3, "big")),),
        )
        self._after(0.3, lambda: self._erxudp_frame(instance_list, MULTICAST_ALL_NODES))

    def _cmd_skrejoin(self, args: list[str]) -> str | None:
        if not self.joined:
            return "FAIL ER10"
        self._send_line("OK")
        self._pana_exchange(self.meter_ip, rejoin=True)
        return None

    def _cmd_skterm(self, args: list[str]) -> str | None:
        if not self.joined:
            return "FAIL ER10"
        self._send_line("OK")
        self.joined = False
        self._after(0.3, lambda: self._event(0x27, self.meter_ip))
        return None

    # ---- unsolicited session events (fault actions) ----

    def expire_session(self, reauthenticate: bool = True) -> None:
        """EVENT 29 (lifetime over); with re-authentication the module rejoins by itself."""
        if not self.joined:
            return
        self.joined = False
        self._event(0x29, self.meter_ip)
        if reauthenticate:
            self._pana_exchange(self.meter_ip, rejoin=True)

    def end_session(self) -> None:
        """The meter ends the session: EVENT 26, the module confirms with EVENT 27."""
        if not self.joined:
            return
        self.joined = False
        self._event(0x26, self.meter_ip)
        self._after(0.2, lambda: self._event(0x27, self.meter_ip))

    def set_tx_limit(self, seconds: float) -> None:
        self.tx_limited = True
        self._event(0x32, self.own_ip)

        def lift() -> None:
            self.tx_limited = False
            self._event(0x33, self.own_ip)

        self._after(seconds, lift)

    # ---- UDP ----

    def _finish_sendto(self, dest: str, port: int, payload: bytes) -> None:
        self._count("sendto")
        if self.echo:
            self._send_line(self._sendto_header.rstrip(" ") + " ")
        if self.faults.take("fail_er10"):
            self._send_line("FAIL ER10")
            return
        if not self.echo:
            self._send_line("")  # echo off: a bare CRLF precedes the result
        delivered = self.joined and not self.tx_limited and dest == self.meter_ip
        if self.faults.take("send_failures"):
            delivered = False
        self._event(0x21, dest, 0x00 if delivered else 0x01)
        self._send_line("OK")
        if delivered and port == ECHONET_PORT:
            self._meter_receive(payload)

    def _erxudp(self, sender: str, dest: str, rport: int, lport: int, data: bytes, secured: bool = True) -> None:
        fields = [sender, dest, f"{rport:04X}", f"{lport:04X}", self.meter.config.mac]
        if self.profile.dual_stack and self.registers.get("SA2") == "1":
            fields.append(f"{self.meter.config.lqi:02X}")
        fields.append("1" if secured else "0")
        if self.profile.dual_stack:
            fields.append("0")
        fields.append(f"{len(data):04X}")
        head = ("ERXUDP " + " ".join(fields) + " ").encode("ascii")
        body = data.hex().upper().encode("ascii") if self.hex_payload else data
        self.output(head + body + b"\r\n")

    def _erxudp_frame(self, frame: Frame, dest: str | None = None) -> None:
        if not self.joined and dest != MULTICAST_ALL_NODES:
            return
        self._erxudp(self.meter_ip, dest or self.own_ip, ECHONET_PORT, ECHONET_PORT, echonet.encode_frame(frame))

    # ---- the meter ----

    def _meter_receive(self, payload: bytes) -> None:
        try:
            frame = echonet.decode_frame(payload)
        except echonet.EchonetError:
            self._count("bad_frames")
            return  # a real meter drops what it cannot parse
        self.received_frames.append(frame)
        if frame.esv in (ESV.INFC_RES,):
            self._count("infc_res")
            return
        response = self._meter_answer(frame)
        if response is None:
            return
        if self.faults.take("drop_responses"):
            self._count("dropped")
            return
        delay = 0.1 + 0.6 * self.rng.random()
        if self.faults.take("delayed_responses"):
            delay += self.faults.delay_seconds
        if self.faults.take("garbage_lines"):
            self._after(delay * 0.5, lambda: self.output(bytes(self.rng.randrange(256) for _ in range(40)) + b"\r\n"))
        if self.faults.take("truncated_lines"):
            cut = echonet.encode_frame(response)
            head = f"ERXUDP {self.meter_ip} {self.own_ip} 0E1A 0E1A {self.meter.config.mac} 1 "
            line = (head + f"{len(cut):04X} ").encode() + (cut.hex()[:10].encode() if self.hex_payload else cut[:5])
            self._after(delay * 0.6, lambda: self.output(line + b"\r\n"))
        if self.faults.take("stale_responses"):
            stale = Frame((response.tid - 7) & 0xFFFF, response.seoj, response.deoj, response.esv, response.properties)
            self._after(delay * 0.8, lambda: self._erxudp_frame(stale))
        self._after(delay, lambda: self._erxudp_frame(response))

    def _meter_answer(self, frame: Frame) -> Frame | None:
        if frame.deoj == echonet.NODE_PROFILE_EOJ and frame.esv == ESV.GET:
            props = tuple(
                Property(p.epc, bytes([1]) + echonet.SMART_METER_EOJ.to_bytes(3, "big"))
                if p.epc in (0xD5, 0xD6) else Property(p.epc)
                for p in frame.properties
            )
            ok = all(p.edt for p in props)
            return Frame(frame.tid, frame.deoj, frame.seoj, ESV.GET_RES if ok else ESV.GET_SNA, props)
        if frame.deoj != echonet.SMART_METER_EOJ:
            return None
        if frame.esv == ESV.GET:
            props = tuple(Property(p.epc, self.property_value(p.epc) or b"") for p in frame.properties)
            ok = all(p.edt for p in props)
            return Frame(frame.tid, frame.deoj, frame.seoj, ESV.GET_RES if ok else ESV.GET_SNA, props)
        if frame.esv in (ESV.SETC, ESV.SETI):
            accepted = tuple(self._set_property(p) for p in frame.properties)
            if frame.esv == ESV.SETI and all(accepted):
                return None
            props = tuple(Property(p.epc) if ok else p for p, ok in zip(frame.properties, accepted, strict=True))
            good = ESV.SET_RES if all(accepted) else (ESV.SETC_SNA if frame.esv == ESV.SETC else ESV.SETI_SNA)
            return Frame(frame.tid, frame.deoj, frame.seoj, good, props)
        return None

    def _set_property(self, prop: Property) -> bool:
        if prop.epc in self.meter.config.unsupported_epcs:
            return False
        if prop.epc == m.EPC_HISTORY1_DAY and len(prop.edt) == 1:
            if prop.edt[0] > self.meter.config.history_days:
                return False
            self._day_for_history = prop.edt[0]
            return True
        if prop.epc == m.EPC_HISTORY2_SETTING and len(prop.edt) == 7:
            try:
                setting = m.decode_history2_setting(prop.edt)
            except echonet.EchonetError:
                return False
            if setting.newest.minute not in (0, 30) or not 1 <= setting.count <= 12:
                return False
            self._history2 = (setting.newest, setting.count)
            return True
        return False

    def supported_epcs(self) -> frozenset[int]:
        epcs = {0x80, 0x81, 0x82, 0x88, 0x8A, 0x8D, 0x97, 0x98, 0x9D, 0x9E, 0x9F, 0xD3, 0xD7, 0xE0, 0xE1,
                0xE2, 0xE3, 0xE4, 0xE5, 0xE7, 0xE8, 0xEA, 0xEB, 0xEC, 0xED}
        return frozenset(epcs - set(self.meter.config.unsupported_epcs))

    def property_value(self, epc: int) -> bytes | None:
        """EDT of a meter property now, or None when the meter does not support it."""
        cfg = self.meter.config
        if epc not in self.supported_epcs() or (epc == m.EPC_COEFFICIENT and cfg.coefficient is None):
            return None
        now = self.clock()
        local = dt.datetime.fromtimestamp(now, JST)
        if epc == m.EPC_INSTANT_POWER:
            return m.encode_instant_power(self.meter.instant_power_w(now))
        if epc == m.EPC_INSTANT_CURRENT:
            r, t = self.meter.currents_deciamps(now)
            return m.encode_currents(r, m.NoValue(m.NoValueReason.NO_DATA) if t is None else t)
        if epc in (m.EPC_CUMULATIVE_NORMAL, m.EPC_CUMULATIVE_REVERSE):
            normal, reverse = self.meter.counts_at(now)
            return m.encode_u32(normal if epc == m.EPC_CUMULATIVE_NORMAL else reverse)
        if epc in (m.EPC_HISTORY1_NORMAL, m.EPC_HISTORY1_REVERSE):
            return self._day_history(now, reverse=epc == m.EPC_HISTORY1_REVERSE)
        if epc in (m.EPC_FIXED_TIME_NORMAL, m.EPC_FIXED_TIME_REVERSE):
            slot = slot_of(now)
            counts = self.meter.slot_counts(slot)
            value: m.Measured = m.NoValue(m.NoValueReason.NO_DATA) if counts is None else counts[
                epc == m.EPC_FIXED_TIME_REVERSE]
            return m.encode_fixed_time(slot_start_jst(slot), value)
        if epc == m.EPC_HISTORY2:
            newest, count = self._history2
            first = slot_of_jst(newest)
            pairs = []
            for slot in range(first, first - count, -1):
                counts = self.meter.slot_counts(slot) if slot <= slot_of(now) else None
                no = m.NoValue(m.NoValueReason.NO_DATA)
                pairs.append((no, no) if counts is None else counts)
            return m.encode_history2(newest, tuple(pairs))
        fixed: dict[int, bytes] = {
            0x80: b"\x30",
            0x81: b"\x61",
            0x82: b"\x00\x00" + cfg.release.encode() + b"\x00",
            0x88: b"\x42",
            0x8A: b"\x00\x00\x16",
            0x8D: cfg.serial_number.encode().ljust(12, b"\x00")[:12],
            0x97: bytes([local.hour, local.minute]),
            0x98: local.year.to_bytes(2, "big") + bytes([local.month, local.day]),
            0x9D: m.encode_property_map(frozenset({0x80, 0x81, 0x88}) & self.supported_epcs()),
            0x9E: m.encode_property_map(frozenset({0x81, 0xE5, 0xED}) & self.supported_epcs()),
            0x9F: m.encode_property_map(self.supported_epcs()),
            0xD3: (cfg.coefficient or 1).to_bytes(4, "big"),
            0xD7: bytes([cfg.effective_digits]),
            0xE1: bytes([cfg.unit_code]),
            0xE5: bytes([self._day_for_history]),
            0xED: m.encode_history2_setting(*self._history2),
        }
        return fixed.get(epc)

    def _day_history(self, now: float, reverse: bool) -> bytes:
        today_first = slot_of(now) // 48 * 48
        first = today_first - 48 * self._day_for_history
        current = slot_of(now)
        values: list[m.Measured] = []
        for slot in range(first, first + 48):
            counts = self.meter.slot_counts(slot) if slot <= current else None
            values.append(m.NoValue(m.NoValueReason.NO_DATA) if counts is None else counts[int(reverse)])
        return m.encode_day_history(self._day_for_history, tuple(values))

    # ---- clock-driven meter behaviour ----

    def tick(self) -> None:
        """Called about once a second: the meter's INF of EA (and EB) at every :00 and :30."""
        slot = slot_of(self.clock())
        if slot == self._last_fixed_slot:
            return
        self._last_fixed_slot = slot
        if not self.joined:
            return
        epcs = [m.EPC_FIXED_TIME_NORMAL]
        if self.meter.config.solar_peak_w > 0:
            epcs.append(m.EPC_FIXED_TIME_REVERSE)
        props = tuple(Property(epc, self.property_value(epc) or b"") for epc in epcs if self.property_value(epc))
        if not props:
            return
        self._meter_tid = (self._meter_tid + 1) & 0xFFFF
        esv = ESV.INFC if self.infc else ESV.INF
        frame = Frame(self._meter_tid, echonet.SMART_METER_EOJ, echonet.CONTROLLER_EOJ, esv, props)
        self._count("fixed_time_inf")
        self._erxudp_frame(frame)

    infc: bool = False  # send EA as INFC (expects INFC_Res) instead of INF
