"""The web apps on the local gateway's origin (local/static_site.py), over real HTTP: the pages
and their security headers, the API beside them, and the development sign-in's tokens."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from local.gateway import LocalGateway
from local.static_site import CSP, StaticSite

from .test_api_plumbing import _test_app


@pytest.fixture
def site(aws: None, tmp_path: Path) -> Iterator[str]:
    (tmp_path / "console").mkdir()
    (tmp_path / "console" / "index.html").write_text("<!doctype html><title>console</title>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "console-abc123.js").write_text("export {};")
    (tmp_path / "secret.txt").write_text("outside the assets")
    (tmp_path / "index.html").write_text("<!doctype html><title>public</title>")
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (tmp_path / "manifest.webmanifest").write_text('{"name": "Haven"}')
    app = _test_app([])
    gateway = LocalGateway(app, list(app.routes), port=0, static=StaticSite(tmp_path))
    gateway.start()
    yield gateway.url
    gateway.stop()


def _raw_get(url: str, path: str) -> http.client.HTTPResponse:
    """A GET of ``path`` exactly as written (requests would normalise ``..`` away)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    connection.request("GET", path)
    return connection.getresponse()


def test_console_page_is_served_beside_the_api_with_security_headers(site: str) -> None:
    page = requests.get(site + "/console/", timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>console</title>" in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-cache"
    # The API is unchanged beside it.
    assert requests.get(site + "/v1/staff", timeout=5).status_code == 401
    assert requests.get(site + "/v1/nowhere", timeout=5).status_code == 404


def test_public_app_is_served_at_the_root_and_no_other_root_file_is(site: str) -> None:
    for path in ("/", "/index.html"):
        page = requests.get(site + path, timeout=5)
        assert page.status_code == 200, path
        assert "<title>public</title>" in page.text
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert page.headers["Content-Security-Policy"] == CSP
        assert page.headers["Cache-Control"] == "no-cache"
    # A file beside index.html is not the public app's: the API answers (and knows no such route).
    for path in ("/secret.txt", "/index.html/", "/%2e%2e/secret.txt"):
        response = _raw_get(site, path)
        assert b"outside the assets" not in response.read(), path
    assert requests.post(site + "/", json={}, timeout=5).status_code == 405


def test_the_service_worker_and_manifest_are_served_at_the_root_revalidated(site: str) -> None:
    worker = requests.get(site + "/sw.js", timeout=5)
    assert worker.status_code == 200
    assert worker.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert worker.headers["Cache-Control"] == "no-cache"
    manifest = requests.get(site + "/manifest.webmanifest", timeout=5)
    assert manifest.status_code == 200
    assert manifest.headers["Content-Type"] == "application/manifest+json"
    assert "Service-Worker-Allowed" not in manifest.headers
    csp = manifest.headers["Content-Security-Policy"]
    assert "worker-src 'self'" in csp
    assert "manifest-src 'self'" in csp
    # An icon the build did not write is not found (and not the API's either).
    assert requests.get(site + "/icon-192.png", timeout=5).status_code == 404


def test_assets_are_immutable_files_and_nothing_outside_them_is_served(site: str) -> None:
    asset = requests.get(site + "/assets/console-abc123.js", timeout=5)
    assert asset.status_code == 200
    assert asset.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "immutable" in asset.headers["Cache-Control"]
    assert asset.headers["Content-Security-Policy"] == CSP
    for path in (
        "/assets/../secret.txt",
        "/assets/%2e%2e/secret.txt",
        "/console/../secret.txt",
        "/assets/missing.js",
    ):
        response = _raw_get(site, path)
        assert response.status, path
        assert b"outside the assets" not in response.read(), path
    missing = requests.get(site + "/assets/missing.js", timeout=5)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.headers["X-Content-Type-Options"] == "nosniff"


def test_console_without_slash_redirects_and_writes_are_refused(site: str) -> None:
    redirect = requests.get(site + "/console", allow_redirects=False, timeout=5)
    assert redirect.status_code == 308
    assert redirect.headers["Location"] == "/console/"
    refused = requests.post(site + "/console/", json={}, timeout=5)
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "GET, HEAD"


def test_development_sign_in_issues_tokens_the_api_accepts(site: str) -> None:
    assert requests.get(site + "/console/config.json", timeout=5).json() == {"signIn": "development"}
    answer = requests.post(site + "/console/dev/token", json={"role": "responder"}, timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    token = answer.json()["token"]
    staff = requests.get(site + "/v1/staff", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert staff.status_code == 200
    assert staff.json()["subject"].startswith("local-responder-")
    auditor = requests.post(site + "/console/dev/token", json={"role": "auditor"}, timeout=5).json()["token"]
    forbidden = requests.get(site + "/v1/staff", headers={"Authorization": f"Bearer {auditor}"}, timeout=5)
    assert forbidden.status_code == 403


def test_development_sign_in_names_each_wrong_field(site: str) -> None:
    answer = requests.post(site + "/console/dev/token", json={"role": "partner", "extra": 1}, timeout=5)
    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"partner_id", "extra"}
    unknown_role = requests.post(site + "/console/dev/token", json={"role": "root"}, timeout=5)
    assert [e["field"] for e in unknown_role.json()["errors"]] == ["role"]
    partner = requests.post(
        site + "/console/dev/token", json={"role": "partner", "partner_id": "p-1"}, timeout=5
    )
    assert partner.status_code == 200


def test_development_sign_in_answers_only_its_own_loopback_origin(site: str) -> None:
    url = site + "/console/dev/token"
    other_site = requests.post(
        url, json={"role": "admin"}, headers={"Origin": "https://evil.example"}, timeout=5
    )
    assert other_site.status_code == 403
    rebound = requests.post(url, json={"role": "admin"}, headers={"Host": "evil.example"}, timeout=5)
    assert rebound.status_code == 403
    as_form = requests.post(url, data="role=admin", headers={"Content-Type": "text/plain"}, timeout=5)
    assert as_form.status_code == 415
    assert requests.get(url, timeout=5).status_code == 405


def test_without_a_build_the_console_says_how_to_make_one(aws: None, tmp_path: Path) -> None:
    app = _test_app([])
    gateway = LocalGateway(app, list(app.routes), port=0, static=StaticSite(tmp_path / "none"))
    gateway.start()
    try:
        page = requests.get(gateway.url + "/console/", timeout=5)
    finally:
        gateway.stop()
    assert page.status_code == 404
    assert "make run" in page.json()["detail"]
