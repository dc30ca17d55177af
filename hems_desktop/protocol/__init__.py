"""Pure protocol code: bytes in, values out. No I/O, no clocks, no logging."""
