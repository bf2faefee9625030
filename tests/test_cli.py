"""The command line and its settings: environment, options, clean errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gateway.settings import OPTIONS, Settings, SettingsError


def test_defaults_use_the_sandbox() -> None:
    settings = Settings.from_env({})
    assert settings.uses_sandbox
    assert (settings.host, settings.port, settings.sandbox_port) == ("127.0.0.1", 8000, 8001)


def test_every_option_reads_its_environment_variable() -> None:
    environ = {
        "OMI_GATEWAY_HOST": "0.0.0.0",
        "OMI_GATEWAY_PORT": "9000",
        "OMI_GATEWAY_UPSTREAM": "https://public-v1-stg.omicall.com",
        "OMI_GATEWAY_SANDBOX": "false",
        "OMI_GATEWAY_SANDBOX_PORT": "9001",
        "OMI_GATEWAY_SANDBOX_ACTIVATION_DELAY": "1-2",
        "OMI_GATEWAY_DEV": "yes",
        "OMI_GATEWAY_CONNECT_TIMEOUT": "1.5",
        "OMI_GATEWAY_READ_TIMEOUT": "7",
        "OMI_GATEWAY_POOL_TIMEOUT": "2",
        "OMI_GATEWAY_MAX_CONNECTIONS": "10",
        "OMI_GATEWAY_LOG_LEVEL": "DEBUG",
    }
    assert sorted(environ) == sorted(option.env for option in OPTIONS)
    settings = Settings.from_env(environ)
    assert settings == Settings(
        host="0.0.0.0",
        port=9000,
        upstream="https://public-v1-stg.omicall.com",
        sandbox=False,
        sandbox_port=9001,
        sandbox_activation_delay=(1.0, 2.0),
        dev=True,
        connect_timeout=1.5,
        read_timeout=7.0,
        pool_timeout=2.0,
        max_connections=10,
        log_level="debug",
    )
    assert not settings.uses_sandbox


def test_options_override_the_environment() -> None:
    settings = Settings.from_env({"OMI_GATEWAY_UPSTREAM": "http://omi.example"})
    assert settings.override(sandbox=True).uses_sandbox
    assert settings.override(sandbox=True).upstream is None
    assert settings.override(port=8080, host=None).port == 8080
    with pytest.raises(SettingsError, match="exclude each other"):
        settings.override(sandbox=True, upstream="http://other.example")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"OMI_GATEWAY_PORT": "eighty"}, "OMI_GATEWAY_PORT"),
        ({"OMI_GATEWAY_PORT": "70000"}, "not a TCP port"),
        ({"OMI_GATEWAY_READ_TIMEOUT": "0"}, "positive"),
        ({"OMI_GATEWAY_UPSTREAM": "ftp://omi"}, "http"),
        ({"OMI_GATEWAY_LOG_LEVEL": "loud"}, "log_level"),
        ({"OMI_GATEWAY_SANDBOX": "maybe"}, "OMI_GATEWAY_SANDBOX"),
        ({"OMI_GATEWAY_SANDBOX_ACTIVATION_DELAY": "5-1"}, "activation_delay"),
    ],
)
def test_bad_values_are_clear_errors(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ)


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", "serve", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        timeout=30,
        check=False,
    )


def test_bad_option_exits_cleanly_without_a_traceback() -> None:
    result = _serve("--upstream", "not a url")
    assert result.returncode == 2
    assert "upstream" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_environment_exits_cleanly_without_a_traceback() -> None:
    result = _serve(env={"OMI_GATEWAY_PORT": "eighty"})
    assert result.returncode == 2
    assert "OMI_GATEWAY_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_command_prints_the_sdl() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "schema"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert "type Query" in result.stdout
    assert "scalar Money" in result.stdout


def test_port_in_use_exits_cleanly_without_a_traceback() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = _serve("--upstream", "http://127.0.0.1:9", "--port", port)
    assert result.returncode == 1
    assert f"port {port} failed to start" in result.stderr
    assert "Traceback" not in result.stderr
