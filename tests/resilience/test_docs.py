"""The README's resilience settings table is ``RESILIENCE_OPTIONS``, defaults included."""

from __future__ import annotations

from pathlib import Path

from gateway.settings import RESILIENCE_OPTIONS, Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_resilience_table_is_the_settings() -> None:
    defaults = Settings()
    lines = ["| environment variable | default | meaning |", "| --- | --- | --- |"]
    for option in RESILIENCE_OPTIONS:
        value = getattr(defaults, option.field)
        lines.append(f"| `{option.env}` | `{value}` | {option.help} |")
    assert "\n".join(lines) in README.read_text(encoding="utf-8")


def test_resilience_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"OMI_GATEWAY_REQUEST_TIMEOUT": "2.5", "OMI_GATEWAY_BREAKER_THRESHOLD": "0"}
    )
    assert settings.request_timeout == 2.5
    assert settings.breaker_threshold == 0
