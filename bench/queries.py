"""The GraphQL every case sends, and how a case checks an answer before loading it."""

from __future__ import annotations

import json
from typing import Any

# Every field of one tenant's detail: the "same detail query" of every GraphQL case.
DETAIL_QUERY = """query Tenant($id: ID!) {
  tenant(id: $id) {
    id fullName email description enabled domain domainFusion domainExpire
    effectiveDate expireDate phone status paidType nation currency language balance apiKey
    publicNumbers { number provider expireDate status }
    servicePackage { codeName serviceName staffNum customerNum expiryDate cashback }
  }
}"""

# 20 tenants, each with two fields only the detail endpoint sends.
LIST_QUERY = """query Tenants {
  tenants(page: 1, size: 20) { items { id fullName balance paidType } }
}"""


class Unavailable(Exception):
    """A case cannot be measured yet; the message is the reason printed as ``n/a``."""


def body(query: str, variables: dict[str, Any] | None = None) -> bytes:
    """A GraphQL POST body."""
    payload: dict[str, Any] = {"query": query}
    if variables:
        payload["variables"] = variables
    return json.dumps(payload, separators=(",", ":")).encode()


def data_of(status: int, content: bytes) -> dict[str, Any]:
    """The ``data`` of a GraphQL answer; ``Unavailable`` with the reason if it is not one."""
    if status != 200:
        raise Unavailable(f"HTTP {status}: {content[:120]!r}")
    try:
        answer = json.loads(content)
    except ValueError as exc:
        raise Unavailable(f"not JSON: {content[:120]!r}") from exc
    if not isinstance(answer, dict):
        raise Unavailable(f"not a GraphQL answer: {content[:120]!r}")
    if answer.get("errors"):
        first = answer["errors"][0]
        code = (first.get("extensions") or {}).get("code", "")
        raise Unavailable(f"GraphQL error {code} {first.get('message', '')!s}"[:160])
    data = answer.get("data")
    if not isinstance(data, dict):
        raise Unavailable(f"no data: {content[:120]!r}")
    return data


def check_detail(status: int, content: bytes, tenant_id: str) -> None:
    """The answer to ``DETAIL_QUERY`` names ``tenant_id``; else ``Unavailable``."""
    tenant = data_of(status, content).get("tenant")
    if not isinstance(tenant, dict) or tenant.get("id") != tenant_id:
        raise Unavailable(f"tenant {tenant_id} missing from the answer: {content[:120]!r}")


def check_list(status: int, content: bytes) -> int:
    """The answer to ``LIST_QUERY`` has items with their detail fields; returns how many."""
    page = data_of(status, content).get("tenants") or {}
    items = page.get("items") if isinstance(page, dict) else None
    if not isinstance(items, list) or not items:
        raise Unavailable(f"no tenants in the answer: {content[:120]!r}")
    for item in items:
        if item.get("balance") is None or item.get("paidType") is None:
            raise Unavailable(f"a tenant lacks its detail fields: {item!r}"[:160])
    return len(items)
