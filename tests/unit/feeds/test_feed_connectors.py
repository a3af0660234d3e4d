"""Each connector against a recorded response in its real format, and broken ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from haven.feeds.connectors import FeedFormatError, Query
from haven.feeds.connectors.catalog import CONNECTORS
from haven.feeds.connectors.mastodon import prev_min_id

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_OF = {
    "usgs": "usgs.geojson",
    "gdacs": "gdacs.xml",
    "gdacs_events": "gdacs_events.geojson",
    "ea_floods": "ea_floods.json",
    "cap": "cap.atom",
    "rss": "rss.xml",
    "geojson": "usgs.geojson",
    "mastodon": "mastodon.json",
    "bluesky": "bluesky.json",
    "x": "x.json",
}


def sample(kind: str) -> bytes:
    return (SAMPLES / SAMPLE_OF[kind]).read_bytes()


def test_every_connector_has_a_sample() -> None:
    assert set(SAMPLE_OF) == set(CONNECTORS)


def test_usgs_items_carry_the_revision_time_position_and_hazard_word() -> None:
    page = CONNECTORS["usgs"].parse(sample("usgs"), {}, None)
    first = page.items[0]
    assert first.native_id == "us7000abcd"
    assert first.updated_at == datetime.fromtimestamp(1767309000, UTC)
    assert first.text == "earthquake: M 5.8 - 12 km SSW of Ayvacik, Turkey"
    assert (first.point.lat, first.point.lon) == (39.49, 26.35) if first.point else pytest.fail("no point")
    assert page.cursor == first.updated_at.isoformat()


def test_window_feeds_drop_items_not_newer_than_the_cursor() -> None:
    connector = CONNECTORS["usgs"]
    cursor = connector.parse(sample("usgs"), {}, None).cursor
    again = connector.parse(sample("usgs"), {}, cursor)
    assert again.items == []
    assert again.cursor is None  # keep the cursor


def test_gdacs_reads_its_fields_and_identifies_events_across_episodes() -> None:
    page = CONNECTORS["gdacs"].parse(sample("gdacs"), {}, None)
    flood, quake = page.items
    assert flood.native_id == "FL1102900"
    assert flood.updated_at == datetime(2026, 1, 3, 10, 30, tzinfo=UTC)
    assert flood.point is not None
    assert (flood.point.lat, flood.point.lon) == (-19.84, 34.84)
    assert flood.places == ("Mozambique",)
    assert flood.text.startswith("flood. Orange flood alert in Mozambique")
    assert quake.native_id == "EQ1500001"
    assert quake.point is None


def test_gdacs_events_are_identified_like_the_rss_and_revised_by_their_episodes() -> None:
    page = CONNECTORS["gdacs_events"].parse(sample("gdacs_events"), {}, None)
    quake, flood = page.items
    assert quake.native_id == "EQ1500123"
    assert quake.updated_at == datetime(2026, 1, 2, 10, 40, tzinfo=UTC)  # datemodified
    assert quake.text == "earthquake. Green alert. Earthquake in Turkey. Magnitude 5.8M, Depth:10km"
    assert quake.point is not None
    assert (quake.point.lat, quake.point.lon) == (39.49, 26.35)
    assert quake.places == ("Turkey",)
    assert quake.link == "https://www.gdacs.org/report.aspx?eventid=1500123&episodeid=1650456&eventtype=EQ"
    assert flood.native_id == "FL1102900"
    assert flood.updated_at == datetime(2026, 1, 3, 10, 30, tzinfo=UTC)  # todate
    assert flood.places == ("Mozambique", "Malawi")
    assert page.cursor == flood.updated_at.isoformat()


def test_gdacs_event_without_an_id_is_a_format_error() -> None:
    with pytest.raises(FeedFormatError, match="eventid"):
        CONNECTORS["gdacs_events"].parse((SAMPLES / "gdacs_events_malformed.geojson").read_bytes(), {}, None)


def test_ea_flood_warnings_are_places_without_coordinates() -> None:
    (warning,) = CONNECTORS["ea_floods"].parse(sample("ea_floods"), {}, None).items
    assert warning.native_id == "061WAF10Lower"
    assert warning.updated_at == datetime(2026, 1, 2, 9, 15, tzinfo=UTC)
    assert warning.places == ("Berkshire, London", "River Thames at Maidenhead", "United Kingdom")
    assert "Flood warning" in warning.text
    assert warning.point is None


def test_cap_alerts_embedded_in_atom() -> None:
    (alert,) = CONNECTORS["cap"].parse(sample("cap"), {}, None).items
    assert alert.native_id == "alerts@example.gov,2026-0001"
    assert alert.point is not None
    assert round(alert.point.lat, 2) == 38.0
    assert round(alert.point.lon, 2) == 23.75
    assert alert.places == ("Lower valley, Athens",)
    assert "Flash flood" in alert.text


def test_generic_rss_strips_markup_and_reads_georss() -> None:
    (item,) = CONNECTORS["rss"].parse(sample("rss"), {}, None).items
    assert (
        item.text
        == "Wildfire near the city: evacuation ordered. Residents of the northern suburbs must evacuate now."
    )
    assert item.point is not None
    assert (item.point.lat, item.point.lon) == (38.05, 23.75)


def test_mastodon_cursor_comes_from_the_link_header_else_the_newest_id() -> None:
    connector = CONNECTORS["mastodon"]
    link = (
        '<https://mastodon.example/api/v1/timelines/tag/flood?max_id=113720000000000001>; rel="next", '
        '<https://mastodon.example/api/v1/timelines/tag/flood?min_id=113720000000000002>; rel="prev"'
    )
    assert prev_min_id(link) == "113720000000000002"
    page = connector.parse(sample("mastodon"), {"link": link}, None)
    assert page.cursor == "113720000000000002"
    assert connector.parse(sample("mastodon"), {}, None).cursor == "113720000000000002"
    newest, edited = page.items
    assert newest.text == "Flooding in #London: water rising in the streets, people trapped"
    assert edited.updated_at == datetime(2026, 1, 2, 11, 2, tzinfo=UTC)  # edited_at revises
    assert (
        "min_id=113720000000000002"
        in connector.request(Query("https://mastodon.example", "#flood"), "113720000000000002", None).url
    )


def test_bluesky_keeps_text_only_and_pages_with_the_opaque_cursor() -> None:
    connector = CONNECTORS["bluesky"]
    page = connector.parse(sample("bluesky"), {}, None)
    assert page.items[0].native_id == "at://did:plc:abc123/app.bsky.feed.post/3lbcdefg2"
    assert page.cursor == "2026-01-02T11:04:01+00:00"
    assert page.next_page == "25"
    request = connector.request(Query("https://public.api.bsky.app", "earthquake"), page.cursor, "25")
    assert "since=2026-01-02T11%3A04%3A01%2B00%3A00" in request.url
    assert "cursor=25" in request.url


def test_x_since_id_next_token_and_places() -> None:
    connector = CONNECTORS["x"]
    page = connector.parse(sample("x"), {}, None)
    assert page.cursor == "1875000000000000002"
    assert page.next_page == "b26v89c19zqg8o3fo7gesq314yb9l2l4ptqy"
    placed, pointed = page.items
    assert placed.places == ("Dhaka, Bangladesh", "Bangladesh")
    assert placed.point is not None
    assert (round(placed.point.lat, 2), round(placed.point.lon, 2)) == (
        23.8,
        90.4,
    )
    assert pointed.point is not None
    assert (pointed.point.lat, pointed.point.lon) == (23.81, 90.41)
    url = connector.request(Query("https://api.x.com", "flood"), "1875000000000000002", "tok").url
    assert "since_id=1875000000000000002" in url
    assert "next_token=tok" in url


def test_x_empty_result_keeps_the_cursor() -> None:
    page = CONNECTORS["x"].parse(b'{"meta":{"result_count":0}}', {}, "5")
    assert page.items == []
    assert page.cursor is None


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_truncated_payloads_are_format_errors(kind: str) -> None:
    body = sample(kind)
    with pytest.raises(FeedFormatError):
        CONNECTORS[kind].parse(body[: len(body) // 2], {}, None)


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_other_formats_are_format_errors(kind: str) -> None:
    other = sample("rss") if SAMPLE_OF[kind].endswith((".json", ".geojson")) else sample("x")
    with pytest.raises(FeedFormatError):
        CONNECTORS[kind].parse(other, {}, None)


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("usgs", b'{"type":"FeatureCollection","features":[{"properties":{"updated":1,"title":"x"}}]}'),
        (
            "usgs",
            b'{"type":"FeatureCollection","features":[{"id":"a","properties":{"updated":"soon","title":"x"}}]}',
        ),
        ("ea_floods", b'{"items":[{"floodAreaID":"A"}]}'),
        ("mastodon", b'[{"id":"12","content":"x"}]'),
        ("bluesky", b'{"posts":[{"uri":"https://not-at","record":{}}]}'),
        ("x", b'{"data":[{"text":"no id"}],"meta":{}}'),
        ("gdacs", b"<rss><channel><item><title>no event id</title></item></channel></rss>"),
        (
            "gdacs_events",
            b'{"type":"FeatureCollection","features":[{"properties":{"eventtype":"EQ","eventid":1,"todate":"x"}}]}',
        ),
        ("cap", b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id></entry></feed>'),
    ],
)
def test_items_missing_what_identifies_or_dates_them_are_format_errors(kind: str, body: bytes) -> None:
    with pytest.raises(FeedFormatError):
        CONNECTORS[kind].parse(body, {}, None)


def test_xml_entities_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">]><rss><channel></channel></rss>'
    with pytest.raises(FeedFormatError):
        CONNECTORS["rss"].parse(bomb, {}, None)
