"""A Japanese household electricity tariff as plain data: what the user edits in Settings.

A bill is: the basic charge (by contract amperage, or a fixed monthly or minimum charge),
the energy charge (tiered 段階料金 steps over the billing period, or time-of-use bands), the
fuel-cost adjustment (燃料費調整額, ¥/kWh, set per month, may be negative) and the renewable
surcharge (再エネ賦課金, ¥/kWh); exported energy is paid at the sell price. The billing period
starts on the meter-reading day. The arithmetic is in `bill.py`; this module is the model,
its validation and its JSON form (the `tariff` key of the settings file).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from hems_desktop.messages import as_message, msg
from hems_desktop.timebase import JST_OFFSET_S, SLOT_S

DAYS = ("all", "weekday", "holiday")
_HHMM = re.compile(r"^([01]\d|2[0-4]):(00|30)$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_EPOCH = dt.date(1970, 1, 1)


class TariffError(ValueError):
    """A tariff value that cannot be used; `field` is its path (`tiers[1].up_to_kwh`) for the editor,
    `problem` what is wrong with it (a Message: the editor shows it in the UI language)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(msg("tariff {field}: {problem}", field=field, problem=problem))
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Tier:
    """One step of a tiered energy charge: the price up to `up_to_kwh` in the billing period."""

    up_to_kwh: float | None  # None: no upper bound (the last step)
    price_per_kwh: float


@dataclass(frozen=True)
class Band:
    """A time-of-use band: energy in it costs `price_per_kwh` instead of the tiered price.

    Times are Japan time on the meter's 30-minute grid; `end` is exclusive, and a band with
    `start` after `end` runs past midnight (22:00-08:00). `days` chooses weekdays, holidays
    (weekends, national holidays and the tariff's extra holidays) or all days; `months`
    limits the band to some months (summer pricing), empty for all.
    """

    name: str
    start: str
    end: str
    price_per_kwh: float
    days: str = "all"
    months: tuple[int, ...] = ()

    def covers(self, minute_of_day: int, holiday: bool, month: int) -> bool:
        if self.months and month not in self.months:
            return False
        if (self.days == "weekday" and holiday) or (self.days == "holiday" and not holiday):
            return False
        start, end = _minutes(self.start), _minutes(self.end)
        if start < end:
            return start <= minute_of_day < end
        return minute_of_day >= start or minute_of_day < end  # past midnight (or all day when equal)


