"""Yardsticks: servers kept up for the whole run, measured right before each round compared
with them, so that a ratio never mixes two different states of a shared machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bench import wrk
from bench.queries import Unavailable

# The yardsticks each case is compared with, in the order their rounds run before the
# case's own: ``miss`` runs ceiling, naive, miss, so its target (against naive) is the
# pair nearest in time. ``list`` and ``herd`` measure other things.
PAIRED_WITH: dict[str, tuple[str, ...]] = {
    "upstream": ("ceiling",),
    "naive": ("ceiling",),
    "miss": ("ceiling", "naive"),
    "hit": ("ceiling",),
    "hit-redis": ("ceiling",),
}


def needed(cases: Iterable[str]) -> tuple[str, ...]:
    """The yardsticks a run of ``cases`` keeps up: the ceiling whenever a case is compared
    with it (or asked for), the naive app when both ``naive`` and ``miss`` run."""
    selected = set(cases)
    out = []
    if "ceiling" in selected or any("ceiling" in PAIRED_WITH.get(n, ()) for n in selected):
        out.append("ceiling")
    if {"naive", "miss"} <= selected:
        out.append("naive")
    return tuple(out)


class Yardstick:
    """One yardstick's server (started and warmed up by its owner) and every round measured
    on it; ``error`` says why it could not start, and then each of its rounds is n/a."""

    def __init__(
        self, name: str, url: str, measure: Callable[[], wrk.Load], error: str | None = None
    ) -> None:
        self.name = name
        self.url = url
        self.error = error
        self.rounds: list[wrk.Load] = []
        self._measure = measure

    @classmethod
    def failed(cls, name: str, reason: str) -> Yardstick:
        """A yardstick that could not start, for ``reason``."""
        return cls(name, "", _unmeasurable, error=reason)

    def round(self) -> wrk.Load:
        """One measured round, kept in ``rounds``; ``Unavailable`` with the reason if not."""
        if self.error is not None:
            raise Unavailable(self.error)
        try:
            load = self._measure()
        except wrk.WrkError as exc:
            raise Unavailable(f"its round failed: {exc}"[:160]) from exc
        self.rounds.append(load)
        return load


def _unmeasurable() -> wrk.Load:
    raise Unavailable("not started")
