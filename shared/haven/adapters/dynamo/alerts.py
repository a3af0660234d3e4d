"""Alerts, subscriptions, the subscription index and delivery records in DynamoDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action

from haven import clock
from haven.adapters.dynamo.connection import transaction
from haven.adapters.dynamo.models.alerts import Alert as AlertItem
from haven.adapters.dynamo.models.alerts import AlertDelivery, SubscriptionCell
from haven.adapters.dynamo.models.alerts import AlertMessage as MessageItem
from haven.adapters.dynamo.models.alerts import Subscription as SubscriptionItem
from haven.alerts.alerts import AlertThread, StoredMessage, ThreadPage
from haven.alerts.cap import MsgType, Reference, info_from_dict, info_to_dict
from haven.alerts.subscriptions import Subscription
from haven.areas import area_from_dict, area_to_dict
from haven.errors import Conflict

DELIVERY_RECORDS_KEPT = timedelta(days=90)
#: A delivery claimed this long ago and never completed is taken over (its sender crashed).
CLAIM_LEASE = timedelta(minutes=5)


def _failed_condition(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) in (
        "ConditionalCheckFailedException",
        "TransactionCanceledException",
    )


def _thread_item(thread: AlertThread) -> AlertItem:
    return AlertItem(
        alert_id=thread.alert_id,
        state=thread.state,
        status=thread.status,
        current_message_id=thread.current_message_id,
        references=[[r.sender, r.identifier, clock.iso(r.sent)] for r in thread.references],
        summary=thread.summary,
        updated_at=thread.updated_at.astimezone(UTC).isoformat(),
        expires=thread.expires.astimezone(UTC).isoformat(),
    )


def _thread(item: AlertItem) -> AlertThread:
    return AlertThread(
        alert_id=item.alert_id,
        state=item.state,
        status=item.status,
        current_message_id=item.current_message_id,
        references=tuple(Reference(s, i, datetime.fromisoformat(t)) for s, i, t in item.references),
        summary=item.summary,
        updated_at=datetime.fromisoformat(item.updated_at),
        expires=datetime.fromisoformat(item.expires),
        version=int(item.version or 1),
    )


def _message_item(message: StoredMessage) -> MessageItem:
    return MessageItem(
        message_id=message.message_id,
        alert_id=message.alert_id,
        msg_type=message.msg_type.value,
        sent=message.sent.astimezone(UTC).isoformat(),
        status=message.status,
        xml=message.xml,
        summary=message.summary,
        infos=[info_to_dict(i) for i in message.infos],
    )


class DynamoAlerts:
    def create(self, thread: AlertThread, message: StoredMessage) -> None:
        with transaction(message.message_id) as writes:
            writes.save(_thread_item(thread), condition=AlertItem.alert_id.does_not_exist())
            writes.save(_message_item(message), condition=MessageItem.message_id.does_not_exist())

    def append(self, thread: AlertThread, message: StoredMessage, expected_version: int) -> None:
        item = _thread_item(thread)
        item.version = expected_version
        try:
            with transaction(message.message_id) as writes:
                writes.save(item)  # version-checked: expected_version, then incremented
                writes.save(_message_item(message), condition=MessageItem.message_id.does_not_exist())
        except TransactWriteError as error:
            if _failed_condition(error):
                raise Conflict("the alert changed since you read it") from None
            raise

    def thread(self, alert_id: str) -> AlertThread | None:
        try:
            return _thread(AlertItem.get(alert_id, consistent_read=True))
        except AlertItem.DoesNotExist:
            return None

    def message(self, message_id: str) -> StoredMessage | None:
        try:
            item = MessageItem.get(message_id)
        except MessageItem.DoesNotExist:
            return None
        return StoredMessage(
            message_id=item.message_id,
            alert_id=item.alert_id,
            msg_type=MsgType(item.msg_type),
            sent=datetime.fromisoformat(item.sent),
            status=item.status,
            xml=item.xml,
            summary=item.summary,
            infos=tuple(info_from_dict(i) for i in item.infos),
        )

    def active(self, limit: int) -> list[AlertThread]:
        return [_thread(i) for i in AlertItem.by_state.query("active", scan_index_forward=False, limit=limit)]

    def page_by_state(
        self,
        state: str,
        limit: int,
        position: dict[str, Any] | None,
        *,
        expired: bool | None = None,
        now: datetime | None = None,
    ) -> ThreadPage:
        condition = None
        if expired is not None:
            moment = (now or clock.now()).astimezone(UTC).isoformat()
            condition = AlertItem.expires <= moment if expired else AlertItem.expires > moment
        # The filter applies after the Query reads: a page reads at most a few times the limit.
        result = AlertItem.by_state.query(
            state,
            scan_index_forward=False,
            filter_condition=condition,
            limit=limit,
            page_size=limit * 4 if condition is not None else limit,
            last_evaluated_key=position,
        )
        items = tuple(_thread(i) for i in result)
        return ThreadPage(items, result.last_evaluated_key)


def _subscription(item: SubscriptionItem) -> Subscription:
    return Subscription(
        subscription_id=item.subscription_id,
        state=item.state,
        channel=item.channel,  # type: ignore[arg-type]
        sealed_address=item.sealed_address,
        area=area_from_dict(item.area),
        languages=tuple(str(lang) for lang in item.languages or ()),
        min_severity=item.min_severity,
        cells=tuple(str(cell) for cell in item.cells or ()),
        token_hash=item.token_hash,
        code_hash=item.code_hash,
        created_at=datetime.fromisoformat(item.created_at),
        webhook_secret=item.webhook_secret,
        version=int(item.version or 1),
        audience=item.audience or "public",
        hazards=tuple(str(h) for h in item.hazards or ()),
    )


class DynamoSubscriptions:
    def add(self, subscription: Subscription, expires_at: datetime) -> None:
        SubscriptionItem(
            subscription_id=subscription.subscription_id,
            state=subscription.state,
            channel=subscription.channel,
            sealed_address=subscription.sealed_address,
            area=area_to_dict(subscription.area),
            languages=list(subscription.languages),
            min_severity=subscription.min_severity,
            cells=list(subscription.cells),
            token_hash=subscription.token_hash,
            code_hash=subscription.code_hash,
            webhook_secret=subscription.webhook_secret,
            audience=subscription.audience,
            hazards=list(subscription.hazards),
            created_at=subscription.created_at.astimezone(UTC).isoformat(),
            expires_at=expires_at,
        ).save(condition=SubscriptionItem.subscription_id.does_not_exist())

    def get(self, subscription_id: str) -> Subscription | None:
        try:
            return _subscription(SubscriptionItem.get(subscription_id, consistent_read=True))
        except SubscriptionItem.DoesNotExist:
            return None

    def activate(self, subscription: Subscription) -> None:
        """State and index together; a subscription is visible to the fan-out once it is active."""
        entry = subscription.index_entry()
        item = SubscriptionItem(subscription_id=subscription.subscription_id, version=subscription.version)
        try:
            item.update(
                actions=[SubscriptionItem.state.set("active"), SubscriptionItem.expires_at.remove()],
                condition=SubscriptionItem.state == "pending",
            )
        except UpdateError as error:
            if _failed_condition(error):
                raise Conflict("the subscription changed meanwhile; try again") from None
            raise
        # The index is written after the state: a crash in between leaves an active subscription
        # without index items, which confirming again repairs (writes are idempotent puts).
        with SubscriptionCell.batch_write() as batch:
            for key in subscription.index_keys():
                batch.save(
                    SubscriptionCell(cell=key, subscription_id=subscription.subscription_id, entry=entry)
                )

    def remove(self, subscription: Subscription) -> None:
        with SubscriptionCell.batch_write() as batch:
            for key in subscription.index_keys():
                batch.delete(SubscriptionCell(cell=key, subscription_id=subscription.subscription_id))
        try:
            SubscriptionItem(
                subscription_id=subscription.subscription_id, version=subscription.version
            ).delete()
        except DeleteError as error:
            if _failed_condition(error):
                raise Conflict("the subscription changed meanwhile; try again") from None
            raise


class DynamoSubscriberIndex:
    def in_cell(self, cell: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for item in SubscriptionCell.query(cell):
            yield item.subscription_id, item.entry


class DynamoDeliveryLog:
    def claim(self, message_id: str, subscription_id: str, channel: str) -> bool:
        now = clock.now()
        record = AlertDelivery(
            message_id=message_id,
            subscription_id=subscription_id,
            channel=channel,
            state="sending",
            attempts=1,
            claimed_at=now.astimezone(UTC).isoformat(),
            updated_at=now.astimezone(UTC).isoformat(),
            expires_at=now + DELIVERY_RECORDS_KEPT,
        )
        stale = (now - CLAIM_LEASE).astimezone(UTC).isoformat()
        try:
            record.save(
                condition=AlertDelivery.message_id.does_not_exist()
                | (AlertDelivery.state == "failed")
                | ((AlertDelivery.state == "sending") & (AlertDelivery.claimed_at < stale))
            )
        except PutError as error:
            if _failed_condition(error):
                return False
            raise
        return True

    def _finish(self, message_id: str, subscription_id: str, state: str, **values: str) -> None:
        actions: list[Action] = [
            AlertDelivery.state.set(state),
            AlertDelivery.updated_at.set(clock.iso(clock.now())),
        ]
        if "provider_id" in values:
            actions.append(AlertDelivery.provider_id.set(values["provider_id"]))
        if "error" in values:
            actions.append(AlertDelivery.last_error.set(values["error"]))
        AlertDelivery(message_id=message_id, subscription_id=subscription_id).update(actions=actions)

    def delivered(self, message_id: str, subscription_id: str, provider_id: str) -> None:
        self._finish(message_id, subscription_id, "delivered", provider_id=provider_id)

    def failed(self, message_id: str, subscription_id: str, error: str) -> None:
        self._finish(message_id, subscription_id, "failed", error=error)

    def counts(self, message_id: str, limit: int = 500) -> dict[str, int]:
        """How many of a message's deliveries are in each state (its first ``limit``)."""
        counts: dict[str, int] = {}
        for d in AlertDelivery.query(message_id, limit=limit, attributes_to_get=["state"]):
            counts[d.state] = counts.get(d.state, 0) + 1
        return counts

    def of_message(
        self, message_id: str, limit: int, position: dict[str, Any] | None
    ) -> tuple[list[dict[str, Any]], Any]:
        result = AlertDelivery.query(message_id, limit=limit, last_evaluated_key=position)
        items = [
            {
                "subscription_id": d.subscription_id,
                "channel": d.channel,
                "state": d.state,
                "attempts": int(d.attempts or 0),
                "updated_at": d.updated_at,
                "last_error": d.last_error,
            }
            for d in result
        ]
        return items, result.last_evaluated_key
