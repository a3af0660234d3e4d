"""Events of upload screening: an upload rejected and deleted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from haven.events import Event


@dataclass(kw_only=True, eq=False, repr=False)
class UploadRejected(Event):
    """Upload screening deleted an uploaded object version; ``id`` is the object's key."""

    detail_type: ClassVar[str] = "upload.rejected"
    domain: ClassVar[str] = "uploads"

    bucket: str
    key: str
    version_id: str | None
    reason: str
    size_bytes: int
