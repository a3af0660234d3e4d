"""Crisis reporting end to end over HTTP, with the triage worker run by the local dispatcher."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support import NAME, PASSPORT, PHONE, wait_for

from .conftest import Platform

pytestmark = pytest.mark.e2e


def test_three_nearby_flood_reports_become_one_incident(platform: Platform) -> None:
    submitted = []
    for n, (lat, lon) in enumerate(((-1.2921, 36.8219), (-1.2950, 36.8250), (-1.2900, 36.8190))):
        response = requests.post(
            platform.url + "/v1/reports",
            json={
                "category": "unknown",
                "description": "Flooding: the river overflowed and water is rising in the houses"
                + (f"; {NAME} (passport {PASSPORT}) is trapped upstairs" if n == 0 else ""),
                "location": {"lat": lat, "lon": lon},
                "people_affected": 4,
                **({"contact": PHONE} if n == 0 else {}),
            },
            headers={"Idempotency-Key": f"e2e-flood-report-{n:04d}"},
            timeout=5,
        )
        assert response.status_code == 202
        submitted.append(response.json())

    auth = {"Authorization": "Bearer " + platform.token("responder")}

    def one_incident_with_three() -> Any:
        items = requests.get(
            platform.url + "/v1/ops/incidents",
            params={"near": "-1.29,36.82", "radius_km": 20},
            headers=auth,
            timeout=5,
        ).json()["items"]
        return items if items and items[0]["report_count"] == 3 else None

    [incident] = wait_for(one_incident_with_three)
    assert incident["hazard"] == "flood"
    assert incident["people_affected"] == 12

    status = requests.get(
        f"{platform.url}/v1/reports/{submitted[0]['report_id']}",
        params={"token": submitted[0]["tracking_token"]},
        timeout=5,
    ).json()
    assert status["status"] == "linked_to_incident"

    verified = requests.patch(
        f"{platform.url}/v1/ops/incidents/{incident['incident_id']}",
        json={"expected_version": incident["version"], "status": "verified"},
        headers=auth,
        timeout=5,
    )
    assert verified.status_code == 200
    public = requests.get(platform.url + "/v1/incidents", params={"bbox": "36,-2,37,-1"}, timeout=5)
    assert public.headers["Content-Type"] == "application/geo+json"
    assert [f["id"] for f in public.json()["features"]] == [incident["incident_id"]]
    status = requests.get(
        f"{platform.url}/v1/reports/{submitted[1]['report_id']}",
        params={"token": submitted[1]["tracking_token"]},
        timeout=5,
    ).json()
    assert status["status"] == "verified"
