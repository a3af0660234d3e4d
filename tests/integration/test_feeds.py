"""Feed sources over the API, the schedule and the poll worker, on mocked AWS and a real
loopback HTTP feed: items reach triage and an incident."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

from local import tokens
from local.dispatcher import sqs_event
from local.lambda_context import LambdaContext
from tests.drip_server import drip_server

USGS = (Path(__file__).parents[1] / "unit" / "feeds" / "samples" / "usgs.geojson").read_bytes()


@pytest.fixture
def feed() -> Iterator[dict[str, Any]]:
    served: dict[str, Any] = {"body": USGS, "status": 200, "hits": 0, "headers": {}}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            served["hits"] += 1
            served["hit_at"] = time.monotonic()
            self.send_response(served["status"])
            self.send_header("Content-Type", "application/geo+json")
            for name, value in served["headers"].items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(served["body"])))
            self.end_headers()
            self.wfile.write(served["body"])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served["url"] = f"http://127.0.0.1:{server.server_address[1]}/summary.geojson"
    yield served
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    import app as api

    with Client(api.app) as c:
        yield c


def _auth() -> dict[str, str]:
    return {
        "Authorization": f"Bearer {tokens.mint('responder', subject='responder-1')}",
        "Content-Type": "application/json",
    }


def _drain(queue_env: str, module: Any, name: str) -> dict[str, Any]:
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(
        QueueUrl=os.environ[queue_env], MaxNumberOfMessages=10, AttributeNames=["All"]
    ).get("Messages", [])
    if not messages:
        return {"count": 0, "batchItemFailures": []}
    result: dict[str, Any] = module.handler(
        sqs_event(messages, f"arn:aws:sqs:eu-west-1:123456789012:{name}"), LambdaContext(name)
    )
    for m in messages:
        sqs.delete_message(QueueUrl=os.environ[queue_env], ReceiptHandle=m["ReceiptHandle"])
    return {"count": len(messages), **result}


def _register(client: Any, url: str, **extra: Any) -> dict[str, Any]:
    response = client.http.post(
        "/v1/ops/feeds", headers=_auth(), body=json.dumps({"type": "usgs", "url": url, **extra})
    )
    assert response.status_code == 201, response.body
    return response.json_body  # type: ignore[no-any-return]


def test_a_polled_feed_reaches_triage_and_opens_incidents(client: Any, feed: dict[str, Any]) -> None:
    from functions.feed_poller import handler as poller
    from functions.feed_scheduler import handler as scheduler
    from functions.triage import handler as triage

    source = _register(client, feed["url"])
    assert scheduler.handler({}, LambdaContext("feed-scheduler")) == {"queued": 1}
    assert scheduler.handler({}, LambdaContext("feed-scheduler")) == {"queued": 0}  # claimed
    assert _drain("HAVEN_QUEUE_FEED_POLL", poller, "feed-poll")["batchItemFailures"] == []
    triaged = _drain("HAVEN_QUEUE_REPORT_INTAKE", triage, "report-intake")
    assert triaged["count"] == 2
    assert triaged["batchItemFailures"] == []
    incidents = client.http.get("/v1/ops/incidents?hazard=earthquake", headers=_auth()).json_body["items"]
    assert len(incidents) == 2
    reports = client.http.get("/v1/ops/reports?status=linked", headers=_auth()).json_body["items"]
    assert {r["source"] for r in reports} == {"feed:usgs"}

    # Polling again on demand: the same items are repeats, nothing new reaches triage.
    assert client.http.post(f"/v1/ops/feeds/{source['source_id']}/poll", headers=_auth()).status_code == 202
    _drain("HAVEN_QUEUE_FEED_POLL", poller, "feed-poll")
    assert _drain("HAVEN_QUEUE_REPORT_INTAKE", triage, "report-intake")["count"] == 0
    listed = client.http.get("/v1/ops/feeds", headers=_auth()).json_body["items"]
    assert listed[0]["health"]["consecutive_failures"] == 0
    assert listed[0]["health"]["last_success_at"] is not None


def test_a_slow_feed_holds_neither_the_poller_past_its_deadline_nor_the_other_sources(
    client: Any, feed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source dripping its answer a byte at a time, first in the batch: the healthy source
    after it is fetched at once, and the slow one gives up at the deadline, recorded as failed."""
    from functions.feed_poller import handler as poller
    from haven.adapters import feeds

    monkeypatch.setattr(feeds, "DEADLINE_SECONDS", 3.0)
    with drip_server(interval_s=0.2) as slow_feed:
        slow = _register(client, slow_feed.url + "/summary.geojson")
        healthy = _register(client, feed["url"])
        batch = [
            {
                "MessageId": f"m{n}",
                "ReceiptHandle": f"r{n}",
                "Body": json.dumps({"source_id": s["source_id"]}),
            }
            for n, s in enumerate((slow, healthy))
        ]
        started = time.monotonic()
        result = poller.handler(
            sqs_event(batch, "arn:aws:sqs:eu-west-1:123456789012:feed-poll"), LambdaContext("feed-poller")
        )
        took = time.monotonic() - started

    assert result["batchItemFailures"] == []
    assert feed["hit_at"] - started < 2.0  # not after the slow source's 3 s
    assert 3.0 <= took < 8.0  # the slow source's deadline, not its 16 s of dripping
    health = {
        item["source_id"]: item["health"]
        for item in client.http.get("/v1/ops/feeds", headers=_auth()).json_body["items"]
    }
    assert "TimeoutError" in health[slow["source_id"]]["last_error"]
    assert health[healthy["source_id"]]["consecutive_failures"] == 0


