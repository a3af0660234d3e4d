"""What a crisis report may attach: media types and their size limits.

Its own module so that upload screening (:mod:`haven.uploads`) takes the limits reports are
presigned with without loading the report domain.
"""

from __future__ import annotations

ALLOWED_MEDIA_TYPES = ("image/jpeg", "image/png", "image/webp", "video/mp4")
MAX_MEDIA_BYTES = {"video/mp4": 50 * 1024 * 1024}
DEFAULT_MAX_MEDIA_BYTES = 10 * 1024 * 1024
MAX_MEDIA_ITEMS = 4


def max_bytes_for(content_type: str) -> int:
    return MAX_MEDIA_BYTES.get(content_type, DEFAULT_MAX_MEDIA_BYTES)
