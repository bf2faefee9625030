"""The textual forms of the configuration: fault specs and activation delays."""

from __future__ import annotations

import pytest

from gateway.sandbox import Fault, SandboxConfig, parse_delay, parse_fault


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("tenant/info:http_status=503", Fault(endpoint="tenant/info", http_status=503)),
        ("*:latency_ms=50", Fault(endpoint="*", latency_ms=50)),
        (
            "tenant/update_balance:mode=drop_after,times=1",
            Fault(endpoint="tenant/update_balance", mode="drop_after", times=1),
        ),
        (
            " auth : omi_code=rate_limit_exceeded , probability=0.25 ",
            Fault(endpoint="auth", omi_code="rate_limit_exceeded", probability=0.25),
        ),
        ('{"endpoint": "tenant/list", "mode": "hang"}', Fault(endpoint="tenant/list", mode="hang")),
    ],
)
def test_parse_fault(spec: str, expected: Fault) -> None:
    assert parse_fault(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "tenant/info",
        ":http_status=503",
        "tenant/info:http_status",
        "tenant/info:http_status=abc",
        "tenant/info:probability=lots,mode=hang",
        "tenant/info:colour=red",
        "nowhere:mode=hang",
        "*:mode=explode",
        "*:",
        "{not json",
    ],
)
def test_parse_fault_refuses(spec: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_fault(spec)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", (0.0, 0.0)), ("5", (5.0, 5.0)), ("3-10", (3.0, 10.0)), (" 0.5-1.5 ", (0.5, 1.5))],
)
def test_parse_delay(text: str, expected: tuple[float, float]) -> None:
    assert parse_delay(text) == expected


@pytest.mark.parametrize("text", ["", "x", "10-3", "-1", "1-", "1-2-3"])
def test_parse_delay_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="activation delay"):
        parse_delay(text)


def test_config_defaults_and_checks() -> None:
    config = SandboxConfig()
    assert config.activation_delay == (3.0, 10.0)
    assert config.token_ttl == 86400.0
    assert config.admin is False
    with pytest.raises(ValueError, match="token_ttl"):
        SandboxConfig(token_ttl=0)
    with pytest.raises(ValueError, match="activation_delay"):
        SandboxConfig(activation_delay=(5.0, 1.0))