def test_a_broken_feed_is_recorded_and_moves_no_cursor(client: Any, feed: dict[str, Any]) -> None:
    from functions.feed_poller import handler as poller

    source = _register(client, feed["url"])
    feed["body"] = USGS[:300]
    client.http.post(f"/v1/ops/feeds/{source['source_id']}/poll", headers=_auth())
    _drain("HAVEN_QUEUE_FEED_POLL", poller, "feed-poll")
    (listed,) = client.http.get("/v1/ops/feeds", headers=_auth()).json_body["items"]
    assert listed["cursor"] is None
    assert listed["health"]["consecutive_failures"] == 1
    assert "FeedFormatError" in listed["health"]["last_error"]
    assert _drain("HAVEN_QUEUE_REPORT_INTAKE", poller, "report-intake")["count"] == 0


def test_a_rate_limited_feed_is_polled_again_only_after_the_reset(client: Any, feed: dict[str, Any]) -> None:
    from functions.feed_poller import handler as poller

    source = _register(client, feed["url"], interval_minutes=1)
    reset = int(time.time()) + 120
    feed["status"] = 429
    feed["headers"] = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    client.http.post(f"/v1/ops/feeds/{source['source_id']}/poll", headers=_auth())
    _drain("HAVEN_QUEUE_FEED_POLL", poller, "feed-poll")
    (listed,) = client.http.get("/v1/ops/feeds", headers=_auth()).json_body["items"]
    assert listed["health"]["last_error"] == "FetchFailed: HTTP 429"
    assert datetime.fromisoformat(listed["next_poll_at"]).timestamp() > reset


