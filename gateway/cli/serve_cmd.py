"""``omi-gateway serve``: the gateway, with the embedded sandbox as upstream by default.

With ``--sandbox`` (or without ``--upstream``) the sandbox runs in the same process on
its own port (two uvicorn servers on one event loop), admin routes on; the gateway
points at it and GraphiQL opens with the demo partner's token filled in.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
from collections.abc import Iterator

import httpx
import uvicorn
from uvicorn.loops.auto import auto_loop_factory

from gateway.cli.stop_order import StopOrder
from gateway.http.coalesce import HTTP_PROTOCOL
from gateway.observability.logging import log_config
from gateway.settings import LOG_FORMATS, OPS_OPTIONS, OPTIONS, Settings, SettingsError

__all__ = ["DEMO_PARTNER_KEY", "add_arguments", "run"]

# The sandbox's seeded demo partner (see docs/sandbox.md).
DEMO_PARTNER_KEY = "demo-partner-key"

_TYPES = {"port": int, "sandbox_port": int, "max_connections": int, "workers": int}
_FLOATS = ("connect_timeout", "read_timeout", "pool_timeout", "grace_period", "readiness_timeout")
# Options that have a flag (the others are environment only).
_FLAGGED = tuple(option for option in OPTIONS + OPS_OPTIONS if option.flag)
_SWITCHES = ("sandbox", "dev")
# The embedded sandbox stops after the gateway has drained: what is left on it then is
# not the gateway's, and a hanging request (the hang fault) must not hold the stop long.
_SANDBOX_GRACE = 1.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``serve``'s options; each also reads its ``OMI_GATEWAY_*`` variable."""
    for option in _FLAGGED:
        help_text = f"{option.help} (env {option.env})"
        if option.field == "log_format":
            parser.add_argument(option.flag, choices=LOG_FORMATS, help=help_text)
        elif option.field in _SWITCHES:
            parser.add_argument(option.flag, action="store_true", default=None, help=help_text)
        elif option.field in _FLOATS:
            parser.add_argument(option.flag, type=float, metavar="SECONDS", help=help_text)
        else:
            kind = _TYPES.get(option.field, str)
            parser.add_argument(option.flag, type=kind, help=help_text)


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; 2 for a bad configuration."""
    try:
        changes = {option.field: getattr(args, option.field) for option in _FLAGGED}
        delay = changes.pop("sandbox_activation_delay")
        settings = Settings.from_env(os.environ).override(**changes)
        if delay is not None:
            from gateway.settings import parse_delay

            settings = settings.override(sandbox_activation_delay=parse_delay(delay))
    except SettingsError as exc:
        print(f"omi-gateway serve: error: {exc}", file=sys.stderr)
        return 2
    if settings.workers > 1:
        from gateway.cli.workers import run_workers

        return run_workers(settings)
    # uvloop when installed, as uvicorn's own run() would pick ("auto"): Server.serve()
    # alone runs on whatever loop it is given (issue 7: about 1.4x on the uncached path).
    with asyncio.Runner(loop_factory=auto_loop_factory(use_subprocess=False)) as runner:
        return runner.run(_serve(settings))


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to ``_serve`` (two servers share them)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def run_until_stopped(self) -> None:
        """Serve; a start-up failure (port in use) ends the task instead of the process."""
        try:
            await self.serve()
        except SystemExit as exc:
            # uvicorn has logged why (e.g. "address already in use"); no traceback.
            raise RuntimeError(f"server on port {self.config.port} failed to start") from exc


def _server(
    app: object,
    settings: Settings,
    port: int,
    grace: float | None = None,
    *,
    http: type[asyncio.Protocol] | str = "auto",
) -> _Server:
    if grace is None:
        grace = settings.grace_period
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=settings.host,
        port=port,
        http=http,
        log_level=settings.log_level,
        log_config=log_config(settings.log_format, settings.log_level),
        access_log=False,  # the gateway logs one line per GraphQL request itself
        # SIGTERM: in-flight requests get this long; new connections are refused.
        timeout_graceful_shutdown=grace,  # type: ignore[arg-type]
    )
    return _Server(config)


async def _started(server: _Server, task: asyncio.Task[None]) -> bool:
    while not server.started:
        if task.done():
            return False
        await asyncio.sleep(0.02)
    return True


def _local_url(host: str, port: int) -> str:
    # A wildcard address is not somewhere to connect to: use loopback.
    connect = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    if ":" in connect:
        connect = f"[{connect}]"
    return f"http://{connect}:{port}"


async def _demo_token(sandbox_url: str) -> str:
    from gateway.omi import OmiClient

    async with httpx.AsyncClient(base_url=sandbox_url, timeout=5.0) as http:
        token = await OmiClient(http).authenticate(DEMO_PARTNER_KEY)
    return token.access_token


async def _serve(settings: Settings) -> int:
    from gateway.app import EXAMPLE_OPERATION, IdeDefaults, create_app

    # SIGINT/SIGTERM: the gateway drains and stops first, then the sandbox.
    order = StopOrder()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, order.request)

    banner = ""
    ide: IdeDefaults | None = None
    try:
        if settings.uses_sandbox:
            from gateway import sandbox

            sandbox_app = sandbox.create_app(
                sandbox.SandboxConfig(
                    admin=True, activation_delay=settings.sandbox_activation_delay
                )
            )
            embedded = _server(sandbox_app, settings, settings.sandbox_port, _SANDBOX_GRACE)
            order.add(embedded, asyncio.create_task(embedded.run_until_stopped()))
            if not await _started(embedded, order.tasks[-1]):
                return _failed(order.tasks)
            sandbox_url = _local_url(settings.host, settings.sandbox_port)
            token = await _demo_token(sandbox_url)
            banner = sandbox.startup_banner(sandbox_app)
            # Still sandbox mode (introspection for GraphiQL), now with the sandbox's URL.
            settings = dataclasses.replace(settings, upstream=sandbox_url, sandbox=True)
            ide = IdeDefaults(query=EXAMPLE_OPERATION, headers={"Authorization": f"Bearer {token}"})
        # One write per response (see gateway.http.coalesce); the embedded sandbox keeps
        # uvicorn's own protocol: its drop fault closes the stock transport directly.
        gateway = _server(
            create_app(settings, ide=ide), settings, settings.port, http=HTTP_PROTOCOL
        )
        order.add(gateway, asyncio.create_task(gateway.run_until_stopped()))
        if not await _started(gateway, order.tasks[-1]):
            await order.stop()
            return _failed(order.tasks)
        address = _local_url(settings.host, settings.port)
        if ide is not None:
            print(banner)
            print(f"\nOMI sandbox (upstream): {settings.upstream}")
            print(f"GraphiQL: {address}/graphql  (the demo token is filled in)")
            print(f"Demo partner token: {token}")
            print(f'  curl -H "Authorization: Bearer {token}" ...')
        else:
            print(f"GraphQL endpoint: {address}/graphql (GraphiQL in a browser)")
        sys.stdout.flush()
        await order.wait()  # a signal, or a server ended on its own
        await order.stop()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return _failed(order.tasks)


def _failed(tasks: list[asyncio.Task[None]]) -> int:
    errors = [task.exception() for task in tasks if task.done() and not task.cancelled()]
    for error in errors:
        if error is not None:
            print(f"omi-gateway serve: error: {error}", file=sys.stderr)
    return 1 if any(errors) else 0
