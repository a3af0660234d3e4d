"""``make bench`` keeps running: every bench, at the smallest sizes that go through its paths.

The benchmarks are not timed here (speed is measured by ``make bench``, side by side); this only
fails when one of them no longer runs or no longer finds what it looks for.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TABLES = (
    "Cold start: handler import, layers' bytecode as shipped",
    "Warm requests on the embedded AWS",
    "GET /v1/reports/{id}?token= (secret lookup)",
    "Clustering lookup",
    "Alert fan-out",
    "Roster with",
    "Referral delivery to a receiver",
    "Name search with",
    "Name variants:",
    "Feed ingest",
    "Message intake:",
    "SMS segments per reply template",
    "Durability: request latency",
    "Web budgets: the console in headless Chromium",
)


def test_every_bench_runs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "AWS_", "POWERTOOLS_"))}
    env |= {
        "HAVEN_STATE_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(str(REPO / p) for p in ("shared", "functions/api", ".")),
    }
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,  # the cold start's instruction counts (callgrind) take about 5 minutes
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert [title for title in TABLES if title not in run.stdout] == []
    # The cold start's headline is measured on Lambda's Python with the layers as built, not
    # skipped: the machines that run the suite have the 3.13 the layers' bytecode needs.
    assert "on Lambda's runtime (Python 3.13;" in run.stdout, run.stdout[:3000]
    # Its instructions are counted, not skipped (the baseline's count is printed): the bench
    # exits non-zero when a handler breaks its goal by them.
    assert re.search(r"^boto3 \(baseline\)\s+\d+\s+1\.00\s+\d+ M\s", run.stdout, re.M), run.stdout[:3000]
