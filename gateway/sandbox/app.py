"""Wiring: build one sandbox app from a :class:`SandboxConfig`; its startup banner."""

from __future__ import annotations

import random

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from gateway.sandbox.admin import admin_routes
from gateway.sandbox.config import SandboxConfig
from gateway.sandbox.envelope import Envelope
from gateway.sandbox.faults import FaultBoard
from gateway.sandbox.openapi import openapi_document
from gateway.sandbox.routes import OmiRoutes
from gateway.sandbox.seed import DEMO_TENANT_KEY
from gateway.sandbox.store import Store
from gateway.sandbox.wire import FaultWire, Stats

__all__ = ["SandboxApp", "create_app", "startup_banner"]


class SandboxApp(Starlette):
    """A Starlette app whose outermost layer (outside Starlette's own error middleware)
    is the :class:`FaultWire`, so injected faults can reach the raw connection."""

    def __init__(
        self,
        config: SandboxConfig,
        store: Store,
        board: FaultBoard,
        stats: Stats,
        envelope: Envelope,
        routes: list[BaseRoute],
    ) -> None:
        super().__init__(routes=routes, max_body_size=config.max_body_size)
        self.config = config
        self.store = store
        self.board = board
        self.stats = stats
        self.envelope = envelope

    def build_middleware_stack(self) -> ASGIApp:
        """Starlette's stack, wrapped by the fault and stats layer."""
        return FaultWire(super().build_middleware_stack(), self.board, self.stats, self.envelope)


def create_app(config: SandboxConfig) -> SandboxApp:
    """A new sandbox with fresh seeded state; admin routes only if ``config.admin``."""
    store = Store(
        seed=config.seed, token_ttl=config.token_ttl, activation_delay=config.activation_delay
    )
    # A separate stream, so adding faults does not shift the seeded data.
    board = FaultBoard(random.Random(config.seed + 1))
    for fault in config.faults:
        board.add(fault)
    stats = Stats()
    envelope = Envelope(config.instance_id, config.instance_name, config.instance_version)
    document = openapi_document(admin=config.admin)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    routes: list[BaseRoute] = [
        *OmiRoutes(store, envelope).routes(),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    if config.admin:
        routes.extend(admin_routes(board, stats))
    return SandboxApp(config, store, board, stats, envelope, routes)


def startup_banner(app: Starlette) -> str:
    """What the sandbox prints on start: each partner's key and a token issued now."""
    if not isinstance(app, SandboxApp):
        raise TypeError("startup_banner needs an app from gateway.sandbox.create_app")
    ttl = app.config.token_ttl
    lines = [f"OMI sandbox: partners, API keys and access tokens (valid {ttl:g} s):"]
    for partner in app.store.partners.values():
        issued = app.store.issue_token(partner.key)
        assert issued is not None
        note = "" if partner.enabled else "  (suspended: every call answers tenant_invalid)"
        lines.append(f"  {partner.name}{note}")
        lines.append(f"    api key: {partner.key}")
        lines.append(f"    token:   {issued[0]}")
    lines.append(f"  tenant user key (not a partner: partner_invalid): {DEMO_TENANT_KEY}")
    low, high = app.config.activation_delay
    span = f"{low:g}" if low == high else f"{low:g}-{high:g}"
    lines.append(f"New tenants activate after {span} s.")
    if app.config.admin:
        lines.append("Admin routes on: /_sandbox/faults, /_sandbox/stats.")
    for fault in app.config.faults:
        lines.append(f"Fault active from start: {fault.to_json()}")
    return "\n".join(lines)
