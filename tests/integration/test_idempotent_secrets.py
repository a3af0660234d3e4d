"""Idempotency keeps no one-time secret in clear, and replays it only to a holder of the key.

The stored responses of these four routes hold a deletion token, a tracking code or token, or a
subscription's token and webhook secret. They used to be stored as they were, under the
``Idempotency-Key`` itself, for 24 hours.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from cryptography.exceptions import InvalidTag

from chalicelib.http import route_of

#: Route → the fields of its response that are secrets handed out once.
SECRETS = {
    "/v1/safety/people": ("deletion_token",),
    "/v1/complaints": ("tracking_code",),
    "/v1/reports": ("tracking_token",),
    "/v1/subscriptions": ("token",),
}


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    import app as api

    with Client(api.app) as c:
        yield c


def _post(client: Any, path: str, key: str) -> Any:
    import app as api

    return client.http.post(
        path,
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        body=json.dumps(route_of(api.app.routes[path]["POST"].view_function).example),
    )


def _stored() -> str:
    from haven.adapters.dynamo.models.api import IdempotencyRecord

    return json.dumps([r.attribute_values for r in IdempotencyRecord.scan()], default=str)


@pytest.mark.parametrize("path", sorted(SECRETS))
def test_a_stored_response_holds_no_secret_nor_the_key_and_replays_to_the_key(client: Any, path: str) -> None:
    key = "4c1f0e9a-7d3b-4e2a-9b8c-1f2e3d4c5b6a"
    first = _post(client, path, key)
    assert 200 <= first.status_code < 300, first.body
    secrets = [first.json_body[field] for field in SECRETS[path]]
    assert all(secrets)

    stored = _stored()
    assert key not in stored
    for secret in secrets:
        assert secret not in stored
    assert first.json_body[next(iter(first.json_body))] not in stored  # no part of the body in clear

    again = _post(client, path, key)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json_body == first.json_body

    other = _post(client, path, "an-other-client-0001")  # the same body under another key
    assert "Idempotent-Replayed" not in other.headers
    assert all(other.json_body[field] not in secrets for field in SECRETS[path])


def test_a_sealed_response_opens_only_with_its_own_key(aws: None) -> None:
    from haven.adapters.dynamo.models.api import IdempotencyRecord
    from haven.adapters.idempotency_store import DynamoIdempotencyStore
    from haven.errors import IdempotencyKeyReused
    from haven.idempotency import StoredResponse

    store = DynamoIdempotencyStore(b"k" * 32)
    for key in ("route#public#key-aaaaaaaa", "route#public#key-bbbbbbbb"):
        assert store.begin(key, "print", 60) is None
        store.complete(key, StoredResponse(201, json.dumps({"token": key}), "application/json"))
    first, second = sorted(IdempotencyRecord.scan(), key=lambda r: r.key)
    first.response_body, second.response_body = second.response_body, first.response_body
    first.save()
    second.save()
    with pytest.raises(InvalidTag):  # each body is bound to its own record
        store.begin("route#public#key-aaaaaaaa", "print", 60)
    assert DynamoIdempotencyStore(b"k" * 32).begin("route#public#key-cccccccc", "print", 60) is None
    with pytest.raises(IdempotencyKeyReused):
        store.begin("route#public#key-bbbbbbbb", "another print", 60)
