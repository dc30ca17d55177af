"""What a serial port can raise when the device goes away under it.

pyserial raises SerialException and OSError, but on POSIX a port yanked while pyserial configures
it (tcgetattr/tcsetattr, on open and on a timeout change) raises `termios.error`, which is
neither: without it a dongle pulled at the wrong millisecond would be a crash, not a lost port.
"""

from __future__ import annotations

import serial

try:
    import termios
except ImportError:  # Windows
    termios = None  # type: ignore[assignment]

PORT_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError, ValueError, OverflowError) + (
    (termios.error,) if termios is not None else ()
)
# ... and what a reader thread may meet while close() tears the port down under it
READER_ERRORS: tuple[type[BaseException], ...] = (*PORT_ERRORS, TypeError, AttributeError)
