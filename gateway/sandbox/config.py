"""The sandbox's one configuration object, and the parsers for its textual forms."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.sandbox.faults import Fault

__all__ = ["SandboxConfig", "parse_delay"]


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """How one sandbox behaves; every field has a default.

    ``activation_delay`` is a (min, max) range in seconds from which each new tenant's
    activation delay is drawn; ``(0, 0)`` activates at once. ``token_ttl`` is an access
    token's life in seconds. ``faults`` are active from the start. ``seed`` makes the
    seeded tenants, new tenant ids, delays and fault probabilities reproducible.
    """

    admin: bool = False
    activation_delay: tuple[float, float] = (3.0, 10.0)
    token_ttl: float = 86400.0
    faults: tuple[Fault, ...] = ()
    seed: int = 1
    instance_id: str = "sandbox"
    instance_name: str = "omi-sandbox"
    instance_version: str = "1.0.0-sandbox"
    max_body_size: int = 1_048_576

    def __post_init__(self) -> None:
        low, high = self.activation_delay
        if not 0 <= low <= high:
            raise ValueError(f"activation_delay must be 0 <= min <= max, got {low}-{high}")
        if self.token_ttl <= 0:
            raise ValueError(f"token_ttl must be positive, got {self.token_ttl}")


def parse_delay(text: str) -> tuple[float, float]:
    """``"0"`` -> (0, 0), ``"5"`` -> (5, 5), ``"3-10"`` -> (3, 10); ValueError otherwise."""
    low_text, sep, high_text = text.strip().partition("-")
    try:
        low = float(low_text)
        high = float(high_text) if sep else low
    except ValueError:
        raise ValueError(f"activation delay must be N or MIN-MAX seconds, got {text!r}") from None
    if not 0 <= low <= high:
        raise ValueError(f"activation delay must be 0 <= MIN <= MAX, got {text!r}")
    return (low, high)
