"""Small pieces without a server: request ids, redaction, endpoint names, the deploy files."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML comes with uvicorn[standard]

from gateway.observability.logging import JsonFormatter, TextFormatter
from gateway.observability.record import request_id_from
from gateway.observability.redact import redact
from gateway.observability.transport import endpoint_name
from gateway.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("abc-123", "abc-123"),
        ("  spaced  ", "spaced"),
        ("tab\there\x7f", "tabhere"),
        ("héllo", "hllo"),
        ("y" * 200, "y" * 128),
    ],
)
def test_request_id_is_printable_ascii_and_short(header: str, expected: str) -> None:
    assert request_id_from(header) == expected


@pytest.mark.parametrize("header", [None, "", "   ", "\x00\x01"])
def test_request_id_is_made_when_nothing_usable_is_sent(header: str | None) -> None:
    made = request_id_from(header)
    assert len(made) == 32
    int(made, 16)
    assert made != request_id_from(header)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc.DEF-123_x", "abc.DEF-123_x"),
        ("GET /api/auth?apiKey=k3y-value&x=1", "k3y-value"),
        ('{"password": "Str0ng!pass"}', "Str0ng!pass"),
        ("access_token=tok123", "tok123"),
    ],
)
def test_redact_cuts_credentials(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert "[redacted]" in cleaned


def test_endpoint_names_are_a_bounded_set() -> None:
    assert endpoint_name("/api/auth") == "auth"
    assert endpoint_name("/api/partner/tenant/list") == "tenant/list"
    assert endpoint_name("/prefix/api/partner/tenant/update_balance") == "tenant/update_balance"
    assert endpoint_name("/api/partner/anything/else") == "other"
    assert endpoint_name("/") == "other"


def _record(**fields: Any) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "gateway.request", "levelname": "INFO"})
    record.msg = "graphql request Bearer s3cr3t"
    record.fields = fields
    return record


def test_formatters_write_fields_and_redact() -> None:
    upstream = [{"endpoint": "tenant/list", "outcome": "200", "ms": 3.5}]
    record = _record(request_id="r-1", upstream=upstream, cache={"hit": 2}, result="ok")
    text = TextFormatter().format(record)
    assert "request_id=r-1 upstream=tenant/list:200:3.5 cache=hit:2 result=ok" in text
    data = json.loads(JsonFormatter().format(record))
    assert data["upstream"] == upstream
    assert data["cache"] == {"hit": 2}
    assert "s3cr3t" not in text
    assert "s3cr3t" not in json.dumps(data)


def test_compose_replicas_have_valid_settings() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    gateways = [name for name in compose["services"] if name.startswith("gateway")]
    assert len(gateways) == 2
    for name in gateways:
        environment = compose["services"][name]["environment"]
        settings = Settings.from_env({k: v for k, v in environment.items() if k.startswith("OMI_")})
        assert settings.workers == 2
        assert settings.log_format == "json"
        assert settings.cache_url == "redis://redis:6379/0"


def test_dockerfile_healthcheck_uses_healthz() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    healthcheck = next(line for line in dockerfile.splitlines() if "urlopen" in line)
    assert "/healthz" in healthcheck


def test_readme_operating_table_is_the_options() -> None:
    from gateway.settings import OPS_OPTIONS

    defaults = Settings()
    lines = ["| option | environment variable | default | meaning |", "| --- | --- | --- | --- |"]
    for option in OPS_OPTIONS:
        flag = f"`{option.flag}`" if option.flag else "(environment only)"
        shown = f"`{getattr(defaults, option.field)}`"
        lines.append(f"| {flag} | `{option.env}` | {shown} | {option.help} |")
    assert "\n".join(lines) in (ROOT / "README.md").read_text(encoding="utf-8")
