"""Mastodon hashtag timelines: ``GET /api/v1/timelines/tag/{tag}?min_id=<cursor>``.

The body is a list of statuses, newest first. The next poll starts after the newest one seen:
the ``min_id`` of the ``rel="prev"`` link of the ``Link`` header, else the largest status id.
Only the status text is kept, never the account.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from haven.feeds.connectors import FeedFormatError, FeedItem, Page, Query, Request
from haven.feeds.connectors._formats import iso_time, json_document, plain_text

PAGE_SIZE = 40
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([a-z]+)"?')


def prev_min_id(link_header: str | None) -> str | None:
    for url, rel in _LINK.findall(link_header or ""):
        if rel == "prev":
            values = parse_qs(urlsplit(url).query).get("min_id")
            return values[0] if values else None
    return None


def _status(status: dict[str, Any]) -> FeedItem:
    status_id = status.get("id")
    if not isinstance(status_id, str) or not status_id.isdigit():
        raise FeedFormatError("a status has no id")
    return FeedItem(
        native_id=status_id,
        updated_at=iso_time(status.get("edited_at") or status.get("created_at"), "created_at"),
        text=plain_text(status.get("spoiler_text"), status.get("content")),
        link=status.get("url") if isinstance(status.get("url"), str) else None,
    )


class MastodonConnector:
    needs_query = True
    needs_credentials = False

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        if not query.query:
            raise FeedFormatError("a Mastodon source needs a tag")
        params = {"limit": str(PAGE_SIZE), **({"min_id": cursor} if cursor else {})}
        url = f"{query.url.rstrip('/')}/api/v1/timelines/tag/{quote(query.query.lstrip('#'), safe='')}"
        return Request(f"{url}?{urlencode(params)}", {"Accept": "application/json"})

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        document = json_document(body)
        if not isinstance(document, list) or not all(isinstance(s, dict) for s in document):
            raise FeedFormatError("not a list of statuses")
        items = [_status(s) for s in document]
        newest = max((i.native_id for i in items), key=int, default=None)
        return Page(items, prev_min_id(headers.get("link")) or newest)
