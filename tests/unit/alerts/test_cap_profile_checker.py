"""The checker of Google's CAP rules (tests/cap_profiles.py) can fail: a message that breaks one
rule draws that rule's finding, and a message that keeps them all draws none of them."""

from __future__ import annotations

import pytest

from tests import cap_profiles as rules
from tests.cap_profiles import Rule, check, check_ipaws

GOOD = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>haven-dev-2</identifier>
  <sender>alerts@haven.example.org</sender>
  <sent>2026-11-28T14:02:11-05:00</sent>
  <status>Actual</status>
  <msgType>Update</msgType>
  <scope>Public</scope>
  <code>IPAWSv1.0</code>
  <references>alerts@haven.example.org,haven-dev-1,2026-11-28T13:02:11-05:00</references>
  <info>
    <language>en</language>
    <category>Met</category>
    <event>Flood warning</event>
    <responseType>Evacuate</responseType>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <eventCode><valueName>SAME</valueName><value>FLW</value></eventCode>
    <expires>2026-11-28T20:00:00-05:00</expires>
    <senderName>River Authority</senderName>
    <headline>Flood warning for the river district</headline>
    <description>The river is above its banks.</description>
    <instruction>Move to higher ground.</instruction>
    <web>https://haven.example.org/v1/alerts/haven-dev-1</web>
    <contact>+44 20 7946 0000</contact>
    <area>
      <areaDesc>River district</areaDesc>
      <polygon>51.5,-0.13 51.5,-0.1 51.52,-0.1 51.52,-0.13 51.5,-0.13</polygon>
      <circle>51.51,-0.11 2.5</circle>
      <geocode><valueName>SAME</valueName><value>006113</value></geocode>
    </area>
  </info>
  <info>
    <language>fr</language>
    <category>Met</category>
    <event>Alerte crue</event>
    <responseType>Evacuate</responseType>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <eventCode><valueName>SAME</valueName><value>FLW</value></eventCode>
    <expires>2026-11-28T20:00:00-05:00</expires>
    <senderName>River Authority</senderName>
    <headline>Alerte crue dans le quartier</headline>
    <description>La rivière déborde.</description>
    <instruction>Montez en hauteur.</instruction>
    <web>https://haven.example.org/v1/alerts/haven-dev-1</web>
    <contact>+44 20 7946 0000</contact>
    <area>
      <areaDesc>Quartier du fleuve</areaDesc>
      <circle>51.51,-0.11 2.5</circle>
      <geocode><valueName>SAME</valueName><value>006113</value></geocode>
    </area>
  </info>
