"""Fan-out of an alert message to its subscribers, and delivery to each, once.

The fan-out Queries the subscription index on each H3 cell covering the alert's areas, applies
the exact tests (geometry, severity, language) and enqueues one delivery per subscriber. Each
delivery claims a record (alert message, subscription) with a conditional write before sending:
a redelivered fan-out or delivery message finds the claim and sends nothing again. Only
``Actual`` messages reach the public; ``Test``, ``Exercise`` and ``Draft`` ones are not sent.
A new subscription's confirmation code is delivered the same way, from its own queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from haven import clock, webhooks
from haven.alerts.alerts import StoredMessage, alert_page
from haven.alerts.subscriptions import Sealer, Subscription, code_context, matches, pick_language
from haven.areas import Area, areas_from_view
from haven.errors import DeliveryFailed as DeliveryFailed
from haven.notifications import Message, Notifier


class SubscriberIndex(Protocol):
    def in_cell(self, cell: str) -> Iterable[tuple[str, dict[str, Any]]]:
        """(subscription id, index entry) of the active subscriptions covering ``cell``."""
        ...


class DeliveryQueue(Protocol):
    def enqueue(self, deliveries: list[dict[str, str]]) -> None: ...


class DeliveryLog(Protocol):
    def claim(self, message_id: str, subscription_id: str, channel: str) -> bool:
        """True if this delivery is ours to make; False if it was made (or is being made)."""
        ...

    def delivered(self, message_id: str, subscription_id: str, provider_id: str) -> None: ...

    def failed(self, message_id: str, subscription_id: str, error: str) -> None: ...


class MessageSource(Protocol):
    def message(self, message_id: str) -> StoredMessage | None: ...


class SubscriptionSource(Protocol):
    def get(self, subscription_id: str) -> Subscription | None: ...


class WebhookSender(Protocol):
    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> Any: ...


def alert_areas(message: StoredMessage) -> list[Area]:
    return [area for block in message.summary["areas"] for area in areas_from_view(block)]


def fan_out(message: StoredMessage, *, index: SubscriberIndex, queue: DeliveryQueue) -> list[str]:
    if message.status != "Actual":
        return []
    areas = alert_areas(message)
    cells = sorted({cell for area in areas for cell in area.cells()})
    matched: set[str] = set()
    for cell in cells:
        for subscription_id, entry in index.in_cell(cell):
            if subscription_id in matched:
                continue
            if matches(entry, areas, message.summary["severity"], message.summary["languages"]):
                matched.add(subscription_id)
    ordered = sorted(matched)
    queue.enqueue([{"message_id": message.message_id, "subscription_id": s} for s in ordered])
    return ordered


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str


def render(message: StoredMessage, language: str, public_url: str) -> Rendered:
    texts = message.summary["texts"][language]
    prefix = {"Update": "UPDATE: ", "Cancel": "CANCELLED: "}.get(message.msg_type.value, "")
    subject = f"{prefix}[{message.summary['severity']}] {texts['headline']}"
    parts = [subject, texts.get("instruction") or "", alert_page(public_url, message.alert_id)]
    return Rendered(subject, "\n".join(p for p in parts if p))


def deliver(
    message_id: str,
    subscription_id: str,
    *,
    messages: MessageSource,
    subscriptions: SubscriptionSource,
    log: DeliveryLog,
    sealer: Sealer,
    notifier: Notifier,
    post_webhook: WebhookSender,
    public_url: str,
) -> bool:
    """Send one alert message to one subscriber; False if there was nothing (more) to send."""
    message = messages.message(message_id)
    subscription = subscriptions.get(subscription_id)
    if message is None or subscription is None or subscription.state != "active":
        return False  # unsubscribed meanwhile, or expired: nothing to deliver
    if not log.claim(message_id, subscription_id, subscription.channel):
        return False
    address = sealer.open(subscription.sealed_address, subscription.subscription_id)
    language = pick_language(message.summary["languages"], list(subscription.languages))
    rendered = render(message, language, public_url)
    event = Event(
        event_id=f"{message_id}:{subscription_id}",
        source=f"{public_url}/v1/alerts",
        event_type=f"org.haven.alert.{message.msg_type.value.lower()}",
        subject=message.alert_id,
        time_iso=clock.iso(message.sent),
        data={
            **message.summary,
            "alert_id": message.alert_id,
            "message_id": message_id,
            "language": language,
        },
    )
    send(
        subscription,
        address,
        rendered,
        event,
        log=log,
        notifier=notifier,
        post_webhook=post_webhook,
        ref=message_id,
    )
    return True


@dataclass(frozen=True)
class Event:
    """What a webhook subscriber receives, as a CloudEvent."""

    event_id: str
    source: str
    event_type: str
    subject: str
    time_iso: str
    data: dict[str, Any]


def send(
    subscription: Subscription,
    address: str,
    rendered: Rendered,
    event: Event,
    *,
    log: DeliveryLog,
    notifier: Notifier,
    post_webhook: WebhookSender,
    ref: str,
) -> None:
    """Send on the subscription's channel and record the outcome (the delivery is claimed)."""
    try:
        if subscription.channel == "webhook":
            body = webhooks.cloudevent(
                event_id=event.event_id,
                source=event.source,
                event_type=event.event_type,
                subject=event.subject,
                time_iso=event.time_iso,
                data=event.data,
            )
            assert subscription.webhook_secret is not None
            result = post_webhook(
                address, body, webhooks.sign([subscription.webhook_secret], event.event_id, body)
            )
            if not result.ok:
                raise DeliveryFailed(result.error or "failed", result.retry_after)
            provider_id = f"HTTP {result.status}"
        else:
            provider_id = notifier.send(
                Message(subscription.channel, address, rendered.subject, rendered.text, event.subject)
            )
    except DeliveryFailed as failure:
        log.failed(ref, subscription.subscription_id, str(failure))
        raise
    except Exception as error:  # the provider's failure: recorded, then retried by the queue
        log.failed(ref, subscription.subscription_id, type(error).__name__)
        raise DeliveryFailed(type(error).__name__) from error
    log.delivered(ref, subscription.subscription_id, provider_id)


