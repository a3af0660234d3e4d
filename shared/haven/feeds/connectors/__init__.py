"""Connectors: one per feed format, each pure.

A connector builds the request of one poll (:meth:`Connector.request`) and turns the response
body and headers into a :class:`Page` of :class:`FeedItem` and the cursor the next poll starts
from (:meth:`Connector.parse`). A body it cannot read raises :class:`FeedFormatError`: the poll
fails with that error recorded and the source's cursor stays where it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from haven.geo import Point


class FeedFormatError(ValueError):
    """The body is not what the connector reads (malformed, truncated, another format)."""


@dataclass(frozen=True)
class Query:
    """What a source asks its feed for: an URL (official feeds, instance base URL for Mastodon,
    API base for Bluesky and X) and a search or tag (social media)."""

    url: str
    query: str | None = None


@dataclass(frozen=True)
class Request:
    url: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FeedItem:
    native_id: str
    updated_at: datetime
    text: str
    point: Point | None = None
    places: tuple[str, ...] = ()
    link: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[FeedItem]
    #: Where the next poll starts; ``None`` keeps the current cursor.
    cursor: str | None
    #: Another page of the same poll (X ``next_token``); ``None`` when this was the last.
    next_page: str | None = None


class Connector(Protocol):
    #: A search of a social network: its sources need a tag or a query (a feed fetched by its
    #: URL needs none). How much a source weighs in credibility is triage's concern
    #: (``haven.crisis.triage.OFFICIAL_FEEDS``), not this.
    needs_query: bool
    #: Whether the source needs a credentials reference (a bearer token).
    needs_credentials: bool

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request: ...

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page: ...
