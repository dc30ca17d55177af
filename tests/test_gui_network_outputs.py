"""The Outputs tab's MQTT and metrics parts: real widgets (offscreen), a real mosquitto broker, a real
listening port and the app's real collector publishing to the broker.

Mocked: the keyring backend (an in-memory one, as in test_gui.py). Nothing else.
"""

from __future__ import annotations

import dataclasses
import json
import socket
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from hems_desktop.credentials import MQTT_PASSWORD_KEY, SERVICE, Credentials, CredentialStore
from hems_desktop.gui.hems_app import HemsApp
from hems_desktop.gui.settings_dialog import SettingsDialog
from hems_desktop.reading import RECORD_FIELDS
from hems_desktop.settings import resolve_settings
from hems_desktop.settings.preferences import DesktopPreferences
from hems_desktop.sinks.metrics import MetricsSink
from tests.conftest import PASSWORD, ROUTE_B_ID
from tests.mosquitto import Mosquitto, Recorder, free_port

pytest_plugins = ("tests.gui_fixtures",)  # memory_keyring, app_paths

SECRET = "mqtt-Secret-42"


def dialog_for(qtbot, mqtt_password: str = "", **settings: object) -> SettingsDialog:  # type: ignore[no-untyped-def]
    base = dataclasses.replace(resolve_settings({}, {}), **settings)  # type: ignore[arg-type]
    dialog = SettingsDialog(base, DesktopPreferences(), Credentials(ROUTE_B_ID, PASSWORD, mqtt_password))
    qtbot.addWidget(dialog)
    return dialog


def wait_for_answer(qtbot, label) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: label.text() not in ("", "Testing…"), timeout=15_000)
    return str(label.text())


@pytest.fixture
def secured_broker(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = Mosquitto(tmp_path / "secured", users={"hems": SECRET}).start()
    yield server
    server.stop()


def test_mqtt_and_metrics_are_shown_and_kept(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot, output="file,mqtt,metrics", mqtt_url="mqtt://hems@192.0.2.7:1884",
                        mqtt_prefix="home/meter", ha_discovery=False, metrics_port=9555)
    assert dialog.mqtt_check.isChecked() and dialog.metrics_check.isChecked()
    assert dialog.mqtt_url_edit.text() == "mqtt://hems@192.0.2.7:1884" and dialog.metrics_port_spin.value() == 9555
    settings = dialog.collect().settings
    assert settings.outputs == ("file", "mqtt", "metrics")
    assert (settings.mqtt_prefix, settings.ha_discovery, settings.metrics_port) == ("home/meter", False, 9555)
    dialog.mqtt_check.setChecked(False)
    assert not dialog.mqtt_url_edit.isEnabled() and not dialog.mqtt_test_button.isEnabled()
    settings = dialog.collect().settings
    assert "mqtt" not in settings.outputs and settings.mqtt_url == "mqtt://hems@192.0.2.7:1884"  # kept for later


def test_an_unused_metrics_port_does_not_become_a_setting(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot)
    assert not dialog.metrics_check.isChecked() and dialog.metrics_port_spin.value() > 0
    assert dialog.collect().settings.metrics_port is None  # a Save without changes changes nothing


def test_network_output_errors_sit_under_their_fields(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot)
    dialog.mqtt_check.setChecked(True)
    dialog.accept()
    assert dialog.result_values is None and "mqtt_url" in dialog.errors.shown
    assert "Outputs" in dialog.error_label.text() and "Broker URL" in dialog.error_label.text()
    dialog.mqtt_url_edit.setText(f"mqtt://hems:{SECRET}@127.0.0.1")
    qtbot.waitUntil(lambda: "password" in dialog.errors.shown.get("mqtt_url", ""), timeout=3000)
    assert SECRET not in dialog.errors.shown["mqtt_url"] and SECRET not in dialog.error_label.text()
    dialog.mqtt_url_edit.setText("mqtt://hems@127.0.0.1")
    dialog.mqtt_ca_edit.setText("/etc/ssl/certs/ca-certificates.crt")
    qtbot.waitUntil(lambda: "mqtt_ca" in dialog.errors.shown and "mqtt_url" not in dialog.errors.shown, timeout=3000)
    dialog.mqtt_url_edit.setText("mqtts://hems@127.0.0.1")
    qtbot.waitUntil(lambda: not dialog.errors.shown, timeout=3000)
    dialog.mqtt_prefix_edit.setText("bad/#")
    qtbot.waitUntil(lambda: "mqtt_prefix" in dialog.errors.shown, timeout=3000)


def test_the_mqtt_test_button_talks_to_a_real_broker(qtbot, secured_broker) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot, output="mqtt", mqtt_url=f"mqtt://hems@127.0.0.1:{secured_broker.port}")
    dialog.mqtt_password_edit.setText("wrong")
    dialog.mqtt_test_button.click()
    answer = wait_for_answer(qtbot, dialog.mqtt_test_label)
    assert "refused the user name hems" in answer and "wrong" not in answer
    assert dialog.mqtt_test_button.isEnabled()
    dialog.mqtt_password_edit.setText(SECRET)
    dialog.mqtt_test_button.click()
    answer = wait_for_answer(qtbot, dialog.mqtt_test_label)
    assert answer.startswith(f"Connected to the MQTT broker 127.0.0.1:{secured_broker.port} as hems"), answer
    assert SECRET not in answer
    dialog.mqtt_url_edit.setText(f"mqtt://127.0.0.1:{secured_broker.port}")
    dialog.mqtt_test_button.click()
    assert "wants a user name" in wait_for_answer(qtbot, dialog.mqtt_test_label)
    nobody = free_port()  # nothing listens there
    dialog.mqtt_url_edit.setText(f"mqtt://hems@127.0.0.1:{nobody}")
    dialog.mqtt_test_button.click()
    assert f"127.0.0.1:{nobody} is not reachable" in wait_for_answer(qtbot, dialog.mqtt_test_label)


