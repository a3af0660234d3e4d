"""Public alert subscriptions: an area, a channel, languages and a minimum severity.

A subscription starts pending: a code is sent on its channel (SMS, e-mail, push) or POSTed to
its webhook as a signed event, and it becomes active only when the code comes back. The code is
sent by a worker (haven.alerts.fanout.send_confirmation), never within the request: the request
only queues it, sealed, so that no subscriber's server can hold the API. Its address
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

from haven import clock, ids
from haven.alerts.severity import SEVERITY_RANK
from haven.areas import Area, area_from_dict, area_to_dict, intersects
from haven.errors import FieldError, NotFound, ValidationFailed

Channel = Literal["sms", "email", "push", "webhook"]

MAX_INDEX_CELLS = 400
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

    def activate(self, subscription: Subscription) -> None:
        """Mark active and write its cell index entries, atomically, version-checked."""
        ...

    def remove(self, subscription: Subscription) -> None: ...


class ConfirmationQueue(Protocol):
    def enqueue(self, subscription_id: str, sealed_code: str) -> None:
        """Queue the sending of a subscription's code (sealed with :func:`code_context`)."""
        ...


def code_context(subscription_id: str) -> str:
    """What a sealed confirmation code is bound to (never opens as an address, nor elsewhere)."""
    return f"{subscription_id}#confirmation-code"


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
    confirmations: ConfirmationQueue,
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
        created_at=clock.now(),
        webhook_secret=webhook_secret,
        audience=audience,
        hazards=hazards,
    )
    subscriptions.add(subscription, expires_at=clock.now() + PENDING_FOR)
    confirmations.enqueue(subscription_id, sealer.seal(code, code_context(subscription_id)))
    return NewSubscription(subscription_id, token, webhook_secret)


def confirm(subscription_id: str, code: str, *, subscriptions: SubscriptionRepository) -> Subscription:
    """Activate a pending subscription whose code this is.

    A wrong code and an unknown id get the same :class:`NotFound`, so that answers tell nothing
    about which ids exist; and wrong codes lock nothing, so that a stranger who learnt an id
    cannot stop its owner from confirming it. Guessing is bounded by the per-address limit on
    secret lookups (the route is a ``secret_lookup``) and the pending day (``PENDING_FOR``).
    """
    subscription = subscriptions.get(subscription_id) if ids.is_id(subscription_id) else None
    if (
        subscription is None
        or not hmac.compare_digest(subscription.code_hash, _hash(code))
        or (subscription.state == "pending" and clock.now() > subscription.created_at + PENDING_FOR)
    ):
        raise NotFound("no pending subscription with this id and code")
    if subscription.state == "active":
        return subscription
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
