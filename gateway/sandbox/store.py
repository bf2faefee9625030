"""The sandbox's in-memory state: partners, tokens, tenants, and the operations on them.

Every method is synchronous. Handlers run on one event loop, so a method runs from
check to write without another request in between: two racing creates of one email
cannot both pass the uniqueness check, and no top-up is lost.
"""

from __future__ import annotations

import math
import random
import secrets
import time
from dataclasses import dataclass
from typing import Any

from gateway.sandbox.records import DAY_MS, Partner, Tenant
from gateway.sandbox.seed import hotline, new_id, seed_partners, seed_tenants, slug

__all__ = ["EXPIRED", "Grant", "Store"]


@dataclass(frozen=True, slots=True)
class Grant:
    """What an access token stands for: a partner, or a tenant user (``partner`` None)."""

    access_type: str
    partner: Partner | None
    expires_at: float


# resolve()'s answer for a token that existed but has expired.
EXPIRED = "expired"


class Store:
    """All of one sandbox's state."""

    def __init__(
        self, *, seed: int, token_ttl: float, activation_delay: tuple[float, float]
    ) -> None:
        self.rng = random.Random(seed)
        self.token_ttl = token_ttl
        self.activation_delay = activation_delay
        self.partners: dict[str, Partner] = {p.key: p for p in seed_partners()}
        self.tenants: dict[str, Tenant] = {}
        self.by_email: dict[str, Tenant] = {}
        self.tokens: dict[str, Grant] = {}
        for tenant in seed_tenants(self.rng):
            self._insert(tenant)

    @staticmethod
    def now_ms() -> int:
        """Wall-clock time in epoch milliseconds, OMI's time unit."""
        return time.time_ns() // 1_000_000

    def _insert(self, tenant: Tenant) -> None:
        self.tenants[tenant.id] = tenant
        self.by_email[tenant.email.casefold()] = tenant

    # Tokens ---------------------------------------------------------------------------

    def issue_token(self, api_key: str) -> tuple[str, Grant] | None:
        """A new token for ``api_key`` (earlier ones stay valid); None for an unknown key."""
        partner = self.partners.get(api_key)
        if partner is not None:
            access_type, owner = "bussiness", partner  # (sic), as OMI spells it
        elif any(t.api_key == api_key for t in self.tenants.values()):
            access_type, owner = "normal", None
        else:
            return None
        token = secrets.token_urlsafe(32)
        grant = Grant(access_type, owner, time.monotonic() + self.token_ttl)
        self.tokens[token] = grant
        return token, grant

    def resolve(self, token: str) -> Grant | str | None:
        """The token's grant, :data:`EXPIRED`, or None for a token never issued."""
        grant = self.tokens.get(token)
        if grant is None:
            return None
        if time.monotonic() >= grant.expires_at:
            return EXPIRED
        return grant

    # Tenants --------------------------------------------------------------------------

    def email_taken(self, email: str) -> bool:
        """Whether ``email`` (case-insensitively) already owns a tenant, any partner's."""
        return email.casefold() in self.by_email

    def create(
        self, partner: Partner, *, email: str, full_name: str, owner_name: str, phone: str
    ) -> str | None:
        """Create a tenant and return its id; None when the email is taken."""
        if self.email_taken(email):
            return None
        tenant_id = new_id(self.rng)
        while tenant_id in self.tenants:
            tenant_id = new_id(self.rng)
        now = self.now_ms()
        low, high = self.activation_delay
        delay_ms = round(self.rng.uniform(low, high) * 1000)
        base = slug(full_name)[:20] or "tenant"
        domain = f"{base}{tenant_id[-6:]}"
        tenant = Tenant(
            id=tenant_id,
            partner_key=partner.key,
            full_name=full_name,
            email=email,
            owner_name=owner_name,
            phone=phone,
            description="",
            domain=domain,
            api_key=f"{self.rng.getrandbits(64):016X}-{self.rng.getrandbits(32):08X}",
            created_at=now,
            activates_at=now + delay_ms,
            numbers=[hotline(self.rng, now + 365 * DAY_MS)],
        )
        self._insert(tenant)
        return tenant_id

    def page(self, partner: Partner, keyword: str | None, page: int, size: int) -> dict[str, Any]:
        """One page of the partner's tenants matching ``keyword``, newest first."""
        needle = (keyword or "").strip().casefold()
        matches = [
            t
            for t in self.tenants.values()
            if t.partner_key == partner.key
            and (not needle or needle in t.full_name.casefold() or needle in t.email.casefold())
        ]
        matches.sort(key=lambda t: (-t.created_at, t.id))
        total = len(matches)
        pages = math.ceil(total / size)
        now = self.now_ms()
        items = [t.summary(now) for t in matches[(page - 1) * size : page * size]]
        return {
            "items": items,
            "page_number": page,
            "page_size": size,
            "total_items": total,
            "total_pages": pages,
            "has_next": page < pages,
            "next_page": page + 1 if page < pages else None,
            "has_previous": page > 1,
            "previous_page": page - 1 if page > 1 else None,
        }

    def detail(self, partner: Partner, tenant_id: str) -> dict[str, Any] | None:
        """The tenant's detail, or None when it does not exist or is another partner's."""
        tenant = self.tenants.get(tenant_id)
        if tenant is None or tenant.partner_key != partner.key:
            return None
        return tenant.detail(self.now_ms())

    def top_up(self, partner: Partner, email: str, amount: int) -> bool:
        """Add ``amount`` to the balance of the partner's tenant owning ``email``."""
        tenant = self.by_email.get(email.casefold())
        if tenant is None or tenant.partner_key != partner.key:
            return False
        tenant.balance += amount
        return True
