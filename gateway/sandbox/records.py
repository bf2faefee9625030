"""The sandbox's records: partners and tenants, and how a tenant looks on the wire."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["PACKAGES", "Partner", "Tenant"]

DAY_MS = 86_400_000
# The service plans a tenant can be on: code_name -> (service_name, staff, customers).
PACKAGES: dict[str, tuple[str, int, int]] = {
    "trial": ("Trial", 5, 100),
    "basic": ("Basic", 10, 5_000),
    "pro": ("Professional", 30, 50_000),
    "enterprise": ("Enterprise", 200, 1_000_000),
}


@dataclass(frozen=True, slots=True)
class Partner:
    """An OMI partner (reseller): its super key, and whether OMI still lets it act."""

    key: str
    name: str
    enabled: bool = True


@dataclass(slots=True)
class Tenant:
    """A business that a partner sold OMI to.

    ``status`` is computed from ``activates_at`` when read: activation needs no
    background task. Hotlines in ``numbers`` are only shown once activated.
    """

    id: str
    partner_key: str
    full_name: str
    email: str
    owner_name: str
    phone: str
    description: str
    domain: str
    api_key: str
    created_at: int
    activates_at: int
    package: str = "trial"
    balance: int = 0
    enabled: bool = True
    paid_type: str = "prepaid"
    numbers: list[dict[str, Any]] = field(default_factory=list)
    cashback: int = 0

    def activated(self, now_ms: int) -> bool:
        """Whether the tenant's activation has completed at ``now_ms``."""
        return now_ms >= self.activates_at

    def status(self, now_ms: int) -> str:
        """``activated``, or ``pending`` while activation runs."""
        return "activated" if self.activated(now_ms) else "pending"

    def summary(self, now_ms: int) -> dict[str, Any]:
        """A list item: the summary fields only."""
        return {
            "id": self.id,
            "full_name": self.full_name,
            "email": self.email,
            "domain": self.domain,
            "enabled": self.enabled,
            "status": self.status(now_ms),
            "phone": self.phone,
        }

    def detail(self, now_ms: int) -> dict[str, Any]:
        """The detail payload (no ``id``, as in OMI's example); times in epoch ms."""
        active = self.activated(now_ms)
        service_name, staff, customers = PACKAGES[self.package]
        return {
            "full_name": self.full_name,
            "email": self.email,
            "description": self.description,
            "enabled": self.enabled,
            "domain": self.domain,
            "domain_fusion": self.domain,
            "domain_expire": self.created_at + 365 * DAY_MS,
            "effective_date": self.activates_at if active else None,
            "expire_date": self.created_at + 365 * DAY_MS,
            "phone": self.phone,
            "status": self.status(now_ms),
            "paid_type": self.paid_type,
            "nation": "vn",
            "currency": "VND",
            "language": "vi",
            "balance": self.balance,
            "api_key": self.api_key,
            "public_numbers": [dict(n) for n in self.numbers] if active else [],
            "service_package": {
                "code_name": self.package,
                "service_name": service_name,
                "staff_num": staff,
                "customer_num": customers,
                "expiry_date": self.created_at + (30 if self.package == "trial" else 365) * DAY_MS,
                "cashback": self.cashback,
            },
        }
