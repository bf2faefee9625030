"""Issue 7's targets, judged from one run's figures: PASS, FAIL, or n/a when unmeasured."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from bench.memory import MIB
from bench.results import CaseResult

MB = 1_000_000
PEAK_RSS_LIMIT = 150 * MB
# RSS "grows" when every round after the first ends more than this above the one before.
GROWTH_TOLERANCE = 1 * MIB
# Cases whose requests/s is compared with the ceiling's (list and herd measure other things).
SHARE_OF_CEILING = ("upstream", "naive", "miss", "hit", "hit-redis")
# A case whose wrk run saw more failed requests than this share is not a valid figure.
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


def _rps(result: CaseResult | None) -> float | None:
    if result is None or result.load is None:
        return None
    return result.load.rps


def _clean(result: CaseResult | None) -> bool:
    load = result.load if result else None
    return load is not None and load.errors <= ERROR_SHARE * max(load.requests, 1)


def ratios(results: dict[str, CaseResult]) -> dict[str, float]:
    """Every measured case's requests/s as a share of ``ceiling``, and ``miss`` over ``naive``."""
    out: dict[str, float] = {}
    top = _rps(results.get("ceiling"))
    if top:
        for name, result in results.items():
            rps = _rps(result)
            if name in SHARE_OF_CEILING and rps is not None:
                out[f"{name}/ceiling"] = rps / top
    miss, naive = _rps(results.get("miss")), _rps(results.get("naive"))
    if miss is not None and naive:
        out["miss/naive"] = miss / naive
    return out


def _share(results: dict[str, CaseResult], name: str, of: str, least: float) -> Verdict:
    rule = f"{name} >= {least:.0%} of {of}"
    value, base = _rps(results.get(name)), _rps(results.get(of))
    if value is None or not base:
        return Verdict(rule, "not measured", "n/a")
    ok = value / base >= least and _clean(results[name]) and _clean(results[of])
    return Verdict(rule, f"{value / base:.1%}", "PASS" if ok else "FAIL")


def _growth(result: CaseResult) -> bool:
    rss = result.rss_after_rounds
    steps = [later - earlier for earlier, later in itertools.pairwise(rss)]
    return bool(steps) and all(step > GROWTH_TOLERANCE for step in steps)


def judge(results: dict[str, CaseResult]) -> list[Verdict]:
    """Every target of issue 7 against this run's figures."""
    verdicts = [
        _share(results, "hit", "ceiling", 0.50),
        _share(results, "hit-redis", "ceiling", 0.15),
    ]
    miss, naive = _rps(results.get("miss")), _rps(results.get("naive"))
    rule = "miss >= 6x naive"
    if miss is None or not naive:
        verdicts.append(Verdict(rule, "not measured", "n/a"))
    else:
        ok = miss >= 6 * naive and _clean(results["miss"]) and _clean(results["naive"])
        verdicts.append(Verdict(rule, f"{miss / naive:.2f}x", "PASS" if ok else "FAIL"))

    listed = results.get("list")
    rule = "list p50 <= 150 ms"
    if listed is None or listed.load is None:
        verdicts.append(Verdict(rule, "not measured", "n/a"))
    else:
        ok = listed.load.p50_ms <= 150 and _clean(listed)
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
