"""The cases of issue 7, each a function from the shared ``Bench`` to one table row."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable

from bench import herd, procs, queries, redis_db, wrk
from bench.context import Bench, settle
from bench.memory import RssSampler, read_rss
from bench.queries import Unavailable
from bench.results import CaseResult, median_round

# Gateway environments: cache off, and the default (on, in memory).
CACHE_OFF = {"OMI_GATEWAY_CACHE_TTL": "0"}
CACHE_ON: dict[str, str] = {}
ROUNDS = 3
LIST_LATENCY_MS = 50
HERD_READERS = 100
HERD_LATENCY_MS = 100  # a slow upstream, so that the reads overlap the first load


def _checked(bench: Bench, url: str, request: wrk.Request, tenant_id: str) -> bytes:
    response = bench.send(url, request)
    queries.check_detail(response.status_code, response.content, tenant_id)
    return response.content


def _require_cache(bench: Bench, url: str, tenant_id: str) -> bytes:
    """Two first reads of one tenant cost one upstream call, or the cache isn't there yet.

    Call it before anything else reads ``tenant_id`` through this gateway; returns the
    answer.
    """
    bench.reset_stats()
    content = b""
    for _ in range(2):
        content = _checked(bench, url, bench.detail_request(tenant_id), tenant_id)
    calls = bench.upstream_calls()
    if calls != 1:
        raise Unavailable(f"no detail cache yet: two reads cost {calls} upstream calls")
    return content


def ceiling(bench: Bench) -> CaseResult:
    """Plain Starlette answering the gateway's own bytes for the detail query."""
    bench.need_sandbox()
    if bench.reference is None:
        _capture_reference(bench)
    assert bench.reference is not None
    result = CaseResult("ceiling")
    with tempfile.NamedTemporaryFile(suffix=".json") as prepared:
        prepared.write(bench.reference)
        prepared.flush()
        app = procs.uvicorn_app(
            "ceiling", "bench.ceiling_app:create_app", {"BENCH_CEILING_BODY": prepared.name}
        )
        with bench.server(app) as server:
            request = bench.detail_request()
            if bench.send(server.url, request).content != bench.reference:
                raise Unavailable("the ceiling app did not answer the prepared bytes")
            result.load = bench.load(server.url, request)
    result.notes.append(f"{len(bench.reference)} B from {bench.reference_source}")
    result.extra["body_bytes"] = len(bench.reference)
    result.extra["body_source"] = bench.reference_source
    return result


def _capture_reference(bench: Bench) -> None:
    """Our gateway's answer to the detail query, or the naive gateway's before ours exists."""
    reasons = []
    candidates: list[tuple[str, Callable[[], procs.Server]]] = [
        ("gateway", lambda: procs.gateway(bench.upstream, CACHE_OFF)),
        ("naive", lambda: _naive_app(bench)),
    ]
    for source, server in candidates:
        try:
            with bench.server(server()) as running:
                url, request = running.url, bench.detail_request()
                bench.capture(_checked(bench, url, request, bench.tenant_id), source)
                return
        except Unavailable as exc:
            reasons.append(f"{source}: {exc}")
    raise Unavailable("no detail answer to serve: " + "; ".join(reasons))


def upstream(bench: Bench) -> CaseResult:
    """The sandbox's ``tenant/info`` called directly."""
    sandbox = bench.need_sandbox()
    request = wrk.Request(
        path=f"/api/partner/tenant/info?id={bench.tenant_id}", headers=bench.auth_header
    )
    response = bench.send(sandbox.url, request)
    if response.status_code != 200 or response.json().get("status_code") != 9999:
        raise Unavailable(f"tenant/info answered {response.status_code}: {response.text[:100]}")
    result = CaseResult("upstream", load=bench.load(sandbox.url, request))
    result.extra["body_bytes"] = len(response.content)
    return result


def _naive_app(bench: Bench) -> procs.Server:
    env = {"BENCH_UPSTREAM_URL": bench.upstream}
    return procs.uvicorn_app("naive", "bench.naive_app:create_app", env)


def naive(bench: Bench) -> CaseResult:
    """Strawberry defaults and a resolver calling the sandbox with httpx, no cache."""
    bench.need_sandbox()
    with bench.server(_naive_app(bench)) as server:
        request = bench.detail_request()
        content = _checked(bench, server.url, request, bench.tenant_id)
        result = CaseResult("naive", load=bench.load(server.url, request))
    result.extra["body_bytes"] = len(content)
    return result