@dataclass(frozen=True)
class Tariff:
    name: str = "Flat rate"
    source: str = ""  # where the prices come from (presets: the utility's page)
    prices_as_of: str = ""  # the date the prices were taken (YYYY-MM-DD)
    contract_amperes: int | None = 30  # 契約アンペア; picks the row of basic_by_amperes
    basic_by_amperes: tuple[tuple[int, float], ...] = ()  # (A, ¥ per month); empty: basic_monthly
    basic_monthly: float = 935.0  # fixed monthly basic or minimum charge (最低料金), ¥
    tiers: tuple[Tier, ...] = (Tier(None, 31.0),)
    bands: tuple[Band, ...] = ()
    surcharge_per_kwh: float = 0.0  # 再エネ賦課金, ¥/kWh
    fuel_adjustment_per_kwh: float = 0.0  # 燃料費調整額 for months without their own value, ¥/kWh
    fuel_adjustments: tuple[tuple[str, float], ...] = ()  # ("2026-12", -1.2): per billing month
    sell_price_per_kwh: float = 0.0  # paid for exported energy (FIT or post-FIT), ¥/kWh
    billing_day: int = 1  # the meter-reading day the billing period starts on (29-31: month end)
    extra_holidays: tuple[str, ...] = ()  # "MM-DD" days the utility counts as holidays (e.g. 12-31)
    emission_kg_per_kwh: float = 0.45  # CO₂ per kWh bought: use your retailer's 調整後排出係数
    _adjustments: dict[str, float] = field(init=False, repr=False, compare=False, hash=False)
    # (holiday, month) -> the band of each half hour of such a day: a year of TOU pricing looks
    # bands up 17,520 times, and there are at most 24 kinds of day
    _band_tables: dict[tuple[bool, int], tuple[int | None, ...]] = field(
        init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        validate(self)
        object.__setattr__(self, "_adjustments", dict(self.fuel_adjustments))
        object.__setattr__(self, "_band_tables", {})

    def basic_charge(self) -> float:
        """The monthly basic charge (¥): the contract amperage's row, or the fixed charge."""
        if self.basic_by_amperes:
            return dict(self.basic_by_amperes)[self.contract_amperes or 0]
        return self.basic_monthly

    def fuel_adjustment(self, billing_month: str) -> float:
        """¥/kWh for the billing month ("YYYY-MM", the month of the period's last day)."""
        return self._adjustments.get(billing_month, self.fuel_adjustment_per_kwh)

    def band_at(self, slot_start: int) -> int | None:
        """Index of the band the half hour starting at `slot_start` (unix s) falls in, None for tiered."""
        if not self.bands:
            return None
        local_s = slot_start + JST_OFFSET_S
        return self.day_bands(local_s // 86400)[local_s % 86400 // SLOT_S]

    def day_bands(self, local_day: int) -> tuple[int | None, ...]:
        """The band index (None: tiered) of each of the 48 half hours of a day, counted in Japan-time
        days since 1970-01-01. Band times are on the 30-minute grid, so a half hour has one band."""
        day = _EPOCH + dt.timedelta(days=local_day)
        key = (self.is_holiday(day), day.month)
        table = self._band_tables.get(key)
        if table is None:
            table = tuple(self._band_of(minute, *key) for minute in range(0, 1440, SLOT_S // 60))
            self._band_tables[key] = table
        return table

    def _band_of(self, minute: int, holiday: bool, month: int) -> int | None:
        for index, band in enumerate(self.bands):
            if band.covers(minute, holiday, month):
                return index
        return None

    def is_holiday(self, day: dt.date) -> bool:
        """Weekend, Japanese national holiday (振替休日 and 国民の休日 included) or an extra holiday."""
        return day.weekday() >= 5 or day in _national_holidays(day.year) or day.strftime("%m-%d") in self.extra_holidays

    def tier_price(self, kwh_so_far: float) -> tuple[int, float, float | None]:
        """(tier index, price, kWh left in the tier) for the next kWh after `kwh_so_far` in the period."""
        for index, tier in enumerate(self.tiers):
            if tier.up_to_kwh is None or kwh_so_far < tier.up_to_kwh:
                left = None if tier.up_to_kwh is None else tier.up_to_kwh - kwh_so_far
                return index, tier.price_per_kwh, left
        raise AssertionError("validated tariffs end with an unbounded tier")


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[dt.date]:
    import holidays  # the Cabinet Office's list including moved and one-off holidays, kept up to date

    return frozenset(holidays.country_holidays("JP", years=year))


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _price(value: float, where: str, low: float = 0.0, high: float = 1000.0) -> None:
    if not low <= value <= high:
        raise TariffError(where, msg("{value:g} is outside {low:g}..{high:g}", value=value, low=low, high=high))


def validate(t: Tariff) -> None:
    """Raise TariffError for the first value that makes no sense, naming its field."""
    if t.contract_amperes is not None and not 1 <= t.contract_amperes <= 200:
        raise TariffError("contract_amperes", msg("must be between 1 and 200 A"))
    for index, (amperes, yen) in enumerate(t.basic_by_amperes):
        if not 1 <= amperes <= 200:
            raise TariffError(f"basic_by_amperes[{index}]",
                              msg("{amperes} A is not a contract amperage", amperes=amperes))
        _price(yen, f"basic_by_amperes[{index}]", high=100_000)
    if t.basic_by_amperes and t.contract_amperes not in dict(t.basic_by_amperes):
        raise TariffError("contract_amperes",
                          msg("{amperes} A has no basic charge in the table", amperes=t.contract_amperes))
    _price(t.basic_monthly, "basic_monthly", high=100_000)
    if not t.tiers:
        raise TariffError("tiers", msg("at least one step is needed"))
    previous = 0.0
    for index, tier in enumerate(t.tiers):
        _price(tier.price_per_kwh, f"tiers[{index}].price_per_kwh")
        last = index == len(t.tiers) - 1
        if tier.up_to_kwh is None:
            if not last:
                raise TariffError(f"tiers[{index}].up_to_kwh", msg("only the last step can be unbounded"))
            continue
        if last:
            raise TariffError(f"tiers[{index}].up_to_kwh", msg("the last step must be unbounded (leave it empty)"))
        if tier.up_to_kwh <= previous:
            raise TariffError(f"tiers[{index}].up_to_kwh",
                              msg("must be more than the step before ({kwh:g} kWh)", kwh=previous))
        previous = tier.up_to_kwh
    for index, band in enumerate(t.bands):
        where = f"bands[{index}]"
        if not band.name.strip():
            raise TariffError(f"{where}.name", msg("a band needs a name"))
        for part in ("start", "end"):
            if not _HHMM.match(getattr(band, part)) or _minutes(getattr(band, part)) > 1440:
                raise TariffError(f"{where}.{part}", msg("must be HH:MM on the half hour (00:00 to 24:00)"))
        _price(band.price_per_kwh, f"{where}.price_per_kwh")
        if band.days not in DAYS:
            raise TariffError(f"{where}.days", msg("must be one of {choices}", choices=", ".join(DAYS)))
        if any(not 1 <= month <= 12 for month in band.months):
            raise TariffError(f"{where}.months", msg("months are 1 to 12"))
    _price(t.surcharge_per_kwh, "surcharge_per_kwh", high=100)
    _price(t.fuel_adjustment_per_kwh, "fuel_adjustment_per_kwh", low=-100, high=100)
    for index, (month, value) in enumerate(t.fuel_adjustments):
        if not _MONTH.match(month):
            raise TariffError(f"fuel_adjustments[{index}]", msg("{month!r} is not a month (YYYY-MM)", month=month))
        _price(value, f"fuel_adjustments[{index}]", low=-100, high=100)
    _price(t.sell_price_per_kwh, "sell_price_per_kwh", high=100)
    if not 1 <= t.billing_day <= 31:
        raise TariffError("billing_day", msg("must be a day of the month (1 to 31)"))
    for index, day in enumerate(t.extra_holidays):
        if not _MMDD.match(day):
            raise TariffError(f"extra_holidays[{index}]", msg("{day!r} is not a day (MM-DD)", day=day))
    _price(t.emission_kg_per_kwh, "emission_kg_per_kwh", high=5)


# ---- JSON (the settings file's "tariff" key) ----


def tariff_to_json(t: Tariff) -> dict[str, Any]:
    """A JSON-ready dict; `tariff_from_json` reads it back to an equal Tariff."""
    return {
        "name": t.name, "source": t.source, "prices_as_of": t.prices_as_of,
        "contract_amperes": t.contract_amperes,
        "basic_by_amperes": {str(amperes): yen for amperes, yen in t.basic_by_amperes},
        "basic_monthly": t.basic_monthly,
        "tiers": [{"up_to_kwh": tier.up_to_kwh, "price_per_kwh": tier.price_per_kwh} for tier in t.tiers],
        "bands": [{"name": b.name, "start": b.start, "end": b.end, "price_per_kwh": b.price_per_kwh,
                   "days": b.days, "months": list(b.months)} for b in t.bands],
        "surcharge_per_kwh": t.surcharge_per_kwh,
        "fuel_adjustment_per_kwh": t.fuel_adjustment_per_kwh,
        "fuel_adjustments": dict(t.fuel_adjustments),
        "sell_price_per_kwh": t.sell_price_per_kwh,
        "billing_day": t.billing_day,
        "extra_holidays": list(t.extra_holidays),
        "emission_kg_per_kwh": t.emission_kg_per_kwh,
    }


def _number(obj: dict[str, Any], key: str, where: str, default: float | None) -> float | None:
    value = obj.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TariffError(where, msg("must be a number, not {value!r}", value=value))
    return float(value)


def _required(value: float | None, where: str) -> float:
    if value is None:
        raise TariffError(where, msg("a number is needed"))
    return value


def _mapping(obj: Any, where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise TariffError(where, msg("must be an object"))
    return obj


def _list(obj: Any, where: str) -> list[Any]:
    if not isinstance(obj, list):
        raise TariffError(where, msg("must be a list"))
    return obj


def _text(obj: dict[str, Any], key: str, default: str) -> str:
    value = obj.get(key, default)
    if not isinstance(value, str):
        raise TariffError(key, msg("must be text"))
    return value


def tariff_from_json(obj: Any) -> Tariff:
    """Parse the settings file's `tariff` object; missing keys take the defaults. Raises TariffError."""
    data = _mapping(obj, "(top level)")
    defaults = Tariff()
    amperes = data.get("contract_amperes", defaults.contract_amperes)
    if amperes is not None and (isinstance(amperes, bool) or not isinstance(amperes, int)):
        raise TariffError("contract_amperes", msg("must be a whole number of amperes, not {value!r}", value=amperes))
    basic_table: list[tuple[int, float]] = []
    for key, yen in _mapping(data.get("basic_by_amperes", {}), "basic_by_amperes").items():
        if not str(key).isdigit():
            raise TariffError("basic_by_amperes", msg("{value!r} is not an amperage", value=key))
        basic_table.append((int(key), _required(_number({"v": yen}, "v", f"basic_by_amperes.{key}", None),
                                                f"basic_by_amperes.{key}")))
    tiers = []
    for index, item in enumerate(_list(data.get("tiers", [{"up_to_kwh": None, "price_per_kwh": 31.0}]), "tiers")):
        item = _mapping(item, f"tiers[{index}]")
        tiers.append(Tier(_number(item, "up_to_kwh", f"tiers[{index}].up_to_kwh", None),
                          _required(_number(item, "price_per_kwh", f"tiers[{index}].price_per_kwh", None),
                                    f"tiers[{index}].price_per_kwh")))
    bands = []
    for index, item in enumerate(_list(data.get("bands", []), "bands")):
        item = _mapping(item, f"bands[{index}]")
        months = _list(item.get("months", []), f"bands[{index}].months")
        if any(isinstance(m, bool) or not isinstance(m, int) for m in months):
            raise TariffError(f"bands[{index}].months", msg("months are whole numbers 1 to 12"))
        bands.append(Band(_text(item, "name", ""), _text(item, "start", ""), _text(item, "end", ""),
                          _required(_number(item, "price_per_kwh", f"bands[{index}].price_per_kwh", None),
                                    f"bands[{index}].price_per_kwh"),
                          _text(item, "days", "all"), tuple(months)))
    adjustments = []
    for month, value in _mapping(data.get("fuel_adjustments", {}), "fuel_adjustments").items():
        adjustments.append((str(month), _required(_number({"v": value}, "v", f"fuel_adjustments.{month}", None),
                                                  f"fuel_adjustments.{month}")))
    holidays = _list(data.get("extra_holidays", []), "extra_holidays")
    billing_day = data.get("billing_day", 1)
    if isinstance(billing_day, bool) or not isinstance(billing_day, int):
        raise TariffError("billing_day", msg("must be a day of the month, not {value!r}", value=billing_day))

    def number(key: str) -> float:
        return _required(_number(data, key, key, getattr(defaults, key)), key)

    return Tariff(
        name=_text(data, "name", defaults.name), source=_text(data, "source", ""),
        prices_as_of=_text(data, "prices_as_of", ""), contract_amperes=amperes,
        basic_by_amperes=tuple(sorted(basic_table)), basic_monthly=number("basic_monthly"), tiers=tuple(tiers),
        bands=tuple(bands), surcharge_per_kwh=number("surcharge_per_kwh"),
        fuel_adjustment_per_kwh=number("fuel_adjustment_per_kwh"), fuel_adjustments=tuple(sorted(adjustments)),
        sell_price_per_kwh=number("sell_price_per_kwh"), billing_day=billing_day,
        extra_holidays=tuple(str(day) for day in holidays), emission_kg_per_kwh=number("emission_kg_per_kwh"),
    )


def tariff_from_legacy(price_per_kwh: float, basic_monthly: float,
                       bands: tuple[tuple[int, int, float], ...] = ()) -> Tariff:
    """The simple tariff of earlier versions (flat price, basic charge, hour bands) in the new model."""
    return Tariff(
        name="Flat rate", basic_monthly=basic_monthly, tiers=(Tier(None, price_per_kwh),),
        bands=tuple(Band(f"{start:02d}-{end:02d}", f"{start:02d}:00", f"{end:02d}:00", price)
                    for start, end, price in bands if start != end),  # the old model never matched those
    )


def load_tariff(settings_path: Path) -> Tariff:
    """The tariff from a settings file: its `tariff` key, else the desktop's price and basic charge
    (earlier versions), else the default. A missing file gives the default; a bad one raises TariffError."""
    from hems_desktop.settings import ConfigError, read_settings_file

    try:
        data = read_settings_file(settings_path)
    except ConfigError as exc:
        raise TariffError("(file)", as_message(exc) or str(exc)) from None
    if "tariff" in data:
        return tariff_from_json(data["tariff"])
    desktop = data.get("desktop")
    if isinstance(desktop, dict) and ("price_per_kwh" in desktop or "basic_monthly" in desktop):
        legacy = Tariff()
        price = _number(desktop, "price_per_kwh", "desktop.price_per_kwh", legacy.tiers[0].price_per_kwh)
        basic = _number(desktop, "basic_monthly", "desktop.basic_monthly", legacy.basic_monthly)
        return tariff_from_legacy(_required(price, "price_per_kwh"), _required(basic, "basic_monthly"))
    return Tariff()
