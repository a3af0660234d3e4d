"""Signing in to the console as it is deployed: through a hosted sign-in page, with the
authorization code flow and PKCE, as Cognito's hosted UI does it in AWS (ADR 30).

The authorization server here is the test's own, small and strict: it serves Cognito's
``/oauth2/authorize`` and ``/oauth2/token``, refuses a code whose verifier does not hash (S256)
to the challenge it was issued for, and records what it was asked. Its tokens are local mode's,
so the API accepts them. The local gateway serves the console in "hosted" mode pointing at it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from local import tokens
from tests.e2e.conftest import Platform, start_platform
from tests.support import leaks

from .conftest import CHROMIUM, PATIENCE_MS, Console, web_apps_built

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CLIENT_ID = "haven-console-test"
#: Short-lived tokens, so that the console must renew them during a test (it does so a minute
#: before they expire).
TOKEN_SECONDS = 63
SESSION_COOKIE = "hosted-session"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@dataclass
class Grant:
    challenge: str
    redirect_uri: str
    role: str
    used: bool = False


@dataclass
class AuthServer:
    """An OAuth 2.0 authorization server with Cognito's paths, for one console origin."""

    console_origin: str
    port: int = field(default_factory=_free_port)
    grants: dict[str, Grant] = field(default_factory=dict)
    #: Role of each sign-in session of the hosted page (its cookie), as Cognito keeps one.
    sessions: dict[str, str] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    #: What happened: ("authorize", query), ("exchange", outcome), ("refresh", outcome).
    log: list[tuple[str, Any]] = field(default_factory=list)
    #: Status to answer the next token request with instead (a failing service).
    fail_next_token: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def redirect_uri(self) -> str:
        return f"{self.console_origin}/console/"

    def events(self, kind: str) -> list[Any]:
        return [what for k, what in self.log if k == kind]

    def authorize_error(self, query: dict[str, str]) -> str | None:
        if query.get("response_type") != "code":
            return "response_type must be code"
        if query.get("client_id") != CLIENT_ID:
            return "unknown client"
        if query.get("redirect_uri") != self.redirect_uri:
            return "redirect_uri is not the client's callback"
        if query.get("code_challenge_method") != "S256":
            return "PKCE with S256 is required"
        if len(query.get("code_challenge", "")) != 43:
            return "code_challenge must be a base64url SHA-256"
        if len(query.get("state", "")) < 16:
            return "state is required"
        return None

    def issue_code(self, query: dict[str, str], role: str) -> str:
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(query["code_challenge"], query["redirect_uri"], role)
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if self.fail_next_token is not None:
            status, self.fail_next_token = self.fail_next_token, None
            return status, {"error": "server_error"}
        if form.get("client_id") != CLIENT_ID:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") == "authorization_code":
            grant = self.grants.get(form.get("code", ""))
            if grant is None or grant.used:
                outcome = "unknown or used code"
            elif form.get("redirect_uri") != grant.redirect_uri:
                outcome = "redirect_uri differs"
            elif s256(form.get("code_verifier", "")) != grant.challenge:
                outcome = "verifier does not match the challenge"
            else:
                outcome = "ok"
            self.log.append(("exchange", outcome))
            if outcome != "ok" or grant is None:
                return 400, {"error": "invalid_grant", "error_description": outcome}
            grant.used = True
            refresh = secrets.token_urlsafe(24)
            self.refresh_tokens[refresh] = grant.role
            return 200, self._tokens(grant.role) | {"refresh_token": refresh}
        if form.get("grant_type") == "refresh_token":
            role = self.refresh_tokens.get(form.get("refresh_token", ""))
            self.log.append(("refresh", "ok" if role else "unknown refresh token"))
            if role is None:
                return 400, {"error": "invalid_grant"}
            return 200, self._tokens(role)  # Cognito keeps the refresh token as it is
        return 400, {"error": "unsupported_grant_type"}

    @staticmethod
    def _tokens(role: str) -> dict[str, Any]:
        token = tokens.mint(
            role, partner_id="partner-test" if role == "partner" else None, ttl_seconds=TOKEN_SECONDS
        )
        return {"id_token": token, "access_token": token, "expires_in": TOKEN_SECONDS, "token_type": "Bearer"}

    def serve(self) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def _handler(auth: AuthServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

        def _form(self) -> dict[str, str]:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            return {k: v[0] for k, v in parse_qs(raw).items()}

        def _session(self) -> str | None:
            for part in (self.headers.get("Cookie") or "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == SESSION_COOKIE and value in auth.sessions:
                    return value
            return None

        def do_GET(self) -> None:
            if urlsplit(self.path).path == "/logout":
                query = self._query()
                auth.log.append(("logout", query))
                if query.get("client_id") != CLIENT_ID or query.get("logout_uri") != auth.redirect_uri:
                    self._send(400, b"logout_uri is not the client's", "text/plain")
                    return
                session = self._session()
                if session is not None:
                    del auth.sessions[session]
                self.send_response(302)
                self.send_header("Location", query["logout_uri"])
                self.send_header("Set-Cookie", f"{SESSION_COOKIE}=; Path=/; Max-Age=0")
                self.end_headers()
                return
            if urlsplit(self.path).path != "/oauth2/authorize":
                self._send(404, b"not found", "text/plain")
                return
            query = self._query()
            auth.log.append(("authorize", query))
            error = auth.authorize_error(query)
            if error:
                self._send(400, error.encode(), "text/plain")
                return
            session = self._session()
            if session is not None:  # signed in already: straight back, as Cognito does
                self.send_response(302)
                self.send_header("Location", auth.issue_code(query, auth.sessions[session]))
                self.end_headers()
                return
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in query.items()
            )
            page = (
                '<!doctype html><html lang="en"><head><title>Hosted sign-in</title></head><body><main>'
                "<h1>Hosted sign-in</h1>"
                f'<form method="post" action="/oauth2/authorize">{hidden}'
                '<label for="role">Account</label><select id="role" name="role">'
                '<option value="responder">Responder</option><option value="auditor">Auditor</option>'
                '<option value="partner">Partner</option></select>'
                '<button type="submit">Continue</button></form></main></body></html>'
            )
            self._send(200, page.encode(), "text/html; charset=utf-8")

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            form = self._form()
            if path == "/oauth2/authorize":
                error = auth.authorize_error(form)
                if error or form.get("role") not in tokens.ROLES:
                    self._send(400, (error or "role").encode(), "text/plain")
                    return
                session = secrets.token_urlsafe(16)
                auth.sessions[session] = form["role"]
                self.send_response(302)
                self.send_header("Location", auth.issue_code(form, form["role"]))
                self.send_header("Set-Cookie", f"{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax")
                self.end_headers()
                return
            if path == "/oauth2/token":
                # The token endpoint answers the console's origin (CORS), as Cognito's does.
                cors = {"Access-Control-Allow-Origin": auth.console_origin}
                if self.headers.get("Content-Type", "").split(";")[0] != "application/x-www-form-urlencoded":
                    self._send(400, b'{"error":"invalid_request"}', "application/json", cors)
                    return
                status, body = auth.token(form)
                self._send(status, json.dumps(body).encode(), "application/json", cors)
                return
            self._send(404, b"not found", "text/plain")

    return Handler


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, AuthServer]]:
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: make test installs it (apt-get install -y chromium)")
    web_apps_built()
    state = tmp_path_factory.mktemp("state")
    port = _free_port()
    auth = AuthServer(console_origin=f"http://127.0.0.1:{port}")
    server = auth.serve()
    previous = os.environ.get("HAVEN_STATE_DIR")
    os.environ["HAVEN_STATE_DIR"] = str(state)  # the test server mints with the platform's key
    running = start_platform(
        state,
        port=port,
        extra_env={"HAVEN_CONSOLE_AUTH_DOMAIN": auth.url, "HAVEN_CONSOLE_CLIENT_ID": CLIENT_ID},
    )
    yield running, auth
    server.shutdown()
    if previous is None:
        os.environ.pop("HAVEN_STATE_DIR", None)
    else:
        os.environ["HAVEN_STATE_DIR"] = previous
    output = running.stop()
    assert leaks(output) == [], "personal data in the platform's logs"


