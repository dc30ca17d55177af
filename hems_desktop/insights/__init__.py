"""Energy insights: tariffs, bills and forecasts, period comparisons, heatmaps, base load and peaks.

Plain Python (no Qt): the dashboard widgets, the `report` command and the bench call it.
The modules are imported by their full names (`hems_desktop.insights.tariff`, ...): this
package imports nothing itself, so the history store can use the usage arithmetic without a cycle.
"""
