"""``serve --workers N``: N uvicorn worker processes on one socket.

The parent hands its settings to the workers through ``OMI_GATEWAY_*`` variables (each
worker reads them in ``worker_app``), and metrics through ``PROMETHEUS_MULTIPROC_DIR``:
a fresh temporary directory unless the operator names one (then its old ``*.db`` files
are removed first: values of an earlier run must not be added to this one's). The
workers share nothing else: with more than one, the detail cache should be Redis.

The embedded sandbox runs in the serving process, so it cannot be shared by workers:
``--workers`` above 1 needs ``--upstream`` (run ``omi-gateway sandbox`` apart).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from gateway.http.coalesce import HTTP_PROTOCOL
from gateway.observability.logging import log_config
from gateway.observability.metrics import MULTIPROC_ENV
from gateway.settings import CACHE_OPTIONS, OPS_OPTIONS, OPTIONS, Settings

__all__ = ["run_workers", "settings_environ", "worker_app"]


def settings_environ(settings: Settings) -> dict[str, str | None]:
    """``settings`` as ``OMI_GATEWAY_*`` values (None: unset the variable)."""
    values: dict[str, str | None] = {}
    for option in OPTIONS + CACHE_OPTIONS + OPS_OPTIONS:
        value = getattr(settings, option.field)
        if value is None:
            values[option.env] = None
        elif isinstance(value, bool):
            values[option.env] = "true" if value else "false"
        elif isinstance(value, tuple):
            values[option.env] = "-".join(repr(part) for part in value)
        else:
            values[option.env] = str(value)
    return values


def worker_app() -> Starlette:
    """The app of one worker (uvicorn's factory), from the environment the parent set."""
    from gateway.app import create_app

    return create_app(Settings.from_env(os.environ))


def _metrics_dir(settings: Settings) -> tuple[str | None, bool]:
    """The multiprocess directory to use, and whether this run made it."""
    if not settings.metrics:
        return None, False
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        return given, False
    return tempfile.mkdtemp(prefix="omi-gateway-metrics-"), True


def run_workers(settings: Settings) -> int:
    """Serve with ``settings.workers`` processes until SIGINT or SIGTERM."""
    if settings.uses_sandbox:
        print(
            "omi-gateway serve: error: --workers above 1 needs --upstream"
            " (run `omi-gateway sandbox` as a separate process)",
            file=sys.stderr,
        )
        return 2
    metrics_dir, made = _metrics_dir(settings)
    for name, value in settings_environ(settings).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if metrics_dir is not None:
        # Set before any worker imports prometheus-client, which reads it on import.
        os.environ[MULTIPROC_ENV] = metrics_dir
    print(f"GraphQL endpoint: http://{settings.host}:{settings.port}/graphql", flush=True)
    try:
        uvicorn.run(
            "gateway.cli.workers:worker_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            http=HTTP_PROTOCOL,  # one write per response (see gateway.http.coalesce)
            log_config=log_config(settings.log_format, settings.log_level),
            access_log=False,
            timeout_graceful_shutdown=settings.grace_period,  # type: ignore[arg-type]
        )
    finally:
        if made and metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0
