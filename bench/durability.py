"""What durability costs: request latency with the journal (every acknowledged write fsynced
before the answer) against snapshots only (as before the journal), side by side.

Three local platforms, each in a process of its own as ``make run`` starts it: with the
journal (what ``make run`` does), with the journal written but not fsynced (it would survive a
kill of the process, not of the machine: what fsync costs), and with snapshots only. Each has
a state folder of its own and no workers (the triage worker would compete for the CPU with
what is measured). Requests go to the three in turn, the order rotating, so that all see the
same machine. ``GET /health`` makes no AWS call: the control, ratios near 1.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from bench.__main__ import _pct, _table

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SIDES = {"journal": (True, True), "unsynced": (True, False), "snapshots": (False, False)}


def serve(side: str, port: int) -> None:
    """The platform of one side, until SIGTERM (run as ``python -m bench.durability``)."""
    from local.runtime import LocalPlatform

    stop: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _: stop.append(signum))
    durable, sync = SIDES[side]
    platform = LocalPlatform(
        api_port=port, snapshot_every=5.0, run_workers=False, durable=durable, journal_sync=sync
    )
    platform.start()
    print("ready", flush=True)
    while not stop:
        time.sleep(0.2)
    platform.stop()


def _start(side: str, state: Path) -> tuple[subprocess.Popen[str], str]:
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "AWS_", "POWERTOOLS_"))}
    env |= {
        "HAVEN_STATE_DIR": str(state),
        "HAVEN_LOOKUP_RATE_PER_MINUTE": "10000",
        "PYTHONPATH": os.pathsep.join(str(REPO / p) for p in ("shared", "functions/api", ".")),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.durability", "serve", side, str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(state / "platform.log").open("w"),
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the platform exited: {(state / 'platform.log').read_text()[-2000:]}")
        try:
            if requests.get(url + "/health", timeout=5).status_code == 200:
                return process, url
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the platform did not serve /health within 60 s")


def _report(n: int) -> dict[str, Any]:
    return {
        "category": "unknown",
        "description": f"Bench report {n}: water is rising near the school",
        "location": {"lat": 10.0 + (n % 100) * 0.01, "lon": 20.0 + (n % 97) * 0.01},
    }


def _person(n: int) -> dict[str, Any]:
    return {
        "full_name": f"Amina Benchmark{n}",
        "home_city": "Mosul",
        "author": {"name": "Farid Haddad", "email": "farid@example.org"},
    }


REQUESTS = (
    ("GET /health (no AWS call)", "GET", "/health", None, 200),
    ("POST /v1/reports", "POST", "/v1/reports", _report, 202),
    ("POST /v1/safety/people", "POST", "/v1/safety/people", _person, 201),
)


def durability_cost(n: int) -> None:
    state = REPO / "build" / "bench-state" / "durability"
    sides = {name: _start(name, state / name) for name in SIDES}
    try:
        session = requests.Session()
        rows = []
        for title, method, path, body, status in REQUESTS:
            samples: dict[str, list[float]] = {name: [] for name in sides}
            for i in range(-5, n):  # five to warm up, not counted
                names = list(sides)
                order = names[i % 3 :] + names[: i % 3]
                for name in order:
                    url = sides[name][1]
                    started = time.perf_counter()
                    payload = body(i + 5) if body else None
                    answer = session.request(method, url + path, json=payload, timeout=30)
                    if i >= 0:
                        samples[name].append((time.perf_counter() - started) * 1000)
                    if answer.status_code != status:
                        raise AssertionError(f"{title} on {name}: {answer.status_code} {answer.text[:300]}")
            median = {name: statistics.median(samples[name]) for name in sides}
            rows.append(
                [
                    title,
                    f"{median['journal']:.1f}",
                    f"{median['unsynced']:.1f}",
                    f"{median['snapshots']:.1f}",
                    f"{median['journal'] / median['snapshots']:.2f}",
                    f"{median['unsynced'] / median['snapshots']:.2f}",
                    f"{_pct(samples['journal'], 0.95):.1f}",
                    f"{_pct(samples['snapshots'], 0.95):.1f}",
                ]
            )
        writes = 2 * (n + 5)
        journaled = sum(1 for p in (state / "journal").glob("journal.*.jsonl") for _ in p.open())
    finally:
        for process, _ in sides.values():
            process.send_signal(signal.SIGTERM)
        for process, _ in sides.values():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    _table(
        f"Durability: request latency with the journal (fsync before the answer), the journal "
        f"unsynced and snapshots only, {n} each, in turn",
        [
            "request",
            "journal ms (median)",
            "unsynced ms",
            "snapshots ms",
            "journal / snapshots",
            "unsynced / snapshots",
            "journal p95",
            "snapshots p95",
        ],
        rows,
    )
    print(
        f"  journal records not yet folded into a snapshot at the end: {journaled} "
        f"(for {writes} writes and what they queued; one fsync per AWS call that changed state)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        durability_cost(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
