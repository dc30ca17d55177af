"""The J11 driver against the J11 emulator on a pty, at hardware-like timing. Prints numbers; asserts nothing.

    python bench/bench_j11_driver.py [--speed X] [--readings N]

Prints, at the driver level (no session: the lead's session adds its own steps on top):
* cold start to first reading: open, identify, credentials, active scan (duration 6), join,
  one Get of E7+E8+E0 answered;
* warm start to first reading: the same with the network known (no scan);
* per reading: frames written and read, and wall time of send -> answer.
The emulator delays (scan dwell, association, PANA, the meter's 100-700 ms answer) are the
hardware's divided by --speed (1 = real timing).
"""

from __future__ import annotations

import argparse
import queue
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from hems_desktop.device.base import Datagram, DongleMessage, LinkEvent, LinkEventKind, Target
from hems_desktop.device.j11 import J11Dongle
from hems_desktop.emulator import Emulator, EmulatorConfig, MeterConfig
from hems_desktop.protocol import echonet
from hems_desktop.protocol.echonet import CONTROLLER_EOJ, ESV, SMART_METER_EOJ, Frame, Property

ROUTE_B_ID = "0123456789ABCDEF0123456789ABCDEF"
PASSWORD = "SECRETPASS12"


def get(tid: int) -> bytes:
    props = tuple(Property(epc) for epc in (0xE7, 0xE8, 0xE0))
    return echonet.encode_frame(Frame(tid, CONTROLLER_EOJ, SMART_METER_EOJ, ESV.GET, props))


def wait_for(inbox: queue.Queue[DongleMessage], accept: type, kind: LinkEventKind | None = None) -> DongleMessage:
    while True:
        message = inbox.get(timeout=120)
        if isinstance(message, accept) and (kind is None or getattr(message, "kind", None) == kind):
            return message


def start(emulator: Emulator, known: Target | None) -> tuple[J11Dongle, queue.Queue[DongleMessage], Target, float]:
    """Open to first answered reading; returns the dongle, its inbox, the target and the seconds it took."""
    began = time.perf_counter()
    inbox: queue.Queue[DongleMessage] = queue.Queue()
    dongle = J11Dongle(emulator.port)
    dongle.add_listener(inbox.put)
    dongle.open()
    dongle.identify()
    dongle.set_credentials(ROUTE_B_ID, PASSWORD)
    if known is None:
        (beacon,) = dongle.scan(6, ROUTE_B_ID[-8:])
        known = Target(beacon.channel, beacon.pan_id, dongle.meter_address(beacon.mac), beacon.mac)
    dongle.start_join(known)
    wait_for(inbox, LinkEvent, LinkEventKind.PANA_CONNECTED)
    dongle.send(known.ip, 3610, get(1), timeout=5.0)
    while echonet.decode_frame(wait_for(inbox, Datagram).data).tid != 1:  # type: ignore[attr-defined]
        pass
    return dongle, inbox, known, time.perf_counter() - began


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--speed", type=float, default=1.0, help="emulator delays X times shorter than hardware")
    options.add_argument("--readings", type=int, default=20)
    args = options.parse_args()
    meter = MeterConfig(route_b_id=ROUTE_B_ID, password=PASSWORD)
    config = EmulatorConfig(dialect="j11", speed=args.speed, meter=meter)
    with Emulator(config) as emulator:
        dongle, _, target, cold = start(emulator, None)
        dongle.terminate(5.0)
        dongle.close()
        print(f"emulator speed {args.speed:g} (1 = hardware timing), driver level")
        print(f"cold start to first reading (scan duration 6): {cold:7.2f} s")
        dongle, inbox, target, warm = start(emulator, target)
        print(f"warm start to first reading (network known):   {warm:7.2f} s")
        commands_before = emulator.dongle.stats.get("commands", 0)
        started = time.perf_counter()
        for tid in range(2, 2 + args.readings):
            dongle.send(target.ip, 3610, get(tid), timeout=5.0)
            while echonet.decode_frame(wait_for(inbox, Datagram).data).tid != tid:  # type: ignore[attr-defined]
                pass
        per_reading = (time.perf_counter() - started) / args.readings
        frames_out = (emulator.dongle.stats.get("commands", 0) - commands_before) / args.readings
        print(f"per reading: {frames_out:.0f} frame(s) to the module (0x0008), 2 back (0x2008, 0x6018); "
              f"{per_reading * 1000:.0f} ms send -> answer (the meter's own delay is 100-700 ms / speed)")
        dongle.terminate(5.0)
        dongle.close()


if __name__ == "__main__":
    main()
