"""The public alert feed as Google's validator reads it, over HTTP on the local stack: the Atom
feed parsed with ``feedparser``, each entry's CAP link fetched with a plain GET, every message
valid against the OASIS schema and keeping Google Public Alerts' rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
import requests
import xmlschema
from defusedxml import ElementTree as SafeET

from tests import cap_profiles
from tests.alert_areas import alert_area

from .conftest import Platform

pytestmark = pytest.mark.e2e

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).resolve().parents[2] / "standards" / "CAP-v1.2.xsd"))


def _alert(event: str, texts: list[dict[str, str]], area: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": event,
        "categories": ["Met"],
        "response_types": ["Evacuate"],
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "expires": (datetime.now(UTC) + timedelta(hours=4)).isoformat(),
        "sender_name": "Pacific Warning Centre",
        "contact": "+679 330 0000",
        "texts": texts,
        "areas": [area],
    }


def test_every_feed_entry_links_cap_that_keeps_googles_rules(platform: Platform) -> None:
    ops = {"Authorization": f"Bearer {platform.token('responder')}"}
    fiji = alert_area(  # across the antimeridian
        "Vanua Levu and Taveuni", polygons=[[(-16, 178), (-16, -178), (-19, -178), (-19, 178), (-16, 178)]]
    )
    bodies = [
        _alert(
            "Tsunami warning",
            [
                {
                    "language": "en",
                    "headline": "Tsunami warning for the northern islands",
                    "description": "A tsunami is expected within the hour.",
                    "instruction": "Move inland and uphill now.",
                },
                {
                    "language": "fr",
                    "event": "Alerte au tsunami",
                    "headline": "Alerte au tsunami pour les îles du nord",
                    "description": "Un tsunami est attendu dans l'heure.",
                    "instruction": "Éloignez-vous de la côte et montez.",
                },
            ],
            fiji,
        ),
        _alert(
            "Flood warning",
            [
                {
                    "language": "en",
                    "headline": "Flood warning for the river district",
                    "description": "The river is above its banks.",
                    "instruction": "Move to higher ground.",
                }
            ],
            alert_area("River district", circles=[(51.51, -0.11, 2.5)]),
        ),
    ]
    issued = []
    for body in bodies:
        answer = requests.post(platform.url + "/v1/ops/alerts", headers=ops, json=body, timeout=10)
        assert answer.status_code == 201, answer.text
        issued.append(answer.json())
    update = requests.post(
        f"{platform.url}/v1/ops/alerts/{issued[1]['alert_id']}/update",
        headers=ops,
        json={**bodies[1], "severity": "Extreme", "expected_version": 1},
        timeout=10,
    )
    assert update.status_code == 200, update.text
    current = {issued[0]["current_message_id"], update.json()["current_message_id"]}

    assert (
        cap_profiles.check_feed(requests.get(platform.url + "/v1/alerts/feed.atom", timeout=10).content) == []
    )
    feed = feedparser.parse(platform.url + "/v1/alerts/feed.atom")
    assert feed.status == 200
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 2
    for entry in feed.entries:
        [link] = [link.href for link in entry.links if link.get("type") == "application/cap+xml"]
        assert link.startswith(platform.url + "/")
        answer = requests.get(link, timeout=10)  # a plain GET: no Accept header of ours
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "application/cap+xml"
        SCHEMA.validate(answer.text)
        findings = cap_profiles.check(answer.content)
        assert cap_profiles.problems(findings) == [], "\n".join(map(str, findings))
        assert {f.rule.level for f in findings} == {cap_profiles.Level.INFO}  # only: times are in UTC
        root = SafeET.fromstring(answer.content)
        current.discard(root.find(cap_profiles.CAP + "identifier").text)
        for web in root.iter(cap_profiles.CAP + "web"):
            assert requests.get(web.text, timeout=10).status_code == 200  # the page for the public
    assert current == set()
