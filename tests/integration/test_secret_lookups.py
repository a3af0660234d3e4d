"""Secret lookups (tracking codes, deletion and unsubscribe tokens, confirmation codes): each
client address may try a few a minute, all such routes together, and a miss says nothing about
which part of the secret was wrong."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

JSON = {"Content-Type": "application/json"}
LIMIT = 4


@pytest.fixture
def client(aws: None, start_of_a_minute: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import app as api

    from haven.config import get_settings

    monkeypatch.setenv("HAVEN_LOOKUP_RATE_PER_MINUTE", str(LIMIT))
    get_settings.cache_clear()
    with Client(api.app) as c:
        yield c
    monkeypatch.delenv("HAVEN_LOOKUP_RATE_PER_MINUTE")
    get_settings.cache_clear()


def _report(client: Any) -> dict[str, Any]:
    body = {
        "category": "unknown",
        "description": "Smoke from the market",
        "location": {"lat": 1.0, "lon": 2.0},
    }
    response = client.http.post("/v1/reports", headers=JSON, body=json.dumps(body))
    assert response.status_code == 202
    return response.json_body  # type: ignore[no-any-return]


def test_the_lookups_of_one_address_are_limited_across_routes(client: Any) -> None:
    report = _report(client)
    token = report["tracking_token"]
    tries = [
        f"/v1/reports/{report['report_id']}?token={token}",
        "/v1/complaints/track/AAAA-BBBB-CCCC-DDDD-EEEE",
        f"/v1/reports/{report['report_id']}?token={'x' * len(token)}",
        "/v1/complaints/track/FFFF-GGGG-HHHH-JJJJ-KKKK",
    ]
    statuses = [client.http.get(target).status_code for target in tries]
    assert statuses == [200, 404, 404, 404]

    refused = client.http.get(f"/v1/reports/{report['report_id']}?token={token}")
    assert refused.status_code == 429, "the right secret too: the limit must not tell hits from misses"
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json_body["retry_after"] == int(refused.headers["Retry-After"])
    unsubscribe = client.http.delete(f"/v1/subscriptions/01JFUZZ0000000000000000000?token={'t' * 32}")
    assert unsubscribe.status_code == 429


def test_other_routes_do_not_count(client: Any) -> None:
    for _ in range(LIMIT + 2):
        assert client.http.get("/v1/alerts").status_code == 200
    report = _report(client)
    assert (
        client.http.get(f"/v1/reports/{report['report_id']}?token={report['tracking_token']}").status_code
        == 200
    )


def test_a_miss_does_not_say_which_part_was_wrong(client: Any) -> None:
    report = _report(client)
    wrong_token = client.http.get(f"/v1/reports/{report['report_id']}?token={'y' * 43}")
    no_report = client.http.get(f"/v1/reports/01JFUZZ0000000000000000000?token={report['tracking_token']}")
    assert wrong_token.status_code == no_report.status_code == 404
    strip = lambda body: {k: v for k, v in body.items() if k != "instance"}  # noqa: E731
    assert strip(wrong_token.json_body) == strip(no_report.json_body)


def test_each_address_has_its_own_window(aws: None, start_of_a_minute: None) -> None:
    from haven.adapters.dynamo.limits import DynamoRateLimiter

    limiter = DynamoRateLimiter(b"k" * 32)
    assert [limiter.hit("lookup:198.51.100.7", 2, 60) for _ in range(2)] == [None, None]
    wait = limiter.hit("lookup:198.51.100.7", 2, 60)
    assert wait is not None
    assert 1 <= wait <= 60
    assert limiter.hit("lookup:203.0.113.9", 2, 60) is None


def test_a_limit_that_cannot_be_counted_lets_the_request_through(
    aws: None, caplog: pytest.LogCaptureFixture
) -> None:
    """Fail open: the gateway and the web ACL still bound the rate; refusing a person because a
    counter is unavailable would be worse."""
    import boto3

    from haven.adapters.dynamo.limits import DynamoRateLimiter
    from haven.adapters.dynamo.models.api import RateWindow

    boto3.client("dynamodb").delete_table(TableName=RateWindow.Meta.table_name)
    with caplog.at_level("WARNING"):
        assert DynamoRateLimiter(b"k" * 32).hit("lookup:198.51.100.7", 1, 60) is None
    assert "not counted" in caplog.text
    assert "198.51.100.7" not in caplog.text
