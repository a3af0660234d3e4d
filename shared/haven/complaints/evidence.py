"""What a complaint may attach as evidence: its types and size limit.

Its own module so that upload screening (:mod:`haven.uploads`) takes the limits evidence is
presigned with without loading the complaints domain.
"""

from __future__ import annotations

EVIDENCE_TYPES = ("image/jpeg", "image/png", "application/pdf")
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_ITEMS = 5
