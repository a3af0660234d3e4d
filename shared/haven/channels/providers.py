"""What each provider delivers, as :class:`haven.channels.dialogue.Inbound` messages.

- AWS End User Messaging SMS (two-way SMS) publishes one JSON document per inbound message to
  an SNS topic: ``originationNumber``, ``destinationNumber``, ``messageKeyword``,
  ``messageBody``, ``inboundMessageId``, ``previousPublishedMessageId``.
- AWS End User Messaging Social publishes every WhatsApp event of a business account to an SNS
  topic: an AWS header (``context``, ``aws_account_id``, ``message_timestamp``, ``messageId``)
  and ``whatsAppWebhookEntry``, Meta's webhook entry as a JSON string, whose
  ``changes[].value.messages[]`` are the inbound messages (``from``, ``id``, ``timestamp``,
  ``type``: ``text`` with ``text.body``, ``location`` with ``location.latitude/longitude``).
  Status events (``statuses``) carry no message and are ignored.
- SNS delivers either to SQS wrapped in its notification envelope (``Type: Notification``,
  ``Message``, ``MessageId``, ``Timestamp``, ``TopicArn``).
- Twilio posts a form: ``MessageSid``, ``From``, ``To``, ``Body``, ``NumSegments`` (and
  ``Latitude``/``Longitude`` for a WhatsApp location).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from haven.channels.dialogue import Inbound
from haven.geo import Point

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
#: Longest id we keep from a provider (their ids are far shorter).
_MAX_ID = 200


class Unparseable(ValueError):
    """Not a message we can read (or answer): kept out of the dialogue, counted, logged by kind."""


def _sender(value: object) -> str:
    number = str(value or "").strip()
    if number.startswith("whatsapp:"):
        number = number.removeprefix("whatsapp:")
    if number and not number.startswith("+"):
        number = "+" + number  # WhatsApp's wa_id has no plus
    if not _E164.match(number):
        raise Unparseable("the sender is not an E.164 number")
    return number


def _message_id(value: object) -> str:
    text = str(value or "")
    if not text or len(text) > _MAX_ID:
        raise Unparseable("no message id")
    return text


def _when(value: object, default: datetime) -> datetime:
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return default
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return default


def _point(lat: object, lon: object) -> Point | None:
    try:
        point = Point(float(str(lat)), float(str(lon)))
    except (TypeError, ValueError):
        return None
    if not (-90 <= point.lat <= 90 and -180 <= point.lon <= 180):
        return None
    return point


def sns_message(body: str) -> tuple[dict[str, Any], datetime]:
    """An SQS body from an SNS subscription: the published document and when SNS took it."""
    try:
        envelope = json.loads(body)
    except ValueError:
        raise Unparseable("the record is not JSON") from None
    if not isinstance(envelope, dict):
        raise Unparseable("the record is not an object")
    now = datetime.now(UTC)
    if envelope.get("Type") == "Notification" and isinstance(envelope.get("Message"), str):
        try:
            message = json.loads(envelope["Message"])
        except ValueError:
            raise Unparseable("the SNS message is not JSON") from None
        if not isinstance(message, dict):
            raise Unparseable("the SNS message is not an object")
        return message, _when(envelope.get("Timestamp"), now)
    return envelope, now  # raw message delivery


def from_aws(document: Mapping[str, Any], published_at: datetime) -> list[Inbound]:
    """The inbound messages of one document from either AWS service's topic."""
    if "whatsAppWebhookEntry" in document:
        return _whatsapp(document, published_at)
    if "inboundMessageId" in document:
        return [
            Inbound(
                channel="sms",
                provider="aws-sms",
                message_id=_message_id(document.get("inboundMessageId")),
                sender=_sender(document.get("originationNumber")),
                text=str(document.get("messageBody") or ""),
                received_at=published_at,
            )
        ]
    raise Unparseable("neither a two-way SMS nor a WhatsApp event")


def _whatsapp(document: Mapping[str, Any], published_at: datetime) -> list[Inbound]:
    entry = document["whatsAppWebhookEntry"]
    if isinstance(entry, str):
        try:
            entry = json.loads(entry)
        except ValueError:
            raise Unparseable("whatsAppWebhookEntry is not JSON") from None
    if not isinstance(entry, dict):
        raise Unparseable("whatsAppWebhookEntry is not an object")
    found: list[Inbound] = []
    for change in entry.get("changes") or []:
        value = change.get("value") if isinstance(change, dict) else None
        if not isinstance(value, dict):
            continue
        for message in value.get("messages") or []:
            if not isinstance(message, dict):
                continue
            kind = message.get("type")
            text = ""
            location = None
            if kind == "text":
                text = str((message.get("text") or {}).get("body") or "")
            elif kind == "location":
                where = message.get("location") or {}
                location = _point(where.get("latitude"), where.get("longitude"))
            elif kind in ("button", "interactive"):
                text = str((message.get("button") or {}).get("text") or "")
            when = published_at
            if str(message.get("timestamp") or "").isdigit():
                when = datetime.fromtimestamp(int(message["timestamp"]), UTC)
            found.append(
                Inbound(
                    channel="whatsapp",
                    provider="aws-whatsapp",
                    message_id=_message_id(message.get("id")),
                    sender=_sender(message.get("from")),
                    text=text,
                    received_at=when,
                    location=location,
                )
            )
    return found


def from_twilio(form: Mapping[str, str], received_at: datetime) -> Inbound:
    sender = form.get("From", "")
    return Inbound(
        channel="whatsapp" if sender.startswith("whatsapp:") else "sms",
        provider="twilio",
        message_id=_message_id(form.get("MessageSid") or form.get("SmsSid")),
        sender=_sender(sender),
        text=form.get("Body", ""),
        received_at=received_at,
        location=_point(form.get("Latitude"), form.get("Longitude")) if "Latitude" in form else None,
    )
