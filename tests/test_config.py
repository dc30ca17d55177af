"""Command line, environment, .env and settings file: the seed's contract and precedence."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hems_desktop import __version__
from hems_desktop.cli.args import build_arg_parser, cli_values
from hems_desktop.settings import (
    ConfigError,
    Settings,
    default_settings_path,
    load_settings,
    load_settings_file,
    read_settings_file,
    resolve_settings,
    save_settings_file,
)
from hems_desktop.settings.dotenv import environ_with_dotenv, load_dotenv
from hems_desktop.settings.parsers import default_serial_port

PASSWORD = "S3cretPassWd"  # 12 characters, like a real B-route password
ROUTE_B_ID = "0123456789ABCDEF0123456789ABCDEF"


def parse(*argv: str) -> object:
    return build_arg_parser().parse_args(list(argv))


def resolve(argv: list[str], environ: dict[str, str] | None = None, file: Path | None = None) -> Settings:
    return resolve_settings(cli_values(build_arg_parser().parse_args(argv)), environ or {}, read_settings_file(file))


def write_settings(path: Path, **values: object) -> Path:
    path.write_text(json.dumps({"version": 1, **values}), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the seed's options


def test_seed_options_and_short_forms_exist() -> None:
    parser = build_arg_parser()
    options = {s for action in parser._actions for s in action.option_strings}
    seed = {"-h", "--help", "-o", "--output", "-f", "--format", "--file", "--project", "--topic", "--port",
            "--baudrate", "--meter-channel", "--meter-panid", "--meter-ipv6", "--mode", "-s", "--schedule",
            "-i", "--interval", "--debug"}
    additions = {"--demo", "--count", "--dongle", "--version", "--list-ports", "--history", "--keep-days", "--settings",
                 "--mqtt-url", "--mqtt-ca", "--mqtt-prefix", "--ha-discovery", "--no-ha-discovery",
                 "--ha-discovery-prefix", "--metrics-port", "--metrics-address", "--fields"}
    assert options == seed | additions


def test_seed_defaults_when_nothing_is_given() -> None:
    settings = resolve([])
    assert settings.output is None and settings.outputs == ()
    assert settings.format == "json"
    assert settings.file == Path("hems_data.dat")
    assert settings.project == "your-project-id"
    assert settings.topic == "hems-data"
    assert settings.baudrate == 115200
    assert settings.mode == "schedule"
    assert settings.schedule == "*/5 * * * *"
    assert settings.interval == 300
    assert settings.debug is False
    assert settings.serial_port == default_serial_port()
    assert settings.route_b_id is None and settings.route_b_password is None
    assert settings.meter_channel is None and settings.meter_pan_id is None and settings.meter_ipv6 is None
    assert settings.dongle == "auto" and settings.count is None and settings.demo is False
    assert settings.history is None


def test_default_serial_port_per_platform() -> None:
    assert default_serial_port("linux") == "/dev/ttyUSB0"
    assert default_serial_port("win32") == "COM3"
    assert default_serial_port("darwin").startswith("/dev/cu.")


def test_seed_choices_and_values_parse() -> None:
    args = parse("-o", "all", "-f", "csv", "--file", "x.csv", "--mode", "interval", "-i", "60",
                 "-s", "0 * * * *", "--debug", "--meter-channel", "3B", "--meter-panid", "8CF5",
                 "--meter-ipv6", "fe80::1034:5678:abcd:ef01")
    settings = resolve_settings(cli_values(args), {}, {})  # type: ignore[arg-type]
    assert settings.outputs == ("stdout", "file", "cloud")
    assert settings.format == "csv" and settings.file == Path("x.csv")
    assert settings.mode == "interval" and settings.interval == 60 and settings.schedule == "0 * * * *"
    assert settings.debug is True
    assert settings.meter_channel == 0x3B
    assert settings.meter_pan_id == 0x8CF5
    assert settings.meter_ipv6 == "FE80:0000:0000:0000:1034:5678:ABCD:EF01"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--meter-channel", "20"], "meter channel"),
        (["--meter-channel", "3D"], "meter channel"),
        (["--meter-channel", "zz"], "meter channel"),
        (["--meter-panid", "8CF"], "PAN ID"),
        (["--meter-panid", "GGGG"], "PAN ID"),
        (["--meter-ipv6", "fe80::g"], "IPv6"),
        (["-s", "*/5 * * *"], "cron"),
        (["-s", "61 * * * *"], "minute hour day month weekday"),  # what the five fields are, with an example
        (["-s", "0 0 31 2 *"], "never matches"),
        (["-i", "0"], "positive integer"),
        (["-i", "five"], "positive integer"),
        (["--baudrate", "-9600"], "positive integer"),
        (["--count", "0"], "positive integer"),
        (["--dongle", "bp99"], "dongle"),
        (["-o", "printer"], "invalid choice"),
        (["-f", "xml"], "invalid choice"),
        (["--mode", "often"], "invalid choice"),
    ],
)
def test_bad_values_are_one_line_argparse_errors(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_arg_parser().parse_args(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    error_lines = [line for line in err.splitlines() if "error:" in line]
    assert len(error_lines) == 1
    assert fragment in error_lines[0]


def test_channel_and_pan_id_bounds_accept_hex_as_epandesc_prints_it() -> None:
    assert resolve(["--meter-channel", "21"]).meter_channel == 33
    assert resolve(["--meter-channel", "3c"]).meter_channel == 60
    assert resolve(["--meter-panid", "0000"]).meter_pan_id == 0
    assert resolve(["--meter-panid", "ffff"]).meter_pan_id == 0xFFFF


@pytest.mark.parametrize("name", ["auto", "single-hop", "dual-stack", "bp35a1", "BP35C2", "rs-wsuha-p", "rl7023-ips"])
def test_dongle_names(name: str) -> None:
    assert resolve(["--dongle", name]).dongle == name.lower()


def test_history_flag_with_and_without_path(tmp_path: Path) -> None:
    assert resolve([]).history is None
    assert resolve(["--history", str(tmp_path / "h.db")]).history == tmp_path / "h.db"
    bare = resolve(["--history"]).history
    assert bare is not None and bare.name == "history.sqlite3"


def test_count_and_demo() -> None:
    settings = resolve(["--demo", "--count", "3"])
    assert settings.demo is True and settings.count == 3


def test_version_and_help(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # no line wrapping inside the defaults
    with pytest.raises(SystemExit) as exit_info:
        build_arg_parser().parse_args(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"hems-collector {__version__}"
    with pytest.raises(SystemExit):
        build_arg_parser().parse_args(["--help"])
    help_text = capsys.readouterr().out
    for default in ("hems_data.dat", "*/5 * * * *", "300", "115200", "your-project-id", "hems-data"):
        assert default in help_text


def test_list_ports_prints_and_exits_zero() -> None:
    code = "from hems_desktop.cli.args import build_arg_parser; build_arg_parser().parse_args(['--list-ports'])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip()  # either ports or "no serial ports found"


def test_importing_args_does_not_import_yaml_or_croniter() -> None:
    code = "import sys, hems_desktop.cli.args; print('yaml' in sys.modules, 'croniter' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- precedence


PRECEDENCE = [
    # (settings field, CLI argv, env var, env value, settings-file key, file value, expected from each)
    ("serial_port", ["--port", "/dev/cli"], "SERIAL_PORT", "/dev/env", "serial_port", "/dev/file",
     ("/dev/cli", "/dev/env", "/dev/file")),
    ("baudrate", ["--baudrate", "9600"], "SERIAL_RATE", "19200", "baudrate", 38400, (9600, 19200, 38400)),
    ("project", ["--project", "p-cli"], "GCP_PROJECT_ID", "p-env", "project", "p-file",
     ("p-cli", "p-env", "p-file")),
    ("topic", ["--topic", "t-cli"], "GCP_TOPIC_NAME", "t-env", "topic", "t-file", ("t-cli", "t-env", "t-file")),
]


@pytest.mark.parametrize(("field", "argv", "env", "env_value", "key", "file_value", "expected"), PRECEDENCE)
def test_precedence_cli_env_file_default(
    tmp_path: Path, field: str, argv: list[str], env: str, env_value: str, key: str, file_value: object,
    expected: tuple[object, object, object],
) -> None:
    file = write_settings(tmp_path / "settings.json", **{key: file_value})
    environ = {env: env_value}
    assert getattr(resolve(argv, environ, file), field) == expected[0]
    assert getattr(resolve([], environ, file), field) == expected[1]
    assert getattr(resolve([], {}, file), field) == expected[2]
    default = getattr(resolve([], {}, None), field)
    assert default not in expected
    assert resolve(argv, environ, file).origin[field] == "command line"
    assert resolve([], environ, file).origin[field] == f"environment {env}"
    assert resolve([], {}, file).origin[field] == "settings file"


def test_precedence_for_credentials(tmp_path: Path) -> None:
    file = write_settings(tmp_path / "settings.json", route_b_id="F" * 32)
    from_env = resolve([], {"B_ROUTE_ID": ROUTE_B_ID, "B_ROUTE_PASSWORD": PASSWORD}, file)
    assert from_env.route_b_id == ROUTE_B_ID
    assert from_env.route_b_password == PASSWORD
    from_file = resolve([], {}, file)
    assert from_file.route_b_id == "F" * 32
    assert from_file.route_b_password is None  # only the environment can hold it
    assert resolve([], {}, None).route_b_id is None


def test_settings_file_supplies_seed_options_cli_overrides(tmp_path: Path) -> None:
    file = write_settings(tmp_path / "s.json", format="csv", mode="interval", interval=60, output="file",
                          meter_channel="3B", meter_pan_id="8CF5", schedule="0 * * * *", dongle="bp35c2")
    from_file = resolve([], {}, file)
    assert (from_file.format, from_file.mode, from_file.interval, from_file.output) == ("csv", "interval", 60, "file")
    assert (from_file.meter_channel, from_file.meter_pan_id, from_file.dongle) == (0x3B, 0x8CF5, "bp35c2")
    overridden = resolve(["-f", "yaml", "--mode", "schedule", "-i", "30", "--meter-channel", "21"], {}, file)
    assert (overridden.format, overridden.mode, overridden.interval) == ("yaml", "schedule", 30)
    assert overridden.meter_channel == 0x21


def test_empty_environment_variable_counts_as_unset() -> None:
    assert resolve([], {"SERIAL_PORT": "", "GCP_TOPIC_NAME": ""}).serial_port == default_serial_port()
    assert resolve([], {"GCP_TOPIC_NAME": ""}).topic == "hems-data"


@pytest.mark.parametrize("bad", ["fast", "0", "-1", "115200.5"])
def test_bad_serial_rate_in_environment_is_a_config_error(bad: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve([], {"SERIAL_RATE": bad})
    message = str(info.value)
    assert "SERIAL_RATE" in message and "\n" not in message


def test_cli_value_wins_over_bad_environment_value() -> None:
    assert resolve(["--baudrate", "9600"], {"SERIAL_RATE": "fast"}).baudrate == 9600


# --------------------------------------------------------------------------- .env


def test_dotenv_parser(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\n"
        "\n"
        "B_ROUTE_ID=0123456789ABCDEF0123456789ABCDEF\n"
        f"export B_ROUTE_PASSWORD='{PASSWORD}'\n"
        'SERIAL_PORT="/dev/ttyUSB1"  # the dongle\n'
        "GCP_TOPIC_NAME=topic#1 # comment\n"
        'ESCAPED="a\\"b"\n'
        "SPACED = value with spaces \n"
        f"not a line {PASSWORD}\n"
        f"BROKEN='{PASSWORD}\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        values = load_dotenv(dotenv)
    assert values == {
        "B_ROUTE_ID": ROUTE_B_ID,
        "B_ROUTE_PASSWORD": PASSWORD,
        "SERIAL_PORT": "/dev/ttyUSB1",
        "GCP_TOPIC_NAME": "topic#1",
        "ESCAPED": 'a"b',
        "SPACED": "value with spaces",
    }
    assert "line 9" in caplog.text and "line 10" in caplog.text
    assert PASSWORD not in caplog.text


def test_missing_dotenv_is_empty(tmp_path: Path) -> None:
    assert load_dotenv(tmp_path / ".env") == {}


def test_dotenv_never_overrides_the_environment(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SERIAL_PORT=/dev/from-dotenv\nSERIAL_RATE=9600\n", encoding="utf-8")
    merged = environ_with_dotenv({"SERIAL_PORT": "/dev/from-env"}, tmp_path / ".env")
    assert merged["SERIAL_PORT"] == "/dev/from-env"
    assert merged["SERIAL_RATE"] == "9600"
    args = build_arg_parser().parse_args(["--settings", str(write_settings(tmp_path / "s.json"))])
    settings = load_settings(cli_values(args), {"SERIAL_PORT": "/dev/from-env"}, cwd=tmp_path,
                             settings_path=Path(args.settings))
    assert settings.serial_port == "/dev/from-env"
    assert settings.baudrate == 9600
    assert settings.origin["baudrate"] == "the .env file SERIAL_RATE"  # says where it really came from


# --------------------------------------------------------------------------- settings file


def full_settings(tmp_path: Path) -> Settings:
    return resolve(
        ["--port", "/dev/ttyACM0", "--meter-channel", "3B", "--meter-panid", "8CF5", "-f", "csv",
         "--history", str(tmp_path / "h.db")],
        {"B_ROUTE_ID": ROUTE_B_ID, "B_ROUTE_PASSWORD": PASSWORD},
    )


def test_saved_settings_file_has_no_password_and_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "config" / "hems-desktop" / "settings.json"
    settings = full_settings(tmp_path)
    assert settings.route_b_password == PASSWORD
    save_settings_file(path, settings)
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert "password" not in text.lower()
    data = json.loads(text)
    assert data["version"] == 1
    assert data["route_b_id"] == ROUTE_B_ID
    assert data["meter_channel"] == "3B" and data["meter_pan_id"] == "8CF5"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left behind


def test_saved_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = full_settings(tmp_path)
    save_settings_file(path, settings)
    loaded = resolve([], {}, path)
    for name in ("route_b_id", "serial_port", "baudrate", "meter_channel", "meter_pan_id", "format",
                 "file", "project", "topic", "mode", "schedule", "interval", "history"):
        assert getattr(loaded, name) == getattr(settings, name), name
    assert loaded.route_b_password is None


def test_save_replaces_existing_file_atomically_and_keeps_0600(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o644)
    save_settings_file(path, resolve(["--port", "COM7"]))
    assert json.loads(path.read_text(encoding="utf-8"))["serial_port"] == "COM7"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_password_in_settings_file_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    file = write_settings(tmp_path / "s.json", route_b_password=PASSWORD, serial_port="/dev/ttyS9")
    with caplog.at_level(logging.WARNING):
        settings = resolve([], {}, file)
    assert settings.route_b_password is None
    assert settings.serial_port == "/dev/ttyS9"
    assert "route_b_password" in caplog.text
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"serial_port": "x"}', "version"),
        ('{"version": 2}', "newer"),
        ('{"version": 1, "baudrate": "fast"}', "baudrate"),
        ('{"version": 1, "meter_channel": "99"}', "meter_channel"),
        ('{"version": 1, "serial_port": 5}', "serial_port"),
        ('{"version": 1, "schedule": "every minute"}', "schedule"),
        ('{"version": 1, "interval": 1.5}', "interval"),
        ('{"version": 1, "meter_pan_id": [1]}', "meter_pan_id"),
    ],
)
def test_bad_settings_file_is_a_one_line_config_error(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings_file(path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_settings_file_unknown_keys_and_nulls_are_tolerated(tmp_path: Path) -> None:
    path = write_settings(tmp_path / "s.json", future_option=True, meter_ipv6=None, topic="t")
    assert load_settings_file(path) == {"topic": "t"}


def test_missing_settings_file_only_matters_when_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert resolve([], {}, missing).serial_port == default_serial_port()
    with pytest.raises(ConfigError, match="does not exist"):
        read_settings_file(missing, required=True)  # --settings named a file that is not there


def test_default_settings_path_is_per_user_settings_json() -> None:
    path = default_settings_path()
    assert path.name == "settings.json"
    assert "hems-desktop" in path.parts


# --------------------------------------------------------------------------- password never shown


def test_password_absent_from_repr_str_and_redacted() -> None:
    settings = resolve([], {"B_ROUTE_ID": ROUTE_B_ID, "B_ROUTE_PASSWORD": PASSWORD})
    assert settings.route_b_password == PASSWORD
    for text in (repr(settings), str(settings), f"{settings}", str(settings.redacted())):
        assert PASSWORD not in text
    redacted = settings.redacted()
    assert redacted["route_b_password"] == "<set>"
    assert redacted["route_b_id"].endswith("CDEF") and ROUTE_B_ID not in str(redacted)
    assert settings.has_password


def test_password_absent_from_config_error_messages(tmp_path: Path) -> None:
    environ = {"B_ROUTE_PASSWORD": PASSWORD, "SERIAL_RATE": PASSWORD[:4]}
    with pytest.raises(ConfigError) as info:
        resolve([], environ)
    assert PASSWORD not in str(info.value)
    bad_file = tmp_path / "s.json"
    bad_file.write_text(json.dumps({"version": 1, "route_b_password": PASSWORD, "baudrate": "x"}), "utf-8")
    with pytest.raises(ConfigError) as info:
        resolve([], environ | {"SERIAL_RATE": "9600"}, bad_file)
    assert PASSWORD not in str(info.value)
    assert "baudrate" in str(info.value)


def test_a_b_route_id_of_the_right_length_with_other_characters_is_told_so() -> None:
    from hems_desktop.settings.parsers import parse_route_b_id

    with pytest.raises(ValueError, match="other characters") as caught:
        parse_route_b_id("0123456789ABCDEF0123456789ABCD-!")
    assert "32 given" not in str(caught.value)  # "must be 32 (32 given)" said nothing
    with pytest.raises(ValueError, match=r"\(31 given\)"):
        parse_route_b_id("0123456789ABCDEF0123456789ABCDE")
