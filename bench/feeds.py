"""Feed ingest rate (issue 4's bench): parse → dedupe → relevance for one large feed.

A USGS GeoJSON summary feed of ``items`` earthquakes is built in memory: points around the
world, a fifth of them already stored (half of those repeats, half revised since), and a source
whose area of interest (a 2,000 km circle on the eastern Mediterranean) keeps most of them out.
Each run times the pure stages of a poll, no AWS and no network: the connector's parse, the
dedupe decision against the stored (native id → update time) pairs, and the relevance decision
(area, keywords, location; the classifier runs in triage) on what is new or revised. Rates are
feed items per second.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.__main__ import _table

_RUNS = 3
_PLACES = ("Ayvacik, Turkey", "Athens, Greece", "Izmir, Turkey", "Crete, Greece", "Fiji Islands", "Chile")


def _feature(native_id: str, updated: datetime, rng: random.Random) -> dict[str, Any]:
    magnitude = round(rng.uniform(4.5, 7.5), 1)
    place = f"{rng.randint(1, 90)} km N of {rng.choice(_PLACES)}"
    return {
        "type": "Feature",
        "id": native_id,
        "properties": {
            "mag": magnitude,
            "place": place,
            "time": int(updated.timestamp() * 1000) - 60_000,
            "updated": int(updated.timestamp() * 1000),
            "type": "earthquake",
            "title": f"M {magnitude} - {place}",
        },
        "geometry": {"type": "Point", "coordinates": [rng.uniform(-180, 180), rng.uniform(-60, 70), 10.0]},
    }


def _feed(items: int, rng: random.Random) -> tuple[bytes, dict[str, datetime]]:
    """The body and what is already stored of it (native id → stored update time)."""
    start = datetime(2026, 1, 2, tzinfo=UTC)
    features = []
    stored: dict[str, datetime] = {}
    for n in range(items):
        native_id, updated = f"us7{n:07d}", start + timedelta(seconds=n)
        features.append(_feature(native_id, updated, rng))
        if n % 5 == 0:  # stored: a repeat, or revised since it was stored
            stored[native_id] = updated if n % 10 == 0 else updated - timedelta(minutes=5)
    return json.dumps({"type": "FeatureCollection", "features": features}).encode(), stored


def _run(body: bytes, stored: dict[str, datetime]) -> tuple[list[float], Counter[str]]:
    """Seconds of each stage and the relevance verdicts of one poll's worth of work."""
    from haven.areas import Circle
    from haven.feeds.connectors.catalog import CONNECTORS
    from haven.feeds.polling import judge, latest_revisions
    from haven.feeds.sources import FeedSource, Settings
    from haven.geo import Point

    source = FeedSource(
        "01J0000000000000000000BENCH",
        Settings("usgs", "https://feed.example/all.geojson", area=Circle(Point(37.0, 25.0), 1000)),
        "2026-01-01T00:00:00+00:00",
        "2026-01-01T00:00:00+00:00",
        datetime(2026, 1, 2, tzinfo=UTC),
    )
    started = time.perf_counter()
    page = CONNECTORS["usgs"].parse(body, {"content-type": "application/geo+json"}, None)
    parsed = time.perf_counter()
    fresh = [
        item
        for item in latest_revisions(page.items)
        if item.native_id not in stored or item.updated_at > stored[item.native_id]
    ]
    deduped = time.perf_counter()
    verdicts = Counter(judge(source, item)[1] for item in fresh)
    judged = time.perf_counter()
    verdicts["repeat"] = len(page.items) - len(fresh)
    return [parsed - started, deduped - parsed, judged - deduped], verdicts


def feed_ingest_rate(items: int) -> None:
    body, stored = _feed(items, random.Random(4))
    runs = [_run(body, stored) for _ in range(_RUNS)]
    stages = [statistics.median(run[0][i] for run in runs) for i in range(3)]
    verdicts = runs[0][1]
    rows = [
        [name, f"{seconds * 1000:.1f}", f"{items / seconds:,.0f}"]
        for name, seconds in zip(("parse", "dedupe", "relevance"), stages, strict=True)
    ]
    rows.append(["total", f"{sum(stages) * 1000:.1f}", f"{items / sum(stages):,.0f}"])
    _table(
        f"Feed ingest: {items:,} items, {len(body) / 1e6:.1f} MB "
        f"(median of {_RUNS}; {', '.join(f'{k} {v}' for k, v in sorted(verdicts.items()))})",
        ["stage", "ms", "feed items/s"],
        rows,
    )
