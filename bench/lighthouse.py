"""The public app under Lighthouse (issue 20): the report and alerts pages, on the local stack,
audited by the ``lighthouse`` npm package (web/package.json) driving Debian's Chromium with its
default mobile emulation and simulated throttling (a mid-range phone on a slow 4G link). Prints
the performance, accessibility and best-practices scores against the targets (90, 95, 90).

The scores are printed, not enforced: on a shared machine the performance score moves with
the load of its neighbours. ``python -m bench.lighthouse`` runs this section alone; ``make
bench`` runs it after the web budgets.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "web" / "node_modules" / ".bin" / "lighthouse"
#: The pages audited, by their hash route.
PAGES = {"report": "#/report", "alerts": "#/alerts"}
#: Issue 20's targets, by Lighthouse category id.
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 90}


#: Lighthouse sometimes loses its trace of a page load on a loaded machine (NO_NAVSTART): tried again.
TRIES = 3


def audit(url: str) -> dict[str, Any]:
    """Lighthouse's report of ``url`` (JSON), in a fresh Chromium profile, tried up to TRIES times."""
    for attempt in range(1, TRIES + 1):
        try:
            return _audit_once(url)
        except RuntimeError:
            if attempt == TRIES:
                raise
    raise AssertionError("unreachable")


def _audit_once(url: str) -> dict[str, Any]:
    from bench.web import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as profile:
        flags = [arg for arg in CHROMIUM_ARGS if arg != "--headless"]
        flags += ["--headless=new", f"--user-data-dir={profile}"]
        done = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                "--output-path=stdout",
                f"--only-categories={','.join(TARGETS)}",
                f"--chrome-flags={' '.join(flags)}",
            ],
            env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def failing_audits(report: dict[str, Any], category: str) -> list[str]:
    """The audits of ``category`` that lost points, worst first (what to fix)."""
    audits = report["audits"]
    refs = report["categories"][category]["auditRefs"]
    lost = [
        (ref["weight"] * (1 - (audits[ref["id"]]["score"] or 0)), audits[ref["id"]]["title"])
        for ref in refs
        if ref["weight"] and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1
    ]
    return [title for _, title in sorted(lost, reverse=True)[:3]]


def lighthouse_scores() -> dict[str, dict[str, int]]:
    """Print the section; the scores by page and category."""
    from bench.__main__ import _table
    from bench.web import CHROMIUM, require_web_build
    from tests.e2e.conftest import start_platform

    if not CHROMIUM.exists() or not LIGHTHOUSE.exists():
        print("\nLighthouse: needs /usr/bin/chromium and web/node_modules (cd web && npm ci)")
        return {}
    require_web_build()
    state = Path(os.environ.get("HAVEN_STATE_DIR", REPO / "build" / "bench-state")) / "lighthouse"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    platform = start_platform(state)
    scores: dict[str, dict[str, int]] = {}
    notes: list[str] = []
    try:
        for page, route in PAGES.items():
            try:
                report = audit(f"{platform.url}/{route}")
            except RuntimeError as error:
                notes.append(f"{page}: not measured ({str(error)[-300:]})")
                scores[page] = dict.fromkeys(TARGETS, 0)
                continue
            scores[page] = {c: round(report["categories"][c]["score"] * 100) for c in TARGETS}
            for category, target in TARGETS.items():
                if scores[page][category] < target:
                    notes.append(f"{page} {category}: {'; '.join(failing_audits(report, category))}")
    finally:
        platform.stop()
    rows = [
        [page, category, str(score), f">= {target}", "met" if score >= target else "below"]
        for page in PAGES
        for category, target in TARGETS.items()
        for score in (scores[page][category],)
    ]
    _table(
        "Lighthouse: the public app, mobile emulation with simulated slow 4G (scores shown, not enforced)",
        ["page", "category", "score", "target", "verdict"],
        rows,
    )
    for note in notes:
        print(f"  lost points: {note}")
    return scores


if __name__ == "__main__":
    os.environ.setdefault("HAVEN_STATE_DIR", str(REPO / "build" / "bench-state"))
    print(json.dumps(lighthouse_scores()))
