"""The API function: one Chalice app serving every REST route of Haven.

API Gateway (built from this app's route table) invokes :func:`handler`. Routes live in
blueprints per domain under ``chalicelib``; this module registers them from the route index
(each blueprint is imported at its first request, ADR 0049), normalises every error into
``application/problem+json`` and logs one access line per request, without personal data.
"""

from __future__ import annotations

import json
import time
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from chalice import Chalice, Response
from chalice.app import Request

from chalicelib import routing
from chalicelib.problems import problem_response
from chalicelib.route_index import ROUTES
from haven.adapters import observability
from haven.errors import Problem

logger = observability.logger("api")
tracer = observability.tracer("api")
metrics = observability.metrics("api")

app = Chalice(app_name="haven-api")

routing.register(app, ROUTES)

_CHALICE_ERRORS = {
    "BadRequestError": (400, "Malformed request", "malformed"),
    "MethodNotAllowedError": (405, "Method not allowed", "method-not-allowed"),
    "UnsupportedMediaType": (415, "Unsupported media type", "unsupported-media-type"),
    "UnauthorizedError": (401, "Authentication required", "unauthenticated"),
    "ForbiddenError": (403, "Forbidden", "forbidden"),
    "NotFoundError": (404, "Not found", "not-found"),
    "TooManyRequestsError": (429, "Too many requests", "rate-limited"),
    "InternalServerError": (500, "Internal error", "internal"),
}


def _normalise(response: Response, path: str) -> Response:
    """Chalice answers some errors itself ({Code, Message}); answer them as problems."""
    body = response.body
    if isinstance(body, str) and response.status_code >= 400:
        try:
            body = json.loads(body)
        except ValueError:
            body = None
    if not (isinstance(body, dict) and "Code" in body and "Message" in body):
        return response
    status, title, slug = _CHALICE_ERRORS.get(str(body["Code"]), (response.status_code, "Error", "error"))
    detail = "an internal error occurred" if status >= 500 else str(body["Message"])
    extensions: dict[str, object] = {}
    if status == 405:
        extensions["allow"] = response.headers.get("Allow", "")
    return problem_response(Problem(status, title, slug, detail, extensions=extensions), path)


@app.middleware("http")
def access_log(event: Request, get_response: Any) -> Response:
    started = time.perf_counter()
    request_id = ""
    if event is not None:
        request_id = event.context.get("requestId", "")
    try:
        response = _normalise(get_response(event), getattr(event, "path", ""))
    except Exception:
        logger.exception("unhandled error")
        response = problem_response(Problem(500, "Internal error", "internal", "an internal error occurred"))
    response.headers["X-Request-Id"] = request_id
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    logger.info(
        "request",
        extra={
            "method": getattr(event, "method", None),
            "route": event.context.get("resourcePath") if event is not None else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    if response.status_code >= 500:
        metrics.add_metric(name="ServerErrors", unit="Count", value=1)
    return response


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app(event, context)  # type: ignore[no-any-return]
