"""Real servers on loopback for end-to-end tests: ``omi-gateway`` run as a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx


def listens(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` holds a socket listening on 127.0.0.1:``port`` (``None``
    where ``/proc`` cannot tell, as outside Linux).
    """
    try:
        table = Path("/proc/net/tcp").read_text(encoding="ascii")
        links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
    except OSError:
        return None
    wanted = f"0100007F:{port:04X}"
    for line in table.splitlines()[1:]:
        fields = line.split()
        if fields[1] == wanted and fields[3] == "0A" and f"socket:[{fields[9]}]" in links:
            return True  # state 0A: LISTEN
    return False


def _port_taken(output: str, port: int) -> bool:
    """True when uvicorn's ``output`` says it could not bind 127.0.0.1:``port``."""
    return f"('127.0.0.1', {port}): address already in use" in output


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """``python -m gateway ARGS --host 127.0.0.1 --port PORT`` as a real server.

    Waits until ``ready_path`` answers over HTTP; keeps the process's output in a file
    (``output()``) so tests can read its logs; stops it on exit.
    """

    def __init__(
        self,
        args: Sequence[str],
        *,
        port: int | None = None,
        ready_path: str = "/",
        env: dict[str, str] | None = None,
        start_timeout: float = 30.0,
    ) -> None:
        self._own_port = port is None
        self.port = port or free_port()
        self._base_args = list(args)
        self.ready_path = ready_path
        self.env = {**os.environ, **(env or {})}
        self.env.setdefault("PYTHONUNBUFFERED", "1")
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="omi-gateway-", suffix=".log", delete=False)  # noqa: SIM115
        self.log_path = Path(self._log.name)

    @property
    def args(self) -> list[str]:
        """The arguments after ``python -m gateway``, the host and port included."""
        return [*self._base_args, "--host", "127.0.0.1", "--port", str(self.port)]

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        """Start the process and wait until it answers.

        A port from ``free_port()`` is free when chosen, not reserved: another server (of
        a test run beside this one) may take it before this process binds it. Then this
        process exits ("address already in use") and the other server would answer the
        readiness check meanwhile. So only an answer from a port this process listens on
        counts, and a server that lost its chosen port starts again on another.
        """
        for _attempt in range(5):
            if self._start_once():
                return self
            self.port = free_port()
            self._log.seek(0)
            self._log.truncate()  # the lost attempt's output is not this server's
        raise RuntimeError(f"server lost its port 5 times:\n{self.output()}")

    def _start_once(self) -> bool:
        """One start: True once it answers, False when its port was taken by another."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway", *self.args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=self.env,
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.output()
                if self._own_port and _port_taken(output, self.port):
                    return False
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{output}")
            try:
                httpx.get(self.url + self.ready_path, timeout=1.0)
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            if listens(self.process.pid, self.port) is not False:
                return True
            time.sleep(0.05)  # another process's server answered: ours cannot bind
        self.stop()
        raise RuntimeError(f"server did not answer within {self.start_timeout}s:\n{self.output()}")

    def output(self) -> str:
        """Everything the process printed so far (stdout and stderr)."""
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the process."""
        assert self.process is not None
        self.process.send_signal(signum)

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop the process (SIGTERM, then SIGKILL); returns its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        return self.process.returncode

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        self._log.close()
        self.log_path.unlink(missing_ok=True)
