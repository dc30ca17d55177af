"""A virtual Wi-SUN dongle and smart meter on a pty or a loopback TCP port.

It plays the other end of the serial line, reusing the protocol code for encoding, so the
demo mode and the tests exercise the real driver through pyserial.
"""

from hems_desktop.emulator.faults import Faults
from hems_desktop.emulator.meter_model import MeterConfig, MeterModel
from hems_desktop.emulator.server import Emulator, EmulatorConfig

__all__ = ["Emulator", "EmulatorConfig", "Faults", "MeterConfig", "MeterModel"]
