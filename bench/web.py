"""Web budgets (issue 14): the console in headless Chromium against the local stack.

Measured, each in a fresh browser profile (a cold cache), on the platform ``make run`` starts
with N incidents stored:

- the JavaScript of the console shell (gzip, as sent; the map library is loaded only with the
  map), against 150 KB, and everything the map page downloaded, against 450 KB;
- the first meaningful render of the incident map: from opening the incidents screen to the
  map having drawn incidents, against 2 s, side by side with a bare page of the same origin
  (``/health``) loaded in a fresh profile too, as numbers and their ratio;
- panning the map with the N incidents in the list and on the map, for longer than one poll of
  the list: the gaps between animation frames and the long tasks (Long Tasks API); no frame
  may take over 100 ms.

``python -m bench.web N`` runs this section alone; ``make bench`` runs it last. A broken budget
fails the bench. The browser tests use the same measuring code (``Downloads``, the budgets).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
#: The web apps as ``make web`` builds them, and what that build is made from (the Makefile's
#: ``WEB_SOURCES``): tests and benches serve the build, they never write it.
WEB_BUILD = REPO / "build" / "web"
WEB_SOURCES = ("src", "console", "pwa", "index.html", "vite.config.mjs", "package.json", "tsconfig.json")


class StaleWebBuild(RuntimeError):
    """``build/web`` is missing, or older than a source of the apps."""


def require_web_build(repo: Path = REPO) -> None:
    """Check that ``build/web`` holds both apps, built after their last source change.

    Never builds: a test worker rebuilding ``build/web`` while another serves it made pages
    find the apps missing. ``make test``, ``make run`` and ``make bench`` build first."""
    build = repo / WEB_BUILD.relative_to(REPO)
    pages = [build / "index.html", build / "console" / "index.html"]
    missing = [str(page.relative_to(repo)) for page in pages if not page.exists()]
    if missing:
        raise StaleWebBuild(f"{', '.join(missing)} missing: run `make web`")
    built = min(page.stat().st_mtime for page in pages)
    roots = [repo / "web" / name for name in WEB_SOURCES]
    sources = [f for root in roots for f in ([root] if root.is_file() else root.rglob("*")) if f.is_file()]
    newer = sorted(str(f.relative_to(repo)) for f in sources if f.stat().st_mtime > built)
    if newer:
        raise StaleWebBuild(f"build/web is older than {newer[0]} (and {len(newer) - 1} more): run `make web`")


#: Flags for a quiet, reproducible headless Chromium that calls nobody but the page's origin.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Issue 14's budgets: the console shell's JavaScript without the map library, and the map page
#: in total, both as gzip sends them; the map's first render on a cold cache; the longest frame.
SHELL_JS_BUDGET = 150 * 1024
#: Issue 20's budget: the public app's report page, its JavaScript as gzip sends it (a phone on
#: a slow network; the map library loads only when the map is opened).
PUBLIC_REPORT_JS_BUDGET = 100 * 1024
MAP_PAGE_BUDGET = 450 * 1024
FIRST_RENDER_BUDGET_S = 2.0
FRAME_BUDGET_MS = 100.0
#: How long the map is panned: longer than one poll of the list (5 s), so a poll is measured too.
PAN_SECONDS = 7.0


class Downloads:
    """Every file of the web apps a tab downloaded from ``origin``: (path, bytes, gzip size)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.files: list[tuple[str, int, int]] = []

    def record(self, response: Any) -> None:
        """A Playwright ``Response`` (``page.on("response", downloads.record)``)."""
        path = urlsplit(response.url).path
        if (
            response.url.startswith(self.origin)
            and path.startswith(("/console/", "/assets/"))
            and response.ok
        ):
            body = response.body()
            self.files.append((path, len(body), len(gzip.compress(body, compresslevel=9))))

    def shipped(self, suffix: str = "") -> int:
        """Bytes downloaded so far, as gzip sends them, of files whose name ends with ``suffix``."""
        return sum(size for path, _, size in self.files if path.endswith(suffix))


# --- N incidents, written straight into the platform's table (as bench/surge.py stores) ----------


