"""The run's table, ratios and verdicts as text, and all of it as JSON."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.ratios import Ratio, ratios
from bench.results import CaseResult
from bench.targets import MB, Verdict

HEADER = f"{'case':<10} {'req/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'conns':>6}  notes"


def machine(wrk_version: str) -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "load_before": load_average(),
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": wrk_version,
    }


def load_average() -> float | None:
    """The machine's 1-minute load average (other work on it moves the figures)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _load_line(m: dict[str, Any]) -> list[str]:
    before, after = m.get("load_before"), m.get("load_after")
    if before is None or after is None:
        return []
    return [f"machine load (1-min average): {before:.2f} before the run, {after:.2f} after"]


def _row(result: CaseResult) -> str:
    if result.unavailable is not None:
        return f"{result.name:<10} {'n/a':>10} {'':>9} {'':>9} {'':>6}  {result.unavailable}"
    notes = list(result.notes)
    if result.load is None:
        return f"{result.name:<10} {'-':>10} {'-':>9} {'-':>9} {'-':>6}  {'; '.join(notes)}"
    load = result.load
    if load.errors:
        notes.insert(0, f"{load.errors} failed requests")
    return (
        f"{result.name:<10} {load.rps:>10.1f} {load.p50_ms:>9.2f} {load.p99_ms:>9.2f}"
        f" {load.connections:>6}  {'; '.join(notes)}"
    )


def _memory_lines(results: dict[str, CaseResult]) -> list[str]:
    lines = []
    for result in results.values():
        if result.peak_rss is None:
            continue
        line = f"  {result.name:<10} peak {result.peak_rss / MB:.1f} MB"
        if result.rss_after_rounds:
            after = " / ".join(f"{rss / MB:.1f}" for rss in result.rss_after_rounds)
            line += f", after each round {after} MB"
        lines.append(line)
    return lines


def text(results: dict[str, CaseResult], verdicts: list[Verdict], meta: dict[str, Any]) -> str:
    """The table, the ratios, the gateway's memory and each target with PASS/FAIL."""
    m = meta["machine"]
    o = meta["options"]
    lines = [
        f"omi-gateway bench, {meta['date']}: {m['nproc']} CPUs ({m['cpu_model']}), "
        f"Python {m['python']}, {m['wrk']}",
        f"wrk {o['duration']} s after {o['warmup']} s warm-up, {o['connections']} connections, "
        f"{o['threads']} thread(s); one uvicorn worker per server",
        *_load_line(m),
        "",
        HEADER,
        "-" * len(HEADER),
        *(_row(result) for result in results.values()),
        "",
        "ratios (each the median of rounds measured back to back with the yardstick): "
        + (", ".join(_ratio(ratio) for ratio in ratios(results).values()) or "none"),
    ]
    memory = _memory_lines(results)
    if memory:
        lines += ["gateway memory (RSS):", *memory]
    lines += ["", "targets:"]
    lines += [f"  {v.status:<4}  {v.rule:<58} {v.measured}" for v in verdicts]
    return "\n".join(lines)


def _ratio(ratio: Ratio) -> str:
    """``hit/ceiling 42.2% (3 rounds 40.1-44.0%)``, or ``n/a`` with the reason."""
    value = ratio.value
    if value is None:
        return f"{ratio.key} n/a ({ratio.reason})"

    def show(number: float) -> str:
        return f"{number:.2f}x" if ratio.yardstick == "naive" else f"{number:.1%}"

    text = f"{ratio.key} {show(value)}"
    rounds = ratio.per_round
    if len(rounds) > 1:
        text += f" ({len(rounds)} rounds {show(min(rounds))}-{show(max(rounds))})"
    if ratio.missing:
        text += f" ({len(ratio.missing)} unpaired: {ratio.reason})"
    return text


def document(
    results: dict[str, CaseResult], verdicts: list[Verdict], meta: dict[str, Any]
) -> dict[str, Any]:
    """Everything the run produced, JSON-ready."""
    return {
        **meta,
        "cases": {name: result.as_dict() for name, result in results.items()},
        "ratios": {key: ratio.as_dict() for key, ratio in ratios(results).items()},
        "targets": [v.as_dict() for v in verdicts],
    }


def write_json(path: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


README_START = "<!-- bench:start (written by python -m bench --readme; do not edit) -->"
README_END = "<!-- bench:end -->"


def update_readme(path: Path, table: str) -> bool:
    """Put ``table`` between the README's markers; False when the markers are missing."""
    content = path.read_text(encoding="utf-8")
    start, end = content.find(README_START), content.find(README_END)
    if start < 0 or end < start:
        return False
    block = f"{README_START}\n```text\n{table}\n```\n"
    path.write_text(content[:start] + block + content[end:], encoding="utf-8")
    return True


def now() -> str:
    """The run's date, UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
