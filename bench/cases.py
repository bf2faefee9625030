"""The cases of issue 7, each a function from the shared ``Bench`` to one table row."""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import Callable, Iterable

from bench import herd, procs, queries, redis_db, wrk
from bench.context import Bench, settle
from bench.memory import RssSampler, read_rss
from bench.queries import Unavailable
from bench.results import CaseResult, Round, median_round, rounds_note
from bench.yardstick import Yardstick, needed

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
    """Plain Starlette answering the gateway's own bytes for the detail query.

    The row is every ceiling round of the run (each run right before a round compared
    with it); with no such round, one of its own.
    """
    yardstick = bench.yardsticks.get("ceiling")
    if yardstick is None:
        raise Unavailable("the ceiling was not started")
    if not yardstick.rounds:
        yardstick.round()
    assert bench.reference is not None
    result = CaseResult("ceiling", rounds=[Round(load) for load in yardstick.rounds])
    result.load = median_round(yardstick.rounds)
    result.notes += [rounds_note(yardstick.rounds)]
    result.notes += [f"{len(bench.reference)} B from {bench.reference_source}"]
    result.extra["body_bytes"] = len(bench.reference)
    result.extra["body_source"] = bench.reference_source
    return result


def start_yardsticks(bench: Bench, stack: contextlib.ExitStack) -> None:
    """Start the yardsticks this run's cases need, each up until ``stack`` closes."""
    starters: dict[str, Callable[[Bench, contextlib.ExitStack], procs.Server]] = {
        "ceiling": _ceiling_app,
        "naive": lambda bench, _: _naive_app(bench),
    }
    for name in needed(bench.options.cases):
        try:
            bench.yardsticks[name] = _keep(bench, stack, name, starters[name])
        except Unavailable as exc:
            bench.yardsticks[name] = Yardstick.failed(name, str(exc))
        except Exception as exc:
            # The harness's boundary, as in ``run_case``: its pairs are n/a, the run goes on.
            bench.yardsticks[name] = Yardstick.failed(name, f"failed: {exc!r}"[:200])


def _keep(
    bench: Bench,
    stack: contextlib.ExitStack,
    name: str,
    start: Callable[[Bench, contextlib.ExitStack], procs.Server],
) -> Yardstick:
    """``name``'s server started, its answer checked and warmed up once, kept in ``stack``."""
    bench.need_sandbox()
    with contextlib.ExitStack() as own:
        server = own.enter_context(bench.server(start(bench, own)))
        url, request = server.url, bench.detail_request()
        content = _checked(bench, url, request, bench.tenant_id)
        if name == "ceiling" and content != bench.reference:
            raise Unavailable("the ceiling app did not answer the prepared bytes")
        bench.warm(url, request)
        stack.enter_context(own.pop_all())
    return Yardstick(name, url, lambda: bench.load_once(url, request))


def _ceiling_app(bench: Bench, stack: contextlib.ExitStack) -> procs.Server:
    """The ceiling app serving the detail answer captured now (the file lives in ``stack``)."""
    if bench.reference is None:
        _capture_reference(bench)
    assert bench.reference is not None
    prepared = stack.enter_context(tempfile.NamedTemporaryFile(suffix=".json"))  # noqa: SIM115
    prepared.write(bench.reference)
    prepared.flush()
    env = {"BENCH_CEILING_BODY": prepared.name}
    return procs.uvicorn_app("ceiling", "bench.ceiling_app:create_app", env)


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
    bench.warm(sandbox.url, request)
    measured = bench.paired_round("upstream", lambda: bench.load_once(sandbox.url, request))
    result = CaseResult("upstream", load=measured.load, rounds=[measured])
    result.extra["body_bytes"] = len(response.content)
    return result


def _naive_app(bench: Bench) -> procs.Server:
    env = {"BENCH_UPSTREAM_URL": bench.upstream}
    return procs.uvicorn_app("naive", "bench.naive_app:create_app", env)


def naive(bench: Bench) -> CaseResult:
    """Strawberry defaults and a resolver calling the sandbox with httpx, no cache.

    Kept up as ``miss``'s yardstick, its row is every naive round of the run (its own,
    paired with the ceiling, and those run right before each ``miss`` round).
    """
    bench.need_sandbox()
    request = bench.detail_request()
    yardstick = bench.yardsticks.get("naive")
    if yardstick is None:
        with bench.server(_naive_app(bench)) as server:
            content = _checked(bench, server.url, request, bench.tenant_id)
            bench.warm(server.url, request)
            measured = bench.paired_round("naive", lambda: bench.load_once(server.url, request))
        result = CaseResult("naive", load=measured.load, rounds=[measured])
    else:
        if yardstick.error is not None:
            raise Unavailable(yardstick.error)
        content = _checked(bench, yardstick.url, request, bench.tenant_id)
        measured = bench.paired_round("naive", yardstick.round)
        result = CaseResult("naive", load=median_round(yardstick.rounds), rounds=[measured])
        result.notes.append(rounds_note(yardstick.rounds) + " (its own and miss's pairs)")
        result.extra["yardstick_rounds"] = [load.as_dict() for load in yardstick.rounds]
    result.extra["body_bytes"] = len(content)
    return result


def _rounds(bench: Bench, name: str, env: dict[str, str], *, cached: bool) -> CaseResult:
    """Our gateway under load in three rounds, each right after its yardsticks' rounds; RSS
    read after each and sampled throughout."""
    bench.need_sandbox()
    result = CaseResult(name)
    with bench.gateway(env) as server, RssSampler(server.pid) as rss:
        url, request = server.url, bench.detail_request()
        if cached:
            content = _require_cache(bench, url, bench.tenant_id)
        else:
            content = _checked(bench, url, request, bench.tenant_id)
        bench.warm(url, request)
        for _ in range(ROUNDS):
            result.rounds.append(bench.paired_round(name, lambda: bench.load_once(url, request)))
            settle()
            now = read_rss(server.pid)
            if now is not None:
                result.rss_after_rounds.append(now.now)
    result.load = median_round([measured.load for measured in result.rounds])
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
            url = server.url
            bench.warm(url, request)
            measured = bench.paired_round("hit-redis", lambda: bench.load_once(url, request))
        result.load, result.rounds = measured.load, [measured]
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


def run_order(cases: Iterable[str]) -> list[str]:
    """The cases to run, in order: the ceiling's row whenever it is kept up as a yardstick;
    ``naive`` and ``ceiling`` last, so that their rows hold every round of theirs."""
    wanted = set(cases) | ({"ceiling"} & set(needed(cases)))
    last = [name for name in ("naive", "ceiling") if name in wanted]
    return [name for name in CASES if name in wanted and name not in last] + last


def run_case(bench: Bench, name: str) -> CaseResult:
    """One case; a case that cannot run yet is a row saying why, never a crash."""
    try:
        return CASES[name](bench)
    except Unavailable as exc:
        return CaseResult(name, unavailable=str(exc))
    except Exception as exc:
        # The harness's boundary: one broken case must not cost the whole table.
        return CaseResult(name, unavailable=f"failed: {exc!r}"[:200])
