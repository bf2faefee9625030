"""Typed records of the OMI partner API, decoded once at the client's edge.

Times are timezone-aware UTC datetimes (OMI sends epoch milliseconds); money is a plain
``int`` of the tenant's currency (balances exceed 2^31, never a float). A field OMI did
not send is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "DETAIL_FIELDS",
    "AccessToken",
    "NewTenant",
    "PublicNumber",
    "ServicePackage",
    "Tenant",
    "TenantPage",
    "TopUp",
]


@dataclass(frozen=True, slots=True)
class AccessToken:
    """What ``GET /api/auth`` hands out for an API key."""

    access_token: str
    access_type: str | None
    token_type: str | None


@dataclass(frozen=True, slots=True)
class PublicNumber:
    """A tenant's hotline."""

    number: str | None
    provider: str | None
    expire_date: datetime | None
    status: str | None


@dataclass(frozen=True, slots=True)
class ServicePackage:
    """A tenant's service plan."""

    code_name: str | None
    service_name: str | None
    staff_num: int | None
    customer_num: int | None
    expiry_date: datetime | None
    cashback: int | None


# Attribute names of Tenant that the detail endpoint sends (besides ``id``).
DETAIL_FIELDS: frozenset[str] = frozenset(
    {
        "full_name",
        "email",
        "description",
        "enabled",
        "domain",
        "domain_fusion",
        "domain_expire",
        "effective_date",
        "expire_date",
        "phone",
        "status",
        "paid_type",
        "nation",
        "currency",
        "language",
        "balance",
        "api_key",
        "public_numbers",
        "service_package",
    }
)


@dataclass(frozen=True, slots=True)
class Tenant:
    """A tenant (a business the partner sells OMI to).

    ``present`` names the attributes OMI actually sent: a list item carries only a
    summary, a detail read carries everything. Code that needs an attribute a summary
    lacks reads the detail (see ``is_complete``).
    """

    id: str
    full_name: str | None = None
    email: str | None = None
    description: str | None = None
    enabled: bool | None = None
    domain: str | None = None
    domain_fusion: str | None = None
    domain_expire: datetime | None = None
    effective_date: datetime | None = None
    expire_date: datetime | None = None
    phone: str | None = None
    status: str | None = None
    paid_type: str | None = None
    nation: str | None = None
    currency: str | None = None
    language: str | None = None
    balance: int | None = None
    api_key: str | None = field(default=None, repr=False)
    public_numbers: tuple[PublicNumber, ...] | None = None
    service_package: ServicePackage | None = None
    present: frozenset[str] = field(default=DETAIL_FIELDS, repr=False)

    @property
    def is_complete(self) -> bool:
        """True when this record came from the detail endpoint."""
        return self.present >= DETAIL_FIELDS

    def has(self, name: str) -> bool:
        """True when OMI's payload carried the attribute ``name``."""
        return name in self.present


@dataclass(frozen=True, slots=True)
class TenantPage:
    """One page of the partner's tenants."""

    items: tuple[Tenant, ...]
    page: int
    size: int
    total_items: int
    total_pages: int
    has_next: bool
    has_previous: bool


@dataclass(frozen=True, slots=True)
class NewTenant:
    """The body of ``POST /api/partner/tenant/add``."""

    email: str
    password: str = field(repr=False)
    full_name: str
    owner_name: str
    phone: str
    is_auto_active: bool | None = None


@dataclass(frozen=True, slots=True)
class TopUp:
    """The body of ``POST /api/partner/tenant/update_balance``."""

    email: str
    amount: int
    description: str