def test_the_metrics_test_button_tries_the_port(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot, output="metrics")
    with socket.socket() as other:  # another program's port: it listens but does not speak HTTP
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        dialog.metrics_port_spin.setValue(other.getsockname()[1])
        dialog.metrics_test_button.click()
        assert "already in use by another program" in wait_for_answer(qtbot, dialog.metrics_test_label)
    free = free_port()
    dialog.metrics_port_spin.setValue(free)
    dialog.metrics_test_button.click()
    assert f"Port {free} is free" in wait_for_answer(qtbot, dialog.metrics_test_label)
    sink = MetricsSink(0)  # this app's own metrics, as the running collector serves them
    try:
        dialog.metrics_port_spin.setValue(sink.port)
        dialog.metrics_test_button.click()
        assert "answers with this app's metrics" in wait_for_answer(qtbot, dialog.metrics_test_label)
    finally:
        sink.close()
    dialog.metrics_address_edit.setText("192.0.2.1")  # TEST-NET: not an address of this machine
    dialog.metrics_test_button.click()
    assert "not an address of this computer" in wait_for_answer(qtbot, dialog.metrics_test_label)


def test_save_keeps_the_mqtt_password_in_the_keyring_and_the_app_publishes(  # type: ignore[no-untyped-def]
        qtbot, app_paths, make_emulator, memory_keyring, secured_broker, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the MQTT spool and client id
    emulator = make_emulator()
    CredentialStore().save(Credentials(ROUTE_B_ID, PASSWORD))
    hems = HemsApp(settings_path=app_paths[0], history_path=app_paths[1])
    qtbot.addWidget(hems.dashboard)
    hems.settings = dataclasses.replace(hems.settings, serial_port=emulator.port, mode="interval", interval=1)
    recorder = Recorder(secured_broker, username="hems", password=SECRET).connect()
    try:
        dialog = hems.make_settings_dialog()
        qtbot.addWidget(dialog)
        dialog.mqtt_check.setChecked(True)
        dialog.mqtt_url_edit.setText(f"mqtt://hems@127.0.0.1:{secured_broker.port}")
        dialog.mqtt_password_edit.setText(SECRET)
        assert hems.apply_settings(dialog.collect())
        assert memory_keyring.values[(SERVICE, MQTT_PASSWORD_KEY)] == SECRET
        stored = app_paths[0].read_text(encoding="utf-8")
        assert SECRET not in stored and "mqtt" in json.loads(stored)["output"]
        assert json.loads(stored)["mqtt_url"] == f"mqtt://hems@127.0.0.1:{secured_broker.port}"
        qtbot.waitUntil(lambda: any(m.topic.startswith("hems/") and m.topic.endswith("/state")
                                    for m in recorder.messages), timeout=30_000)
        state = json.loads(next(m for m in recorder.messages if m.topic.endswith("/state")).payload)
        assert set(RECORD_FIELDS) <= set(state) and isinstance(state["instant_power"], int) and state["reading_id"]
        assert CredentialStore().load().mqtt_password == SECRET  # the next start finds it
        dialog = hems.make_settings_dialog()
        qtbot.addWidget(dialog)
        assert dialog.mqtt_password_edit.text() == SECRET and dialog.mqtt_check.isChecked()
        dialog.mqtt_password_edit.setText("")
        assert hems.apply_settings(dialog.collect())
        assert (SERVICE, MQTT_PASSWORD_KEY) not in memory_keyring.values  # cleared, not kept as ""
    finally:
        hems.controller.stop()
        recorder.disconnect()


def test_the_mqtt_check_over_tls(tmp_path: Path) -> None:
    """The core check behind the button, against a TLS-only broker with a throwaway CA."""
    import trustme

    from hems_desktop.app.output_checks import OutputCheckError, check_mqtt
    from tests.mosquitto import TlsFiles

    ca = trustme.CA()
    certificate = ca.issue_cert("localhost")
    files = TlsFiles(tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    ca.cert_pem.write_to_path(str(files.cafile))
    certificate.cert_chain_pems[0].write_to_path(str(files.certfile))
    certificate.private_key_pem.write_to_path(str(files.keyfile))
    server = Mosquitto(tmp_path / "tls", tls=files).start()
    try:
        url = f"mqtts://localhost:{server.port}"
        assert check_mqtt(url, ca_file=files.cafile).startswith(f"Connected to the MQTT broker localhost:{server.port}")
        with pytest.raises(OutputCheckError, match="The TLS connection to the MQTT broker"):
            check_mqtt(url)  # the system's CAs do not know the throwaway one
        with pytest.raises(OutputCheckError, match=r"did not answer within 1 s \(if that port speaks TLS"):
            check_mqtt(f"mqtt://localhost:{server.port}", timeout_s=1)  # plain MQTT to a TLS port
        with pytest.raises(OutputCheckError, match="needs an mqtts:// URL"):
            check_mqtt(f"mqtt://localhost:{server.port}", ca_file=files.cafile)
    finally:
        server.stop()


def test_the_outputs_tab_mnemonics_are_distinct(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from hems_desktop.gui.settings_pages import TAB_NAMES

    dialog = dialog_for(qtbot)
    page = dialog.tabs.widget(TAB_NAMES.index("outputs"))
    texts = [w.text() for w in page.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in page.findChildren(QAbstractButton)]
    letters = [text[text.index("&") + 1].lower() for text in texts if "&" in text]
    assert len(letters) >= 17 and len(letters) == len(set(letters)), sorted(letters)
