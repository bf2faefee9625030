"""The detail cache's configuration as a user meets it: ``serve`` refusing bad values
without echoing a password, and the README documenting every cache variable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.settings import CACHE_OPTIONS, Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def _serve(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--upstream", "http://127.0.0.1:9"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OMI_GATEWAY_CACHE_URL": "http://:hunter2@cache/0"}, "scheme"),
        ({"OMI_GATEWAY_CACHE_URL": "redis://:hunter2@cache/zero"}, "database number"),
        ({"OMI_GATEWAY_CACHE_TTL": "-1"}, "ttl"),
        ({"OMI_GATEWAY_CACHE_TTL": "soon"}, "OMI_GATEWAY_CACHE_TTL"),
        ({"OMI_GATEWAY_CACHE_MAX_STALE": "inf"}, "finite"),
        ({"OMI_GATEWAY_CACHE_PREFIX": ""}, "cache_prefix"),
    ],
)
def test_bad_cache_settings_stop_serve_with_a_clear_message(
    env: dict[str, str], message: str
) -> None:
    result = _serve(env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_cache_settings_read_the_environment() -> None:
    settings = Settings.from_env(
        {
            "OMI_GATEWAY_CACHE_URL": "rediss://:pw@cache.internal:6380/2",
            "OMI_GATEWAY_CACHE_TTL": "15",
            "OMI_GATEWAY_CACHE_MAX_STALE": "120",
            "OMI_GATEWAY_CACHE_PREFIX": "gw-a:",
            "OMI_GATEWAY_CACHE_DEBUG": "yes",
        }
    )
    config = settings.cache_config()
    assert (config.url, config.ttl, config.max_stale, config.prefix) == (
        "rediss://:pw@cache.internal:6380/2",
        15.0,
        120.0,
        "gw-a:",
    )
    assert settings.cache_debug
    assert "pw@" not in repr(settings)  # the URL may hold a password: not in the repr


def test_readme_lists_every_cache_variable_with_its_default() -> None:
    text = README.read_text(encoding="utf-8")
    defaults = Settings()
    for option in CACHE_OPTIONS:
        value = getattr(defaults, option.field)
        shown = "(memory)" if value is None else f"`{value}`"
        assert f"| (environment only) | `{option.env}` | {shown} | {option.help} |" in text
    assert "## Caching" in text
    assert "the Redis must be private" in text
