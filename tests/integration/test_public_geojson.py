"""The public incidents answer is GeoJSON (RFC 7946) as the ``geojson`` library reads it."""

from __future__ import annotations

import json
from typing import Any

import geojson
import pytest
from chalice.test import Client

from tests.integration.test_triage_and_incidents import _auth, _run_triage, _submit

#: Places over the whole globe, the antimeridian and near the poles among them.
PLACES = [(48.8566, 2.3522), (-33.86, 151.21), (64.15, -21.94), (-17.71, 179.99), (71.29, -156.79)]


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _verify_every_incident(client: Any) -> int:
    incidents = client.http.get("/v1/ops/incidents", headers=_auth()).json_body["items"]
    for incident in incidents:
        verified = client.http.patch(
            f"/v1/ops/incidents/{incident['incident_id']}",
            headers={**_auth(), "Content-Type": "application/json"},
            body=json.dumps({"expected_version": incident["version"], "status": "verified"}),
        )
        assert verified.status_code == 200, verified.body
    return len(incidents)


def test_public_incidents_are_a_valid_feature_collection_of_points(client: Any) -> None:
    for lat, lon in PLACES:
        _submit(client, lat, lon, people_affected=4)
    _run_triage()
    assert _verify_every_incident(client) == len(PLACES)

    response = client.http.get("/v1/incidents?limit=50")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/geo+json"
    collection = geojson.loads(response.body)
    assert isinstance(collection, geojson.FeatureCollection)
    assert collection.is_valid, collection.errors()
    assert len(collection.features) == len(PLACES)
    positions = []
    for feature in collection.features:
        assert isinstance(feature, geojson.Feature)
        assert isinstance(feature.geometry, geojson.Point)
        lon, lat = feature.geometry.coordinates  # RFC 7946: longitude first
        assert -180 <= lon <= 180
        assert -90 <= lat <= 90
        positions.append((lat, lon))
    for lat, lon in PLACES:  # each near where it was reported, coarsened (about 1 km)
        assert any(abs(lat - y) < 0.05 and abs(lon - x) < 0.05 for y, x in positions), (lat, lon)
