"""The web apps on the local gateway's origin: the public app at ``/``, the console at
``/console/``, and their ``/assets/``, from the Vite build (``build/web/``, made by ``make run``),
beside the API (``/v1/``), so the browser never needs CORS.

Local mode only, also the console's development sign-in: ``/console/config.json`` says so and
``POST /console/dev/token`` issues the same tokens as ``make token`` for any role. Nothing of it
exists in AWS, where CloudFront serves the build and Cognito signs people in (ADR 26). With
``HAVEN_CONSOLE_AUTH_DOMAIN`` and ``HAVEN_CONSOLE_CLIENT_ID`` set, the console is served in
"hosted" mode instead: it signs in through that OAuth 2.0 server as it does through Cognito's
hosted UI in AWS (ADR 30), and the development sign-in is off.

Every answer carries the pages' security headers (CSP without inline scripts, no framing,
no referrer, nosniff); HSTS is CloudFront's in AWS (local mode is plain HTTP on loopback).
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from haven import web_policy
from local import tokens

#: Where ``vite build`` (web/vite.config.mjs) writes the apps.
WEB_ROOT = Path(__file__).resolve().parent.parent / "build" / "web"

#: Paths this module answers; everything else is the API's.
APP_PREFIXES = ("/console/", "/assets/")
#: The public app's files at the origin's root (its page, service worker, manifest and icons).
ROOT_FILES = {"/": "index.html", **{f"/{name}": name for name in web_policy.PUBLIC_ROOT_FILES}}
#: The service worker's own headers: revalidated on every check, so an update is found at once.
SERVICE_WORKER_HEADERS = {"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"}

#: The pages' headers, declared once for local mode and CloudFront (haven.web_policy).
CSP = web_policy.csp()
SECURITY_HEADERS = web_policy.security_headers()

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
}

_LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")
_MAX_ID = 128

Reply = tuple[int, dict[str, str], bytes]
_NO_STORE_JSON = {"Content-Type": "application/json", "Cache-Control": "no-store"}


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None) -> Reply:
    slug = title.lower().replace(" ", "-")
    body: dict[str, Any] = {
        "type": f"https://haven.example.org/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return status, {"Content-Type": "application/problem+json", "Cache-Control": "no-store"}, _json(body)


@dataclass(frozen=True)
class HostedSignIn:
    """An OAuth 2.0 authorization server with Cognito's paths (``/oauth2/authorize``, ``/oauth2/token``)."""

    domain: str
    client_id: str

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> HostedSignIn | None:
        domain = environ.get("HAVEN_CONSOLE_AUTH_DOMAIN", "").rstrip("/")
        client_id = environ.get("HAVEN_CONSOLE_CLIENT_ID", "")
        return cls(domain, client_id) if domain and client_id else None


