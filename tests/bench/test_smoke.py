"""The benchmark's one smoke test: it starts, measures two cases, and reports well-formed.

The benchmark itself is not part of the pass/fail suite; this only proves that
``python -m bench`` runs end to end (sandbox, gateway or naive app for the ceiling's
bytes, the ceiling kept up and measured right before upstream's round, wrk, table,
JSON) in a few seconds. The pairing logic has unit tests in ``test_pairing.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(
    r"^(?P<case>[\w-]+)\s+(?P<rps>\d+\.\d)\s+(?P<p50>\d+\.\d\d)\s+(?P<p99>\d+\.\d\d)\s"
)


def _require_wrk() -> None:
    if shutil.which("wrk") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is required in CI (apt-get install -y wrk)")
        pytest.skip("wrk is not installed (apt-get install -y wrk)")


def _bench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_two_cases_give_a_well_formed_table_and_json(tmp_path: Path) -> None:
    _require_wrk()
    out = tmp_path / "bench.json"

    done = _bench(
        "--duration", "1", "--warmup", "0", "--cases", "ceiling,upstream", "--json", str(out)
    )

    assert done.returncode == 0, done.stdout + done.stderr
    rows = {m["case"]: m for m in map(ROW.match, done.stdout.splitlines()) if m}
    assert set(rows) == {"ceiling", "upstream"}, done.stdout
    for row in rows.values():
        assert float(row["rps"]) > 0
        assert 0 < float(row["p50"]) <= float(row["p99"])
    assert "targets:" in done.stdout
    paired = r"ratios \(each the median of rounds measured back to back with the yardstick\): "
    assert re.search(paired + r"upstream/ceiling \d+\.\d%", done.stdout), done.stdout
    # The ceiling's only round is the one run right before upstream's.
    assert re.search(r"^ceiling .*  1 round, [\d,]+ req/s; \d+ B from", done.stdout, re.M)

    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {"date", "machine", "options", "cases", "ratios", "targets"} <= set(doc)
    assert doc["machine"]["nproc"] > 0
    assert doc["machine"]["cpu_model"]
    assert doc["machine"]["python"].startswith("3.")
    assert set(doc["cases"]) == {"ceiling", "upstream"}
    for name, case in doc["cases"].items():
        assert case["status"] == "ok", (name, case)
        for key in ("rps", "p50_ms", "p90_ms", "p99_ms", "requests", "seconds"):
            assert case[key] > 0, (name, key, case)
        assert case["errors"] == 0, (name, case)
    # The ceiling serves a real detail answer (our gateway's, or the naive one's).
    assert doc["cases"]["ceiling"]["body_bytes"] > 500
    assert doc["cases"]["ceiling"]["body_source"] in {"gateway", "naive"}
    ceiling_rounds = doc["cases"]["ceiling"]["rounds"]
    upstream_rounds = doc["cases"]["upstream"]["rounds"]
    assert len(ceiling_rounds) == len(upstream_rounds) == 1
    pair = upstream_rounds[0]["paired"]["ceiling"]
    assert pair["rps"] == ceiling_rounds[0]["rps"] > 0
    assert pair["ratio"] == pytest.approx(upstream_rounds[0]["rps"] / pair["rps"], abs=1e-3)
    assert doc["ratios"]["upstream/ceiling"]["rounds"] == [pair["ratio"]]
    assert doc["ratios"]["upstream/ceiling"]["median"] == pair["ratio"]
    assert doc["targets"]
    assert {t["status"] for t in doc["targets"]} <= {"PASS", "FAIL", "n/a"}


def test_without_wrk_it_says_how_to_install_it_and_exits_2(tmp_path: Path) -> None:
    done = _bench("--json", str(tmp_path / "none.json"), env={"PATH": str(tmp_path)})

    assert done.returncode == 2
    assert "apt-get install -y wrk" in done.stdout
    assert not (tmp_path / "none.json").exists()
