"""The tariff model against bills computed by hand (the arithmetic is in each test's comments)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from hems_desktop.insights.bill import bill_for, cost_series
from hems_desktop.insights.periods import Period, billing_month, billing_period
from hems_desktop.insights.presets import PRESETS
from hems_desktop.insights.tariff import (
    Band,
    Tariff,
    TariffError,
    Tier,
    load_tariff,
    tariff_from_json,
    tariff_from_legacy,
    tariff_to_json,
)
from hems_desktop.insights.usage import build_series
from hems_desktop.timebase import JST, SLOT_S

TEPCO = PRESETS["tepco-juryo-dento-b"]
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1))


def at(day: dt.date, hhmm: str) -> int:
    hours, minutes = map(int, hhmm.split(":"))
    return int(dt.datetime(day.year, day.month, day.day, hours, minutes, tzinfo=JST).timestamp())


def spread_over_month(kwh: float, period: Period = NOVEMBER) -> list[tuple[int, float]]:
    """`kwh` as equal half hours over the period (the tier split does not depend on when)."""
    count = period.days * 48
    return [(period.start_unix + i * SLOT_S, kwh / count) for i in range(count)]


@pytest.mark.parametrize(
    ("kwh", "charges", "surcharge"),
    [
        # 120 kWh, the first tier's edge: 935.25 + 120 × 29.80 (3576) = 4511.25 -> 4511; 120 × 4.18 = 501.6 -> 501
        (120, 4511, 501),
        # 300 kWh, the second tier's edge: 935.25 + 3576 + 180 × 36.40 (6552) = 11063.25 -> 11063; 1254
        (300, 11063, 1254),
        # 301 kWh: + 1 × 40.49 = 11103.74 -> 11103; 301 × 4.18 = 1258.18 -> 1258
        (301, 11103, 1258),
        # 0 kWh: the basic charge alone, 935.25 -> 935
        (0, 935, 0),
    ],
)
def test_tiered_bill_at_each_tier_boundary(kwh: float, charges: int, surcharge: int) -> None:
    bill = bill_for(TEPCO, NOVEMBER, spread_over_month(kwh) if kwh else [], 0, None)
    assert bill.charges_yen == charges
    assert bill.surcharge_yen == surcharge
    assert bill.total_yen == charges + surcharge


def test_tier_lines_split_the_energy_at_the_boundaries() -> None:
    bill = bill_for(TEPCO, NOVEMBER, spread_over_month(450), 0, None)
    # 450 kWh = 120 + 180 + 150
    assert [(line.label, round(line.kwh, 6)) for line in bill.lines] == [
        ("0–120 kWh", 120), ("120–300 kWh", 180), ("> 300 kWh", 150)]


def test_kansai_minimum_charge_matches_the_utilitys_own_example() -> None:
    # kepco.jp's 260 kWh example: 522.58 + 105 × 20.21 (2122.05) + 140 × 25.61 (3585.40) = 6230.03 -> 6230
    # (their 6,175 is after a 55 yen direct-debit discount); surcharge 260 × 4.18 = 1086.8 -> 1086
    bill = bill_for(PRESETS["kepco-juryo-dento-a"], NOVEMBER, spread_over_month(260), 0, None)
    assert bill.charges_yen == 6230
    assert bill.surcharge_yen == 1086


def test_negative_fuel_adjustment_of_the_billing_month() -> None:
    tariff = dataclasses.replace(TEPCO, fuel_adjustments=(("2026-11", -1.5), ("2026-12", 9.0)))
    bill = bill_for(tariff, NOVEMBER, spread_over_month(250), 0, None)
    # 935.25 + 3576 + 130 × 36.40 (4732) - 250 × 1.5 (375) = 8868.25 -> 8868; 250 × 4.18 = 1045
    assert bill.billing_month == "2026-11"
    assert bill.charges_yen == 8868 and bill.total_yen == 8868 + 1045


def test_time_of_use_band_edges() -> None:
    smart = PRESETS["tepco-smart-life-s"]  # night 01:00-06:00 at 27.86, otherwise 35.76
    day = dt.date(2026, 11, 10)
    slots = [(at(day, "00:30"), 1.0), (at(day, "01:00"), 1.0), (at(day, "05:30"), 1.0), (at(day, "06:00"), 1.0)]
    bill = bill_for(smart, NOVEMBER, slots, 0, None)
    # 00:30 and 06:00 are day (2 × 35.76 = 71.52), 01:00 and 05:30 night (2 × 27.86 = 55.72)
    lines = {line.label: round(line.yen, 2) for line in bill.lines}
    assert lines == {"> 0 kWh": 71.52, "night": 55.72}
    # 935.25 + 71.52 + 55.72 = 1062.49 -> 1062; 4 × 4.18 = 16.72 -> 16
    assert bill.total_yen == 1062 + 16


def test_weekday_band_follows_japanese_holidays_and_extra_days() -> None:
    tariff = Tariff(tiers=(Tier(None, 30.0),), bands=(Band("weekday day", "10:00", "17:00", 50.0, "weekday"),),
                    extra_holidays=("12-31",))
    assert tariff.band_at(at(dt.date(2026, 9, 24), "12:00")) == 0  # a Thursday
    assert tariff.band_at(at(dt.date(2026, 9, 22), "12:00")) is None  # 国民の休日 between two holidays
    assert tariff.band_at(at(dt.date(2026, 9, 26), "12:00")) is None  # Saturday
    assert tariff.band_at(at(dt.date(2026, 12, 31), "12:00")) is None  # the utility's extra holiday
    assert tariff.band_at(at(dt.date(2026, 9, 24), "17:00")) is None  # end is exclusive


def test_the_per_day_band_table_agrees_with_each_bands_own_rule_for_two_years() -> None:
    # band_at looks bands up from a table per kind of day; the rule it must match is Band.covers,
    # checked here at every half hour (and an off-grid minute) of 2027-2028, a leap year included
    bands = (Band("summer peak", "13:00", "16:00", 60.0, "weekday", (7, 8, 9)),
             Band("night", "22:00", "08:00", 25.0),
             Band("holiday day", "08:00", "22:00", 30.0, "holiday"),
             Band("morning", "08:00", "10:30", 40.0, "weekday"))
    tariff = Tariff(tiers=(Tier(None, 35.0),), bands=bands, extra_holidays=("12-31", "01-02"))
    start = dt.datetime(2027, 1, 1, tzinfo=JST)
    seen: set[int | None] = set()
    for half_hour in range(2 * 366 * 48):
        local = start + dt.timedelta(minutes=30 * half_hour)
        holiday = tariff.is_holiday(local.date())
        minute = local.hour * 60 + local.minute
        expected = next((i for i, band in enumerate(bands) if band.covers(minute, holiday, local.month)), None)
        unix_s = int(local.timestamp())
        assert tariff.band_at(unix_s) == expected, local
        assert tariff.band_at(unix_s + 600) == expected, local  # ten minutes into the half hour
        seen.add(expected)
    assert seen == {None, 0, 1, 2, 3}  # every band (and the tiered rest) was met


def test_billing_period_from_the_reading_day_crosses_the_month() -> None:
    period = billing_period(dt.date(2026, 12, 1), 15)
    assert period == Period(dt.date(2026, 11, 15), dt.date(2026, 12, 15))
    assert billing_month(period) == "2026-12"  # the month of its last day: what the utility bills as 12月分
    tariff = dataclasses.replace(TEPCO, billing_day=15, fuel_adjustments=(("2026-11", 5.0), ("2026-12", 2.0)))
    bill = bill_for(tariff, period, spread_over_month(100, period), 0, None)
    # 935.25 + 100 × 29.80 (2980) + 100 × 2.0 (200) = 4115.25 -> 4115; 100 × 4.18 = 418
    assert bill.total_yen == 4115 + 418


def test_leap_day_billing_periods_and_a_billing_day_past_the_month_end() -> None:
    assert billing_period(dt.date(2028, 2, 29), 30) == Period(dt.date(2028, 2, 29), dt.date(2028, 3, 30))
    assert billing_period(dt.date(2028, 2, 28), 30) == Period(dt.date(2028, 1, 30), dt.date(2028, 2, 29))
    assert billing_period(dt.date(2027, 3, 1), 31) == Period(dt.date(2027, 2, 28), dt.date(2027, 3, 31))
    leap = Period(dt.date(2028, 2, 29), dt.date(2028, 3, 1))
    cumulative = {leap.start_unix + i * SLOT_S: 100.0 + 0.5 * i for i in range(49)}  # 48 half hours of 0.5 kWh
    series = build_series(cumulative, {}, leap.start_unix, leap.end_unix)
    assert series.total(leap.start_unix, leap.end_unix).kwh == 24.0


def test_a_day_with_a_missing_value_keeps_its_exact_total_and_says_so() -> None:
    day = dt.date(2026, 11, 10)
    smart = dataclasses.replace(PRESETS["tepco-smart-life-s"], surcharge_per_kwh=0.0)
    start = at(day, "00:00")
    cumulative = {start + i * SLOT_S: 10.0 + i for i in range(49)}  # 1 kWh every half hour
    del cumulative[at(day, "01:00")]  # the meter has no value at 01:00
    series = build_series(cumulative, {}, start, start + 86400)
    total = series.total(start, start + 86400)
    assert total.kwh == 48.0 and total.missing == 2  # 00:30-01:00 and 01:00-01:30 have no value of their own
    # The 2 kWh across the gap are spread 1 + 1: 00:30 is day (35.76), 01:00 night (27.86).
    # Day: 00:00, 00:30 and 06:00-23:30 (36 slots) = 38 kWh × 35.76 = 1358.88; night: 10 × 27.86 = 278.6
    costs = cost_series(smart, build_series(cumulative, {}, NOVEMBER.start_unix, NOVEMBER.end_unix))
    bought, _ = costs.total(start, start + 86400)
    basic_share = 48 * 935.25 / (30 * 48)
    assert bought == pytest.approx(1358.88 + 278.6 + basic_share, abs=0.01)  # totals are kept to the sen


def test_legacy_tariff_maps_onto_the_model() -> None:
    tariff = tariff_from_legacy(30.0, 1000.0, ((23, 7, 20.0),))
    day = dt.date(2026, 11, 10)
    slots = [(at(day, "00:00") + i * SLOT_S, 0.25) for i in range(48)]
    bill = bill_for(tariff, NOVEMBER, slots, 0, None)
    # 16 night half hours × 0.25 × 20 = 80, 32 × 0.25 × 30 = 240, + 1000 basic
    assert bill.total_yen == 1320


def test_sold_energy_and_net() -> None:
    tariff = dataclasses.replace(TEPCO, sell_price_per_kwh=8.5)
    bill = bill_for(tariff, NOVEMBER, spread_over_month(120), 0, 33.3)
    # 33.3 × 8.5 = 283.05 -> 283; bill 4511 + 501 = 5012; net 5012 - 283 = 4729
    assert bill.sold_yen == 283 and bill.net_yen == 4729


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_round_trip_through_json_and_name_their_source(name: str) -> None:
    preset = PRESETS[name]
    assert preset.source and preset.prices_as_of
    assert tariff_from_json(json.loads(json.dumps(tariff_to_json(preset)))) == preset


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tiers": [{"up_to_kwh": 300, "price_per_kwh": 30}, {"up_to_kwh": 120, "price_per_kwh": 36},
                    {"up_to_kwh": None, "price_per_kwh": 40}]}, "tiers[1].up_to_kwh"),
        ({"tiers": [{"up_to_kwh": 120, "price_per_kwh": 30}]}, "tiers[0].up_to_kwh"),
        ({"tiers": [{"up_to_kwh": None, "price_per_kwh": "thirty"}]}, "tiers[0].price_per_kwh"),
        ({"bands": [{"name": "night", "start": "23:15", "end": "07:00", "price_per_kwh": 20}]}, "bands[0].start"),
        ({"bands": [{"name": "night", "start": "23:00", "end": "07:00", "price_per_kwh": 20, "days": "sunday"}]},
         "bands[0].days"),
        ({"basic_by_amperes": {"30": 935.25}, "contract_amperes": 40}, "contract_amperes"),
        ({"billing_day": 32}, "billing_day"),
        ({"fuel_adjustments": {"2026-13": 1.0}}, "fuel_adjustments[0]"),
        ({"surcharge_per_kwh": -1}, "surcharge_per_kwh"),
        ({"extra_holidays": ["31-12"]}, "extra_holidays[0]"),
    ],
)
def test_invalid_values_raise_a_one_line_error_naming_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(TariffError) as caught:
        tariff_from_json({**tariff_to_json(TEPCO), **change})
    assert caught.value.field == field
    assert "\n" not in str(caught.value) and str(caught.value).startswith(f"tariff {field}:")


def test_load_tariff_from_a_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert load_tariff(path) == Tariff()  # no file: the default
    path.write_text(json.dumps({"version": 1, "tariff": tariff_to_json(TEPCO)}), encoding="utf-8")
    assert load_tariff(path) == TEPCO
    path.write_text(json.dumps({"version": 1, "desktop": {"price_per_kwh": 28.5, "basic_monthly": 800}}),
                    encoding="utf-8")
    legacy = load_tariff(path)  # earlier versions kept only the desktop's price and basic charge
    assert legacy.tiers == (Tier(None, 28.5),) and legacy.basic_charge() == 800
    path.write_text(json.dumps({"version": 1, "tariff": {"billing_day": "soon"}}), encoding="utf-8")
    with pytest.raises(TariffError, match="billing_day"):
        load_tariff(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(TariffError, match="not valid JSON"):
        load_tariff(path)
