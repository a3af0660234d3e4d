"""Delivering a signed webhook over HTTP(S), with the URL re-checked at delivery time and the
connection made to the address checked (:mod:`haven.adapters.outbound`).

Every body is a CloudEvent in structured mode (:func:`haven.webhooks.cloudevent`), so every
request says so in its ``Content-Type``."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from haven import webhooks
from haven.adapters.outbound import Deadline, check_in_time, open_checked
from haven.settings import get_settings
from haven.urls import Resolver

#: The whole delivery: checking the URL (DNS), connecting, sending and reading the answer.
DEADLINE_SECONDS = 10


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    status: int | None
    error: str | None
    retry_after: int | None = None


def post(
    url: str, body: bytes, headers: dict[str, str], *, resolver: Resolver | None = None
) -> DeliveryResult:
    """POST once, within :data:`DEADLINE_SECONDS` from the URL's check to the answer's last
    byte; a redirect is a failed delivery (it could lead to a private address)."""
    deadline = Deadline(DEADLINE_SECONDS)
    target = check_in_time(
        url, local_mode=get_settings().is_local, field="url", deadline=deadline, resolver=resolver
    )
    request = urllib.request.Request(  # noqa: S310 - scheme and host checked just above
        url, data=body, method="POST", headers={"Content-Type": webhooks.CONTENT_TYPE, **headers}
    )
    try:
        with open_checked(target, request, deadline) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        retry_after = error.headers.get("Retry-After") if error.headers else None
        return DeliveryResult(
            False,
            error.code,
            f"HTTP {error.code}",
            int(retry_after) if retry_after and retry_after.isdigit() else None,
        )
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return DeliveryResult(False, None, type(error).__name__)
    return DeliveryResult(200 <= status < 300, status, None if 200 <= status < 300 else f"HTTP {status}")
