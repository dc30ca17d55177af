"""Example tariffs to start from. Prices change (and differ by retailer): the user must check them.

Each preset names its source and the date of its prices. The renewable surcharge is the
FY2026 rate (applied from the May 2026 to the April 2027 meter readings); the fuel-cost
adjustment changes every month and is left at 0 for the user to fill in from the bill or the
utility's page. Sell prices depend on the user's FIT or post-FIT contract and are left at 0.
"""

from __future__ import annotations

from hems_desktop.insights.tariff import Band, Tariff, Tier

CHECK_NOTE = ("Example prices only: check them against your utility's current price list and your bill; "
              "enter the month's fuel-cost adjustment and your sell price.")

SURCHARGE_FY2026 = 4.18  # ¥/kWh, 再エネ賦課金 FY2026 (METI announcement, relayed by retailers)

# TEPCO's basic charge is 311.75 ¥ per 10 A (tax included); the row for the contract is used.
_TEPCO_BASIC = ((10, 311.75), (15, 467.63), (20, 623.50), (30, 935.25), (40, 1247.00), (50, 1558.75),
                (60, 1870.50))

PRESETS: dict[str, Tariff] = {
    "tepco-juryo-dento-b": Tariff(
        name="TEPCO 従量電灯B",
        source="TEPCO Energy Partner, 従量電灯B price table (prices since the 2023-06-01 revision, tax included)",
        prices_as_of="2023-06-01",
        contract_amperes=30,
        basic_by_amperes=_TEPCO_BASIC,
        tiers=(Tier(120, 29.80), Tier(300, 36.40), Tier(None, 40.49)),
        surcharge_per_kwh=SURCHARGE_FY2026,
    ),
    "kepco-juryo-dento-a": Tariff(
        name="関西電力 従量電灯A",
        source="Kansai Electric Power, 従量電灯A price page (kepco.jp), tax included; the minimum charge "
               "covers the first 15 kWh",
        prices_as_of="2023-06-01",
        contract_amperes=None,
        basic_monthly=522.58,
        tiers=(Tier(15, 0.0), Tier(120, 20.21), Tier(300, 25.61), Tier(None, 28.59)),
        surcharge_per_kwh=SURCHARGE_FY2026,
    ),
    "tepco-smart-life-s": Tariff(
        name="TEPCO スマートライフS",
        source="TEPCO Energy Partner, スマートライフS (day 6:00-1:00, night 1:00-6:00), tax included, "
               "as summarised by a third-party guide in 2025",
        prices_as_of="2025",
        contract_amperes=30,
        basic_by_amperes=_TEPCO_BASIC,
        tiers=(Tier(None, 35.76),),
        bands=(Band("night", "01:00", "06:00", 27.86),),
        surcharge_per_kwh=SURCHARGE_FY2026,
    ),
}