def seed(count: int) -> None:
    """N new incidents in the platform's table (run with its environment), one batch write,
    spread between 55° S and 60° N (each its own place)."""
    from haven.adapters.dynamo.models.crisis import Incident
    from haven.crisis.taxonomy import Hazard, hazard_cell_key
    from haven.geo import Point
    from haven.ids import new_id

    rng = random.Random(14)
    now = datetime.now(UTC).isoformat()
    hazards = list(Hazard)
    with Incident.batch_write() as batch:
        for _ in range(count):
            point = Point(rng.uniform(-55, 60), rng.uniform(-170, 170))
            hazard = rng.choice(hazards)
            batch.save(
                Incident(
                    incident_id=new_id(),
                    hazard=hazard.value,
                    category="other_relevant_information",
                    hazard_cell=hazard_cell_key(hazard, point),
                    status="new",
                    lat=point.lat,
                    lon=point.lon,
                    radius_km=1.0,
                    report_count=rng.randint(1, 20),
                    people_affected=0,
                    severity=rng.choice(["Minor", "Moderate", "Severe", "Extreme"]),
                    credibility=0.5,
                    opened_at=now,
                    last_report_at=now,
                    updated_at=now,
                    version=1,
                )
            )


def _seed_into(platform: Any, count: int) -> None:
    from tests.e2e.conftest import _env

    env = _env(platform.state_dir)
    script = (
        "import os, sys; from local.environment import function_environment;"
        f" os.environ.update(function_environment('http://127.0.0.1:{platform.aws_port}'));"
        f" from bench.web import seed; seed({count})"
    )
    subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, check=True)


# --- the browser ---------------------------------------------------------------------------------

#: Installed before panning: every gap between animation frames, and the Long Tasks API's entries.
_FRAME_RECORDER = """() => {
  window.benchFrames = []; window.benchLongTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.benchLongTasks.push(e.duration);
  }).observe({ type: "longtask" });
  let last = performance.now();
  const tick = (now) => {
    window.benchFrames.push(now - last);
    last = now;
    if (!window.benchStop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
_DRAWN = "() => Number(document.querySelector('[data-drawn-incidents]')?.dataset.drawnIncidents ?? 0) > 0"


#: The list holds every incident read once its count says so (it shows 100 rows at a time).
_LISTED = "n => document.querySelector('[data-incident-count]')?.dataset.incidentCount === String(n)"


def _measure(urls: dict[str, str], count: int, runs: int) -> dict[str, dict[str, Any]]:
    """Each build (by name, at its URL) measured ``runs`` times, the builds taking turns in each
    round so that a busy moment of the machine falls on both alike."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, Any]] = {name: {"bare_s": [], "render_s": [], "list_s": []} for name in urls}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profiles:
        made = iter(range(1_000_000))

        def fresh() -> Any:
            context = playwright.chromium.launch_persistent_context(
                str(Path(profiles) / str(next(made))),
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1280, "height": 800},
                locale="en-GB",
            )
            context.set_default_timeout(60_000)
            return context

        for run in range(runs):  # side by side: a bare page, then the map, each on a cold cache
            for name, url in urls.items():
                _measure_once(fresh, url, count, results[name], last=run == runs - 1, pan_every=len(urls) > 1)
    return results


