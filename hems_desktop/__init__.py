"""HEMS Desktop: read a Japanese smart electric meter over the Wi-SUN B-route."""

__version__ = "0.1.0"
