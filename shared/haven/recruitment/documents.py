"""The files an accreditation application accepts as documents, and how large each may be.

Apart from :mod:`haven.recruitment.document_uploads` because upload screening (:mod:`haven.uploads`)
judges the ``evidence`` bucket by these limits, and submission judges each upload with upload
screening: with the limits in the use-case module, the two would import each other.
"""

from __future__ import annotations

#: Accepted document types and their size caps.
DOCUMENT_TYPES: dict[str, int] = {
    "application/pdf": 20 * 1024 * 1024,
    "image/jpeg": 10 * 1024 * 1024,
    "image/png": 10 * 1024 * 1024,
}
