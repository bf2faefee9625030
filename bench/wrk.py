"""wrk, driven from Python: a Lua script per case, figures read back as JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field

# The line the Lua ``done()`` prints; everything else wrk prints is ignored.
MARKER = "BENCH_JSON "

_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,"connect":%.0f,"read":%.0f,'
    .. '"write":%.0f,"status":%.0f,"timeout":%.0f,"p50_us":%.0f,"p90_us":%.0f,'
    .. '"p99_us":%.0f,"p999_us":%.0f,"mean_us":%.1f,"max_us":%.0f}\\n',
    MARKER, summary.requests, summary.duration, summary.bytes, e.connect, e.read,
    e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.mean, latency.max))
end
"""


@dataclass(frozen=True, slots=True)
class Request:
    """The one request a case repeats."""

    path: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class Load:
    """What one wrk run measured; latencies in milliseconds."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    connections: int

    def as_dict(self) -> dict[str, float | int]:
        """Plain JSON-ready figures."""
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p90_ms": round(self.p90_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "max_ms": round(self.max_ms, 3),
            "errors": self.errors,
            "connections": self.connections,
        }


class WrkError(RuntimeError):
    """wrk failed or printed no figures."""


def find_wrk() -> str | None:
    """The wrk executable, or None when it is not installed."""
    return shutil.which("wrk")


def version(wrk: str) -> str:
    """wrk's version line (it prints it on ``-v`` and exits 1)."""
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)  # noqa: S603
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[0].split(" Copyright")[0].strip() if lines else "unknown"


def lua_string(data: bytes) -> str:
    """``data`` as a Lua string literal (decimal escapes for anything not plain ASCII)."""
    out = []
    for byte in data:
        char = chr(byte)
        if 32 <= byte < 127 and char not in {'"', "\\"}:
            out.append(char)
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def lua_script(request: Request) -> str:
    """The wrk script: the request to send, and a ``done()`` that prints JSON figures."""
    lines = [
        f"MARKER = {lua_string(MARKER.encode())}",
        f"wrk.method = {lua_string(request.method.encode())}",
        f"wrk.path = {lua_string(request.path.encode())}",
    ]
    if request.body:
        lines.append(f"wrk.body = {lua_string(request.body)}")
    for name, value in request.headers.items():
        lines.append(f"wrk.headers[{lua_string(name.encode())}] = {lua_string(value.encode())}")
    return "\n".join(lines) + "\n" + _DONE


def parse(output: str, connections: int) -> Load:
    """The figures in wrk's output (the marker line); ``WrkError`` if there are none."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            raw = json.loads(line[len(MARKER) :])
            seconds = raw["duration_us"] / 1e6
            errors = sum(int(raw[k]) for k in ("connect", "read", "write", "status", "timeout"))
            return Load(
                requests=int(raw["requests"]),
                seconds=seconds,
                rps=raw["requests"] / seconds if seconds > 0 else 0.0,
                p50_ms=raw["p50_us"] / 1000,
                p90_ms=raw["p90_us"] / 1000,
                p99_ms=raw["p99_us"] / 1000,
                max_ms=raw["max_us"] / 1000,
                errors=errors,
                connections=connections,
            )
    raise WrkError(f"wrk printed no figures: {output.strip()[-300:]}")


def run(
    wrk: str,
    base_url: str,
    request: Request,
    *,
    seconds: int,
    connections: int,
    threads: int,
    timeout: int = 5,
) -> Load:
    """Load ``base_url`` with ``request`` for ``seconds`` and return what wrk measured."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="ascii") as script:
        script.write(lua_script(request))
        script.flush()
        argv = [wrk, "-t", str(min(threads, connections)), "-c", str(connections)]
        argv += ["-d", f"{seconds}s", "--timeout", f"{timeout}s", "-s", script.name, base_url]
        done = subprocess.run(  # noqa: S603
            argv, capture_output=True, text=True, timeout=seconds + timeout + 30, check=False
        )
    if done.returncode != 0:
        raise WrkError(f"wrk exited with {done.returncode}: {done.stderr.strip()[-300:]}")
    return parse(done.stdout, connections)
