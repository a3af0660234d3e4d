"""Shared kernel: the page of a Query, the version conflict of an optimistic update, and the
presigned upload.

Every store pages by DynamoDB position and updates with the version the caller read; these
types are declared once here and used by every domain (crisis, complaints, feeds, roster).
Reports, person records, complaints and applications all hand out presigned uploads through
the same port (S3 in :mod:`haven.adapters.uploads`); what is then done to an uploaded file is
:mod:`haven.uploads`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol

from typing_extensions import TypeVar

#: What a page holds: a typed entity, or (unless said) the dict of an untyped domain.
T = TypeVar("T", default=dict[str, Any])


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    position: dict[str, Any] | None


class StaleVersion(Exception, Generic[T]):
    """An update lost to a newer version: ``current`` is the stored state (None: none)."""

    def __init__(self, current: T | None) -> None:
        super().__init__("stale version")
        self.current = current


def collect(
    fetch: Callable[[dict[str, Any] | None], Page[T]],
    accepts: Callable[[T], bool],
    limit: int,
    position: dict[str, Any] | None,
    max_pages: int = 5,
) -> Page[T]:
    """Fill a page of filtered items from a few underlying Query pages (bounded work)."""
    items: list[T] = []
    for _ in range(max_pages):
        page = fetch(position)
        items.extend(i for i in page.items if accepts(i))
        position = page.position
        if position is None or len(items) >= limit:
            break
    return Page(items[:limit], position)


@dataclass(frozen=True)
class Upload:
    """A presigned upload: POST ``fields`` and the file to ``url`` as multipart/form-data."""

    url: str
    fields: dict[str, str]
    content_type: str
    max_bytes: int
    expires_at: datetime


class UploadSigner(Protocol):
    """Presigns uploads into one bucket (the domains' port; S3 in :mod:`haven.adapters.uploads`)."""

    def presign(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> Upload: ...
