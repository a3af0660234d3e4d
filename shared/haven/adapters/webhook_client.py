"""Delivering a signed webhook over HTTP(S), with the URL re-checked at delivery time."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from haven.config import get_settings
from haven.urls import check_url

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    status: int | None
    error: str | None
    retry_after: int | None = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect could lead to a private address: treat it as a failure


_opener = urllib.request.build_opener(NoRedirect)


def post(url: str, body: bytes, headers: dict[str, str]) -> DeliveryResult:
    check_url(url, local_mode=get_settings().is_local)
    request = urllib.request.Request(  # noqa: S310 - scheme and host checked just above
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
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
