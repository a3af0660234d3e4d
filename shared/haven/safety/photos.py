"""What a person record's photo may be: its types and size limit.

Its own module so that upload screening (:mod:`haven.uploads`) takes the limits photos are
presigned with without loading the person records.
"""

from __future__ import annotations

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_PHOTO_BYTES = 5 * 1024 * 1024
