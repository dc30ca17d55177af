"""The one exception type protocol code raises for bad input."""


class ProtocolError(ValueError):
    """Input bytes or text that do not follow the wire format.

    Pure protocol functions raise this (and only this) for malformed input, so callers
    and fuzz tests can tell a bad frame from a bug.
    """
