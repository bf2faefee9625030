"""``EdgeConfig``: the limits and switches that guard the GraphQL endpoint.

Built by ``Settings.edge_config()`` from ``OMI_GATEWAY_*`` variables; validated here so
that a bad value stops the server at start-up with a message naming the variable.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["EdgeConfig", "parse_origins"]


def parse_origins(raw: str | None) -> tuple[str, ...]:
    """``"https://a.example, https://b.example"`` -> both; blank entries are dropped."""
    if not raw:
        return ()
    return tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class EdgeConfig:
    """What a request must stay within, and what the endpoint reveals.

    ``max_batch`` 0 turns batching off (a JSON array body is refused). ``open_schema``
    (dev or sandbox mode) allows introspection and "Did you mean" suggestions, which
    GraphiQL needs; otherwise both are off.
    """

    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_document_chars: int = 10_000
    max_body_bytes: int = 65_536
    max_batch: int = 10
    cors_origins: tuple[str, ...] = ()
    open_schema: bool = False

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_aliases", "max_tokens", "max_document_chars"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be at least 1")
        if self.max_body_bytes < 1024:
            raise ValueError("max_body_bytes: must be at least 1024")
        if self.max_batch < 0:
            raise ValueError("max_batch: must be 0 (batching off) or more")
        for origin in self.cors_origins:
            parts = urlsplit(origin)
            if origin != "*" and (parts.scheme not in ("http", "https") or not parts.netloc):
                raise ValueError(f"cors_origins: {origin!r} is not an http(s) origin or *")
