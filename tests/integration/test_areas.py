"""One area, one shape: every operation that takes or returns an area writes it the same way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from local import tokens
from tests.integration.test_alerts import RESPONDER, alert_body

CONTRACT = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())
SCHEMAS = CONTRACT["components"]["schemas"]

#: A triangle near London, written once, posted everywhere an area is taken.
RING = [[-0.13, 51.5], [-0.1, 51.5], [-0.1, 51.52], [-0.13, 51.5]]
CIRCLE = {"center": [-0.11, 51.51], "radius_km": 2.5}


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    import app as api

    with Client(api.app) as c:
        yield c


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf"):  # an optional area: {anyOf: [area, null]}
        objects = [s for s in schema.get(key, []) if s.get("type") != "null"]
        if len(objects) == 1 and not schema.get("properties"):
            return _resolve(objects[0])
    return schema


def _areas_in_contract() -> list[tuple[str, dict[str, Any]]]:
    """Every schema of a property named ``area`` or of the items of ``areas``, in requests and
    answers alike."""
    found = []
    for name, schema in SCHEMAS.items():
        for prop, value in schema.get("properties", {}).items():
            if prop == "area":
                found.append((f"{name}.area", _resolve(value)))
            if prop == "areas":
                found.append((f"{name}.areas[]", _resolve(_resolve(value)["items"])))
    return found


def _shape_of(area: dict[str, Any]) -> tuple[Any, ...]:
    polygons = _resolve(area["properties"]["polygons"])
    ring = _resolve(polygons["items"])
    position = _resolve(ring["items"])
    circle = _resolve(_resolve(area["properties"]["circles"])["items"])
    center = _resolve(circle["properties"]["center"])
    return (
        polygons["type"],
        ring["type"],
        position["type"],
        position.get("minItems"),
        position.get("maxItems"),
        tuple(sorted(circle["properties"])),
        center["type"],
        center.get("minItems"),
        center.get("maxItems"),
    )


def test_the_contract_writes_every_area_the_same_way() -> None:
    areas = _areas_in_contract()
    names = {name.split(".")[0] for name, _ in areas}
    # requests of alerts, subscriptions and feed sources, and the answers that show areas
    assert {"AlertIn", "SubscriptionIn", "FeedIn", "FeedPatch", "Alert", "FeedSource"} <= names
    shapes = {name: _shape_of(area) for name, area in areas}
    assert len(set(shapes.values())) == 1, shapes
    (shape,) = set(shapes.values())
    assert shape == ("array", "array", "array", 2, 2, ("center", "radius_km"), "array", 2, 2)
    for name, area in areas:
        assert set(area["properties"]) - {"description"} == {"polygons", "circles"}, name


def test_positions_are_longitude_then_latitude_in_the_contract() -> None:
    (_, area) = next(a for a in _areas_in_contract() if a[0] == "SubscriptionIn.area")
    center = _resolve(_resolve(_resolve(area["properties"]["circles"])["items"])["properties"]["center"])
    longitude, latitude = center["prefixItems"]
    assert (longitude["minimum"], longitude["maximum"]) == (-180, 180)
    assert (latitude["minimum"], latitude["maximum"]) == (-90, 90)


def test_one_area_is_taken_by_alerts_subscriptions_and_feeds_and_shown_as_given(client: Any) -> None:
    area = {"polygons": [RING], "circles": [CIRCLE]}
    issued = client.http.post(
        "/v1/ops/alerts",
        headers=RESPONDER,
        body=json.dumps(alert_body(areas=[{"description": "River district", **area}])),
    )
    assert issued.status_code == 201, issued.body
    shown = client.http.get(f"/v1/alerts/{issued.json_body['alert_id']}").json_body["areas"]
    assert shown == [{"description": "River district", **area}]
    cap = client.http.get(
        f"/v1/alerts/{issued.json_body['alert_id']}", headers={"Accept": "application/cap+xml"}
    )
    # CAP writes lat,lon: the same triangle, the other way round
    assert b"<polygon>51.5,-0.13 51.5,-0.1 51.52,-0.1 51.5,-0.13</polygon>" in cap.body
    assert b"<circle>51.51,-0.11 2.5</circle>" in cap.body

    for one in ({"polygons": [RING]}, {"circles": [CIRCLE]}):
        subscribed = client.http.post(
            "/v1/subscriptions",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"area": one, "channel": "email", "address": "someone@example.org"}),
        )
        assert subscribed.status_code == 201, subscribed.body

    feed_auth = {"Authorization": f"Bearer {tokens.mint('responder')}", "Content-Type": "application/json"}
    source = client.http.post(
        "/v1/ops/feeds",
        headers=feed_auth,
        body=json.dumps(
            {"type": "usgs", "url": "http://127.0.0.1:9/feed.geojson", "area": {"polygons": [RING]}}
        ),
    )
    assert source.status_code == 201, source.body
    assert source.json_body["area"] == {"polygons": [RING], "circles": []}


@pytest.mark.parametrize(
    ("area", "field"),
    [
        ({}, "area"),
        ({"polygons": [RING], "circles": [CIRCLE]}, "area"),
        ({"circles": [{"center": [51.51, -0.11, 3], "radius_km": 1}]}, "area.circles.0.center"),
        ({"circles": [{"center": [-0.11, 91], "radius_km": 1}]}, "area.circles.0.center.1"),
        ({"polygons": [RING[:3]]}, "area.polygons.0"),
        ({"polygons": [[*RING[:3], [-0.2, 51.6]]]}, "area.polygons.0"),
        ({"type": "circle", "lat": 51.5, "lon": -0.12, "radius_km": 5}, "area.type"),
    ],
)
def test_a_subscription_area_that_is_not_one_shape_is_refused_naming_the_field(
    client: Any, area: dict[str, Any], field: str
) -> None:
    response = client.http.post(
        "/v1/subscriptions",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"area": area, "channel": "email", "address": "someone@example.org"}),
    )
    assert response.status_code == 422, response.body
    assert field in {e["field"] for e in response.json_body["errors"]}, response.json_body
