"""Alerts and their CAP messages, subscriptions and their cell index, and deliveries.

Access patterns (no Scan):

alerts / alert-messages
  - GetItem by ``alert_id`` / ``message_id``; Query alerts ``by_state`` ("active", updated_at)
    for the public list and feed; Query alert-messages ``by_alert`` for a thread's messages.
subscriptions / subscription-cells
  - GetItem by ``subscription_id``; Query subscription-cells by ``cell`` (one per cell of an
    alert's area at H3 resolution 4) for the fan-out.
alert-deliveries
  - Conditional PutItem on (message_id, subscription_id) to claim a delivery; Query by
    ``message_id`` for the delivery status of one message.
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from haven.adapters.dynamo.models.base import HavenMeta, table_name

# --- alerts ----------------------------------------------------------------------------------


class AlertsByState(GlobalSecondaryIndex["Alert"]):
    class Meta:
        index_name = "by_state"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class Alert(Model):
    """An alert thread: its current CAP message and state (version-checked)."""

    class Meta(HavenMeta):
        table_name = table_name("alerts")

    alert_id = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()  # active | cancelled
    status = UnicodeAttribute()  # CAP status: Actual, Exercise, Test, Draft
    current_message_id = UnicodeAttribute()
    references = JSONAttribute()
    summary = JSONAttribute()
    updated_at = UnicodeAttribute()
    expires = UnicodeAttribute()
    version = VersionAttribute()

    by_state = AlertsByState()


class AlertMessagesByAlert(GlobalSecondaryIndex["AlertMessage"]):
    class Meta:
        index_name = "by_alert"
        projection = AllProjection()

    alert_id = UnicodeAttribute(hash_key=True)
    sent = UnicodeAttribute(range_key=True)


class AlertMessage(Model):
    """One CAP message, immutable once written (conditional put)."""

    class Meta(HavenMeta):
        table_name = table_name("alert-messages")

    message_id = UnicodeAttribute(hash_key=True)
    alert_id = UnicodeAttribute()
    msg_type = UnicodeAttribute()
    sent = UnicodeAttribute()
    status = UnicodeAttribute()
    xml = UnicodeAttribute()
    summary = JSONAttribute()
    infos = JSONAttribute()

    by_alert = AlertMessagesByAlert()


class Subscription(Model):
    """A public alert subscription. ``sealed_address`` is encrypted; it is never returned."""

    class Meta(HavenMeta):
        table_name = table_name("subscriptions")

    subscription_id = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()  # pending | active
    channel = UnicodeAttribute()
    sealed_address = UnicodeAttribute()
    area = JSONAttribute()
    languages = ListAttribute(of=UnicodeAttribute, default=list)
    min_severity = UnicodeAttribute()
    cells = ListAttribute(of=UnicodeAttribute, default=list)
    token_hash = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    webhook_secret = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    audience = UnicodeAttribute(default="public")  # public | responders
    hazards = ListAttribute(of=UnicodeAttribute, default=list)
    version = VersionAttribute()
    expires_at = TTLAttribute(null=True)  # pending subscriptions lapse after a day


class SubscriptionCell(Model):
    """The subscription index: one item per H3 cell (resolution 4) covering an active area.

    ``cell`` is the cell id for public subscriptions, ``responders#<cell>`` for responders'.
    """

    class Meta(HavenMeta):
        table_name = table_name("subscription-cells")

    cell = UnicodeAttribute(hash_key=True)
    subscription_id = UnicodeAttribute(range_key=True)
    entry = JSONAttribute()


class AlertDelivery(Model):
    """One alert message to one subscriber: claimed before sending, so it is sent once."""

    class Meta(HavenMeta):
        table_name = table_name("alert-deliveries")

    message_id = UnicodeAttribute(hash_key=True)
    subscription_id = UnicodeAttribute(range_key=True)
    channel = UnicodeAttribute()
    state = UnicodeAttribute()  # sending | delivered | failed
    attempts = NumberAttribute(default=0)
    claimed_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    provider_id = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()
