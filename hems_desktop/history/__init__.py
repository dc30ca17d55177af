"""Local history: every reading, the meter's half-hourly values, and fast queries for the chart."""

from hems_desktop.history.store import Bucket, HistoryStore, Tariff, UsagePeriod

__all__ = ["Bucket", "HistoryStore", "Tariff", "UsagePeriod"]
