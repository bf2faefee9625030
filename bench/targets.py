"""Issue 7's targets, judged from one run's figures: PASS, FAIL, or n/a when unmeasured.

The targets that compare two cases use paired ratios (``bench.ratios``): rounds of the
case and of its yardstick measured back to back, never figures minutes apart.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from bench.memory import MIB
from bench.ratios import paired
from bench.results import CaseResult
from bench.wrk import Load

MB = 1_000_000
PEAK_RSS_LIMIT = 150 * MB
# RSS "grows" when every round after the first ends more than this above the one before.
GROWTH_TOLERANCE = 1 * MIB
# A wrk run that saw more failed requests than this share is not a valid figure.
ERROR_SHARE = 0.01


@dataclass(frozen=True, slots=True)
class Verdict:
    """One target: its rule, what was measured, and PASS / FAIL / n/a."""

    rule: str
    measured: str
    status: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready."""
        return {"rule": self.rule, "measured": self.measured, "status": self.status}


def _clean(load: Load | None) -> bool:
    return load is not None and load.errors <= ERROR_SHARE * max(load.requests, 1)


def _paired_share(
    results: dict[str, CaseResult], name: str, of: str, least: float, *, times: bool = False
) -> Verdict:
    """``name`` over ``of`` from rounds measured back to back (the median of the rounds'
    ratios); a round of either side with failed requests fails the target."""
    rule = f"{name} >= {least:g}x {of}" if times else f"{name} >= {least:.0%} of {of}"
    ratio = paired(results.get(name), of)
    if ratio is None:
        return Verdict(rule, "not measured", "n/a")
    value = ratio.value
    if value is None:
        return Verdict(rule, f"no paired round ({ratio.reason})"[:120], "n/a")
    clean = all(_clean(base) and _clean(load) for base, load in ratio.pairs)
    measured = f"{value:.2f}x" if times else f"{value:.1%}"
    if len(ratio.per_round) > 1:
        measured += f", median of {len(ratio.per_round)} paired rounds"
    if not clean:
        measured += f", a round over {ERROR_SHARE:.0%} failed requests"
    return Verdict(rule, measured, "PASS" if value >= least and clean else "FAIL")


def _growth(result: CaseResult) -> bool:
    rss = result.rss_after_rounds
    steps = [later - earlier for earlier, later in itertools.pairwise(rss)]
    return bool(steps) and all(step > GROWTH_TOLERANCE for step in steps)


def judge(results: dict[str, CaseResult]) -> list[Verdict]:
    """Every target of issue 7 against this run's figures."""
    verdicts = [
        _paired_share(results, "hit", "ceiling", 0.50),
        _paired_share(results, "hit-redis", "ceiling", 0.15),
        _paired_share(results, "miss", "naive", 6.0, times=True),
    ]

    listed = results.get("list")
    rule = "list p50 <= 150 ms"
    if listed is None or listed.load is None:
        verdicts.append(Verdict(rule, "not measured", "n/a"))
    else:
        ok = listed.load.p50_ms <= 150 and _clean(listed.load)
        verdicts.append(Verdict(rule, f"{listed.load.p50_ms:.1f} ms", "PASS" if ok else "FAIL"))

    herd = results.get("herd")
    rule = "herd: exactly 1 upstream call"
    if herd is None or herd.upstream_calls is None:
        verdicts.append(Verdict(rule, "not measured", "n/a"))
    else:
        answered = herd.extra.get("answered") == herd.extra.get("readers")
        ok = herd.upstream_calls == 1 and answered
        measured = f"{herd.upstream_calls} calls, {herd.extra.get('answered')} answered"
        verdicts.append(Verdict(rule, measured, "PASS" if ok else "FAIL"))

    peaks = [r.peak_rss for r in results.values() if r.peak_rss is not None]
    rule = f"gateway peak RSS < {PEAK_RSS_LIMIT // MB} MB"
    if not peaks:
        verdicts.append(Verdict(rule, "not measured", "n/a"))
    else:
        ok = max(peaks) < PEAK_RSS_LIMIT
        verdicts.append(Verdict(rule, f"{max(peaks) / MB:.1f} MB", "PASS" if ok else "FAIL"))

    rounds = [r for r in results.values() if len(r.rss_after_rounds) > 1]
    rule = f"no RSS growth over rounds (each round > +{GROWTH_TOLERANCE / MIB:.0f} MiB = growth)"
    if not rounds:
        verdicts.append(Verdict(rule, "not measured", "n/a"))
    else:
        grew = [r.name for r in rounds if _growth(r)]
        measured = (
            "grew: " + ", ".join(grew) if grew else "flat: " + ", ".join(r.name for r in rounds)
        )
        verdicts.append(Verdict(rule, measured, "FAIL" if grew else "PASS"))
    return verdicts


def summary(verdicts: list[Verdict]) -> dict[str, Any]:
    """Counts of PASS / FAIL / n/a."""
    return {s: sum(v.status == s for v in verdicts) for s in ("PASS", "FAIL", "n/a")}
