"""Feed polling on the local stack: a feed served over loopback becomes incidents."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support import wait_for

from .conftest import Platform

pytestmark = pytest.mark.e2e

USGS = (Path(__file__).parents[1] / "unit" / "feeds" / "samples" / "usgs.geojson").read_bytes()


@pytest.fixture
def usgs_feed() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/geo+json")
            self.send_header("Content-Length", str(len(USGS)))
            self.end_headers()
            self.wfile.write(USGS)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/summary/4.5_day.geojson"
    server.shutdown()
    server.server_close()


def test_a_polled_feed_reaches_triage_and_an_incident(platform: Platform, usgs_feed: str) -> None:
    auth = {"Authorization": f"Bearer {platform.token('responder')}"}
    registered = requests.post(
        platform.url + "/v1/ops/feeds", json={"type": "usgs", "url": usgs_feed}, headers=auth, timeout=5
    )
    assert registered.status_code == 201, registered.text
    source_id = registered.json()["source_id"]
    assert (
        requests.post(f"{platform.url}/v1/ops/feeds/{source_id}/poll", headers=auth, timeout=5).status_code
        == 202
    )

    def earthquake_incidents() -> Any:
        items = requests.get(
            platform.url + "/v1/ops/incidents", params={"hazard": "earthquake"}, headers=auth, timeout=5
        ).json()["items"]
        return items if len(items) == 2 else None

    incidents = wait_for(earthquake_incidents, seconds=30)
    assert all(i["hazard"] == "earthquake" for i in incidents)
    reports = requests.get(platform.url + "/v1/ops/reports", headers=auth, timeout=5).json()["items"]
    assert {r["source"] for r in reports if r["hazard"] == "earthquake"} == {"feed:usgs"}
    health = requests.get(platform.url + "/v1/ops/feeds", headers=auth, timeout=5).json()["items"][0][
        "health"
    ]
    assert health["last_success_at"] is not None
