"""Twilio's webhook signature and TwiML replies.

Twilio signs each webhook request: ``X-Twilio-Signature`` is the base64 HMAC-SHA1, keyed by the
account's auth token, of the full URL it called followed by every POST parameter, sorted by
name, each as name then value. (tests/integration/test_channels_twilio.py checks this against
Twilio's own ``RequestValidator``.) A reply is TwiML: ``<Response><Message>..</Message></Response>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from xml.sax.saxutils import escape

TWIML = "application/xml"


def signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid(auth_token: str, url: str, params: Mapping[str, str], given: str | None) -> bool:
    if not given or not auth_token:
        return False
    return hmac.compare_digest(signature(auth_token, url, params), given)


def twiml(reply: str | None) -> str:
    """A TwiML document answering with ``reply`` (none: an empty response, nothing sent)."""
    message = f"<Message>{escape(reply)}</Message>" if reply else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{message}</Response>'
