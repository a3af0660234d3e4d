"""The console served in "hosted" mode: signing in through an OAuth 2.0 server, as in AWS."""

from __future__ import annotations

import json
from pathlib import Path

from haven import web_policy
from local.static_site import HostedSignIn, Reply, StaticSite

AUTH = "http://127.0.0.1:9999"


def _site(tmp_path: Path) -> StaticSite:
    (tmp_path / "console").mkdir()
    (tmp_path / "console" / "index.html").write_text("<!doctype html>")
    return StaticSite(root=tmp_path, hosted=HostedSignIn(AUTH, "console-client"))


def _answer(site: StaticSite, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
    reply = site(method, path, headers, body)
    assert reply is not None, f"{path} is the site's"
    return reply


def test_the_config_names_the_server_and_the_client(tmp_path: Path) -> None:
    status, _, body = _answer(_site(tmp_path), "GET", "/console/config.json", {}, b"")
    assert status == 200
    assert json.loads(body) == {"signIn": "hosted", "authDomain": AUTH, "clientId": "console-client"}


def test_the_development_sign_in_is_off(tmp_path: Path) -> None:
    headers = {"Host": "127.0.0.1:8000", "Content-Type": "application/json"}
    status, _, body = _answer(_site(tmp_path), "POST", "/console/dev/token", headers, b'{"role": "admin"}')
    assert status == 405
    assert b"token" not in body


def test_the_pages_may_reach_the_token_endpoint_and_nothing_else_more(tmp_path: Path) -> None:
    _, headers, _ = _answer(_site(tmp_path), "GET", "/console/", {}, b"")
    assert headers["Content-Security-Policy"] == web_policy.csp(connect=[AUTH])
    assert f"connect-src 'self' {AUTH};" in headers["Content-Security-Policy"]
    assert "script-src 'self';" in headers["Content-Security-Policy"]


def test_hosted_mode_needs_both_settings() -> None:
    assert HostedSignIn.from_environment({}) is None
    assert HostedSignIn.from_environment({"HAVEN_CONSOLE_AUTH_DOMAIN": AUTH}) is None
    both = {"HAVEN_CONSOLE_AUTH_DOMAIN": AUTH + "/", "HAVEN_CONSOLE_CLIENT_ID": "c"}
    assert HostedSignIn.from_environment(both) == HostedSignIn(AUTH, "c")
