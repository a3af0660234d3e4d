"""What Google's validator found when it followed Haven's feed: every ``info`` names a page for
the public, each text carries the event in its own language, and each message has a URL that
answers CAP XML to a plain GET, which the Atom feed links (read here with ``feedparser``)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
import xmlschema
from chalice.test import Client
from defusedxml import ElementTree as SafeET

from haven import clock
from haven.config import get_settings
from tests import cap_profiles
from tests.integration.test_alerts import RESPONDER, alert_body

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).resolve().parents[2] / "standards" / "CAP-v1.2.xsd"))
CAP = cap_profiles.CAP


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _issue(client: Any, **changes: Any) -> dict[str, Any]:
    answer = client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(alert_body(**changes)))
    assert answer.status_code == 201, answer.body
    return answer.json_body  # type: ignore[no-any-return]


def _path(url: str) -> str:
    base = get_settings().public_url
    assert url.startswith(base + "/"), url
    return url.removeprefix(base)


def test_every_info_links_the_alerts_public_page(client: Any) -> None:
    alert = _issue(client)
    xml = client.http.get(alert["cap_url"]).body
    webs = [web.text for web in SafeET.fromstring(xml).iter(CAP + "web")]
    assert webs == [f"{get_settings().public_url}/v1/alerts/{alert['alert_id']}"] * 2
    assert client.http.get(_path(webs[0])).json_body["alert_id"] == alert["alert_id"]
    assert not [f for f in cap_profiles.check(xml) if f.rule is cap_profiles.WEB_IS_REQUIRED]

    own = _issue(client, web="https://river.example.org/warnings/42")
    xml = client.http.get(own["cap_url"]).body
    assert {web.text for web in SafeET.fromstring(xml).iter(CAP + "web")} == {
        "https://river.example.org/warnings/42"
    }


def test_each_text_gives_the_event_in_its_language(client: Any) -> None:
    alert = _issue(client)
    assert {lang: text["event"] for lang, text in alert["texts"].items()} == {
        "en": "Flood warning",
        "fr": "Alerte crue",
    }
    xml = client.http.get(alert["cap_url"]).body
    assert [e.text for e in SafeET.fromstring(xml).iter(CAP + "event")] == ["Flood warning", "Alerte crue"]
    assert cap_profiles.problems(cap_profiles.check(xml)) == []

    body = alert_body()
    del body["texts"][1]["event"]  # the English event would be repeated in the French info
    answer = client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(body))
    assert answer.status_code == 422, answer.body
    assert [e["field"] for e in answer.json_body["errors"]] == ["texts.1.event"]

    body["texts"][0]["event"] = "Flood alert"  # the first text's event is `event`: said twice, differently
    answer = client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(body))
    assert answer.status_code == 422, answer.body
    assert [e["field"] for e in answer.json_body["errors"]] == ["texts.0.event", "texts.1.event"]

    body["texts"][0]["event"] = body["event"]
    body["texts"][1]["event"] = "Flood warning"  # the same words in both, said so: accepted
    answer = client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(body))
    assert answer.status_code == 201, answer.body
    findings = cap_profiles.problems(cap_profiles.check(client.http.get(answer.json_body["cap_url"]).body))
    assert [(f.rule, f.where) for f in findings] == [
        (cap_profiles.SAME_TEXT_DIFFERENT_LANGUAGE, "/alert/info[2]/event")
    ]  # the warning Google's validator gives, on the responder's word that it is the same


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"headline": "La rivière monte."}, "texts.1.description"),  # headline == description
        ({"headline": "Flood warning"}, "texts.1.headline"),  # the English headline again
        ({"language": "en-GB", "headline": "Flood warning"}, "texts.1.headline"),  # tags compared whole
        ({"description": "The river is rising."}, "texts.1.description"),
        ({"instruction": "Go uphill."}, "texts.1.instruction"),
        ({"instruction": "La rivière monte."}, "texts.1.instruction"),  # instruction == description
        ({"headline": "x" * 141}, "texts.1.headline"),  # Google: under 140 characters
    ],
)
def test_texts_that_google_would_warn_on_are_refused(client: Any, change: dict[str, str], field: str) -> None:
    body = alert_body()
    body["texts"][1].update(change)
    answer = client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(body))
    assert answer.status_code == 422, answer.body
    assert field in [e["field"] for e in answer.json_body["errors"]]


def test_each_message_has_a_url_that_always_answers_cap_xml(client: Any) -> None:
    alert = _issue(client)
    first_url = alert["cap_url"]
    assert first_url == f"/v1/alerts/{alert['alert_id']}/messages/{alert['current_message_id']}"
    for accept in (None, "application/json", "text/html", "*/*"):
        answer = client.http.get(first_url, headers={"Accept": accept} if accept else {})
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "application/cap+xml"
        SCHEMA.validate(answer.body.decode())
    again = client.http.get(first_url, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304

    updated = client.http.post(
        f"/v1/ops/alerts/{alert['alert_id']}/update",
        headers=RESPONDER,
        body=json.dumps({**alert_body(severity="Extreme"), "expected_version": 1}),
    ).json_body
    assert updated["cap_url"] != first_url
    root = SafeET.fromstring(client.http.get(updated["cap_url"]).body)
    assert root.find(CAP + "msgType").text == "Update"
    assert SafeET.fromstring(client.http.get(first_url).body).find(CAP + "msgType").text == "Alert"

    other = _issue(client)
    draft = _issue(client, status="Draft")
    for path in (
        f"/v1/alerts/{other['alert_id']}/messages/{alert['current_message_id']}",  # another thread's
        f"/v1/alerts/{draft['alert_id']}/messages/{draft['current_message_id']}",  # never public
        f"/v1/alerts/{alert['alert_id']}/messages/haven-test-nothing",
    ):
        answer = client.http.get(path)
        assert answer.status_code == 404
        assert answer.headers["Content-Type"] == "application/problem+json"


def test_feed_entries_link_cap_that_a_plain_get_answers(client: Any) -> None:
    issued = [_issue(client), _issue(client, texts=alert_body()["texts"][:1])]
    updated = client.http.post(
        f"/v1/ops/alerts/{issued[0]['alert_id']}/update",
        headers=RESPONDER,
        body=json.dumps({**alert_body(urgency="Expected"), "expected_version": 1}),
    ).json_body
    atom = client.http.get("/v1/alerts/feed.atom").body
    assert cap_profiles.check_feed(atom) == []
    feed = feedparser.parse(atom)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 2
    current = {updated["current_message_id"], issued[1]["current_message_id"]}
    for entry in feed.entries:
        links = [link for link in entry.links if link.get("type") == "application/cap+xml"]
        assert len(links) == 1
        answer = client.http.get(_path(links[0].href))  # no Accept header: what a feed reader sends
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "application/cap+xml"
        SCHEMA.validate(answer.body.decode())
        assert not cap_profiles.problems(cap_profiles.check(answer.body))
        current.discard(SafeET.fromstring(answer.body).find(CAP + "identifier").text)
    assert current == set()  # each entry links its alert's current message


def test_an_expired_alert_cannot_be_cancelled(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Cancel repeats the infos it withdraws: sent after they expired, its own <sent> came after
    their <expires> (Google: "<effective> should not come after <expires>"), to withdraw nothing."""
    alert = _issue(client)
    later = datetime.fromisoformat(alert["expires"].replace("Z", "+00:00")) + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    answer = client.http.post(
        f"/v1/ops/alerts/{alert['alert_id']}/cancel",
        headers=RESPONDER,
        body=json.dumps({"expected_version": 1}),
    )
    assert answer.status_code == 409, answer.body
    assert "expired" in answer.json_body["detail"]
    thread = client.http.get(f"/v1/alerts/{alert['alert_id']}").json_body
    assert thread["version"] == 1
    assert thread["current_message_id"] == alert["current_message_id"]


