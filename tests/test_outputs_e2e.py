"""The demo collector, as a user runs it, with the MQTT and Prometheus outputs: a real mosquitto,
a real HTTP scrape parsed by prometheus_client's own parser, and `hems-collector` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from mosquitto import Mosquitto, Recorder, free_port

pytestmark = pytest.mark.timeout(120)


def collector(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    for name in ("B_ROUTE_ID", "B_ROUTE_PASSWORD", "MQTT_URL", "MQTT_PASSWORD"):
        env.pop(name, None)
    return subprocess.Popen([sys.executable, "-m", "hems_desktop.cli", "--demo", "--mode", "interval", "-i", "1",
                             *args], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_demo_run_appears_in_home_assistant_and_prometheus(
    broker: Mosquitto, recorder_factory: Any, tmp_path: Path
) -> None:
    live: Recorder = recorder_factory(broker)
    metrics_port = free_port()
    proc = collector(tmp_path, "--output", "stdout,mqtt,metrics", "--mqtt-url", broker.url,
                     "--metrics-port", str(metrics_port), "--count", "4")
    try:
        deadline = time.monotonic() + 60
        states = []
        while time.monotonic() < deadline and len(states) < 2:
            states = [m for m in live.messages if m.topic.startswith("hems/") and m.topic.endswith("/state")]
            time.sleep(0.1)
        assert len(states) >= 2, proc.stderr.read() if proc.poll() is not None else "no state messages"
        # Prometheus while it runs: prometheus_client's own parser on a real scrape.
        from prometheus_client.parser import text_string_to_metric_families

        body = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode()
        families = {family.name: family for family in text_string_to_metric_families(body)}
        for name in ("hems_instant_power_watts", "hems_current_amperes", "hems_energy_kwh", "hems_readings",
                     "hems_last_reading_timestamp_seconds", "hems_session_state"):
            assert name in families, sorted(families)
        readings_total = next(s.value for s in families["hems_readings"].samples if s.name == "hems_readings_total")
        assert readings_total >= 2
        energy = {s.labels.get("direction"): s.value for s in families["hems_energy_kwh"].samples
                  if s.name == "hems_energy_kwh_total"}
        # The demo meter counts both directions (E3, like the meters in the field) and sells nothing.
        assert energy["normal"] > 0 and energy.get("reverse") == 0
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    printed = [json.loads(line) for line in stdout.splitlines()]
    assert len(printed) == 4
    # Home Assistant's tree: one device with its sensors, retained; the state follows the readings.
    configs = {m.topic: json.loads(m.payload) for m in live.messages
               if m.topic.startswith("homeassistant/sensor/") and m.payload}
    sensors = {topic.split("/")[3] for topic in configs}
    assert {"power", "current_r", "current_t", "energy", "link_quality", "connection"} <= sensors
    assert len({json.dumps(c["device"]["identifiers"]) for c in configs.values()}) == 1  # one device
    last_state = json.loads(states[-1].payload)
    assert set(last_state) >= {"timestamp", "cumulative_power", "instant_power", "current_r", "current_t"}
    assert last_state["instant_power"] in {r["instant_power"] for r in printed}
    # Retained: a client that subscribes after the run still gets the last state and the configs.
    late: Recorder = recorder_factory(broker, topic_filter="#")
    assert late.wait_for(states[-1].topic, 1, 10.0)
    assert all(m.retain for m in late.on(states[-1].topic))
    power_config = next(topic for topic in configs if topic.endswith("/power/config"))
    assert late.wait_for(power_config, 1, 10.0) and all(m.retain for m in late.on(power_config))


def test_mqtt_without_a_url_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    proc = collector(tmp_path, "--output", "file,mqtt", "--count", "1")
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert [line for line in stderr.splitlines() if "ERROR" in line or "error" in line.lower()]
    assert "--mqtt-url" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "hems_data.dat").exists()  # checked before any file was created


def test_a_metrics_port_in_use_leaves_the_other_outputs_running(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = collector(tmp_path, "--output", "stdout,metrics", "--metrics-port", str(port), "--count", "2")
        stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert len(stdout.splitlines()) == 2  # readings kept flowing to stdout
    lines = [line for line in stderr.splitlines() if "metrics" in line and "not running" in line]
    assert len(lines) == 1 and "Traceback" not in stderr
