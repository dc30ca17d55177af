"""The dongles we know by name: `--dongle` values, the families they speak, display names.

Product names come from the vendors' own documents (see SKSTACK-ECHONET.md in the project's
shared notes); a product is added here only with a source.
"""

from __future__ import annotations

from dataclasses import dataclass

from hems_desktop.device.base import DongleFamily

AUTO = "auto"


@dataclass(frozen=True)
class Product:
    name: str  # the --dongle value
    family: DongleFamily
    display: str  # what the app shows


PRODUCTS: tuple[Product, ...] = (
    Product("bp35a1", DongleFamily.SINGLE_HOP, "ROHM BP35A1"),
    Product("wsr35a1", DongleFamily.SINGLE_HOP, "JORJIN WSR35A1"),
    Product("rl7023-ips", DongleFamily.SINGLE_HOP, "Tessera RL7023 Stick-D/IPS"),
    Product("bp35c0", DongleFamily.DUAL_STACK, "ROHM BP35C0"),
    Product("bp35c2", DongleFamily.DUAL_STACK, "ROHM BP35C2"),
    Product("rs-wsuha-p", DongleFamily.DUAL_STACK, "RATOC RS-WSUHA-P"),
    Product("rl7023-dss", DongleFamily.DUAL_STACK, "Tessera RL7023 Stick-D/DSS"),
    Product("rs-wsuha-j11", DongleFamily.J11, "RATOC RS-WSUHA-J11"),
    Product("bp35c2-j11", DongleFamily.J11, "ROHM BP35C2-J11-T01"),
    Product("bp35c0-j11", DongleFamily.J11, "ROHM BP35C0-J11"),
)
FAMILY_NAMES: dict[DongleFamily, str] = {
    DongleFamily.SINGLE_HOP: "SKSTACK IP single-hop",
    DongleFamily.DUAL_STACK: "SKSTACK IP dual-stack",
    DongleFamily.J11: "J11 binary",
}


@dataclass(frozen=True)
class UsbId:
    """A USB vendor:product ID a dongle enumerates with, and where we have it from."""

    vid: int
    pid: int
    product: str  # a Product.name
    source: str


# Only IDs with a source. FTDI's 0403:6015 is the FT-X chips' default ID, so another FTDI FT-X
# device shows the same: the app says "probably", and preselects it only when the saved port is not there.
USB_IDS: tuple[UsbId, ...] = (
    UsbId(0x0403, 0x6015, "rs-wsuha-p", "RATOC RS-WSUHA-P: FTDI USB, 0403:6015 (shared/protocol/SKSTACK-ECHONET.md)"),
)


def product_named(name: str) -> Product | None:
    return next((p for p in PRODUCTS if p.name == name), None)


def product_for_usb(vid: int | None, pid: int | None) -> Product | None:
    """The dongle a USB ID probably is, or None."""
    for known in USB_IDS:
        if (known.vid, known.pid) == (vid, pid):
            return product_named(known.product)
    return None


def family_for(kind: str) -> DongleFamily | None:
    """The family a `--dongle` value forces; None for `auto`. Raises ValueError for an unknown name."""
    key = kind.strip().lower()
    if key == AUTO:
        return None
    for family in DongleFamily:
        if key == family.value:
            return family
    for product in PRODUCTS:
        if key == product.name:
            return product.family
    raise ValueError(f"unknown dongle type {kind!r}")


def dongle_choices() -> tuple[str, ...]:
    """Every `--dongle` value, in the order the dialog lists them."""
    families = tuple(f.value for f in DongleFamily if f in {p.family for p in PRODUCTS})
    return (AUTO, *families, *(p.name for p in PRODUCTS))
