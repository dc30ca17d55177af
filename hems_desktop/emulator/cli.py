"""`hems-meter-emulator`: a virtual Wi-SUN dongle and smart meter on a pty or loopback TCP port."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from hems_desktop import __version__
from hems_desktop.emulator.faults import COUNTER_FAULTS, TIMED_ACTIONS, parse_fault
from hems_desktop.emulator.meter_model import MeterConfig
from hems_desktop.emulator.server import DIALECTS, Emulator, EmulatorConfig


def _tcp(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if host not in ("127.0.0.1", "localhost", "::1", "[::1]"):
        raise argparse.ArgumentTypeError("serve on loopback only, e.g. 127.0.0.1:4000")
    try:
        return host.strip("[]"), int(port)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad port in {value!r}") from None


def _hex_int(value: str) -> int:
    try:
        return int(value, 16)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not hexadecimal") from None


def _release(value: str) -> str:
    letter = value.strip().upper()
    if len(letter) != 1 or not "A" <= letter <= "Z":
        raise argparse.ArgumentTypeError(f"{value!r} is not a release letter (e.g. F or R)")
    return letter


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hems-meter-emulator",
        description="A virtual Wi-SUN dongle (SKSTACK IP, or ROHM J11 with --dialect j11) and low-voltage smart meter "
        "(ECHONET Lite 0x0288).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--dialect", choices=DIALECTS, default="bp35a1", help="dongle firmware to imitate")
    parser.add_argument("--hex", action="store_true", help="ERXUDP payloads as hex text (WOPT 01)")
    parser.add_argument("--link", metavar="PATH", help="stable symlink to the pty")
    parser.add_argument("--tcp", type=_tcp, metavar="HOST:PORT", help="serve on loopback TCP instead of a pty")
    parser.add_argument("--speed", type=float, default=1.0, help="delays X times shorter than hardware (1 = real)")
    parser.add_argument("--route-b-id", help="the only B-route ID the meter accepts (default: any)")
    parser.add_argument("--route-b-password", help="the only password the meter accepts (default: any)")
    parser.add_argument("--channel", type=_hex_int, default=0x3B, help="meter channel, hex (3B)")
    parser.add_argument("--pan-id", type=_hex_int, default=0x8CF5, help="meter PAN ID, hex (8CF5)")
    parser.add_argument("--coefficient", type=int, default=1, help="D3 coefficient; 0 = meter refuses D3")
    parser.add_argument("--unit", type=_hex_int, default=0x01, help="E1 unit code, hex (01 = 0.1 kWh)")
    parser.add_argument("--two-wire", action="store_true", help="single-phase two-wire: no T current")
    parser.add_argument("--solar", type=int, default=0, metavar="W",
                        help="solar peak watts: E7 negative and E3/EB/E4 counting while it exports (around noon)")
    parser.add_argument("--release", type=_release, default="F", metavar="LETTER",
                        help="ECHONET Appendix release the meter follows (F); R adds C0, D0, EE and EF "
                        "(next-generation meters)")
    parser.add_argument("--meter-fault", action="store_true", help="the meter reports a fault (88 = 0x41)")
    parser.add_argument("--refuse", type=_hex_int, action="append", default=[], metavar="EPC",
                        help="a property the meter answers with Get_SNA (repeatable)")
    parser.add_argument("--infc", action="store_true", help="send the :00/:30 EA notice as INFC")
    parser.add_argument("--seed", type=int, default=2026, help="load profile seed")
    parser.add_argument("--session-lifetime", type=int, default=900, metavar="SECONDS",
                        help="PANA session lifetime (register S16, hardware seconds); the module re-authenticates "
                             "by itself at 80 %% of it")
    parser.add_argument("--no-periodic-reauth", action="store_true",
                        help="never re-authenticate by itself (only on EVENT 29 faults)")
    parser.add_argument(
        "--fault", action="append", default=[], metavar="SPEC",
        help=f"KIND[:N] with KIND in {', '.join(COUNTER_FAULTS)}; or ACTION@SECONDS with ACTION in "
        f"{', '.join(TIMED_ACTIONS)}",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the emulator does")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    meter = MeterConfig(
        route_b_id=args.route_b_id,
        password=args.route_b_password,
        channel=args.channel,
        pan_id=args.pan_id,
        coefficient=args.coefficient or None,
        unit_code=args.unit,
        three_wire=not args.two_wire,
        solar_peak_w=args.solar,
        seed=args.seed,
        unsupported_epcs=frozenset(args.refuse),
        release=args.release,
        fault=args.meter_fault,
    )
    config = EmulatorConfig(
        dialect=args.dialect, hex_payload=True if args.hex else None, speed=args.speed,
        link=args.link, tcp=args.tcp, meter=meter, periodic_reauth=not args.no_periodic_reauth,
        session_lifetime_s=args.session_lifetime,
    )
    timed: list[tuple[str, float]] = []
    try:
        emulator = Emulator(config)
        for spec in args.fault:
            name, value = parse_fault(spec)
            if name in TIMED_ACTIONS:
                timed.append((name, value))
            else:
                setattr(emulator.faults, name, int(value))
        emulator.dongle.infc = args.infc
        emulator.start()
    except (ValueError, OSError) as exc:
        print(f"hems-meter-emulator: {exc}", file=sys.stderr)
        return 2
    actions = {
        "session-expire": lambda: emulator.expire_session(True),
        "reauth-fail": lambda: emulator.expire_session(False),
        "session-end": emulator.end_session,
        "tx-limit": lambda: emulator.set_tx_limit(60),
        "unplug": lambda: emulator.unplug(10 / args.speed),
    }
    for name, seconds in timed:
        emulator.schedule(seconds, actions[name])
    print(emulator.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