</alert>
"""


def _codes(xml: str, checker=check) -> set[str]:  # type: ignore[no-untyped-def]
    return {finding.rule.code for finding in checker(xml)}


def test_a_message_that_keeps_every_rule_draws_no_finding() -> None:
    assert check(GOOD) == []
    assert check_ipaws(GOOD) == []


def _once(old: str, new: str) -> str:
    assert GOOD.count(old) >= 1, old
    return GOOD.replace(old, new, 1)


def _last(old: str, new: str) -> str:
    at = GOOD.rindex(old)
    return GOOD[:at] + new + GOOD[at + len(old) :]


def _everywhere(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new)


FR = "<language>fr</language>"

#: One message per rule, breaking that rule and (as far as possible) no other.
BROKEN: list[tuple[Rule, str]] = [
    (rules.INVALID_IDENTIFIER, _once("haven-dev-2", "haven dev 2")),
    (rules.INVALID_SENDER, _once("<sender>alerts@haven.example.org", "<sender>alerts,haven")),
    (rules.INVALID_REFERENCES, _once("haven-dev-1,2026-11-28T13:02:11-05:00", "haven-dev-1")),
    (rules.INVALID_DATE, _once("14:02:11-05:00", "14:02:11Z")),
    (rules.INVALID_CIRCLE, _once("<circle>51.51,-0.11 2.5", "<circle>51.51 -0.11,2.5")),
    (rules.INVALID_POLYGON, _once(" 51.5,-0.13</polygon>", "</polygon>")),
    (
        rules.INVALID_POLYGON_SELF_INTERSECTION,
        _once("51.5,-0.13 51.5,-0.1 51.52,-0.1 51.52,-0.13", "51.5,-0.13 51.52,-0.1 51.5,-0.1 51.52,-0.13"),
    ),
    (rules.INVALID_LANGUAGE, _once(FR, "<language>fr_FR</language>")),
    (rules.INVALID_WEB, _once("<web>https://haven.example.org/v1/alerts/haven-dev-1", "<web>/v1/alerts/x")),
    (rules.CIRCULAR_REFERENCE, _once(",haven-dev-1,", ",haven-dev-2,")),
    (rules.RESTRICTION_SCOPE_MISMATCH, _once("<scope>Public</scope>", "<scope>Public</scope><restriction>x</restriction>")),
    (rules.INVALID_AREA, _once("<circle>51.51,-0.11 2.5</circle>", "<circle>51.51,-0.11 2.5</circle><ceiling>9</ceiling>")),
    (
        rules.INVALID_ALTITUDE_CEILING_RANGE,
        _once("<circle>51.51,-0.11 2.5</circle>", "<circle>51.51,-0.11 2.5</circle><altitude>9</altitude><ceiling>3</ceiling>"),
    ),
    (rules.POSTDATED_REFERENCE, _once("2026-11-28T13:02:11-05:00", "2026-11-28T15:02:11-05:00")),
    (rules.SAME_TEXT_DIFFERENT_LANGUAGE, _once("<event>Alerte crue</event>", "<event>Flood warning</event>")),
    (rules.TEXT_CONTAINS_HTML_ENTITIES, _once("banks.", "banks &amp;amp; roads.")),
    (rules.TEXT_CONTAINS_HTML_TAGS, _once("banks.", "&lt;b&gt;banks&lt;/b&gt;.")),
    (rules.UPDATE_OR_CANCEL_MUST_REFERENCE, _once("<references>alerts@haven.example.org,haven-dev-1,2026-11-28T13:02:11-05:00</references>", "")),
    (rules.CATEGORIES_MUST_MATCH, _once(FR + "\n    <category>Met</category>", FR + "\n    <category>Geo</category>")),
    (rules.EVENT_CODES_MUST_MATCH, _last("<value>FLW</value>", "<value>FLS</value>")),
    (rules.INFO_IS_REQUIRED, GOOD[: GOOD.index("<info>")] + "</alert>\n"),
    (rules.DESCRIPTION_IS_REQUIRED, _once("<description>The river is above its banks.</description>", "<description> </description>")),
    (rules.WEB_IS_REQUIRED, _once("<web>https://haven.example.org/v1/alerts/haven-dev-1</web>", "")),
    (rules.EXPIRES_IS_REQUIRED, _once("<expires>2026-11-28T20:00:00-05:00</expires>", "")),
    (rules.EFFECTIVE_NOT_AFTER_EXPIRES, _once("<expires>2026-11-28T20:00:00-05:00</expires>", "<effective>2026-11-28T21:00:00-05:00</effective><expires>2026-11-28T20:00:00-05:00</expires>")),
    (rules.URGENCY_IS_REQUIRED, _once("<urgency>Immediate</urgency>", "")),
    (rules.SEVERITY_IS_REQUIRED, _once("<severity>Severe</severity>", "")),
    (rules.CERTAINTY_IS_REQUIRED, _once("<certainty>Observed</certainty>", "")),
    (rules.AREA_IS_REQUIRED, _everywhere("<area>", "<!--").replace("</area>", "-->")),
    (
        rules.CIRCLE_POLYGON_OR_GEOCODE_IS_REQUIRED,
        _once("<areaDesc>Quartier du fleuve</areaDesc>\n      <circle>51.51,-0.11 2.5</circle>\n      <geocode><valueName>SAME</valueName><value>006113</value></geocode>", "<areaDesc>Quartier du fleuve</areaDesc>"),
    ),
    (rules.SENDER_NAME_STRONGLY_RECOMMENDED, _once("<senderName>River Authority</senderName>", "")),
    (rules.RESPONSE_TYPE_STRONGLY_RECOMMENDED, _once("<responseType>Evacuate</responseType>", "")),
    (rules.INSTRUCTION_STRONGLY_RECOMMENDED, _once("<instruction>Move to higher ground.</instruction>", "")),
    (rules.CIRCLE_POLYGON_ENCOURAGED, _once("<areaDesc>Quartier du fleuve</areaDesc>\n      <circle>51.51,-0.11 2.5</circle>", "<areaDesc>Quartier du fleuve</areaDesc>")),
    (rules.TEST_ALERT_DISCOURAGED, _once("<status>Actual</status>", "<status>Test</status>")),
    (rules.HEADLINE_TOO_LONG, _once("Flood warning for the river district", "F" + "l" * 140)),
    (rules.HEADLINE_TOO_LONG, _once("Flood warning for the river district", "\U0001f30a" * 71)),  # 142 UTF-16 units
    (rules.HEADLINE_AND_DESCRIPTION_SHOULD_DIFFER, _once("The river is above its banks.", "Flood warning for the river district")),
    (rules.DESCRIPTION_AND_INSTRUCTION_SHOULD_DIFFER, _once("Move to higher ground.", "The river is above its banks.")),
    (rules.UNKNOWN_URGENCY_DISCOURAGED, _once("<urgency>Immediate</urgency>", "<urgency>Unknown</urgency>")),
    (rules.UNKNOWN_SEVERITY_DISCOURAGED, _once("<severity>Severe</severity>", "<severity>Unknown</severity>")),
    (rules.UNKNOWN_CERTAINTY_DISCOURAGED, _once("<certainty>Observed</certainty>", "<certainty>Unknown</certainty>")),
    (rules.CONTACT_IS_RECOMMENDED, _once("<contact>+44 20 7946 0000</contact>", "")),
    (rules.NONZERO_CIRCLE_RADIUS_RECOMMENDED, _once("<circle>51.51,-0.11 2.5", "<circle>51.51,-0.11 0")),
    (
        rules.EVENTS_IN_SAME_LANGUAGE_SHOULD_MATCH,
        _once(FR, "<language>en</language>")
        .replace("<event>Alerte crue</event>", "<event>Flood alert</event>")
        .replace("La rivière déborde.", "The river is overflowing."),
    ),
    (rules.EMPTY_GEOCODE_FIELD, _once("<value>006113</value>", "<value></value>")),
    (rules.SENT_INCLUDES_UTC_TIMEZONE, _once("<sent>2026-11-28T14:02:11-05:00", "<sent>2026-11-28T19:02:11+00:00")),
    (rules.EFFECTIVE_INCLUDES_UTC_TIMEZONE, _once("<expires>", "<effective>2026-11-28T19:02:11+00:00</effective><expires>")),
    (rules.ONSET_INCLUDES_UTC_TIMEZONE, _once("<expires>", "<onset>2026-11-28T19:02:11+00:00</onset><expires>")),
    (rules.EXPIRES_INCLUDES_UTC_TIMEZONE, _once("<expires>2026-11-28T20:00:00-05:00", "<expires>2026-11-29T01:00:00+00:00")),
]  # fmt: skip

#: What a case cannot break alone: an area with no shape at all has no circle or polygon either.
COMPANIONS = {rules.CIRCLE_POLYGON_OR_GEOCODE_IS_REQUIRED: (rules.CIRCLE_POLYGON_ENCOURAGED,)}

BROKEN_IPAWS: list[tuple[Rule, str]] = [
    (rules.IPAWS_SENT_INCLUDE_TIMEZONE_OFFSET, _once("<sent>2026-11-28T14:02:11-05:00", "<sent>2026-11-28T19:02:11+00:00")),
    (rules.IPAWS_EXPIRES_INCLUDE_TIMEZONE_OFFSET, _once("<expires>2026-11-28T20:00:00-05:00", "<expires>2026-11-29T01:00:00+00:00")),
    (rules.IPAWS_VERSION_CODE_REQUIRED, _once("<code>IPAWSv1.0</code>", "")),
    (rules.IPAWS_UPDATE_OR_CANCEL_MUST_REFERENCE, _once("<references>alerts@haven.example.org,haven-dev-1,2026-11-28T13:02:11-05:00</references>", "")),
    (rules.IPAWS_EVENT_CODES_MUST_MATCH, _last("<value>FLW</value>", "<value>FLS</value>")),
    (rules.IPAWS_CATEGORIES_MUST_MATCH, _once(FR + "\n    <category>Met</category>", FR + "\n    <category>Geo</category>")),
    (rules.IPAWS_SAME_EVENT_CODE_REQUIRED, _everywhere("<value>FLW</value>", "<value>FLOW</value>")),
    (rules.IPAWS_EXPIRES_IS_REQUIRED, _once("<expires>2026-11-28T20:00:00-05:00</expires>", "")),
    (rules.IPAWS_AREA_IS_REQUIRED, _everywhere("<area>", "<!--").replace("</area>", "-->")),
    (rules.IPAWS_INFO_EFFECTIVE_IS_IGNORED, _once("<expires>", "<effective>2026-11-28T14:02:11-05:00</effective><expires>")),
    (rules.IPAWS_INFO_ONSET_IS_IGNORED, _once("<expires>", "<onset>2026-11-28T14:02:11-05:00</onset><expires>")),
    (rules.IPAWS_INFO_DESCRIPTION_RECOMMENDED, _once("<description>The river is above its banks.</description>", "")),
    (rules.IPAWS_INFO_INSTRUCTION_RECOMMENDED, _once("<instruction>Move to higher ground.</instruction>", "")),
    (rules.IPAWS_AREA_SAME_GEOCODE_RECOMMENDED, _once("<value>006113</value>", "<value>0061</value>")),
]  # fmt: skip


def _rule_ids(case: tuple[Rule, str]) -> str:
    return case[0].code


@pytest.mark.parametrize("case", BROKEN, ids=_rule_ids)
def test_each_google_rule_is_enforced(case: tuple[Rule, str]) -> None:
    rule, xml = case
    findings = [f for f in check(xml) if f.rule == rule]
    assert findings, f"{rule.code} was not found in:\n{xml}"
    assert str(findings[0]).endswith(rule.text)


@pytest.mark.parametrize("case", BROKEN_IPAWS, ids=_rule_ids)
def test_each_ipaws_rule_is_enforced(case: tuple[Rule, str]) -> None:
    rule, xml = case
    assert {f.rule for f in check_ipaws(xml)} == {rule}, xml


def test_every_rule_has_a_breaking_message() -> None:
    everything = {value for value in vars(rules).values() if isinstance(value, Rule)}
    assert everything == {rule for rule, _ in BROKEN + BROKEN_IPAWS + BROKEN_FEED}


@pytest.mark.parametrize("case", BROKEN, ids=_rule_ids)
def test_a_change_draws_only_its_own_rule(case: tuple[Rule, str]) -> None:
    """The cases are precise: each breaks its own rule and no other (so a checker that reported
    everything on any change would fail here)."""
    rule, xml = case
    assert {f.rule for f in check(xml)} == {rule, *COMPANIONS.get(rule, ())}


FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://haven.example.org/v1/alerts/feed.atom</id>
  <title>Haven public alerts</title>
  <updated>2026-11-28T14:02:11Z</updated>
  <entry>
    <id>https://haven.example.org/v1/alerts/haven-dev-1</id>
    <title>Flood warning for the river district</title>
    <updated>2026-11-28T14:02:11Z</updated>
    <link rel="alternate" type="application/cap+xml" href="https://haven.example.org/v1/alerts/haven-dev-1/messages/haven-dev-2"/>
  </entry>
  <entry>
    <id>https://haven.example.org/v1/alerts/haven-dev-3</id>
    <title>Bushfire</title>
    <updated>2026-11-28T14:02:11Z</updated>
    <link rel="alternate" type="text/html" href="https://haven.example.org/alerts/haven-dev-3"/>
    <link rel="alternate" type="application/cap+xml" href="https://haven.example.org/v1/alerts/haven-dev-3/messages/haven-dev-3"/>
  </entry>
</feed>
"""


