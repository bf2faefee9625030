"""The ``/_sandbox/`` admin routes: faults and call counts (only with ``--admin``)."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.sandbox.faults import Fault, FaultBoard
from gateway.sandbox.wire import Stats

__all__ = ["admin_routes"]


def admin_routes(board: FaultBoard, stats: Stats) -> list[Route]:
    """Routes that read and change the faults and the call counts."""

    async def list_faults(request: Request) -> Response:
        return JSONResponse({"faults": board.listing()})

    async def add_fault(request: Request) -> Response:
        try:
            fault = Fault.from_json(json.loads(await request.body() or b"{}"))
        except (ValueError, UnicodeDecodeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        ident = board.add(fault)
        return JSONResponse({"id": ident, **fault.to_json()}, status_code=201)

    async def clear_faults(request: Request) -> Response:
        board.clear()
        return JSONResponse({"faults": []})

    async def get_stats(request: Request) -> Response:
        return JSONResponse({"calls": dict(stats.calls)})

    async def reset_stats(request: Request) -> Response:
        stats.reset()
        return JSONResponse({"calls": dict(stats.calls)})

    return [
        Route("/_sandbox/faults", list_faults, methods=["GET"]),
        Route("/_sandbox/faults", add_fault, methods=["POST"]),
        Route("/_sandbox/faults", clear_faults, methods=["DELETE"]),
        Route("/_sandbox/stats", get_stats, methods=["GET"]),
        Route("/_sandbox/stats", reset_stats, methods=["DELETE"]),
    ]