def public_report_js(url: str) -> int:
    """The JavaScript the public app's report page downloads on a cold cache, gzip, in bytes."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 360, "height": 640}, is_mobile=True, locale="en-GB",
        )  # fmt: skip
        try:
            page = context.new_page()
            downloads = Downloads(url)
            page.on("response", downloads.record)
            page.goto(f"{url}/#/report")
            expect(page.get_by_role("button", name="Send the report")).to_be_visible()
            page.wait_for_load_state("networkidle")
            return downloads.shipped(".js")
        finally:
            context.close()


def _measure_once(
    fresh: Any, url: str, count: int, results: dict[str, Any], *, last: bool, pan_every: bool
) -> None:
    context = fresh()
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url + "/health", wait_until="load")
    results["bare_s"].append(time.perf_counter() - started)
    if last or pan_every:  # the machine's own frame gaps, under the same mouse
        bare_box = {"x": 0.0, "y": 0.0, "width": 1280.0, "height": 800.0}
        _keep(results, "bare_", _pan(page, bare_box))
    context.close()

    context = fresh()
    page = context.new_page()
    downloads = Downloads(url)
    page.on("response", downloads.record)
    page.goto(url + "/console/#/sign-in")
    page.get_by_label("Role").select_option("responder")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    shell_js = downloads.shipped(".js")
    started = time.perf_counter()
    page.get_by_role("navigation").get_by_role("link", name="Incidents").click()
    page.wait_for_function(_DRAWN, polling="raf")
    results["render_s"].append(time.perf_counter() - started)
    # A build from before the list's pages listed every row; this one says its count.
    listed = f"n => ({_LISTED})(n) || document.querySelectorAll('tbody tr').length === n"
    page.wait_for_function(listed, arg=count)
    results["list_s"].append(time.perf_counter() - started)
    results["shell_js"] = shell_js
    results["map_page"] = downloads.shipped()
    results["maplibre_loaded"] = any("maplibre" in p for p, _, _ in downloads.files)
    if last or pan_every:
        _keep(results, "", _pan(page, page.get_by_role("region", name="Incident map").bounding_box()))
    context.close()


def _keep(results: dict[str, Any], prefix: str, panned: dict[str, Any]) -> None:
    """The pan's measures, the median over the rounds that panned (each round's in ``..._each``)."""
    for key, value in panned.items():
        each = results.setdefault(f"{prefix}{key}_each", [])
        each.append(value)
        results[f"{prefix}{key}"] = statistics.median(each)


def _pan(page: Any, box: dict[str, float]) -> dict[str, Any]:
    """Drag across ``box`` back and forth for PAN_SECONDS, as a responder looking around does."""
    page.wait_for_timeout(1000)  # the first render's work done: what is measured is the panning
    page.evaluate(_FRAME_RECORDER)
    x0, x1, y = box["x"] + box["width"] * 0.2, box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2
    started = time.perf_counter()
    forth = True
    while time.perf_counter() - started < PAN_SECONDS:
        page.mouse.move(x0 if forth else x1, y)
        page.mouse.down()
        page.mouse.move(x1 if forth else x0, y + (20 if forth else -20), steps=30)
        page.mouse.up()
        forth = not forth
    page.evaluate("() => { window.benchStop = true; }")
    frames = page.evaluate("window.benchFrames")[1:]
    long_tasks = page.evaluate("window.benchLongTasks")
    return {
        "frames": len(frames),
        "worst_frame_ms": max(frames, default=0.0),
        "p95_frame_ms": sorted(frames)[int(0.95 * (len(frames) - 1))] if frames else 0.0,
        "long_tasks": len(long_tasks),
        "worst_task_ms": max(long_tasks, default=0.0),
        "slow_frames": sum(1 for f in frames if f > FRAME_BUDGET_MS),
    }


def web_budgets(count: int, runs: int = 3, *, timed: bool = True, before: Path | None = None) -> bool:
    """Print the web section; whether every budget held (``timed=False``: sizes only, as the
    suite's smoke run does, where a shared machine's wall clock is noise). ``before``: another
    build of the apps (``vite build --outDir DIR``, say of an earlier commit), served by a second
    platform with the same incidents and measured in the same rounds, shown beside this one."""
    from bench.__main__ import _table
    from tests.e2e.conftest import start_platform

    if not CHROMIUM.exists():
        print("\nWeb budgets: no /usr/bin/chromium (apt-get install -y chromium)")
        return False
    require_web_build()
    state = Path(os.environ.get("HAVEN_STATE_DIR", REPO / "build" / "bench-state")) / "web"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    platforms = {"now": start_platform(state)}
    if before is not None:
        (state / "before").mkdir()
        platforms["before"] = start_platform(state / "before", extra_env={"HAVEN_WEB_ROOT": str(before)})
    try:
        for running in platforms.values():
            _seed_into(running, count)  # the same incidents (seeded) on both
        all_measured = _measure({name: running.url for name, running in platforms.items()}, count, runs)
        report_js = public_report_js(platforms["now"].url)
    finally:
        for running in platforms.values():
            running.stop()
    if before is not None:
        _print_side_by_side(all_measured, count, runs)
    measured = all_measured["now"]
    bare, render = statistics.median(measured["bare_s"]), statistics.median(measured["render_s"])
    checks = [
        ("public app report page JS, gzip", f"{report_js / 1024:.1f} KB", "100 KB",
         0 < report_js <= PUBLIC_REPORT_JS_BUDGET, True),
        ("console shell JS, gzip", f"{measured['shell_js'] / 1024:.1f} KB", "150 KB",
         0 < measured["shell_js"] <= SHELL_JS_BUDGET, True),
        ("map page in total, gzip", f"{measured['map_page'] / 1024:.1f} KB", "450 KB",
         measured["map_page"] <= MAP_PAGE_BUDGET and measured["maplibre_loaded"], True),
        (f"bare page /health, cold (median of {runs})", f"{bare * 1000:.0f} ms", "", True, False),
        (f"map drawn with {count:,} incidents, cold (median of {runs})", f"{render * 1000:.0f} ms", "2000 ms",
         render <= FIRST_RENDER_BUDGET_S, timed),
        ("ratio map / bare page", f"{render / bare:.1f}", "", True, False),
        (f"all {count:,} incidents in the list (read in pages of 100)",
         f"{statistics.median(measured['list_s']) * 1000:.0f} ms", "", True, False),
        (f"worst frame panning {PAN_SECONDS:.0f} s ({measured['frames']} frames)",
         f"{measured['worst_frame_ms']:.0f} ms", "100 ms",
         measured["worst_frame_ms"] <= FRAME_BUDGET_MS, timed),
        ("same gestures on the bare page: worst frame",
         f"{measured['bare_worst_frame_ms']:.0f} ms", "", True, False),
        ("95th percentile frame: map / bare page",
         f"{measured['p95_frame_ms']:.0f} / {measured['bare_p95_frame_ms']:.0f} ms", "", True, False),
        ("long tasks while panning (worst)",
         f"{measured['long_tasks']} ({measured['worst_task_ms']:.0f} ms)", "", True, False),
    ]  # fmt: skip

    def verdict(budget: str, held: bool, enforced: bool) -> str:
        if not budget:
            return ""
        if enforced:
            return "ok" if held else "BROKEN"
        return "within" if held else "over (not enforced)"

    rows = [[what, value, budget, verdict(budget, held, on)] for what, value, budget, held, on in checks]
    _table(
        f"Web budgets: the console in headless Chromium, {count:,} incidents, cold cache",
        ["measure", "value", "budget", "verdict"],
        rows,
    )
    if not timed:
        print("(timings shown, not enforced in --smoke: budgets are enforced by make bench)")
    return all(held for _, _, budget, held, enforced in checks if budget and enforced)


def _print_side_by_side(measured: dict[str, dict[str, Any]], count: int, runs: int) -> None:
    from bench.__main__ import _table

    def row(what: str, key: str, scale: float = 1000.0, unit: str = "ms") -> list[str]:
        def one(m: dict[str, Any]) -> str:
            value = m[key]
            if isinstance(value, list):
                each = ", ".join(f"{v * scale:.0f}" for v in value)
                return f"{statistics.median(value) * scale:.0f} {unit} ({each})"
            return f"{value / 1024:.1f} KB" if unit == "KB" else f"{value * scale:.0f} {unit}"

        return [what, one(measured["before"]), one(measured["now"])]

    _table(
        f"Web budgets side by side: {count:,} incidents, cold cache, {runs} rounds in turn: median (each)",
        ["measure", "before", "now"],
        [
            row("map drawn", "render_s"),
            row("all incidents in the list", "list_s"),
            row("bare page /health", "bare_s"),
            row("worst frame panning", "worst_frame_ms_each", 1.0),
            row("95th percentile frame", "p95_frame_ms_each", 1.0),
            row("frames over 100 ms", "slow_frames_each", 1.0, ""),
            row("frames drawn in 7 s", "frames_each", 1.0, ""),
            row("bare page: worst frame, same gestures", "bare_worst_frame_ms_each", 1.0),
            row("map page in total, gzip", "map_page", unit="KB"),
        ],
    )


if __name__ == "__main__":
    os.environ.setdefault("HAVEN_STATE_DIR", str(REPO / "build" / "bench-state"))
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    before_dir = next((Path(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--before=")), None)
    ok = web_budgets(
        int(args[0]) if args else 1000,
        int(args[1]) if len(args) > 1 else 3,
        before=before_dir,
    )
    print(json.dumps({"web_budgets": "held" if ok else "broken"}))
    sys.exit(0 if ok else 1)
