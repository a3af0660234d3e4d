"""Guidance texts: every audience in every language, negotiation, and the route."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.test import Client

from haven import guidance


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("audience", guidance.AUDIENCES)
def test_every_text_exists_with_version_title_and_the_topics(audience: str, language: str) -> None:
    text = guidance.load(audience, language)
    assert text.version
    assert text.title
    assert text.markdown.startswith("# ")
    assert len(text.markdown) > 1500


@pytest.mark.parametrize(
    ("lang", "accept", "chosen"),
    [
        ("fr", None, "fr"),
        ("fr-CA", "en", "fr"),
        (None, "de-DE, fr;q=0.8, en;q=0.5", "fr"),
        (None, "fr;q=0, en", "en"),
        (None, "de", "en"),
        (None, None, "en"),
        ("xx", "fr", "en"),
    ],
)
def test_language_negotiation(lang: str | None, accept: str | None, chosen: str) -> None:
    assert guidance.negotiate(lang, accept) == chosen


def test_route_serves_json_markdown_and_304(aws: None) -> None:
    import app as api

    with Client(api.app) as client:
        response = client.http.get(
            "/v1/guidance?audience=police", headers={"Accept-Language": "fr-FR,fr;q=0.9"}
        )
        assert response.status_code == 200
        body: dict[str, Any] = json.loads(response.body)
        assert body["language"] == "fr"
        assert body["audience"] == "police"
        assert response.headers["Content-Language"] == "fr"
        etag = response.headers["ETag"]
        again = client.http.get("/v1/guidance?audience=police&lang=fr", headers={"If-None-Match": etag})
        assert again.status_code == 304
        markdown = client.http.get("/v1/guidance?lang=en", headers={"Accept": "text/markdown"})
        assert markdown.headers["Content-Type"].startswith("text/markdown")
        assert client.http.get("/v1/guidance?audience=mayor").status_code == 422
