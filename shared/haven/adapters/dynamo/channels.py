"""The text channels' records in DynamoDB: dialogues, senders' subscriptions, claimed messages.

Everything personal is sealed (AES-GCM, bound to the record's key): the dialogue's answers, the
stored reply, the subscription tokens. Keys are keyed hashes; the sender's number is not kept
(a reply goes to the sender of the message it answers).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from haven import clock
from haven.adapters.dynamo.connection import condition_failed
from haven.adapters.dynamo.models.channels import ChannelRecord
from haven.channels.dialogue import Conversation, SubscriptionRef
from haven.channels.intake import RECEIPT_TTL, SENDER_LEASE, STALE_CLAIM, Claim, SenderBusy
from haven.settings import get_settings

if TYPE_CHECKING:
    from haven.alerts.subscriptions import Sealer

#: How long a sender's list of subscriptions is kept after its last change.
SUBSCRIPTIONS_TTL = timedelta(days=400)


class DynamoConversations:
    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer

    @staticmethod
    def _key(sender_key: str) -> str:
        return f"dialogue#{sender_key}"

    def load(self, sender_key: str, now: datetime) -> Conversation | None:
        """One conditional UpdateItem takes the lease and reads the record (ALL_NEW)."""
        key = self._key(sender_key)
        item = ChannelRecord(key)
        try:
            item.update(
                actions=[
                    ChannelRecord.lease_until.set(clock.iso(now + SENDER_LEASE)),
                    ChannelRecord.expires_at.set(ChannelRecord.expires_at | (now + SENDER_LEASE)),
                ],
                condition=ChannelRecord.lease_until.does_not_exist()
                | (ChannelRecord.lease_until < clock.iso(now)),
            )
        except UpdateError as error:
            if condition_failed(error):
                raise SenderBusy(key) from None
            raise
        if item.sealed is None or item.expires_at <= now:
            return None
        raw = json.loads(self._sealer.open(item.sealed, key))
        return Conversation(
            language=raw["language"],
            updated_at=datetime.fromisoformat(raw["updated_at"]),
            flow=raw.get("flow"),
            step=raw.get("step"),
            answers=dict(raw.get("answers") or {}),
        )

    def save(self, sender_key: str, conversation: Conversation, expires_at: datetime) -> None:
        key = self._key(sender_key)
        state = {**asdict(conversation), "updated_at": clock.iso(conversation.updated_at)}
        ChannelRecord(
            key,
            sealed=self._sealer.seal(json.dumps(state, ensure_ascii=False), key),
            expires_at=expires_at,
        ).save()

    def clear(self, sender_key: str) -> None:
        ChannelRecord(self._key(sender_key)).delete()

    def release(self, sender_key: str) -> None:
        ChannelRecord(self._key(sender_key)).update(actions=[ChannelRecord.lease_until.remove()])


class DynamoSenderMemory:
    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer

    @staticmethod
    def _key(sender_key: str) -> str:
        return f"alerts#{sender_key}"

    def subscriptions(self, sender_key: str) -> list[SubscriptionRef]:
        return [SubscriptionRef(**ref) for ref in self._kept(self._key(sender_key))]

    def remember(self, sender_key: str, refs: list[SubscriptionRef]) -> None:
        self._keep(self._key(sender_key), [asdict(r) for r in refs], SUBSCRIPTIONS_TTL)

    def reports(self, sender_key: str) -> list[str]:
        return [str(code) for code in self._kept(f"reports#{sender_key}")]

    def remember_reports(self, sender_key: str, codes: list[str]) -> None:
        """Kept as long as the newest of the reports (the stage's report retention)."""
        retention = timedelta(days=get_settings().report_retention_days)
        self._keep(f"reports#{sender_key}", list(codes), retention)

    def _kept(self, key: str) -> list[Any]:
        try:
            item = ChannelRecord.get(key, consistent_read=True)
        except ChannelRecord.DoesNotExist:
            return []
        if item.sealed is None:
            return []
        return list(json.loads(self._sealer.open(item.sealed, key)))

    def _keep(self, key: str, values: list[Any], ttl: timedelta) -> None:
        if not values:
            ChannelRecord(key).delete()
            return
        sealed = self._sealer.seal(json.dumps(values), key)
        ChannelRecord(key, sealed=sealed, expires_at=clock.now() + ttl).save()


class DynamoReceipts:
    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer

    @staticmethod
    def _key(provider: str, message_id: str) -> str:
        return f"message#{provider}#{message_id}"

    def claim(self, provider: str, message_id: str, now: datetime) -> Claim:
        key = self._key(provider, message_id)
        stale = clock.iso(now - STALE_CLAIM)
        try:
            ChannelRecord(key, state="claimed", claimed_at=clock.iso(now), expires_at=now + RECEIPT_TTL).save(
                condition=ChannelRecord.key.does_not_exist()
                | ((ChannelRecord.state == "claimed") & (ChannelRecord.claimed_at < stale))
            )
            return Claim("new")
        except PutError as error:
            if not condition_failed(error):
                raise
        item = ChannelRecord.get(key, consistent_read=True)
        if item.state == "sent":
            return Claim("sent")
        if item.state == "replying" and item.sealed:
            return Claim("replying", self._sealer.open(item.sealed, key))
        # Another run holds a fresh claim: fail this delivery, SQS brings it back later.
        raise ClaimHeld(key)

    def replying(self, provider: str, message_id: str, sender_key: str, reply: str) -> None:
        key = self._key(provider, message_id)
        ChannelRecord(key).update(
            actions=[
                ChannelRecord.state.set("replying"),
                ChannelRecord.sealed.set(self._sealer.seal(reply, key)),
            ]
        )

    def sent(self, provider: str, message_id: str) -> None:
        try:
            ChannelRecord(self._key(provider, message_id)).update(
                actions=[ChannelRecord.state.set("sent"), ChannelRecord.sealed.remove()],
                condition=ChannelRecord.key.exists(),
            )
        except UpdateError as error:
            if not condition_failed(error):
                raise

    def release(self, provider: str, message_id: str) -> None:
        try:
            ChannelRecord(self._key(provider, message_id)).delete(condition=ChannelRecord.state == "claimed")
        except DeleteError as error:
            if not condition_failed(error):
                raise


class ClaimHeld(RuntimeError):
    """A message another invocation is processing right now."""
