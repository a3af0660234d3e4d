"""Feed reports are scored by who published them: agencies above social media."""

from __future__ import annotations

import pytest

from haven.crisis.triage import OFFICIAL_FEEDS, credibility_source
from haven.feeds.connectors.catalog import CONNECTORS


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("citizen", "citizen"),
        ("feed:usgs", "official_feed"),
        ("feed:gdacs_events", "official_feed"),
        ("feed:ea_floods", "official_feed"),
        ("feed:cap", "official_feed"),
        ("feed:mastodon", "social"),
        ("feed:x", "social"),
        ("feed:rss", "social"),
    ],
)
def test_credibility_prior_follows_the_publisher(source: str, expected: str) -> None:
    assert credibility_source(source) == expected


def test_every_official_feed_is_a_real_connector() -> None:
    assert set(CONNECTORS) >= OFFICIAL_FEEDS
