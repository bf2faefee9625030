"""The README cannot rot: its tables come from the code, its curl examples run for real."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.schema.errors import OMI_CODES
from gateway.settings import OPTIONS, Settings
from tests.servers import ServerProcess, free_port

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def config_table() -> str:
    """The configuration table, from ``gateway.settings.OPTIONS``."""
    defaults = Settings()
    lines = ["| option | environment variable | default | meaning |", "| --- | --- | --- | --- |"]
    for option in OPTIONS:
        value = getattr(defaults, option.field)
        if isinstance(value, tuple):
            value = "-".join(f"{part:g}" for part in value)
        shown = "(sandbox)" if value is None else f"`{value}`"
        lines.append(f"| `{option.flag}` | `{option.env}` | {shown} | {option.help} |")
    return "\n".join(lines)


def error_table() -> str:
    """The error table, from ``gateway.schema.errors.OMI_CODES``."""
    lines = ["| OMI code or condition | GraphQL outcome |", "| --- | --- |"]
    lines += [f"| `{row.trigger}` | {row.outcome} |" for row in OMI_CODES]
    return "\n".join(lines)


def test_configuration_table_is_the_codes() -> None:
    assert config_table() in README.read_text(encoding="utf-8")


def test_error_table_is_the_codes() -> None:
    assert error_table() in README.read_text(encoding="utf-8")


def test_curl_examples_do_what_the_readme_says() -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    text = README.read_text(encoding="utf-8")
    blocks = [block for block in BLOCK.findall(text) if "curl" in block]
    assert len(blocks) >= 5
    sandbox_port = free_port()
    with ServerProcess(
        ["serve", "--sandbox", "--sandbox-port", str(sandbox_port)], ready_path="/healthz"
    ) as server:
        for block in blocks:
            script = block.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}").replace(
                "127.0.0.1:8001", f"127.0.0.1:{sandbox_port}"
            )
            prelude = ""
            if "$TOKEN" in script and "TOKEN=" not in script:
                prelude = _token_line(text, sandbox_port)
            result = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", prelude + script],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert result.returncode == 0, (block, result.stderr)
            for expected in re.findall(r"# expect: (.+)", block):
                assert expected.strip() in result.stdout, (block, result.stdout)


def _token_line(text: str, sandbox_port: int) -> str:
    line = next(line for line in text.splitlines() if line.startswith("TOKEN=$(curl"))
    return line.replace("127.0.0.1:8001", f"127.0.0.1:{sandbox_port}") + "\n"
