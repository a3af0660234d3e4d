"""Errors as RFC 9457 problem+json responses: what the app's middleware and every route answer
with. Light on purpose: the app imports it at cold start (ADR 0049)."""

from __future__ import annotations

from chalice import Response

from haven.errors import Problem

PROBLEM_JSON = "application/problem+json"


def problem_response(problem: Problem, path: str | None = None) -> Response:
    headers = {"Content-Type": PROBLEM_JSON}
    if problem.status == 405 and "allow" in problem.extensions:
        headers["Allow"] = str(problem.extensions.pop("allow"))
    if problem.status == 429 and "retry_after" in problem.extensions:
        headers["Retry-After"] = str(problem.extensions["retry_after"])
    return Response(body=problem.to_dict(path), status_code=problem.status, headers=headers)
