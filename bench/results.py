"""What a case produced: figures, or the reason it could not be measured."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.wrk import Load


@dataclass(frozen=True, slots=True)
class Round:
    """One measured wrk round of a case, and the yardstick rounds measured right before it.

    ``before`` maps a yardstick's name (``ceiling``, ``naive``) to its round, run back to
    back with this one; ``missing`` maps a yardstick to the reason it has no round here.
    """

    load: Load
    before: dict[str, Load] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the round's figures, each yardstick's with the ratio to it."""
        out: dict[str, Any] = dict(self.load.as_dict())
        if self.before:
            out["paired"] = {
                name: {**base.as_dict(), "ratio": _ratio(self.load, base)}
                for name, base in self.before.items()
            }
        if self.missing:
            out["unpaired"] = dict(self.missing)
        return out


def _ratio(load: Load, base: Load) -> float | None:
    return round(load.rps / base.rps, 4) if base.rps > 0 else None


@dataclass(slots=True)
class CaseResult:
    """One row of the table.

    ``load`` is the row's figures (for cases run in rounds, the round with the median
    requests/s); ``unavailable`` the reason when the case could not run (printed as
    ``n/a``). Memory figures are in bytes.
    """

    name: str
    load: Load | None = None
    unavailable: str | None = None
    rounds: list[Round] = field(default_factory=list)
    rss_after_rounds: list[int] = field(default_factory=list)
    peak_rss: int | None = None
    upstream_calls: int | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the case was measured."""
        return self.unavailable is None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: every figure the case produced."""
        out: dict[str, Any] = {"status": "ok" if self.ok else "n/a"}
        if self.unavailable is not None:
            out["reason"] = self.unavailable
        if self.load is not None:
            out.update(self.load.as_dict())
        if self.rounds:
            out["rounds"] = [measured.as_dict() for measured in self.rounds]
        if self.rss_after_rounds:
            out["rss_after_rounds_bytes"] = list(self.rss_after_rounds)
        if self.peak_rss is not None:
            out["peak_rss_bytes"] = self.peak_rss
        if self.upstream_calls is not None:
            out["upstream_calls"] = self.upstream_calls
        if self.notes:
            out["notes"] = list(self.notes)
        out.update(self.extra)
        return out


def median_round(loads: list[Load]) -> Load:
    """The round whose requests/s is the median (the upper middle one of an even count)."""
    return sorted(loads, key=lambda load: load.rps)[len(loads) // 2]


def rounds_note(loads: list[Load]) -> str:
    """How many rounds and their range, e.g. ``9 rounds, 8,100-9,300 req/s``."""
    low, high = min(load.rps for load in loads), max(load.rps for load in loads)
    if len(loads) == 1:
        return f"1 round, {low:,.0f} req/s"
    return f"{len(loads)} rounds, {low:,.0f}-{high:,.0f} req/s"
