"""Text channels (SMS, WhatsApp): dialogues, subscriptions, claims.

Access patterns (no Scan):

conversations (text channels: SMS, WhatsApp, Twilio; see haven.channels)
  - Conditional UpdateItem (ALL_NEW) / PutItem / DeleteItem ``dialogue#<sender key>``: a
    sender's lease (one message answered at a time) and dialogue state, sealed, with its number
    sealed; TTL ``expires_at`` (30 minutes after the last message).
  - GetItem / PutItem ``alerts#<sender key>``: the alert subscriptions a sender made by text
    (sealed), for STOP; TTL a year after the last change.
  - Conditional PutItem / UpdateItem / DeleteItem ``message#<provider>#<id>``: a provider's
    message claimed once (dedupe), with the reply sealed until sent; TTL two days.
  The sender key is a keyed hash (HMAC) of channel and number: no number is a key.
"""

from __future__ import annotations

from pynamodb.attributes import (
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from haven.adapters.dynamo.models.base import HavenMeta, table_name


class ChannelRecord(Model):
    """One record of the text channels (see the access patterns above): a dialogue, a sender's
    subscriptions, or a provider's message claimed once. ``sealed`` is encrypted."""

    class Meta(HavenMeta):
        table_name = table_name("conversations")

    key = UnicodeAttribute(hash_key=True)
    sealed = UnicodeAttribute(null=True)
    state = UnicodeAttribute(null=True)  # messages: claimed | replying | sent
    claimed_at = UnicodeAttribute(null=True)
    #: Dialogues: until when one run answers this sender (the others wait their turn).
    lease_until = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()
