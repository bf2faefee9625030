"""``python -m bench``: run the cases, print the table, write the JSON (and a PNG).

Exit status: 0 when no target failed (unmeasured ones print ``n/a``), 1 when one
failed, 2 when the benchmark cannot run at all (wrk missing, bad options).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from bench import chart, report, targets, wrk
from bench.cases import CASES, run_case, run_order, start_yardsticks
from bench.context import Bench, Options
from bench.results import CaseResult

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"


def _cases(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in CASES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown case(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(CASES)}"
        )
    return names


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Load each case with wrk on loopback and print one table with "
        "the ratios (each from rounds measured back to back with its yardstick) and "
        "issue 7's targets.",
    )
    p.add_argument("--duration", type=_positive, default=10, help="seconds measured per round")
    p.add_argument("--warmup", type=_non_negative, default=3, help="seconds of warm-up per server")
    p.add_argument("--connections", type=_positive, default=32, help="wrk connections")
    p.add_argument(
        "--list-connections",
        type=_positive,
        default=1,
        help="wrk connections for list (its target is latency, not queueing under load)",
    )
    p.add_argument("--threads", type=_positive, default=1, help="wrk threads")
    p.add_argument(
        "--cases", type=_cases, default=tuple(CASES), help=f"comma-separated: {','.join(CASES)}"
    )
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the JSON")
    p.add_argument("--png", type=Path, default=None, help="draw the table here (matplotlib)")
    p.add_argument(
        "--readme",
        type=Path,
        action="append",
        default=None,
        help="also quote the table in this file, between its bench:start/end markers (repeatable)",
    )
    p.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/15",
        help="the Redis database hit-redis may write to (its keys are deleted after)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the exit status."""
    args = parser().parse_args(argv)
    wrk_path = wrk.find_wrk()
    if wrk_path is None:
        print("wrk is not installed: apt-get install -y wrk (Debian), then run again.")
        return 2
    options = Options(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        cases=args.cases,
        redis_url=args.redis_url,
        list_connections=args.list_connections,
    )
    machine = report.machine(wrk.version(wrk_path))
    meta = {
        "date": report.now(),
        "machine": machine,
        "options": {
            "duration": options.duration,
            "warmup": options.warmup,
            "connections": options.connections,
            "threads": options.threads,
            "list_connections": options.list_connections,
            "cases": list(options.cases),
        },
    }
    bench = Bench(options, wrk_path)
    measured: dict[str, CaseResult] = {}
    with contextlib.ExitStack() as stack:
        bench.start_sandbox(stack)  # every case needs it, ceiling for its bytes
        print("starting the yardsticks ...", file=sys.stderr, flush=True)
        start_yardsticks(bench, stack)  # up until the end, measured right before each pair
        for name in run_order(options.cases):
            print(f"running {name} ...", file=sys.stderr, flush=True)
            measured[name] = run_case(bench, name)
    machine["load_after"] = report.load_average()
    results = {name: measured[name] for name in CASES if name in measured}
    verdicts = targets.judge(results)
    table = report.text(results, verdicts, meta)
    print(table)
    report.write_json(args.json, report.document(results, verdicts, meta))
    print(f"\nJSON written to {args.json}")
    if args.png is not None:
        title = f"omi-gateway bench {meta['date']}"
        print(chart.draw(results, args.png, title))
    for readme in args.readme or ():
        quoted = report.update_readme(readme, table)
        print(f"table quoted in {readme}" if quoted else f"no bench markers in {readme}")
    return 1 if targets.summary(verdicts)["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
