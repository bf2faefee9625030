"""Cache keys: the caller's scope (a hash of its Authorization header) and key layout.

The scope is the only thing about the caller that reaches the backend: a SHA-256 (or,
with a secret, an HMAC-SHA-256) of the whole ``Authorization`` header, so partner B
never shares a key with partner A and the token itself is in no key and no log.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

__all__ = ["KeyLayout", "scope_for"]

# Tenant ids that are safe to put in a key as they are; anything else (long, odd
# characters) is hashed so a caller-chosen id cannot make a huge or confusing key.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def scope_for(authorization: str, secret: bytes | None = None) -> str:
    """The cache scope of a caller: hex SHA-256 of its whole Authorization header.

    With ``secret``, an HMAC-SHA-256 keyed by it, so whoever reads the backend cannot
    even confirm a guessed token.
    """
    data = authorization.encode("utf-8")
    if secret is not None:
        return hmac.new(secret, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class KeyLayout:
    """Where things live in the backend, all under one ``prefix``.

    ``<prefix>g:<scope>`` holds the scope's generation; ``<prefix>t:<scope>:<id>`` the
    tenant's entry (one per tenant, the generation it was read under is inside it).
    """

    prefix: str = "omi-gateway:"

    def generation(self, scope: str) -> str:
        """Key of the scope's generation."""
        return f"{self.prefix}g:{scope}"

    def tenant(self, scope: str, tenant_id: str) -> str:
        """Key of one tenant's detail entry within the scope."""
        if _PLAIN_ID.fullmatch(tenant_id) is None:
            tenant_id = "#" + hashlib.sha256(tenant_id.encode("utf-8")).hexdigest()
        return f"{self.prefix}t:{scope}:{tenant_id}"