def test_sources_are_validated_locked_and_deleted(client: Any, feed: dict[str, Any]) -> None:
    bad = client.http.post(
        "/v1/ops/feeds",
        headers=_auth(),
        body=json.dumps({"type": "x", "url": "http://10.0.0.1/feed", "query": "flood"}),
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json_body["errors"]} == {"url", "credentials_ref"}
    box = [[20, 35], [30, 35], [30, 42], [20, 42], [20, 35]]
    source = _register(client, feed["url"], area={"polygons": [box]})
    path = f"/v1/ops/feeds/{source['source_id']}"
    changed = client.http.patch(
        path, headers=_auth(), body=json.dumps({"expected_version": 1, "enabled": False})
    )
    assert changed.status_code == 200
    assert changed.json_body["enabled"] is False
    stale = client.http.patch(
        path, headers=_auth(), body=json.dumps({"expected_version": 1, "interval_minutes": 9})
    )
    assert stale.status_code == 409
    assert stale.json_body["current_version"] == 2
    assert client.http.get("/v1/ops/feeds?enabled=false", headers=_auth()).json_body["items"][0]["area"] == {
        "polygons": [[[float(lon), float(lat)] for lon, lat in box]],
        "circles": [],
    }
    assert client.http.delete(path, headers=_auth()).status_code == 204
    assert client.http.post(f"{path}/poll", headers=_auth()).status_code == 404
    anonymous = client.http.get("/v1/ops/feeds")
    assert anonymous.status_code == 401


def _x_source(url: str, credentials_ref: str) -> dict[str, Any]:
    return {"type": "x", "url": url, "query": "flood", "credentials_ref": credentials_ref}


def _store_secret(name: str) -> None:
    boto3.client("secretsmanager").create_secret(
        Name=f"{os.environ['HAVEN_TABLE_PREFIX']}/{name}", SecretString="bearer"
    )


def test_a_credentials_reference_must_name_a_stored_secret(client: Any, feed: dict[str, Any]) -> None:
    missing = client.http.post(
        "/v1/ops/feeds", headers=_auth(), body=json.dumps(_x_source(feed["url"], "feeds/not-stored"))
    )
    assert missing.status_code == 422, missing.body
    assert [e["field"] for e in missing.json_body["errors"]] == ["credentials_ref"]
    boto3.client("secretsmanager").create_secret(Name="feeds/not-stored", SecretString="not this stage's")
    assert (
        client.http.post(
            "/v1/ops/feeds", headers=_auth(), body=json.dumps(_x_source(feed["url"], "feeds/not-stored"))
        ).status_code
        == 422
    )

    _store_secret("feeds/x-token")
    source = _register(client, **_x_source(feed["url"], "feeds/x-token"))
    changed = client.http.patch(
        f"/v1/ops/feeds/{source['source_id']}",
        headers=_auth(),
        body=json.dumps({"expected_version": 1, "credentials_ref": "feeds/gone"}),
    )
    assert changed.status_code == 422, changed.body
    assert [e["field"] for e in changed.json_body["errors"]] == ["credentials_ref"]


def test_a_poll_whose_secret_is_gone_counts_in_the_sources_health(client: Any, feed: dict[str, Any]) -> None:
    from functions.feed_poller import handler as poller

    _store_secret("feeds/x-token")
    source = _register(client, **_x_source(feed["url"], "feeds/x-token"))
    boto3.client("secretsmanager").delete_secret(
        SecretId=f"{os.environ['HAVEN_TABLE_PREFIX']}/feeds/x-token", ForceDeleteWithoutRecovery=True
    )
    for polls in (1, 2):
        client.http.post(f"/v1/ops/feeds/{source['source_id']}/poll", headers=_auth())
        assert _drain("HAVEN_QUEUE_FEED_POLL", poller, "feed-poll")["batchItemFailures"] == []
        (listed,) = client.http.get("/v1/ops/feeds", headers=_auth()).json_body["items"]
        assert listed["health"]["consecutive_failures"] == polls
        assert "feeds/x-token" in listed["health"]["last_error"]
    assert feed["hits"] == 0  # nothing sent without the token


def test_credentials_references_are_read_as_this_stages_secrets(aws: None) -> None:
    from haven.adapters.feeds import SecretsManagerCredentials

    secrets = boto3.client("secretsmanager")
    secrets.create_secret(Name=f"{os.environ['HAVEN_TABLE_PREFIX']}/feeds/x-token", SecretString="stage")
    secrets.create_secret(Name="feeds/x-token", SecretString="another deployment's")
    assert SecretsManagerCredentials().bearer_token("feeds/x-token") == "stage"
