"""What every case shares: options, wrk, the one sandbox, a demo token, the test tenant."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from bench import procs, queries, wrk
from bench.queries import Unavailable
from bench.results import Round
from bench.yardstick import PAIRED_WITH, Yardstick

DEMO_KEY = "demo-partner-key"


@dataclass(frozen=True, slots=True)
class Options:
    """The command line, parsed."""

    duration: int
    warmup: int
    connections: int
    threads: int
    cases: tuple[str, ...]
    redis_url: str
    list_connections: int = 1


def _find_count(stats: Any, endpoint: str) -> int | None:
    """``endpoint``'s count anywhere in the sandbox's stats JSON (tolerant of nesting)."""
    if isinstance(stats, dict):
        value = stats.get(endpoint)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        for nested in stats.values():
            found = _find_count(nested, endpoint)
            if found is not None:
                return found
    return None


class Bench:
    """The shared state of one run; ``sandbox_error`` says why upstream cases are n/a."""

    def __init__(self, options: Options, wrk_path: str) -> None:
        self.options = options
        self.wrk_path = wrk_path
        self.sandbox: procs.Server | None = None
        self.sandbox_error: str | None = None
        self.token = ""
        self.tenant_ids: list[str] = []
        # The bytes our gateway (or the naive one) answered: what ``ceiling`` serves.
        self.reference: bytes | None = None
        self.reference_source = ""
        # The servers kept up for the whole run and measured right before each round
        # compared with them (``bench.yardstick``), by name.
        self.yardsticks: dict[str, Yardstick] = {}

    # -- the sandbox -------------------------------------------------------------------

    def start_sandbox(self, stack: contextlib.ExitStack) -> None:
        """Start the sandbox, take a demo token and pick tenants; on failure note why."""
        try:
            self.sandbox = stack.enter_context(procs.sandbox())
            auth = httpx.get(f"{self.upstream}/api/auth", params={"apiKey": DEMO_KEY})
            self.token = auth.json()["payload"]["access_token"]
            listed = httpx.post(
                f"{self.upstream}/api/partner/tenant/list",
                params={"size": 20, "page": 1},
                headers=self.auth_header,
                json={},
            )
            self.tenant_ids = [item["id"] for item in listed.json()["payload"]["items"]]
            if len(self.tenant_ids) < 2:
                raise Unavailable("the demo partner has fewer than two tenants")
        except procs.StartError as exc:
            self.sandbox_error = f"sandbox did not start: {exc.reason}"
        except (httpx.HTTPError, ValueError, KeyError, TypeError, Unavailable) as exc:
            self.sandbox_error = f"sandbox answered unexpectedly: {exc!r}"[:160]

    def need_sandbox(self) -> procs.Server:
        """The sandbox, or ``Unavailable`` with the reason it is missing."""
        if self.sandbox is None:
            raise Unavailable(self.sandbox_error or "no sandbox")
        return self.sandbox

    @property
    def upstream(self) -> str:
        """The sandbox's base URL."""
        assert self.sandbox is not None
        return self.sandbox.url

    @property
    def auth_header(self) -> dict[str, str]:
        """The demo partner's Authorization header."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def tenant_id(self) -> str:
        """The tenant every detail case reads."""
        return self.tenant_ids[0]

    def reset_stats(self) -> None:
        """Zero the sandbox's call counts."""
        httpx.delete(f"{self.upstream}/_sandbox/stats").raise_for_status()

    def upstream_calls(self, endpoint: str = "tenant/info") -> int:
        """Requests the sandbox received on ``endpoint`` since the last reset."""
        stats = httpx.get(f"{self.upstream}/_sandbox/stats").raise_for_status().json()
        count = _find_count(stats, endpoint)
        if count is None:
            raise Unavailable(f"sandbox stats have no {endpoint!r} count: {stats!r}"[:160])
        return count

    @contextlib.contextmanager
    def fault(self, spec: Mapping[str, Any]) -> Iterator[None]:
        """A sandbox fault for the duration of the block, all faults cleared after."""
        httpx.post(f"{self.upstream}/_sandbox/faults", json=dict(spec)).raise_for_status()
        try:
            yield
        finally:
            httpx.delete(f"{self.upstream}/_sandbox/faults").raise_for_status()

    # -- servers and requests ----------------------------------------------------------

    @contextlib.contextmanager
    def server(self, server: procs.Server) -> Iterator[procs.Server]:
        """``server`` started (``Unavailable`` with its last words if it cannot start)."""
        try:
            with server:
                yield server
        except procs.StartError as exc:
            raise Unavailable(f"{exc.args[0]}") from exc

    def gateway(self, env: Mapping[str, str]) -> contextlib.AbstractContextManager[procs.Server]:
        """Our gateway on the sandbox with ``env`` (cache settings)."""
        return self.server(procs.gateway(self.upstream, env))

    def detail_request(self, tenant_id: str | None = None) -> wrk.Request:
        """The detail query for one tenant as a GraphQL POST."""
        variables = {"id": tenant_id or self.tenant_id}
        return self.graphql_request(queries.body(queries.DETAIL_QUERY, variables))

    def graphql_request(self, body: bytes) -> wrk.Request:
        """A GraphQL POST with the demo token."""
        headers = {**self.auth_header, "Content-Type": "application/json"}
        return wrk.Request(path="/graphql", method="POST", headers=headers, body=body)

    def send(self, base_url: str, request: wrk.Request) -> httpx.Response:
        """``request`` sent once, as wrk will send it."""
        return httpx.request(
            request.method,
            base_url + request.path,
            headers=dict(request.headers),
            content=request.body or None,
            timeout=30.0,
        )

    def capture(self, content: bytes, source: str) -> None:
        """Keep the first good detail answer as the bytes ``ceiling`` serves."""
        if self.reference is None:
            self.reference, self.reference_source = content, source

    # -- load --------------------------------------------------------------------------

    def warm(self, base_url: str, request: wrk.Request, *, connections: int | None = None) -> None:
        """The warm-up load, discarded (none with ``--warmup 0``)."""
        if self.options.warmup > 0:
            conns = connections or self.options.connections
            self.run_wrk(base_url, request, seconds=self.options.warmup, connections=conns)

    def load(
        self, base_url: str, request: wrk.Request, *, connections: int | None = None
    ) -> wrk.Load:
        """A warm-up (discarded), then one measured wrk run."""
        self.warm(base_url, request, connections=connections)
        conns = connections or self.options.connections
        return self.run_wrk(base_url, request, seconds=self.options.duration, connections=conns)

    def load_once(self, base_url: str, request: wrk.Request) -> wrk.Load:
        """One measured wrk run, no warm-up (for consecutive rounds)."""
        conns = self.options.connections
        return self.run_wrk(base_url, request, seconds=self.options.duration, connections=conns)

    def paired_round(self, case: str, measure: Callable[[], wrk.Load]) -> Round:
        """A round of each yardstick ``case`` is compared with, then ``measure()``, back to back.

        A yardstick not kept up in this run is skipped; one that cannot give its round
        leaves the reason in the round (its ratio for this round is n/a).
        """
        before: dict[str, wrk.Load] = {}
        missing: dict[str, str] = {}
        for name in PAIRED_WITH.get(case, ()):
            yardstick = self.yardsticks.get(name)
            if yardstick is None:
                continue
            try:
                before[name] = yardstick.round()
            except Unavailable as exc:
                missing[name] = str(exc)
        return Round(measure(), before, missing)

    def run_wrk(
        self, base_url: str, request: wrk.Request, *, seconds: int, connections: int
    ) -> wrk.Load:
        """One wrk run with this run's thread count."""
        return wrk.run(
            self.wrk_path,
            base_url,
            request,
            seconds=seconds,
            connections=connections,
            threads=self.options.threads,
        )


def settle(seconds: float = 0.3) -> None:
    """Let the server finish what the load left in flight before reading its memory."""
    time.sleep(seconds)
