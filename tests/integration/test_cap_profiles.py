"""Every CAP message the API writes keeps Google Public Alerts' rules (tests/cap_profiles.py) and
the OASIS schema, over many generated alerts: issued, updated and cancelled; in several
languages; with polygons (some across the antimeridian) and circles; with any text the API
accepts. What the validator still reports is only what the responder chose (no sender name,
no contact, an ``Unknown`` urgency, a ``Test`` status, text that looks like HTML...), and
exactly that."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from chalice.test import Client
from defusedxml import ElementTree as SafeET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.config import get_settings
from local import tokens
from tests import cap_profiles as rules
from tests.alert_areas import alert_area
from tests.cap_profiles import check
from tests.integration.test_alerts import alert_body

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).resolve().parents[2] / "standards" / "CAP-v1.2.xsd"))
RESPONDER = {"Authorization": f"Bearer {tokens.mint('responder')}", "Content-Type": "application/json"}
LANGUAGES = ["en", "fr", "es", "ar", "ne", "sw", "en-GB", "pt-BR", "zh-Hans"]

#: Any text the API accepts: every character XML 1.0 carries (no C0 controls, surrogates,
#: U+FFFE/U+FFFF), markup and entities included.
_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")) | st.sampled_from(
    list("<>&;ampb \t\n")
)


def _text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(_CHARACTERS, min_size=1, max_size=max_size).map(str.strip).filter(bool)


@st.composite
def _polygon(draw: st.DrawFn) -> list[tuple[float, float]]:
    """A regular polygon (3 to 8 sides) around a centre, some crossing the antimeridian."""
    lat = draw(st.floats(-80, 80))
    lon = draw(st.floats(-180, 180) | st.floats(177, 180) | st.floats(-180, -177))
    radius = draw(st.floats(0.001, 4))
    sides = draw(st.integers(3, 8))
    turn = draw(st.floats(0, 2 * math.pi))
    ring = []
    for k in range(sides):
        angle = turn + 2 * math.pi * k / sides
        vertex_lon = lon + radius * math.cos(angle)
        vertex_lon = (
            vertex_lon - 360 if vertex_lon > 180 else vertex_lon + 360 if vertex_lon < -180 else vertex_lon
        )
        ring.append((round(lat + radius * math.sin(angle), 6), round(vertex_lon, 6)))
    return [*ring, ring[0]]


_CIRCLE = st.tuples(st.floats(-90, 90), st.floats(-180, 180), st.floats(0.01, 1000))


@st.composite
def _area(draw: st.DrawFn) -> dict[str, Any]:
    polygons = draw(st.lists(_polygon(), max_size=2))
    circles = draw(st.lists(_CIRCLE, min_size=0 if polygons else 1, max_size=2))
    return alert_area(draw(_text(60)), polygons, circles)


@st.composite
def _alert(draw: st.DrawFn) -> dict[str, Any]:
    languages = draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=4, unique=True))
    same_event = draw(st.booleans())  # "Tsunami" in every language: said so, and honest
    event = draw(_text(40))
    texts = []
    for n, language in enumerate(languages):
        text: dict[str, Any] = {
            "language": language,
            # A suffix per text and field: the API refuses a text repeated in another
            # language, or a description that repeats the headline (tested below).
            "headline": draw(_text(120)) + f" ·h{n}",
            "description": draw(_text(300)) + f" ·d{n}",
        }
        if draw(st.booleans()):
            text["instruction"] = draw(_text(200)) + f" ·i{n}"
        if same_event:
            text["event"] = event
        elif n > 0:
            text["event"] = draw(_text(40)) + f" ·e{n}"
        elif draw(st.booleans()):
            text["event"] = event  # the first text's event may be said again, the same
        texts.append(text)
    now = datetime.now(UTC)
    hours = draw(st.integers(1, 72))
    body = alert_body(
        status=draw(st.sampled_from(["Actual", "Exercise", "Test"])),
        event=event,
        categories=draw(
            st.lists(st.sampled_from(["Met", "Geo", "Fire", "Health", "Other"]), min_size=1, max_size=3)
        ),
        response_types=draw(
            st.lists(st.sampled_from(["Evacuate", "Shelter", "Monitor", "None"]), max_size=2)
        ),
        urgency=draw(st.sampled_from(["Immediate", "Expected", "Unknown"])),
        severity=draw(st.sampled_from(["Extreme", "Severe", "Minor", "Unknown"])),
        certainty=draw(st.sampled_from(["Observed", "Likely", "Unknown"])),
        expires=(now + timedelta(hours=hours)).isoformat(),
        texts=texts,
        areas=draw(st.lists(_area(), min_size=1, max_size=2)),
    )
    for name, size in (("sender_name", 80), ("contact", 80), ("note", 80)):
        body.pop(name, None)
        if draw(st.booleans()):
            body[name] = draw(_text(size))
    if draw(st.booleans()):
        body["effective"] = (now + timedelta(minutes=draw(st.integers(0, hours * 60 - 1)))).isoformat()
    if draw(st.booleans()):
        body["onset"] = (now + timedelta(minutes=draw(st.integers(0, hours * 60 - 1)))).isoformat()
    if draw(st.booleans()):
        body["web"] = "https://river.example.org/warnings/" + draw(
            st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True)
        )
    return body


def _expected(body: dict[str, Any]) -> Counter[str]:
    """What Google's validator reports on a message Haven wrote from this body: advice on what
    the responder chose, and nothing else."""
    found: Counter[str] = Counter({rules.SENT_INCLUDES_UTC_TIMEZONE.code: 1})  # Haven writes UTC
    if body["status"] == "Test":
        found[rules.TEST_ALERT_DISCOURAGED.code] += 1
    seen: dict[str, str] = {}
    for text in body["texts"]:
        at = Counter({rules.EXPIRES_INCLUDES_UTC_TIMEZONE.code: 1})
        for key, rule in (
            ("effective", rules.EFFECTIVE_INCLUDES_UTC_TIMEZONE),
            ("onset", rules.ONSET_INCLUDES_UTC_TIMEZONE),
        ):
            at[rule.code] += key in body
        at[rules.SENDER_NAME_STRONGLY_RECOMMENDED.code] += "sender_name" not in body
        at[rules.CONTACT_IS_RECOMMENDED.code] += "contact" not in body
        at[rules.RESPONSE_TYPE_STRONGLY_RECOMMENDED.code] += not body["response_types"]
        at[rules.INSTRUCTION_STRONGLY_RECOMMENDED.code] += "instruction" not in text
        at[rules.HEADLINE_TOO_LONG.code] += len(text["headline"].encode("utf-16-le")) // 2 > 140
        for key, rule in (
            ("urgency", rules.UNKNOWN_URGENCY_DISCOURAGED),
            ("severity", rules.UNKNOWN_SEVERITY_DISCOURAGED),
            ("certainty", rules.UNKNOWN_CERTAINTY_DISCOURAGED),
        ):
            at[rule.code] += body[key] == "Unknown"
        event = text.get("event", body["event"])
        if seen.setdefault(event, text["language"]) != text["language"]:
            at[rules.SAME_TEXT_DIFFERENT_LANGUAGE.code] += 1  # the same event, as the responder said
        found.update(+at)
    return found


def _html(body: dict[str, Any], infos: int) -> set[str]:
    """The HTML warnings the responder's own words draw (they are sent as written)."""
    words = [body["event"], *(body.get(k, "") for k in ("sender_name", "contact", "note"))]
    words += [a["description"] for a in body["areas"]]
    for text in body["texts"]:
        words += [text.get("event", ""), text["headline"], text["description"], text.get("instruction", "")]
    return {rule.code for word in words for rule in rules.html_rules(word)}


