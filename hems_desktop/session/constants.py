"""The meter's constants, read once per session: kWh per count = coefficient (D3) x unit (E1)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from hems_desktop.protocol import meter as m

log = logging.getLogger("hems_desktop.session")

CONSTANT_EPCS = (m.EPC_COEFFICIENT, m.EPC_UNIT, m.EPC_EFFECTIVE_DIGITS)


@dataclass(frozen=True)
class MeterConstants:
    coefficient: int
    unit_kwh: Decimal
    effective_digits: int | None
    coefficient_refused: bool = False


def constants_from(values: dict[int, bytes]) -> MeterConstants:
    """Coefficient (1 when refused), unit (0.1 kWh when refused, with a warning) and digits."""
    coefficient = m.decode_coefficient(values[m.EPC_COEFFICIENT]) if m.EPC_COEFFICIENT in values else 1
    unit = m.decode_unit(values[m.EPC_UNIT]) if m.EPC_UNIT in values else Decimal("0.1")
    digits = m.decode_effective_digits(values[m.EPC_EFFECTIVE_DIGITS]) if m.EPC_EFFECTIVE_DIGITS in values else None
    if m.EPC_UNIT not in values:
        log.warning("the meter refused E1 (unit); assuming 0.1 kWh")
    return MeterConstants(coefficient, unit, digits, m.EPC_COEFFICIENT not in values)