def send_confirmation(
    subscription_id: str,
    sealed_code: str,
    *,
    subscriptions: SubscriptionSource,
    log: DeliveryLog,
    sealer: Sealer,
    notifier: Notifier,
    post_webhook: WebhookSender,
    public_url: str,
) -> bool:
    """Send a pending subscription its confirmation code, once; False if there was nothing (more)
    to send (confirmed, unsubscribed or lapsed meanwhile, or sent already). A failure raises
    :class:`DeliveryFailed`, which the queue retries with backoff before its DLQ."""
    subscription = subscriptions.get(subscription_id)
    if subscription is None or subscription.state != "pending":
        return False
    ref = f"confirm:{subscription_id}"
    if not log.claim(ref, subscription_id, subscription.channel):
        return False
    address = sealer.open(subscription.sealed_address, subscription_id)
    code = sealer.open(sealed_code, code_context(subscription_id))
    rendered = Rendered(
        "Confirm your alert subscription",
        f"Your Haven alert subscription code is {code}. It expires in 24 hours.",
    )
    event = Event(
        event_id=ref,
        source=f"{public_url}/v1/subscriptions",
        event_type="org.haven.subscription.confirmation",
        subject=subscription_id,
        time_iso=clock.iso(subscription.created_at),
        data={
            "subscription_id": subscription_id,
            "code": code,
            "confirm_url": f"{public_url}/v1/subscriptions/{subscription_id}/confirm",
        },
    )
    send(
        subscription,
        address,
        rendered,
        event,
        log=log,
        notifier=notifier,
        post_webhook=post_webhook,
        ref=ref,
    )
    return True
