"""Fault injection: what can go wrong on a request, and which faults are active.

A :class:`Fault` names an endpoint (or ``*``) and what happens to requests to it: added
latency, an HTTP status, a forced OMI error code, or a ``mode``:

- ``hang``: never answer (until the client gives up);
- ``drop``: close the TCP connection without any HTTP answer;
- ``drop_after``: perform the operation, then drop (the answer is lost);
- ``garbage``: answer a body that is not JSON.

``times`` limits a fault to the next N requests it applies to; ``probability`` applies
it to a seeded-random share of requests. The :class:`FaultBoard` holds the active
faults; it is only touched synchronously, so ``times`` stays exact under concurrency.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ENDPOINTS", "MODES", "Fault", "FaultBoard", "parse_fault"]

# Endpoint names used by faults and stats, in the order stats report them.
ENDPOINTS: tuple[str, ...] = (
    "auth",
    "tenant/add",
    "tenant/list",
    "tenant/info",
    "tenant/update_balance",
)
MODES: frozenset[str] = frozenset({"hang", "drop", "drop_after", "garbage"})
_INT_KEYS = ("latency_ms", "http_status", "times")


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault; ``endpoint`` is one of :data:`ENDPOINTS` or ``*``."""

    endpoint: str = "*"
    latency_ms: int = 0
    http_status: int | None = None
    omi_code: str | None = None
    mode: str | None = None
    times: int | None = None
    probability: float = 1.0

    def __post_init__(self) -> None:
        if self.endpoint != "*" and self.endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {self.endpoint!r}; use * or one of {ENDPOINTS}")
        for key in _INT_KEYS:
            value = getattr(self, key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ValueError(f"{key} must be an integer")
        if not 0 <= self.latency_ms <= 600_000:
            raise ValueError("latency_ms must be 0..600000")
        if self.http_status is not None and not 100 <= self.http_status <= 599:
            raise ValueError("http_status must be 100..599")
        if self.omi_code is not None and (not isinstance(self.omi_code, str) or not self.omi_code):
            raise ValueError("omi_code must be a non-empty string")
        if self.mode is not None and self.mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1")
        probability = self.probability
        if isinstance(probability, bool) or not isinstance(probability, int | float):
            raise ValueError("probability must be a number")
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be 0..1")
        if not (self.latency_ms or self.http_status or self.omi_code or self.mode):
            raise ValueError("a fault needs latency_ms, http_status, omi_code or mode")

    @classmethod
    def from_json(cls, data: object) -> Fault:
        """Build a fault from a decoded JSON object; ValueError when it is not one."""
        if not isinstance(data, dict):
            raise ValueError("a fault is a JSON object")
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ValueError(str(exc)) from None

    def to_json(self) -> dict[str, Any]:
        """The fault as a JSON object."""
        return asdict(self)


def parse_fault(spec: str) -> Fault:
    """Parse ``ENDPOINT:key=value,key=value`` (or a JSON object) into a :class:`Fault`.

    Examples: ``tenant/info:http_status=503``, ``*:latency_ms=50``,
    ``tenant/update_balance:mode=drop_after,times=1``, ``tenant/add:omi_code=create_tenant_error``.
    """
    spec = spec.strip()
    if spec.startswith("{"):
        try:
            return Fault.from_json(json.loads(spec))
        except json.JSONDecodeError as exc:
            raise ValueError(f"fault {spec!r} is not valid JSON: {exc}") from None
    endpoint, sep, rest = spec.partition(":")
    if not sep or not endpoint:
        raise ValueError(f"fault {spec!r} must look like ENDPOINT:key=value[,key=value...]")
    data: dict[str, object] = {"endpoint": endpoint.strip()}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq:
            raise ValueError(f"fault option {item!r} must be key=value")
        if key in _INT_KEYS:
            try:
                data[key] = int(value)
            except ValueError:
                raise ValueError(f"{key} must be an integer, got {value!r}") from None
        elif key == "probability":
            try:
                data[key] = float(value)
            except ValueError:
                raise ValueError(f"probability must be a number, got {value!r}") from None
        else:
            data[key] = value.strip()
    return Fault.from_json(data)


@dataclass(slots=True)
class _Active:
    ident: int
    fault: Fault
    remaining: int | None


@dataclass(slots=True)
class FaultBoard:
    """The active faults, in the order they were added."""

    rng: random.Random
    _active: list[_Active] = field(default_factory=list)
    _next_id: int = 1

    def add(self, fault: Fault) -> int:
        """Activate ``fault``; returns its id."""
        ident = self._next_id
        self._next_id += 1
        self._active.append(_Active(ident, fault, fault.times))
        return ident

    def clear(self) -> None:
        """Deactivate every fault."""
        self._active.clear()

    def listing(self) -> list[dict[str, Any]]:
        """The active faults as JSON objects, with their id and remaining uses."""
        return [
            {"id": item.ident, **item.fault.to_json(), "remaining": item.remaining}
            for item in self._active
        ]

    def draw(self, endpoint: str) -> list[Fault]:
        """The faults that apply to this request to ``endpoint``, using up their ``times``.

        Synchronous on purpose: no other request can slip between the check and the
        count-down, so ``times=N`` applies to exactly N requests.
        """
        applied: list[Fault] = []
        for item in list(self._active):
            fault = item.fault
            if fault.endpoint not in ("*", endpoint):
                continue
            if fault.probability < 1.0 and self.rng.random() >= fault.probability:
                continue
            applied.append(fault)
            if item.remaining is not None:
                item.remaining -= 1
                if item.remaining <= 0:
                    self._active.remove(item)
        return applied
