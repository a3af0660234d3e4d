"""Tables of the API's request handling: rate-limit windows and idempotency records.

Access patterns (no Scan):

idempotency
  - GetItem / conditional PutItem by ``key`` (route#caller#Idempotency-Key); TTL ``expires_at``.
"""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from haven.adapters.dynamo.models.base import HavenMeta, table_name


class RateWindow(Model):
    """Requests of one client in one class of routes during one fixed window.

    ``subject`` is a keyed hash of the class and the client's address (no address is stored);
    the item expires one window after its own.
    """

    class Meta(HavenMeta):
        table_name = table_name("rate-limits")

    subject = UnicodeAttribute(hash_key=True)
    window_start = NumberAttribute(range_key=True)
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class IdempotencyRecord(Model):
    class Meta(HavenMeta):
        table_name = table_name("idempotency")

    key = UnicodeAttribute(hash_key=True)
    fingerprint = UnicodeAttribute()
    state = UnicodeAttribute()  # in_progress | completed
    response_status = NumberAttribute(null=True)
    response_body = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()
