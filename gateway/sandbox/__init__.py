"""The OMI sandbox: an in-memory simulator of the OMI CRM partner tenant API.

``create_app(SandboxConfig(...))`` builds a Starlette app speaking the partner API
(``/api/auth``, ``/api/partner/tenant/{add,list,info,update_balance}``) with seeded
partners and tenants, fault injection and call counts. See docs/sandbox.md.
"""

from __future__ import annotations

from gateway.sandbox.app import create_app, startup_banner
from gateway.sandbox.config import SandboxConfig, parse_delay
from gateway.sandbox.faults import ENDPOINTS, Fault, parse_fault

__all__ = [
    "ENDPOINTS",
    "Fault",
    "SandboxConfig",
    "create_app",
    "parse_delay",
    "parse_fault",
    "startup_banner",
]
