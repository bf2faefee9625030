"""Paired rounds and the median of their ratios: pure functions, no wrk, no servers.

The machine moves by +-20% from one minute to the next, so a ratio must come from rounds
measured back to back: these tests build results whose row figures (measured minutes
apart) say one thing and whose paired rounds say the other, and check the targets,
the table and the JSON follow the pairs.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bench import report, targets
from bench.cases import run_order
from bench.context import Bench, Options
from bench.queries import Unavailable
from bench.ratios import paired, ratios
from bench.results import CaseResult, Round, median_round
from bench.wrk import Load, WrkError
from bench.yardstick import Yardstick, needed


def load(rps: float, *, errors: int = 0) -> Load:
    """A 10 s wrk round at ``rps`` requests/s."""
    return Load(
        requests=int(rps * 10),
        seconds=10.0,
        rps=rps,
        p50_ms=1.0,
        p90_ms=2.0,
        p99_ms=3.0,
        max_ms=4.0,
        errors=errors,
        connections=32,
    )


def rounds(name: str, pairs: list[tuple[float, float]], yardstick: str = "ceiling") -> CaseResult:
    """``name`` measured in rounds of (yardstick rps just before, case rps)."""
    measured = [Round(load(case), before={yardstick: load(base)}) for base, case in pairs]
    return CaseResult(name, load=median_round([r.load for r in measured]), rounds=measured)


def row(name: str, rps: float) -> CaseResult:
    """A row measured once, as the ceiling was at the end of a run before pairing."""
    return CaseResult(name, load=load(rps), rounds=[Round(load(rps))])


def verdict(results: dict[str, CaseResult], rule: str) -> targets.Verdict:
    return next(v for v in targets.judge(results) if v.rule == rule)


def test_hit_fails_on_its_pairs_though_the_rows_medians_would_pass() -> None:
    # Each hit round is under half the ceiling round just before it; the ceiling row
    # (a slow moment) would make the medians' ratio 9,000 / 12,000 = 75%.
    results = {
        "ceiling": row("ceiling", 12_000),
        "hit": rounds("hit", [(20_000, 9_000), (19_000, 9_200), (21_000, 9_400)]),
    }

    hit = verdict(results, "hit >= 50% of ceiling")

    assert hit.status == "FAIL"
    assert hit.measured.startswith("45.0%")
    assert "median of 3 paired rounds" in hit.measured


def test_hit_passes_on_its_pairs_though_the_rows_medians_would_fail() -> None:
    # The machine was busy during hit's rounds and its ceiling pairs: each hit round is
    # 55% of its pair; a ceiling row from a quiet moment would give 4,400 / 20,000 = 22%.
    results = {
        "ceiling": row("ceiling", 20_000),
        "hit": rounds("hit", [(8_000, 4_400), (7_000, 3_850), (9_000, 4_950)]),
    }

    assert verdict(results, "hit >= 50% of ceiling").status == "PASS"


def test_miss_is_judged_on_the_naive_round_run_right_before_each_miss_round() -> None:
    # The naive row (120) would make 1,000 / 120 = 8.3x; paired, the miss rounds are
    # 5.0x, 5.5x and 7.0x their naive rounds: the median, 5.5x, is under 6x.
    results = {
        "naive": row("naive", 120),
        "miss": rounds("miss", [(200, 1_000), (180, 990), (150, 1_050)], yardstick="naive"),
    }

    miss = verdict(results, "miss >= 6x naive")

    assert miss.status == "FAIL"
    assert miss.measured.startswith("5.50x")


def test_the_ratio_is_the_median_of_the_rounds_ratios_not_the_ratio_of_medians() -> None:
    # Ratio of medians: 5,000 / 10,000 = 50%; per round 40%, 62.5% and 60%.
    hit = rounds("hit", [(10_000, 4_000), (8_000, 5_000), (10_000, 6_000)])

    ratio = paired(hit, "ceiling")

    assert ratio is not None
    assert ratio.per_round == [0.4, 0.625, 0.6]
    assert ratio.value == 0.6
    assert verdict({"hit": hit}, "hit >= 50% of ceiling").status == "PASS"


def test_a_yardstick_round_with_failed_requests_fails_the_target() -> None:
    hit = rounds("hit", [(10_000, 6_000)])
    hit.rounds[0] = Round(load(6_000), before={"ceiling": load(10_000, errors=5_000)})

    hit_verdict = verdict({"hit": hit}, "hit >= 50% of ceiling")

    assert hit_verdict.status == "FAIL"
    assert "failed requests" in hit_verdict.measured


def test_a_failed_yardstick_makes_the_ratio_n_a_with_its_reason() -> None:
    reason = "no detail answer to serve: gateway: HTTP 500"
    hit = CaseResult("hit", load=load(9_000))
    hit.rounds = [Round(load(9_000), missing={"ceiling": reason}) for _ in range(3)]
    results = {"ceiling": CaseResult("ceiling", unavailable=reason), "hit": hit}

    hit_verdict = verdict(results, "hit >= 50% of ceiling")
    table = report.text(results, targets.judge(results), _meta())
    doc = report.document(results, targets.judge(results), _meta())

    assert hit_verdict.status == "n/a"
    assert f"ceiling: {reason}" in hit_verdict.measured
    assert f"hit/ceiling n/a (ceiling: {reason})" in table
    assert doc["ratios"]["hit/ceiling"]["median"] is None
    assert doc["ratios"]["hit/ceiling"]["rounds"] == []
    json.dumps(doc)  # well-formed


def test_cases_not_compared_in_this_run_have_no_ratio() -> None:
    # miss ran without naive (not selected): no naive rounds, no reason either.
    miss = rounds("miss", [(20_000, 1_000)])

    assert paired(miss, "naive") is None
    assert verdict({"miss": miss}, "miss >= 6x naive").measured == "not measured"
    assert paired(CaseResult("hit", unavailable="no cache"), "ceiling") is None
    assert paired(rounds("list", [(20_000, 8)]), "ceiling") is None


def test_ratios_list_every_pair_ceiling_first_then_miss_over_naive() -> None:
    miss = CaseResult("miss", load=load(1_000))
    miss.rounds = [
        Round(load(1_000), before={"ceiling": load(20_000), "naive": load(125)}),
        Round(load(1_100), before={"ceiling": load(22_000), "naive": load(100)}),
    ]
    results = {
        "upstream": rounds("upstream", [(20_000, 5_000)]),
        "miss": miss,
        "hit": rounds("hit", [(20_000, 9_000)]),
    }

    found = ratios(results)

    assert list(found) == ["upstream/ceiling", "miss/ceiling", "hit/ceiling", "miss/naive"]
    assert found["miss/naive"].per_round == [8.0, 11.0]
    assert found["miss/naive"].value == 9.5


def test_the_table_says_the_ratios_are_paired_and_the_json_keeps_every_round() -> None:
    ceiling = CaseResult("ceiling", load=load(20_000), notes=["4 rounds, 18,000-22,000 req/s"])
    results = {
        "ceiling": ceiling,
        "hit": rounds("hit", [(20_000, 9_000), (18_000, 9_900), (22_000, 9_900)]),
    }
    verdicts = targets.judge(results)

    table = report.text(results, verdicts, _meta())
    doc = json.loads(json.dumps(report.document(results, verdicts, _meta())))

    assert (
        "ratios (each the median of rounds measured back to back with the yardstick): "
        "hit/ceiling 45.0% (3 rounds 45.0%-55.0%)"
    ) in table
    assert "4 rounds, 18,000-22,000 req/s" in table
    assert doc["ratios"]["hit/ceiling"] == {"median": 0.45, "rounds": [0.45, 0.55, 0.45]}
    first = doc["cases"]["hit"]["rounds"][0]
    assert first["rps"] == 9_000
    assert first["paired"]["ceiling"]["rps"] == 20_000
    assert first["paired"]["ceiling"]["ratio"] == 0.45


@pytest.mark.parametrize(
    ("cases", "kept"),
    [
        (("hit",), ("ceiling",)),
        (("ceiling",), ("ceiling",)),
        (("miss",), ("ceiling",)),
        (("naive", "miss"), ("ceiling", "naive")),
        (("list", "herd"), ()),
    ],
)
def test_the_yardsticks_kept_up_are_those_the_selected_cases_are_compared_with(
    cases: tuple[str, ...], kept: tuple[str, ...]
) -> None:
    assert needed(cases) == kept


@pytest.mark.parametrize(
    ("cases", "order"),
    [
        (("hit",), ["hit", "ceiling"]),
        (("ceiling",), ["ceiling"]),
        (("list", "herd"), ["list", "herd"]),
        (("ceiling", "naive", "miss", "hit"), ["miss", "hit", "naive", "ceiling"]),
    ],
)
def test_naive_and_ceiling_run_last_and_the_ceiling_row_comes_with_its_pairs(
    cases: tuple[str, ...], order: list[str]
) -> None:
    assert run_order(cases) == order


def _recording(name: str, rps: float, log: list[str]) -> Callable[[], Load]:
    def measure() -> Load:
        log.append(name)
        return load(rps)

    return measure


def test_a_paired_round_runs_ceiling_then_naive_then_the_case() -> None:
    log: list[str] = []
    bench = Bench(_options(("naive", "miss")), "wrk")
    bench.yardsticks = {
        "naive": Yardstick("naive", "", _recording("naive", 150, log)),
        "ceiling": Yardstick("ceiling", "", _recording("ceiling", 20_000, log)),
    }

    measured = bench.paired_round("miss", _recording("miss", 1_200, log))

    assert log == ["ceiling", "naive", "miss"]
    assert measured.before == {"ceiling": load(20_000), "naive": load(150)}
    assert measured.load == load(1_200)
    assert [len(y.rounds) for y in bench.yardsticks.values()] == [1, 1]


def test_a_yardstick_that_cannot_measure_leaves_its_reason_in_the_round() -> None:
    def broken() -> Load:
        raise WrkError("wrk exited with 1")

    bench = Bench(_options(("hit",)), "wrk")
    bench.yardsticks = {"ceiling": Yardstick("ceiling", "", broken)}

    measured = bench.paired_round("hit", lambda: load(9_000))
    bench.yardsticks["ceiling"] = Yardstick.failed("ceiling", "the ceiling app did not start")
    unstarted = bench.paired_round("hit", lambda: load(9_000))

    assert measured.before == {}
    assert "wrk exited with 1" in measured.missing["ceiling"]
    assert unstarted.missing == {"ceiling": "the ceiling app did not start"}
    assert bench.yardsticks["ceiling"].rounds == []
    with pytest.raises(Unavailable, match="did not start"):
        bench.yardsticks["ceiling"].round()


def _options(cases: tuple[str, ...]) -> Options:
    return Options(
        duration=10, warmup=3, connections=32, threads=1, cases=cases, redis_url="redis://"
    )


def _meta() -> dict[str, object]:
    machine = {"nproc": 2, "cpu_model": "test", "python": "3.11", "wrk": "wrk 4"}
    options = {"duration": 10, "warmup": 3, "connections": 32, "threads": 1}
    return {"date": "2026-01-01T00:00:00+00:00", "machine": machine, "options": options}
