"""A PNG of the table, when matplotlib is installed (it is not a dependency)."""

from __future__ import annotations

import importlib
from pathlib import Path

from bench.results import CaseResult


def draw(results: dict[str, CaseResult], path: Path, title: str) -> str:
    """Draw requests/s per case (log scale) with p50/p99; returns what happened, in words."""
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        return "chart skipped: matplotlib is not installed"
    matplotlib.use("Agg")  # no display: write a file
    pyplot = importlib.import_module("matplotlib.pyplot")
    measured = [r for r in results.values() if r.load is not None]
    if not measured:
        return "chart skipped: no case was measured"
    names = [r.name for r in measured]
    rps = [r.load.rps for r in measured if r.load is not None]
    labels = [
        f"{r.load.rps:,.0f}/s  p50 {r.load.p50_ms:.1f} ms  p99 {r.load.p99_ms:.1f} ms"
        for r in measured
        if r.load is not None
    ]
    figure, axes = pyplot.subplots(figsize=(9, 0.5 * len(names) + 1.5))
    bars = axes.barh(names[::-1], rps[::-1], color="#4c72b0")
    axes.set_xscale("log")
    axes.set_xlabel("requests/s (log scale)")
    axes.set_title(title, fontsize=9)
    for bar, label in zip(bars, labels[::-1], strict=True):
        axes.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            " " + label,
            va="center",
            fontsize=8,
        )
    axes.set_xlim(right=max(rps) * 30)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    pyplot.close(figure)
    return f"chart written to {path}"
