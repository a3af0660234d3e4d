"""Bluesky post search: ``app.bsky.feed.searchPosts`` (AT Protocol XRPC).

A poll asks for the latest posts since the newest one seen (``since``, the persisted cursor)
and follows the opaque ``cursor`` of each response to older pages of the same poll. A post is
identified by its ``uri``; only its text is kept, never its author.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from haven.feeds.connectors import FeedFormatError, FeedItem, Page, Query, Request
from haven.feeds.connectors._formats import iso_time, json_list, json_object, plain_text

PAGE_SIZE = 100


def _post(post: dict[str, Any]) -> FeedItem:
    uri, record = post.get("uri"), post.get("record")
    if not isinstance(uri, str) or not uri.startswith("at://") or not isinstance(record, dict):
        raise FeedFormatError("a post has no uri or record")
    text = record.get("text")
    return FeedItem(
        native_id=uri,
        updated_at=iso_time(post.get("indexedAt"), "indexedAt"),
        text=plain_text(text if isinstance(text, str) else None),
    )


class BlueskyConnector:
    needs_query = True
    needs_credentials = False

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        if not query.query:
            raise FeedFormatError("a Bluesky source needs a search query")
        params = {"q": query.query, "sort": "latest", "limit": str(PAGE_SIZE)}
        params.update({"since": cursor} if cursor else {})
        params.update({"cursor": page} if page else {})
        url = f"{query.url.rstrip('/')}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}"
        return Request(url, {"Accept": "application/json"})

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        document = json_object(body, "posts")
        items = [_post(p) for p in json_list(document, "posts")]
        newest = max((i.updated_at for i in items), default=None)
        more = document.get("cursor") if isinstance(document.get("cursor"), str) and items else None
        return Page(items, newest.isoformat() if newest else None, more)