@pytest.fixture(scope="module")
def platform(hosted: tuple[Platform, AuthServer]) -> Platform:
    return hosted[0]


@pytest.fixture
def auth(hosted: tuple[Platform, AuthServer]) -> AuthServer:
    hosted[1].log.clear()
    return hosted[1]


def storage_of(tab: Console) -> str:
    return str(
        tab.page.evaluate("() => JSON.stringify([{...localStorage}, {...sessionStorage}, document.cookie])")
    )


def start_hosted_sign_in(page: Any) -> None:
    """The console's first page of a fresh profile, then its sign-in button. The first load of a
    module's browser (Chromium starting, the console's code, its config.json) can take longer
    than one step on a loaded machine: it gets three times a step's patience."""
    button = page.get_by_role("button", name="Sign in with your Haven account")
    expect(button).to_be_visible(timeout=3 * PATIENCE_MS)
    button.click()


def test_a_responder_signs_in_through_the_hosted_page_and_a_reload_signs_in_again(
    auth: AuthServer, console: Callable[[], Console]
) -> None:
    responder = console()
    page = responder.page
    responder.open()
    sign_in = page.get_by_role("button", name="Sign in with your Haven account")
    expect(sign_in).to_be_visible()
    expect(page.get_by_label("Role")).to_have_count(0)  # no development sign-in here
    responder.check("hosted-sign-in")

    sign_in.click()
    expect(page.get_by_role("heading", name="Hosted sign-in")).to_be_visible()
    [asked] = auth.events("authorize")
    assert asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"] == auth.redirect_uri
    page.get_by_label("Account").select_option("responder")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_text("Signed in as responder")).to_be_visible()
    assert auth.events("exchange") == ["ok"], "the console redeemed the code with its verifier"
    assert "code=" not in page.url, "the code left the address bar"
    assert "state=" not in page.url
    with page.expect_response(lambda r: urlsplit(r.url).path == "/v1/ops/incidents") as listed:
        page.get_by_role("link", name="Incidents").first.click()
    expect(page.get_by_role("heading", name="Incidents", level=1)).to_be_visible()
    assert listed.value.status == 200, "the API accepts the hosted sign-in's token"
    held = storage_of(responder)
    assert "eyJ" not in held, f"a token left memory: {held}"
    assert "pkce" not in held, f"the verifier outlived the return: {held}"
    responder.check("hosted-signed-in")

    # A reload forgets the tokens; the hosted page still knows the person: one click, no form.
    page.reload()
    start_hosted_sign_in(page)
    expect(page.get_by_text("Signed in as responder")).to_be_visible()
    assert auth.events("exchange") == ["ok", "ok"]

    # Signing out ends the hosted session too: the next person must sign in themselves.
    page.get_by_role("button", name="Sign out").click()
    sign_in = page.get_by_role("button", name="Sign in with your Haven account")
    expect(sign_in).to_be_visible()
    assert len(auth.events("logout")) == 1
    sign_in.click()
    expect(page.get_by_role("heading", name="Hosted sign-in")).to_be_visible()