def _findings(xml: bytes) -> Counter[str]:
    return Counter(
        f.rule.code
        for f in check(xml)
        if f.rule not in (rules.TEXT_CONTAINS_HTML_TAGS, rules.TEXT_CONTAINS_HTML_ENTITIES)
    )


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _message(client: Any, thread: dict[str, Any]) -> bytes:
    answer = client.http.get(thread["cap_url"])
    assert answer.status_code == 200, answer.body
    assert answer.headers["Content-Type"] == "application/cap+xml"
    SCHEMA.validate(answer.body.decode())
    return answer.body  # type: ignore[no-any-return]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=_alert(), second=_alert())
def test_every_message_keeps_googles_rules(
    client: Any, first: dict[str, Any], second: dict[str, Any]
) -> None:
    issued = client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(first))
    assert issued.status_code == 201, issued.body
    thread = issued.json_body
    xml = _message(client, thread)
    assert _findings(xml) == _expected(first), xml.decode()
    assert {f.rule.code for f in check(xml)} - set(_findings(xml)) == _html(first, len(first["texts"]))
    page = first.get("web") or f"{get_settings().public_url}/v1/alerts/{thread['alert_id']}"
    assert [w.text for w in SafeET.fromstring(xml).iter(rules.CAP + "web")] == [page] * len(first["texts"])

    updated = client.http.post(
        f"/v1/ops/alerts/{thread['alert_id']}/update",
        headers=RESPONDER,
        body=json.dumps({**second, "expected_version": 1}),
    )
    assert updated.status_code == 200, updated.body
    xml = _message(client, updated.json_body)
    assert _findings(xml) == _expected(second), xml.decode()

    cancelled = client.http.post(
        f"/v1/ops/alerts/{thread['alert_id']}/cancel",
        headers=RESPONDER,
        body=json.dumps({"expected_version": 2}),
    )
    assert cancelled.status_code == 200, cancelled.body
    xml = _message(client, cancelled.json_body)
    assert _findings(xml) == _expected(second), xml.decode()  # a Cancel repeats the infos it withdraws
