"""A local API Gateway: HTTP on loopback → REST proxy events → the API function's handler.

Routes come from the Chalice route table, as the CDK app builds them, so that a request is
dispatched on the same ``resourcePath`` as in AWS. Unknown routes get the same 404 problem
that the deployed gateway answers. Every method reaches the API function, which answers a
method a route does not have with 405 and ``Allow`` (as API Gateway's ANY method passes it on).
A request the gateway cannot frame (a header too large, a ``Content-Length`` that is not a
number) is answered with a problem and the connection closed. One request at a time reaches
the handler, as one Lambda instance would serve it.
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

#: A client that sends nothing for this long (a body shorter than its ``Content-Length``, a
#: request line never finished) is disconnected, not waited for.
READ_TIMEOUT_SECONDS = 30

PROBLEM_BASE = "https://haven.example.org/problems/"

NOT_FOUND = {
    "type": PROBLEM_BASE + "not-found",
    "title": "Not found",
    "status": 404,
    "detail": "no such route",
}

#: The errors ``http.server`` finds while reading a request, as problems (it would answer HTML).
_FRAMING_PROBLEMS = {
    400: ("malformed", "Malformed request"),
    408: ("timeout", "Request timeout"),
    413: ("payload-too-large", "Payload too large"),
    414: ("uri-too-long", "URI too long"),
    431: ("headers-too-large", "Request headers too large"),
}

_DIGITS = re.compile(r"[0-9]+")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,8}")


def framing_problem(status: int, detail: str) -> dict[str, Any]:
    if status not in _FRAMING_PROBLEMS:
        status = 400  # e.g. 505 for an HTTP version other than 1.x: the request is malformed
    slug, title = _FRAMING_PROBLEMS[status]
    return {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}


class FramingError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def read_body(request: BaseHTTPRequestHandler) -> bytes:
    """The request's body, framed by ``Content-Length`` (RFC 9110 8.6: digits only; several
    must agree) or ``Transfer-Encoding: chunked`` (RFC 9112 7.1), at most MAX_BODY_BYTES."""
    lengths = request.headers.get_all("Content-Length") or []
    codings = request.headers.get_all("Transfer-Encoding") or []
    if codings:
        if lengths:
            raise FramingError(400, "Content-Length and Transfer-Encoding together")
        if [c.strip().lower() for value in codings for c in value.split(",")] != ["chunked"]:
            raise FramingError(400, "Transfer-Encoding must be chunked")
        return _read_chunked(request.rfile)
    if not lengths:
        return b""
    distinct = {v.strip() for value in lengths for v in value.split(",")}
    if len(distinct) != 1 or not _DIGITS.fullmatch(next(iter(distinct))):
        raise FramingError(400, "Content-Length must be one non-negative integer")
    length = int(next(iter(distinct)))
    if length > MAX_BODY_BYTES:
        raise FramingError(413, "the request body is too large")
    body = request.rfile.read(length) if length else b""
    if len(body) < length:
        raise FramingError(400, "the body is shorter than its Content-Length")
    return body


def _read_chunked(stream: Any) -> bytes:
    body = bytearray()
    while True:
        line = stream.readline(1024)
        size = line.split(b";", 1)[0].strip()
        if not line.endswith(b"\n") or not _HEX.fullmatch(size):
            raise FramingError(400, "a malformed chunk")
        length = int(size, 16)
        if length == 0:
            break
        if len(body) + length > MAX_BODY_BYTES:
            raise FramingError(413, "the request body is too large")
        chunk = stream.read(length)
        if len(chunk) < length or stream.readline(3) not in (b"\r\n", b"\n"):
            raise FramingError(400, "a malformed chunk")
        body += chunk
    for _ in range(100):  # trailer fields, ignored
        line = stream.readline(65537)
        if line in (b"\r\n", b"\n", b""):
            return bytes(body)
    raise FramingError(431, "too many trailer fields")


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
        read_timeout: float = READ_TIMEOUT_SECONDS,
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
            timeout = read_timeout
            # Headers and body leave in two writes: with Nagle's algorithm and the client's
            # delayed ACK, the body waited 40 ms on a kept-alive connection.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return  # the API function logs its own access lines

            def __getattr__(self, name: str) -> Any:
                # http.server looks up do_<METHOD>: every method (TRACE, QUERY, ...) is served,
                # and the API answers 405 with Allow for one its route does not have.
                if name.startswith("do_"):
                    return self._serve
                raise AttributeError(name)

            def _serve(self) -> None:
                gateway._serve(self)

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                """What ``http.server`` answers itself (a header line over 64 KiB, a malformed
                request line): a problem, not an HTML page, and the connection closed."""
                problem = framing_problem(code, message or explain or "the request could not be read")
                gateway._reply(
                    self,
                    problem["status"],
                    {"Content-Type": "application/problem+json", "Connection": "close"},
                    json.dumps(problem).encode(),
                )
                self.close_connection = True

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
        try:
            body = read_body(request)
        except FramingError as error:
            # Where the body ends is unknown: answer, and read nothing more on this connection.
            self._reply(
                request,
                error.status,
                {"Content-Type": "application/problem+json", "Connection": "close"},
                json.dumps(framing_problem(error.status, str(error))).encode(),
            )
            request.close_connection = True
            return
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
        if headers.get("Connection") == "close":
            request.send_header("Connection", "close")
        request.send_header("Content-Length", str(len(raw)))
        request.end_headers()
        if raw and request.command != "HEAD":
            request.wfile.write(raw)