def test_the_console_renews_its_tokens_before_they_expire(
    auth: AuthServer, console: Callable[[], Console]
) -> None:
    auditor = console()
    page = auditor.page
    auditor.open()
    start_hosted_sign_in(page)
    page.get_by_label("Account").select_option("auditor")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as auditor")).to_be_visible()

    # Tokens of 63 s are renewed a minute ahead: within a few seconds, with the refresh token.
    deadline = time.monotonic() + 15
    while not auth.events("refresh") and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert auth.events("refresh")[:1] == ["ok"]
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert "eyJ" not in storage_of(auditor)

    page.get_by_role("button", name="Sign out").click()
    refreshed = len(auth.events("refresh"))
    page.wait_for_timeout(4_000)
    assert len(auth.events("refresh")) == refreshed, "a signed-out console renews nothing"


def test_a_return_that_did_not_start_here_is_refused(
    platform: Platform, auth: AuthServer, console: Callable[[], Console]
) -> None:
    # A code from someone else's sign-in, sent to this console with a state it never made.
    stranger = console()
    page = stranger.page
    page.goto(f"{platform.url}/console/?code=stolen-code&state={'x' * 43}")
    expect(page.get_by_role("alert")).to_contain_text("could not be verified")
    assert auth.events("exchange") == [], "no code is redeemed without the state this tab made"
    assert "stolen-code" not in page.url
    expect(page.get_by_role("button", name="Sign in with your Haven account")).to_be_visible()
    stranger.check("hosted-state-refused")


def test_a_failed_token_exchange_says_so_and_signing_in_again_works(
    auth: AuthServer, console: Callable[[], Console]
) -> None:
    partner = console()
    page = partner.page
    partner.open()
    start_hosted_sign_in(page)
    page.get_by_label("Account").select_option("partner")
    auth.fail_next_token = 503
    page.get_by_role("button", name="Continue").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Finishing the sign-in failed")
    expect(alert).to_contain_text("503")
    partner.check("hosted-exchange-failed")
    alert.get_by_role("button", name="Retry").click()
    expect(page.get_by_text("Signed in as partner")).to_be_visible()
