"""Servers the benchmark starts on loopback, each a subprocess on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import httpx

OWN_PREFIXES = ("OMI_GATEWAY_", "OMI_SANDBOX_")
# The repository root: ``python -m gateway`` and ``bench.*`` apps import from here.
ROOT = Path(__file__).resolve().parent.parent


class StartError(RuntimeError):
    """A server exited or never answered; ``reason`` is one line for the table."""

    def __init__(self, name: str, reason: str, output: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.reason = reason
        self.output = output


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:160] if lines else "no output"


class Server:
    """One server subprocess: started, waited for over HTTP, stopped on exit."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        port: int,
        ready_path: str,
        env: Mapping[str, str] | None = None,
        start_timeout: float = 30.0,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.port = port
        self.ready_path = ready_path
        # The shell's own OMI_GATEWAY_*/OMI_SANDBOX_* settings would skew a case: only
        # what the case sets applies.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
        self.env = {**inherited, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log")  # noqa: SIM115

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The server's process id (the Python interpreter itself, no shell between)."""
        assert self.process is not None
        return self.process.pid

    def output(self) -> str:
        """Everything the server printed so far."""
        self._log.flush()
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")

    def start(self) -> Server:
        """Start the process and wait until ``ready_path`` answers; ``StartError`` if not."""
        self.process = subprocess.Popen(  # noqa: S603
            self.argv, stdout=self._log, stderr=subprocess.STDOUT, env=self.env, cwd=ROOT
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.output()
                raise StartError(self.name, _last_line(output), output)
            try:
                httpx.get(self.url + self.ready_path, timeout=1.0)
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            return self
        self.stop()
        output = self.output()
        raise StartError(self.name, f"no answer within {self.start_timeout:.0f} s", output)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)

    def __enter__(self) -> Server:
        try:
            return self.start()
        except BaseException:
            self._log.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        self._log.close()


def sandbox() -> Server:
    """The OMI sandbox with admin routes (faults, stats) and instant activation."""
    port = free_port()
    argv = [sys.executable, "-m", "gateway", "sandbox", "--admin", "--activation-delay", "0"]
    argv += ["--host", "127.0.0.1", "--port", str(port)]
    return Server("sandbox", argv, port=port, ready_path="/openapi.json")


def gateway(upstream: str, env: Mapping[str, str]) -> Server:
    """Our gateway in front of ``upstream``, configured through ``env``."""
    port = free_port()
    argv = [sys.executable, "-m", "gateway", "serve", "--upstream", upstream]
    argv += ["--host", "127.0.0.1", "--port", str(port)]
    return Server("gateway", argv, port=port, ready_path="/healthz", env=env)


def uvicorn_app(name: str, factory: str, env: Mapping[str, str]) -> Server:
    """A ``bench`` app factory under uvicorn, one worker, no access log."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", factory, "--factory", "--workers", "1"]
    argv += ["--host", "127.0.0.1", "--port", str(port)]
    argv += ["--no-access-log", "--log-level", "warning"]
    return Server(name, argv, port=port, ready_path="/healthz", env=env)