@dataclass
class StaticSite:
    root: Path = WEB_ROOT
    #: The development sign-in: only the local gateway ever sets it.
    development_sign_in: bool = True
    #: Sign-in through an OAuth 2.0 server instead (turns the development sign-in off).
    hosted: HostedSignIn | None = None
    #: Where the public app's photos are posted (the presigned POSTs' origin: local S3).
    upload_origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.hosted is not None:
            self.development_sign_in = False
        # The token exchange is a fetch from the page: the server's origin joins connect-src.
        connect = (self.hosted.domain,) if self.hosted is not None else ()
        self._headers = web_policy.security_headers(connect=(*connect, *self.upload_origins))

    def config(self) -> dict[str, str]:
        """The console's runtime configuration (``/console/config.json``), as CDK writes it in AWS."""
        if self.hosted is not None:
            return {"signIn": "hosted", "authDomain": self.hosted.domain, "clientId": self.hosted.client_id}
        return {"signIn": "development" if self.development_sign_in else "none"}

    def __call__(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply | None:
        """The answer for ``path`` if it is a web app's, else None (the API's route)."""
        if path != "/console" and path not in ROOT_FILES and not path.startswith(APP_PREFIXES):
            return None
        status, reply_headers, raw = self._answer(method, path, headers, body)
        return status, {**reply_headers, **self._headers}, raw

    def _answer(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        if path == "/console/dev/token" and self.development_sign_in:
            if method != "POST":
                return self._not_allowed("POST")
            return self._dev_token(headers, body)
        if method not in ("GET", "HEAD"):
            return self._not_allowed("GET, HEAD")
        if path == "/console":
            return 308, {"Location": "/console/", "Cache-Control": "no-cache"}, b""
        if path == "/console/config.json":
            return 200, dict(_NO_STORE_JSON), _json(self.config())
        if path in ROOT_FILES:
            status, reply_headers, raw = self._file(ROOT_FILES[path])
            if path == "/sw.js" and status == 200:
                reply_headers.update(SERVICE_WORKER_HEADERS)
            return status, reply_headers, raw
        relative = "console/index.html" if path == "/console/" else path.lstrip("/")
        return self._file(relative)

    def _file(self, relative: str) -> Reply:
        root = self.root.resolve()
        # A file of the folder its path names (console/ or assets/), never one beside them; a
        # file of the root only by its name in ROOT_FILES.
        folder = root if "/" not in relative else (root / relative.split("/", 1)[0]).resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(folder) or target == folder or not target.is_file():
            if not (root / "console" / "index.html").is_file():
                detail = "the web apps are not built: make run builds them (or cd web && npx vite build)"
            else:
                detail = "no such file"
            return _problem(404, "Not found", detail)
        content_type = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
        # Hashed asset names never change content; the pages are revalidated on every visit.
        cache = "public, max-age=31536000, immutable" if relative.startswith("assets/") else "no-cache"
        return (
            200,
            {"Content-Type": content_type or "application/octet-stream", "Cache-Control": cache},
            target.read_bytes(),
        )

    @staticmethod
    def _not_allowed(allow: str) -> Reply:
        status, headers, raw = _problem(405, "Method not allowed", f"use {allow}")
        return status, {**headers, "Allow": allow}, raw

    def _dev_token(self, headers: Mapping[str, str], body: bytes) -> Reply:
        lower = {k.lower(): v for k, v in headers.items()}
        host = lower.get("host", "")
        hostname = urlsplit(f"http://{host}").hostname or ""
        # Only a page of this loopback origin may ask: no DNS-rebound name, no other site's form.
        if hostname not in _LOOPBACK and f"[{hostname}]" not in _LOOPBACK:
            return _problem(403, "Forbidden", "the development sign-in answers on loopback only")
        origin = lower.get("origin")
        if origin is not None and origin != f"http://{host}":
            return _problem(403, "Forbidden", "the development sign-in answers its own origin only")
        if lower.get("content-type", "").split(";")[0].strip() != "application/json":
            return _problem(415, "Unsupported media type", "send application/json")
        try:
            request = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            return _problem(400, "Bad request", "the body is not JSON")
        if not isinstance(request, dict):
            must = [{"field": "body", "message": "must be an object"}]
            return _problem(422, "Validation failed", "the body must be an object", must)
        errors: list[dict[str, str]] = []
        role = request.get("role")
        if role not in tokens.ROLES:
            errors.append({"field": "role", "message": f"must be one of {', '.join(tokens.ROLES)}"})
        claims: dict[str, str] = {}
        for name, needed_by in (("org_id", "recruiter"), ("partner_id", "partner")):
            value = request.get(name)
            if value is None or value == "":
                if role == needed_by:
                    errors.append({"field": name, "message": f"a {needed_by} needs one"})
                continue
            if not isinstance(value, str) or len(value) > _MAX_ID or not value.isprintable():
                errors.append({"field": name, "message": f"must be text of at most {_MAX_ID} characters"})
                continue
            if role == needed_by:
                claims[name] = value
        unknown = sorted(set(request) - {"role", "org_id", "partner_id"})
        errors += [{"field": name, "message": "unknown field"} for name in unknown]
        if errors:
            return _problem(422, "Validation failed", "the request has invalid fields", errors)
        token = tokens.mint(str(role), **claims)
        return 200, dict(_NO_STORE_JSON), _json({"token": token})
