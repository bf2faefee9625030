"""Paired ratios: a case's requests/s over its yardstick's, round by round.

Each round of a compared case runs right after a round of its yardstick (same duration,
same wrk settings), so the two share one state of the machine. A case's ratio is the
median over its rounds of (case round / the yardstick round just before it).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.results import CaseResult
from bench.wrk import Load
from bench.yardstick import PAIRED_WITH

YARDSTICKS = ("ceiling", "naive")


@dataclass(frozen=True, slots=True)
class Ratio:
    """``case`` over ``yardstick``: the per-round ratios and the rounds they came from.

    ``pairs`` holds (yardstick round, case round) for each round with a ratio; ``missing``
    the reasons of rounds without one. ``value`` is None when no round has a ratio.
    """

    case: str
    yardstick: str
    per_round: list[float] = field(default_factory=list)
    pairs: list[tuple[Load, Load]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """``case/yardstick``, as the table and JSON name it."""
        return f"{self.case}/{self.yardstick}"

    @property
    def value(self) -> float | None:
        """The median of the per-round ratios, or None when there are none."""
        return statistics.median(self.per_round) if self.per_round else None

    @property
    def reason(self) -> str:
        """Why there is no ratio (or why some rounds have none): the first reason."""
        return f"{self.yardstick}: {self.missing[0]}" if self.missing else ""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: the median and every round's ratio (and why a round has none)."""
        value = self.value
        out: dict[str, object] = {
            "median": None if value is None else round(value, 4),
            "rounds": [round(ratio, 4) for ratio in self.per_round],
        }
        if self.missing:
            out["unpaired"] = [f"{self.yardstick}: {reason}" for reason in self.missing]
        return out


def paired(result: CaseResult | None, yardstick: str) -> Ratio | None:
    """``result`` over ``yardstick`` from its paired rounds; None when it was not compared
    with ``yardstick`` in this run (not selected, or the case itself did not run)."""
    if result is None or not result.ok or yardstick not in PAIRED_WITH.get(result.name, ()):
        return None
    per_round: list[float] = []
    pairs: list[tuple[Load, Load]] = []
    missing: list[str] = []
    for measured in result.rounds:
        base = measured.before.get(yardstick)
        if base is None:
            if yardstick in measured.missing:
                missing.append(measured.missing[yardstick])
        elif base.rps <= 0:
            missing.append("its round served no request")
        else:
            per_round.append(measured.load.rps / base.rps)
            pairs.append((base, measured.load))
    if not per_round and not missing:
        return None
    return Ratio(result.name, yardstick, per_round, pairs, missing)


def ratios(results: dict[str, CaseResult]) -> dict[str, Ratio]:
    """Every paired ratio of the run: each case over the ceiling, then ``miss/naive``."""
    out: dict[str, Ratio] = {}
    for yardstick in YARDSTICKS:
        for result in results.values():
            ratio = paired(result, yardstick)
            if ratio is not None:
                out[ratio.key] = ratio
    return out
