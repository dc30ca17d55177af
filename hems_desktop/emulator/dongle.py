"""The virtual SKSTACK IP dongle with a smart meter (`MeterNode`) on the other side of the radio.

Single-threaded: the server calls `receive()` with host bytes and runs due timers; the
dongle answers through `output`. Timing follows the hardware (scan formula, PANA exchange,
100-700 ms per meter answer) divided by `speed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from hems_desktop.emulator.dongle_radio import RadioCommands
from hems_desktop.emulator.faults import Faults
from hems_desktop.emulator.meter_model import MeterModel
from hems_desktop.emulator.virtual_module import Scheduler, VirtualModule
from hems_desktop.protocol import echonet
from hems_desktop.protocol.dialects import mac_to_link_local
from hems_desktop.protocol.echonet import Frame

log = logging.getLogger("hems_desktop.emulator")

MULTICAST_ALL_NODES = "FF02:0000:0000:0000:0000:0000:0000:0001"
ECHONET_PORT = 0x0E1A
OWN_MAC = "001D129100040A5E"


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



class VirtualDongle(RadioCommands, VirtualModule):
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
        periodic_reauth: bool = False,
        session_lifetime_s: int = 900,
    ) -> None:
        self.profile = profile
        # Like BP35A1-class modules: re-authenticate by themselves at 80 % of the PANA session
        # lifetime (register S16, 900 s by default), an EVENT 25 at the end; sends meanwhile fail.
        self.periodic_reauth = periodic_reauth
        self.session_lifetime_s = session_lifetime_s
        self.reauthenticating = False
        self._auth_generation = 0
        super().__init__(meter, OWN_MAC, output=output, schedule=schedule, clock=clock, speed=speed, faults=faults,
                         seed=seed)
        self.hex_payload = profile.default_hex if hex_payload is None else hex_payload or profile.hex_only
        self._buffer = bytearray()
        self._sendto: tuple[str, int, int] | None = None  # waiting for SKSENDTO data: dest, port, length
        self._sendto_header = ""
        self.reset()

    # ---- state ----

    def reset(self) -> None:
        self._epoch += 1
        self.registers: dict[str, str] = {"S02": "21", "S03": "FFFF", "SFE": "1",
                                          "S16": f"{self.session_lifetime_s:08X}", "SA2": "0"}
        self.password: str | None = None
        self.route_b_id: str | None = None
        self.joined = False
        self.node.reset()

    # ---- the meter (an ECHONET node behind this dongle) ----

    def property_value(self, epc: int) -> bytes | None:
        return self.node.property_value(epc)

    def supported_epcs(self) -> frozenset[int]:
        return self.node.supported_epcs()

    def deliver(self, frame: Frame, multicast: bool) -> None:
        self._erxudp_frame(frame, MULTICAST_ALL_NODES if multicast else None)

    def wire_faults(self, delay: float, answer: Frame) -> None:
        """A line of random bytes, or an ERXUDP cut short, before the meter's answer."""
        if self.faults.take("garbage_lines"):
            self._after(delay * 0.5, lambda: self.output(bytes(self.rng.randrange(256) for _ in range(40)) + b"\r\n"))
        if self.faults.take("truncated_lines"):
            cut = echonet.encode_frame(answer)
            head = f"ERXUDP {self.meter_ip} {self.own_ip} 0E1A 0E1A {self.meter.config.mac} 1 "
            line = (head + f"{len(cut):04X} ").encode() + (cut.hex()[:10].encode() if self.hex_payload else cut[:5])
            self._after(delay * 0.6, lambda: self.output(line + b"\r\n"))

    def _send_line(self, text: str, terminator: bytes = b"\r\n") -> None:
        # latin-1: an echo gives back exactly the bytes it got, binary ones included (a J11 frame, noise)
        self.output(text.encode("latin-1") + terminator)

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
                self._command(raw.decode("latin-1").strip(), cr_only)

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
        # SA2 (RSSI in ERXUDP) is accepted by the single-hop firmware too (momonga sets it on every
        # dongle); only the dual-stack firmware then adds the RSSI token (see _erxudp).
        allowed = {"S02", "S03", "S07", "S0A", "S15", "S16", "S17", "SA0", "SA1", "SA2", "SFB", "SFD", "SFE", "SFF"}
        if self.profile.dual_stack:
            allowed |= {"S0B", "S1C", "SA9", "SF0"}
        if reg not in allowed:
            return "FAIL ER06"
        if len(args) == 1:
            value = self.registers.get(reg, "0")
            if reg == "SFB":
                value = "1" if self.tx_limited else "0"
            if reg == "S16":  # seconds on the emulator's clock (hardware times are divided by speed)
                value = f"{max(1, round(int(value, 16) / self.speed)):08X}"
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
        if self.reauthenticating:
            self._count("sent_during_reauth")  # the collision the session should avoid
        delivered = self.joined and not self.tx_limited and not self.reauthenticating and dest == self.meter_ip
        if self.faults.take("send_failures"):
            delivered = False
        self._event(0x21, dest, 0x00 if delivered else 0x01)
        self._send_line("OK")
        if delivered and port == ECHONET_PORT:
            self.node.receive(payload)

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
