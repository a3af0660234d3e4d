"""Per-client request limits in DynamoDB: one atomic counter per client, class and window."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from haven.adapters.dynamo.models import RateWindow


class DynamoRateLimiter:
    """A fixed window per subject, counted with one ``UpdateItem`` (``ADD hits 1``, the new
    count returned): no read first, and concurrent requests never lose a count."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def hit(self, subject: str, limit: int, window_seconds: int) -> int | None:
        now = datetime.now(UTC)
        start = int(now.timestamp()) // window_seconds * window_seconds
        hashed = hmac.new(self._key, subject.encode(), hashlib.sha256).hexdigest()[:40]
        window = RateWindow(hashed, start)
        window.update(
            actions=[
                RateWindow.hits.add(1),
                RateWindow.expires_at.set(datetime.fromtimestamp(start + 2 * window_seconds, UTC)),
            ]
        )
        if int(window.hits or 0) <= limit:
            return None
        return max(1, start + window_seconds - int(now.timestamp()))