def _feed(old: str, new: str) -> str:
    assert old in FEED, old
    return FEED.replace(old, new, 1)


BROKEN_FEED: list[tuple[Rule, str]] = [
    (rules.ATOM_ID_IS_REQUIRED, _feed("<id>https://haven.example.org/v1/alerts/feed.atom</id>", "")),
    (rules.ATOM_TITLE_IS_REQUIRED, _feed("<title>Haven public alerts</title>", "<title> </title>")),
    (rules.ATOM_UPDATED_IS_REQUIRED, _feed("<updated>2026-11-28T14:02:11Z</updated>\n  <entry>", "<entry>")),
    (rules.ATOM_ENTRY_ID_IS_REQUIRED, _feed("<id>https://haven.example.org/v1/alerts/haven-dev-1</id>", "")),
    (rules.ATOM_ENTRY_TITLE_IS_REQUIRED, _feed("<title>Bushfire</title>", "")),
    (rules.ATOM_ENTRY_UPDATED_IS_REQUIRED, _feed("<updated>2026-11-28T14:02:11Z</updated>\n    <link rel", "<link rel")),
    (rules.ATOM_ENTRY_MISSING_CAP_LINK, _feed('type="application/cap+xml" href="https://haven.example.org/v1/alerts/haven-dev-3', 'type="application/json" href="https://haven.example.org/v1/alerts/haven-dev-3')),
    (rules.ATOM_ENTRY_NON_UNIQUE_IDS, _feed("<id>https://haven.example.org/v1/alerts/haven-dev-3</id>", "<id>https://haven.example.org/v1/alerts/haven-dev-1</id>")),
]  # fmt: skip


def test_a_feed_that_keeps_every_rule_draws_no_finding() -> None:
    assert rules.check_feed(FEED) == []


@pytest.mark.parametrize("case", BROKEN_FEED, ids=_rule_ids)
def test_each_feed_rule_is_enforced(case: tuple[Rule, str]) -> None:
    rule, xml = case
    assert {f.rule for f in rules.check_feed(xml)} == {rule}, xml
