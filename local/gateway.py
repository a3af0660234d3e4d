"""A local API Gateway: HTTP on loopback → REST proxy events → the API function's handler.

Routes come from the Chalice route table, as the CDK app builds them, so that a request is
dispatched on the same ``resourcePath`` as in AWS. Unknown routes get the same 404 problem
that the deployed gateway answers. One request at a time reaches the handler, as one Lambda
instance would serve it.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from local.lambda_context import LambdaContext

#: Answers the web apps' paths (local/static_site.py): (status, headers, body), or None for the API.
StaticHandler = Callable[[str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes] | None]

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit

NOT_FOUND = {
    "type": "https://haven.example.org/problems/not-found",
    "title": "Not found",
    "status": 404,
    "detail": "no such route",
}


@dataclass(frozen=True)
class Route:
    resource_path: str
    pattern: re.Pattern[str]
    params: tuple[str, ...]


def compile_routes(resource_paths: list[str]) -> list[Route]:
    routes = []
    for path in resource_paths:
        params = tuple(re.findall(r"{(\w+)\+?}", path))
        regex = "^" + re.sub(r"{(\w+)\+}", r"(?P<\1>.+)", path) + "$"
        regex = re.sub(r"{(\w+)}", r"(?P<\1>[^/]+)", regex)
        routes.append(Route(path, re.compile(regex), params))
    # API Gateway prefers the most specific resource: fewer variables first.
    routes.sort(key=lambda r: (len(r.params), -len(r.resource_path)))
    return routes


def match(routes: list[Route], path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        m = route.pattern.match(path)
        if m:
            return route, {k: unquote(v) for k, v in m.groupdict().items()}
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a reset keep-alive connection) is not an error worth a
        traceback on the developer's terminal; anything else is."""
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError):
            return
        super().handle_error(request, client_address)


class LocalGateway:
    def __init__(
        self,
        handler: Callable[[dict[str, Any], Any], dict[str, Any]],
        resource_paths: list[str],
        host: str = "127.0.0.1",
        port: int = 8000,
        static: StaticHandler | None = None,
    ) -> None:
        self._handler = handler
        self._static = static
        self._routes = compile_routes(resource_paths)
        self._lock = threading.Lock()
        gateway = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "haven-local"

            def log_message(self, format: str, *args: Any) -> None:
                return  # the API function logs its own access lines

            def _serve(self) -> None:
                gateway._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        self.server = _Server((host, port), _Handler)
        self._thread = threading.Thread(target=self.server.serve_forever, name="gateway", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        url = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._reply(
                request,
                413,
                {"Content-Type": "application/problem+json"},
                json.dumps(
                    {
                        **NOT_FOUND,
                        "title": "Payload too large",
                        "status": 413,
                        "type": "https://haven.example.org/problems/payload-too-large",
                        "detail": "the request body is too large",
                    }
                ).encode(),
            )
            request.close_connection = True
            return
        body = request.rfile.read(length) if length else b""
        if self._static is not None:
            page = self._static(request.command, url.path, dict(request.headers.items()), body)
            if page is not None:
                status, page_headers, raw = page
                self._reply(request, status, page_headers, b"" if request.command == "HEAD" else raw)
                return
        found = match(self._routes, url.path)
        if found is None:
            self._reply(
                request,
                404,
                {"Content-Type": "application/problem+json"},
                json.dumps(NOT_FOUND).encode(),
            )
            return
        route, params = found
        event = self._event(request, url.path, url.query, route, params, body)
        with self._lock:
            result = self._handler(event, LambdaContext("api", timeout_s=29))
        headers = dict(result.get("headers") or {})
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers[name] = ", ".join(values)
        payload = result.get("body") or ""
        raw = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
        if request.command == "HEAD":
            raw = b""
        self._reply(request, int(result["statusCode"]), headers, raw)

    @staticmethod
    def _event(
        request: BaseHTTPRequestHandler,
        path: str,
        query: str,
        route: Route,
        params: dict[str, str],
        body: bytes,
    ) -> dict[str, Any]:
        headers = {k: v for k, v in request.headers.items()}
        multi_headers: dict[str, list[str]] = {}
        for k, v in request.headers.items():
            multi_headers.setdefault(k, []).append(v)
        multi_query = parse_qs(query, keep_blank_values=True) if query else {}
        try:
            text: str | None = body.decode() if body else None
            encoded = False
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
        method = request.command
        return {
            "resource": route.resource_path,
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.resource_path,
                "httpMethod": method,
                "path": path,
                "stage": "local",
                "requestId": str(uuid.uuid4()),
                "requestTimeEpoch": int(time.time() * 1000),
                "identity": {
                    "sourceIp": request.client_address[0],
                    "userAgent": request.headers.get("User-Agent", ""),
                },
            },
            "body": text,
            "isBase64Encoded": encoded,
        }

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], raw: bytes) -> None:
        request.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                request.send_header(name, value)
        request.send_header("Content-Length", str(len(raw)))
        request.end_headers()
        if raw:
            request.wfile.write(raw)