def _rounds(bench: Bench, name: str, env: dict[str, str], *, cached: bool) -> CaseResult:
    """Our gateway under load in three rounds, RSS read after each and sampled throughout."""
    bench.need_sandbox()
    result = CaseResult(name)
    with bench.gateway(env) as server, RssSampler(server.pid) as rss:
        request = bench.detail_request()
        if cached:
            content = _require_cache(bench, server.url, bench.tenant_id)
        else:
            content = _checked(bench, server.url, request, bench.tenant_id)
        bench.capture(content, "gateway")
        if bench.options.warmup > 0:
            conns = bench.options.connections
            bench.run_wrk(server.url, request, seconds=bench.options.warmup, connections=conns)
        for _ in range(ROUNDS):
            result.rounds.append(bench.load_once(server.url, request))
            settle()
            now = read_rss(server.pid)
            if now is not None:
                result.rss_after_rounds.append(now.now)
    result.load = median_round(result.rounds)
    result.peak_rss = rss.peak or None
    result.extra["body_bytes"] = len(content)
    return result


def miss(bench: Bench) -> CaseResult:
    """Our gateway with its cache off (``OMI_GATEWAY_CACHE_TTL=0``)."""
    return _rounds(bench, "miss", CACHE_OFF, cached=False)


def hit(bench: Bench) -> CaseResult:
    """Our gateway with a warm cache."""
    return _rounds(bench, "hit", CACHE_ON, cached=True)


def hit_redis(bench: Bench) -> CaseResult:
    """Our gateway with a warm Redis cache, in a database and prefix of its own."""
    bench.need_sandbox()
    prefix = f"omi-gateway-bench:{uuid.uuid4().hex}:"
    with redis_db.scratch(bench.options.redis_url, prefix) as scratch:
        env = {"OMI_GATEWAY_CACHE_URL": bench.options.redis_url, "OMI_GATEWAY_CACHE_PREFIX": prefix}
        result = CaseResult("hit-redis")
        with bench.gateway(env) as server, RssSampler(server.pid) as rss:
            request = bench.detail_request()
            _require_cache(bench, server.url, bench.tenant_id)
            if not scratch.new_keys():
                raise Unavailable("the gateway wrote nothing to Redis (OMI_GATEWAY_CACHE_URL)")
            result.load = bench.load(server.url, request)
        result.peak_rss = rss.peak or None
    result.notes.append(scratch.where)
    return result


def list_(bench: Bench) -> CaseResult:
    """20 tenants with two detail-only fields each, 50 ms upstream latency, cache off."""
    bench.need_sandbox()
    request = bench.graphql_request(queries.body(queries.LIST_QUERY))
    result = CaseResult("list")
    with bench.gateway(CACHE_OFF) as server, RssSampler(server.pid) as rss:
        bench.reset_stats()
        response = bench.send(server.url, request)
        items = queries.check_list(response.status_code, response.content)
        calls = bench.upstream_calls("tenant/list") + bench.upstream_calls("tenant/info")
        conns = bench.options.list_connections
        with bench.fault({"endpoint": "*", "latency_ms": LIST_LATENCY_MS}):
            result.load = bench.load(server.url, request, connections=conns)
    result.peak_rss = rss.peak or None
    result.notes.append(f"{items} items, {calls} upstream calls a request")
    result.extra.update(items=items, upstream_calls_per_request=calls)
    return result


def herd_(bench: Bench) -> CaseResult:
    """100 concurrent cold reads of one tenant; the sandbox counts the upstream calls."""
    bench.need_sandbox()
    result = CaseResult("herd")
    tenant_id, other = bench.tenant_ids[0], bench.tenant_ids[1]
    with bench.gateway(CACHE_ON) as server, RssSampler(server.pid) as rss:
        _require_cache(bench, server.url, other)  # another tenant: this one stays cold
        request = bench.detail_request(tenant_id)
        bench.reset_stats()
        with bench.fault({"endpoint": "tenant/info", "latency_ms": HERD_LATENCY_MS}):
            outcome = herd.stampede(
                server.url + request.path, request.headers, request.body, tenant_id, HERD_READERS
            )
        result.upstream_calls = bench.upstream_calls()
    result.peak_rss = rss.peak or None
    result.notes.append(
        f"{outcome.ok}/{HERD_READERS} answered, {result.upstream_calls} upstream calls"
    )
    if outcome.failed:
        result.notes.append(f"first failure: {outcome.first_failure}"[:120])
    result.extra.update(readers=HERD_READERS, answered=outcome.ok, seconds=outcome.seconds)
    return result


# The cases in its order (the table's order).
CASES: dict[str, Callable[[Bench], CaseResult]] = {
    "ceiling": ceiling,
    "upstream": upstream,
    "naive": naive,
    "miss": miss,
    "hit": hit,
    "hit-redis": hit_redis,
    "list": list_,
    "herd": herd_,
}
# ``ceiling`` runs last: it serves the bytes a gateway case already captured.
RUN_ORDER = [*(name for name in CASES if name != "ceiling"), "ceiling"]


def run_case(bench: Bench, name: str) -> CaseResult:
    """One case; a case that cannot run yet is a row saying why, never a crash."""
    try:
        return CASES[name](bench)
    except Unavailable as exc:
        return CaseResult(name, unavailable=str(exc))
    except Exception as exc:
        # The harness's boundary: one broken case must not cost the whole table.
        return CaseResult(name, unavailable=f"failed: {exc!r}"[:200])