def test_the_ipaws_rules_docs_api_md_says_are_met_and_not_met(client: Any) -> None:
    """docs/api.md: of IPAWS v1.0, references, matching categories and event codes, expires and
    an area are met; zero offsets, the IPAWSv1.0 code and the SAME codes are not."""
    alert = _issue(client)
    updated = client.http.post(
        f"/v1/ops/alerts/{alert['alert_id']}/update",
        headers=RESPONDER,
        body=json.dumps({**alert_body(), "expected_version": 1}),
    ).json_body
    for thread in (alert, updated):
        findings = cap_profiles.check_ipaws(client.http.get(thread["cap_url"]).body)
        assert {f.rule for f in findings} == {
            cap_profiles.IPAWS_SENT_INCLUDE_TIMEZONE_OFFSET,
            cap_profiles.IPAWS_EXPIRES_INCLUDE_TIMEZONE_OFFSET,
            cap_profiles.IPAWS_VERSION_CODE_REQUIRED,
            cap_profiles.IPAWS_SAME_EVENT_CODE_REQUIRED,
            cap_profiles.IPAWS_AREA_SAME_GEOCODE_RECOMMENDED,
            cap_profiles.IPAWS_INFO_INSTRUCTION_RECOMMENDED,  # the French text gives none
        }
