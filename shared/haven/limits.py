"""Per-client request limits: a port the use cases and the API count requests through.

Public routes that take a secret (a tracking code, a deletion or unsubscribe token, a
confirmation code) or search personal data are limited per client on top of the gateway's
per-route throttling: the gateway bounds the total, this bounds what one client may try.
"""

from __future__ import annotations

from typing import Protocol


class RateLimiter(Protocol):
    def hit(self, subject: str, limit: int, window_seconds: int) -> int | None:
        """Count a request of ``subject`` (a client, within a class of routes); the seconds to
        wait when it exceeds ``limit`` in the current window, else ``None``."""
        ...
