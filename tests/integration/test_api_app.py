"""The real API app: health, and its route table."""

from __future__ import annotations

from chalice.test import Client


def test_health(aws: None) -> None:
    import app as api

    with Client(api.app) as client:
        response = client.http.get("/health")
    assert response.status_code == 200
    assert response.json_body["status"] == "ok"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
