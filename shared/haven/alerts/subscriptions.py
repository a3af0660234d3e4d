"""Public alert subscriptions: an area, a channel, languages and a minimum severity.

A subscription starts pending: a code is sent on its channel (SMS, e-mail, push) or POSTed to
its webhook as a signed event, and it becomes active only when the code comes back. Its address
is sealed (encrypted) before storage and never returned. Active subscriptions are indexed by the
H3 cells covering their area, so that an alert finds its subscribers with one Query per cell of
its own area, whatever the number of subscriptions elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from haven import clock, ids, webhooks
from haven.alerts.alerts import SEVERITY_RANK
from haven.alerts.geometry import Area, area_from_dict, area_to_dict, intersects
from haven.errors import FieldError, NotFound, RateLimited, ValidationFailed
from haven.notifications import Message, Notifier

Channel = Literal["sms", "email", "push", "webhook"]

MAX_INDEX_CELLS = 400
MAX_CONFIRM_ATTEMPTS = 5
PENDING_FOR = timedelta(hours=24)

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$")
_PUSH_ARN = re.compile(r"^arn:aws:sns:[a-z0-9-]+:\d{12}:endpoint/[A-Za-z0-9_./-]+$")


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    state: str  # pending | active
    channel: Channel
    sealed_address: str
    area: Area
    languages: tuple[str, ...]
    min_severity: str
    cells: tuple[str, ...]
    token_hash: str
    code_hash: str
    attempts: int
    created_at: datetime
    webhook_secret: str | None = None
    version: int = 1
    #: ``public`` subscriptions hear CAP alerts; ``responders`` ones hear severe incidents.
    audience: str = "public"
    #: Responders may narrow their subscription to some hazards (empty: every hazard).
    hazards: tuple[str, ...] = ()

    def index_entry(self) -> dict[str, Any]:
        """What the fan-out needs to decide, stored with each cell of the index."""
        return {
            "area": area_to_dict(self.area),
            "languages": list(self.languages),
            "min_severity": self.min_severity,
            "hazards": list(self.hazards),
        }

    def index_keys(self) -> list[str]:
        return [index_key(self.audience, cell) for cell in self.cells]


def index_key(audience: str, cell: str) -> str:
    """Index partition of a cell: the public and responders never share one."""
    return cell if audience == "public" else f"{audience}#{cell}"


@dataclass(frozen=True)
class NewSubscription:
    subscription_id: str
    token: str
    webhook_secret: str | None


class Sealer(Protocol):
    def seal(self, plaintext: str, context: str) -> str: ...

    def open(self, sealed: str, context: str) -> str: ...


class SubscriptionRepository(Protocol):
    def add(self, subscription: Subscription, expires_at: datetime) -> None: ...

    def get(self, subscription_id: str) -> Subscription | None: ...

    def record_attempt(self, subscription: Subscription) -> None:
        """Count a failed confirmation (version-checked)."""
        ...

    def activate(self, subscription: Subscription) -> None:
        """Mark active and write its cell index entries, atomically, version-checked."""
        ...

    def remove(self, subscription: Subscription) -> None: ...


class ConfirmationSender(Protocol):
    def send_code(self, subscription: Subscription, address: str, code: str) -> None: ...


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def validate_address(channel: Channel, address: str, check_webhook: Any) -> str:
    checks = {
        "sms": (_E164, "an E.164 phone number such as +447700900123"),
        "email": (_EMAIL, "an e-mail address"),
        "push": (_PUSH_ARN, "an SNS platform endpoint ARN"),
    }
    if channel == "webhook":
        return str(check_webhook(address))
    pattern, what = checks[channel]
    if not pattern.match(address):
        raise ValidationFailed([FieldError("address", f"must be {what}")])
    return address


def subscribe(
    *,
    area: Area,
    channel: Channel,
    address: str,
    languages: tuple[str, ...],
    min_severity: str,
    webhook_secret: str | None,
    sealer: Sealer,
    subscriptions: SubscriptionRepository,
    confirmations: ConfirmationSender,
    audience: str = "public",
    hazards: tuple[str, ...] = (),
) -> NewSubscription:
    cells = tuple(area.cells())
    if len(cells) > MAX_INDEX_CELLS:
        raise ValidationFailed([FieldError("area", "is too large for a subscription; choose a smaller area")])
    if min_severity not in SEVERITY_RANK:
        raise ValidationFailed([FieldError("min_severity", "unknown severity")])
    subscription_id = ids.new_id()
    token = ids.new_token()
    code = f"{secrets.randbelow(10**6):06d}"
    subscription = Subscription(
        subscription_id=subscription_id,
        state="pending",
        channel=channel,
        sealed_address=sealer.seal(address, subscription_id),
        area=area,
        languages=languages,
        min_severity=min_severity,
        cells=cells,
        token_hash=_hash(token),
        code_hash=_hash(code),
        attempts=0,
        created_at=clock.now(),
        webhook_secret=webhook_secret,
        audience=audience,
        hazards=hazards,
    )
    subscriptions.add(subscription, expires_at=clock.now() + PENDING_FOR)
    confirmations.send_code(subscription, address, code)
    return NewSubscription(subscription_id, token, webhook_secret)


def confirm(subscription_id: str, code: str, *, subscriptions: SubscriptionRepository) -> Subscription:
    subscription = subscriptions.get(subscription_id) if ids.is_id(subscription_id) else None
    if subscription is None:
        raise NotFound("no such subscription, or its confirmation expired")
    if subscription.state == "active":
        return subscription
    if subscription.attempts >= MAX_CONFIRM_ATTEMPTS:
        raise RateLimited("too many wrong codes; subscribe again")
    if not hmac.compare_digest(subscription.code_hash, _hash(code)):
        subscriptions.record_attempt(subscription)
        raise ValidationFailed([FieldError("code", "is not the code that was sent")])
    active = replace(subscription, state="active")
    subscriptions.activate(active)
    return active


def unsubscribe(subscription_id: str, token: str, *, subscriptions: SubscriptionRepository) -> None:
    subscription = subscriptions.get(subscription_id) if ids.is_id(subscription_id) else None
    if subscription is None or not hmac.compare_digest(subscription.token_hash, _hash(token)):
        raise NotFound("no subscription with this id and token")
    subscriptions.remove(subscription)


def matches(entry: dict[str, Any], alert_areas: list[Area], severity: str, languages: list[str]) -> bool:
    """Exact test after the cell lookup: severity, language and geometry."""
    if SEVERITY_RANK[severity] < SEVERITY_RANK[entry["min_severity"]]:
        return False
    wanted = entry["languages"]
    if wanted and not any(lang.split("-")[0] in wanted for lang in languages):
        return False
    area = area_from_dict(entry["area"])
    return any(intersects(area, alert_area) for alert_area in alert_areas)


def pick_language(available: list[str], wanted: list[str]) -> str:
    for lang in wanted:
        for candidate in available:
            if candidate.split("-")[0] == lang:
                return candidate
    return available[0]


class ChannelConfirmations:
    """Sends the confirmation code on the subscription's own channel."""

    def __init__(self, notifier: Notifier, post_webhook: Any, public_url: str) -> None:
        self._notifier = notifier
        self._post = post_webhook
        self._public_url = public_url

    def send_code(self, subscription: Subscription, address: str, code: str) -> None:
        if subscription.channel != "webhook":
            text = f"Your Haven alert subscription code is {code}. It expires in 24 hours."
            ref = f"subscription:{subscription.subscription_id}"
            self._notifier.send(
                Message(subscription.channel, address, "Confirm your alert subscription", text, ref)
            )
            return
        assert subscription.webhook_secret is not None
        delivery_id = f"confirm:{subscription.subscription_id}"
        body = webhooks.cloudevent(
            event_id=delivery_id,
            source=f"{self._public_url}/v1/subscriptions",
            event_type="org.haven.subscription.confirmation",
            subject=subscription.subscription_id,
            time_iso=clock.iso(clock.now()),
            data={
                "subscription_id": subscription.subscription_id,
                "code": code,
                "confirm_url": f"{self._public_url}/v1/subscriptions/{subscription.subscription_id}/confirm",
            },
        )
        result = self._post(address, body, webhooks.sign([subscription.webhook_secret], delivery_id, body))
        if not result.ok:
            raise ValidationFailed(
                [FieldError("address", f"the webhook did not accept the confirmation ({result.error})")]
            )
