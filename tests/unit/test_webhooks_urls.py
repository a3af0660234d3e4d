"""Standard Webhooks signing (checked by a verifier written from the spec) and URL policy."""

from __future__ import annotations

import json

import pytest

from haven import webhooks
from haven.errors import ValidationFailed
from haven.urls import check_url
from tests.webhook_receiver import reference_verify


def test_signature_matches_the_reference_verifier() -> None:
    secret = webhooks.new_secret()
    body = webhooks.cloudevent(
        event_id="01J0",
        source="haven",
        event_type="org.haven.test",
        subject="x",
        time_iso="2026-11-28T00:00:00Z",
        data={"a": 1},
    )
    headers = webhooks.sign([secret], "msg_1", body, timestamp=1_800_000_000)
    assert reference_verify(secret, headers, body, now=1_800_000_010)
    assert json.loads(body)["specversion"] == "1.0"
    webhooks.verify(secret, headers, body, now=1_800_000_010)


def test_tampered_replayed_or_foreign_deliveries_are_rejected() -> None:
    secret, other = webhooks.new_secret(), webhooks.new_secret()
    body = b'{"a":1}'
    headers = webhooks.sign([secret], "msg_1", body, timestamp=1_800_000_000)
    assert not reference_verify(secret, headers, b'{"a":2}', now=1_800_000_000)
    assert not reference_verify(secret, headers, body, now=1_800_000_000 + 301)
    assert not reference_verify(other, headers, body, now=1_800_000_000)
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(secret, headers, b'{"a":2}', now=1_800_000_000)
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(secret, headers, body, now=1_800_000_000 + 301)
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(secret, {**headers, "webhook-id": "msg_2"}, body, now=1_800_000_000)


def test_rotation_signs_with_both_secrets() -> None:
    old, new = webhooks.new_secret(), webhooks.new_secret()
    headers = webhooks.sign([new, old], "m", b"{}", timestamp=1_800_000_000)
    assert reference_verify(old, headers, b"{}", now=1_800_000_000)
    assert reference_verify(new, headers, b"{}", now=1_800_000_000)


def _resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    return lambda host: table[host]


@pytest.mark.parametrize(
    ("url", "addresses"),
    [
        ("http://partner.example.org/hook", ["93.184.216.34"]),  # not https
        ("https://internal.example.org/hook", ["10.0.0.5"]),
        ("https://meta.example.org/", ["169.254.169.254"]),
        ("https://loop.example.org/", ["127.0.0.1"]),
        ("https://mixed.example.org/", ["93.184.216.34", "192.168.1.1"]),
        ("https://v6.example.org/", ["fd00::1"]),
        ("https://user:pw@partner.example.org/", ["93.184.216.34"]),
        ("http://127.0.0.1:9000/hook", ["127.0.0.1"]),  # loopback only in local mode
        # IPv6 forms that carry a private IPv4 address, literal or from DNS.
        ("https://[::127.0.0.1]/", ["::127.0.0.1"]),  # IPv4-compatible
        ("https://[::a9fe:a9fe]/", ["::a9fe:a9fe"]),  # the metadata service, compatible form
        ("https://[::ffff:10.0.0.1]/", ["::ffff:10.0.0.1"]),  # IPv4-mapped
        ("https://nat64.example.org/", ["64:ff9b::a9fe:a9fe"]),  # NAT64 well-known prefix
        ("https://nat64-local.example.org/", ["64:ff9b:1::a9fe:a9fe"]),  # NAT64 local-use
        ("https://[2002:7f00:1::1]/", ["2002:7f00:1::1"]),  # 6to4 of 127.0.0.1
        ("https://sixtofour.example.org/", ["2002:a9fe:a9fe::1"]),  # 6to4 of 169.254.169.254
        ("https://[2002:c0a8:101::1]/", ["2002:c0a8:101::1"]),  # 6to4 of 192.168.1.1
    ],
)
def test_private_targets_are_refused_in_aws_mode(url: str, addresses: list[str]) -> None:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    with pytest.raises(ValidationFailed) as caught:
        check_url(url, local_mode=False, field="webhook_url", resolver=_resolver({host: addresses}))
    assert caught.value.errors[0].field == "webhook_url"


def test_public_https_and_local_loopback_are_allowed() -> None:
    assert check_url(
        "https://partner.example.org/h",
        local_mode=False,
        resolver=_resolver({"partner.example.org": ["93.184.216.34"]}),
    )
    assert check_url("http://127.0.0.1:9000/hook", local_mode=True)
    # A public IPv6 address, and a 6to4 address of a public IPv4 one, stay allowed.
    for address in ("2606:4700:4700::1111", "2002:5db8:d822::1"):
        assert check_url(
            "https://v6.example.org/", local_mode=False, resolver=_resolver({"v6.example.org": [address]})
        )
    with pytest.raises(ValidationFailed):
        check_url("http://10.1.2.3/hook", local_mode=True, resolver=_resolver({"10.1.2.3": ["10.1.2.3"]}))
