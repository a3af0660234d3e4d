"""Per-client request limits in DynamoDB: one atomic counter per client, class and window."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import UTC, datetime

from pynamodb.exceptions import PynamoDBException

from haven import clock
from haven.adapters.dynamo.models.api import RateWindow

log = logging.getLogger(__name__)


class DynamoRateLimiter:
    """A fixed window per subject, counted with one ``UpdateItem`` (``ADD hits 1``, the new
    count returned): no read first, and concurrent requests never lose a count. If DynamoDB
    cannot count (throttled, unavailable), the request is let through and a warning logged."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def hit(self, subject: str, limit: int, window_seconds: int) -> int | None:
        now = clock.now()
        start = int(now.timestamp()) // window_seconds * window_seconds
        hashed = hmac.new(self._key, subject.encode(), hashlib.sha256).hexdigest()[:40]
        window = RateWindow(hashed, start)
        try:
            window.update(
                actions=[
                    RateWindow.hits.add(1),
                    RateWindow.expires_at.set(datetime.fromtimestamp(start + 2 * window_seconds, UTC)),
                ]
            )
        except PynamoDBException as error:
            # Fail open: a counter that cannot be written must not refuse a reporter or a
            # relative; the gateway's throttling and the web ACL still bound the rate.
            log.warning("request not counted against its limit: %s", type(error.cause).__name__)
            return None
        if int(window.hits or 0) <= limit:
            return None
        return max(1, start + window_seconds - int(now.timestamp()))
