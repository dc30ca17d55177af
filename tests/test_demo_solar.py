"""Issue 16's "done": a demo run of a solar home with a next-generation meter prints, with
`--fields timestamp,cumulative_power,cumulative_export,instant_power,current_r,current_t,
one_minute_energy`, the values the emulator's meter model gives at the instants the meter
answered; and the default run prints the seed's five fields, byte for byte as the seed does.

The run is the CLI's own composition (`prepare_run`: settings, the demo emulator, the sinks,
the collector); HEMS_DEMO_SOLAR and HEMS_DEMO_RELEASE give the demo meter its panels and
Release R. Readings come every second instead of every 10 s, the emulator runs 1000x faster.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hems_desktop.app.endpoint import DEMO_RELEASE_ENV, DEMO_SOLAR_ENV
from hems_desktop.app.run import CollectorRun, prepare_run
from hems_desktop.cli.args import build_arg_parser, cli_values
from hems_desktop.emulator import Emulator
from hems_desktop.emulator.meter_model import minute_floor
from hems_desktop.protocol import meter as m
from hems_desktop.settings import resolve_settings
from hems_desktop.timebase import JST

pytestmark = pytest.mark.timeout(60)

DONE_FIELDS = "timestamp,cumulative_power,cumulative_export,instant_power,current_r,current_t,one_minute_energy"
READINGS = 3


def demo_run(*args: str) -> CollectorRun:
    argv = ["--demo", "--output", "stdout", "--count", str(READINGS), "--mode", "interval", "-i", "1", *args]
    settings = resolve_settings(cli_values(build_arg_parser().parse_args(argv)), {})
    return prepare_run(settings, demo_speed=1000.0)


def answers(emulator: Emulator, epc: int) -> list[float]:
    """The meter's clock at each answer carrying `epc`, in order: the k-th belongs to the k-th reading."""
    return [now for now, _, answer in emulator.dongle.node.answered_gets
            for p in answer.properties if p.epc == epc and p.edt]


def to_noon(emulator: Emulator) -> None:
    """Move the meter's clock to the coming 12:00 JST, when the panels export."""
    now = dt.datetime.fromtimestamp(emulator.clock(), JST)
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    emulator.advance_clock((noon - now).total_seconds() + (86400 if noon <= now else 0))


def test_the_demo_of_a_solar_release_r_meter_prints_the_emulators_values(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(DEMO_SOLAR_ENV, "4000")
    monkeypatch.setenv(DEMO_RELEASE_ENV, "R")
    run = demo_run("--fields", DONE_FIELDS)
    emulator = run.endpoint.emulator
    assert emulator is not None
    to_noon(emulator)
    try:
        assert run.collector.run() == 0
    finally:
        run.close()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == READINGS
    model, per_count = emulator.meter, emulator.meter.kwh_per_count
    for k, line in enumerate(lines):
        record = json.loads(line)
        assert list(record) == DONE_FIELDS.split(",")
        normal_at = answers(emulator, m.EPC_CUMULATIVE_NORMAL)[k]
        export_at = answers(emulator, m.EPC_CUMULATIVE_REVERSE)[k]
        r_da, t_da = model.currents_deciamps(answers(emulator, m.EPC_INSTANT_CURRENT)[k])
        assert t_da is not None
        minute = minute_floor(answers(emulator, m.EPC_ONE_MINUTE)[k])
        assert record == {
            "timestamp": record["timestamp"],
            "cumulative_power": float(model.counts_at(normal_at)[0] * per_count),
            "cumulative_export": float(model.counts_at(export_at)[1] * per_count),
            "instant_power": model.instant_power_w(answers(emulator, m.EPC_INSTANT_POWER)[k]),
            "current_r": r_da / 10,
            "current_t": t_da / 10,
            "one_minute_energy": float(model.counts_at(minute)[0] * per_count),
        }
        assert record["instant_power"] < 0 and record["cumulative_export"] > 0  # selling at noon
        assert dt.datetime.fromisoformat(record["timestamp"]).tzinfo is not None


def test_the_default_demo_output_is_the_seeds_byte_for_byte(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(DEMO_SOLAR_ENV, "4000")  # even a meter with export and D0 prints the seed's five
    monkeypatch.setenv(DEMO_RELEASE_ENV, "R")
    run = demo_run()
    emulator = run.endpoint.emulator
    assert emulator is not None
    try:
        assert run.collector.run() == 0
    finally:
        run.close()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == READINGS
    model, per_count = emulator.meter, emulator.meter.kwh_per_count
    for k, line in enumerate(lines):
        timestamp = json.loads(line)["timestamp"]
        r_da, t_da = model.currents_deciamps(answers(emulator, m.EPC_INSTANT_CURRENT)[k])
        seed = {  # the seed's keys, order and json.dumps defaults
            "timestamp": timestamp,
            "cumulative_power": float(model.counts_at(answers(emulator, m.EPC_CUMULATIVE_NORMAL)[k])[0] * per_count),
            "instant_power": model.instant_power_w(answers(emulator, m.EPC_INSTANT_POWER)[k]),
            "current_r": r_da / 10,
            "current_t": None if t_da is None else t_da / 10,
        }
        assert line == json.dumps(seed)
