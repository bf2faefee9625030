"""What a case produced: figures, or the reason it could not be measured."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.wrk import Load


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
    rounds: list[Load] = field(default_factory=list)
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
            out["rounds"] = [load.as_dict() for load in self.rounds]
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


def median_round(rounds: list[Load]) -> Load:
    """The round whose requests/s is the median (the middle of three)."""
    return sorted(rounds, key=lambda load: load.rps)[len(rounds) // 2]
