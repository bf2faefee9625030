"""``omi-gateway sandbox``: run the OMI simulator under uvicorn.

Every option can also come from an ``OMI_SANDBOX_*`` environment variable (read when
the command runs); an option on the command line wins.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys

__all__ = ["add_arguments", "run"]

_SECRET_QUERY = re.compile(r"(apiKey=)[^&\s]*", re.IGNORECASE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the sandbox's options."""
    parser.add_argument("--host", help="address to bind (OMI_SANDBOX_HOST; 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to bind (OMI_SANDBOX_PORT; 8001)")
    parser.add_argument(
        "--admin",
        action="store_true",
        default=None,
        help="serve /_sandbox/faults and /_sandbox/stats (OMI_SANDBOX_ADMIN=1)",
    )
    parser.add_argument(
        "--activation-delay",
        metavar="N|MIN-MAX",
        help="seconds before a new tenant is activated: 0, 5 or 3-10 "
        "(OMI_SANDBOX_ACTIVATION_DELAY; 3-10)",
    )
    parser.add_argument(
        "--token-ttl",
        type=float,
        metavar="SECONDS",
        help="access token lifetime (OMI_SANDBOX_TOKEN_TTL; 86400)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        metavar="SPEC",
        help="a fault active from the start, ENDPOINT:key=value[,key=value] e.g. "
        "'tenant/info:http_status=503' or '*:latency_ms=50' (repeatable; "
        "OMI_SANDBOX_FAULTS, several separated by ';')",
    )
    parser.add_argument("--seed", type=int, help="seed of the generated data (OMI_SANDBOX_SEED; 1)")


class _RedactApiKeys(logging.Filter):
    """Keeps API keys (``/api/auth?apiKey=``) out of uvicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_QUERY.sub(r"\1***", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def _truthy(text: str | None) -> bool:
    return (text or "").strip().lower() in {"1", "true", "yes", "on"}


def run(args: argparse.Namespace) -> int:
    """Build the sandbox from options and environment, print the banner, serve."""
    import uvicorn

    from gateway.sandbox import SandboxConfig, create_app, parse_delay, parse_fault, startup_banner

    env = os.environ
    try:
        host = args.host or env.get("OMI_SANDBOX_HOST") or "127.0.0.1"
        port = args.port if args.port is not None else int(env.get("OMI_SANDBOX_PORT") or 8001)
        admin = args.admin if args.admin is not None else _truthy(env.get("OMI_SANDBOX_ADMIN"))
        delay = args.activation_delay or env.get("OMI_SANDBOX_ACTIVATION_DELAY") or "3-10"
        ttl = args.token_ttl
        if ttl is None:
            ttl = float(env.get("OMI_SANDBOX_TOKEN_TTL") or 86400)
        specs = args.fault
        if specs is None:
            specs = [s for s in (env.get("OMI_SANDBOX_FAULTS") or "").split(";") if s.strip()]
        seed = args.seed if args.seed is not None else int(env.get("OMI_SANDBOX_SEED") or 1)
        config = SandboxConfig(
            admin=admin,
            activation_delay=parse_delay(delay),
            token_ttl=ttl,
            faults=tuple(parse_fault(spec) for spec in specs),
            seed=seed,
        )
    except ValueError as exc:
        print(f"omi-gateway sandbox: {exc}", file=sys.stderr)
        return 2
    app = create_app(config)
    print(startup_banner(app), flush=True)
    logging.getLogger("uvicorn.access").addFilter(_RedactApiKeys())
    # A hanging request (the hang fault) must not hold a stop for long.
    uvicorn.run(app, host=host, port=port, timeout_graceful_shutdown=1)
    return 0
