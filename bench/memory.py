"""A process's resident memory, read from ``/proc/PID/status`` while the load runs."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Rss:
    """Resident set size now (``VmRSS``) and its high-water mark (``VmHWM``), in bytes."""

    now: int
    peak: int


def read_rss(pid: int) -> Rss | None:
    """``pid``'s memory now, or None when the process is gone (or not Linux)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    values: dict[str, int] = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(rest.split()[0]) * 1024  # the kernel reports kB (KiB)
    if "VmRSS" not in values:
        return None
    return Rss(now=values["VmRSS"], peak=values.get("VmHWM", values["VmRSS"]))


class RssSampler:
    """Samples ``pid``'s RSS every ``interval`` seconds in a thread; ``peak`` is the most seen.

    ``peak`` also takes the kernel's own high-water mark, so a spike between two samples
    still counts.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rss-{pid}", daemon=True)

    def sample(self) -> Rss | None:
        """Read once now and fold it into ``peak``."""
        rss = read_rss(self.pid)
        if rss is not None:
            self.peak = max(self.peak, rss.now, rss.peak)
            self.samples += 1
        return rss

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
