"""One PynamoDB connection per process for transactions.

A ``Connection`` builds its own botocore client on first use (over 100 ms); making one per
transaction paid that on every request. The models keep their own connections; transactions
share this one.
"""

from __future__ import annotations

from functools import cache

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from haven.adapters.dynamo.models.base import HavenMeta


@cache
def connection() -> Connection:
    return Connection(
        region=HavenMeta.region,
        max_retry_attempts=HavenMeta.max_retry_attempts,
        connect_timeout_seconds=HavenMeta.connect_timeout_seconds,
        read_timeout_seconds=HavenMeta.read_timeout_seconds,
    )


def transaction(client_request_token: str | None = None) -> TransactWrite:
    """A TransactWrite on the shared connection; the token makes a retried commit idempotent."""
    return TransactWrite(connection=connection(), client_request_token=client_request_token)


def condition_failed(error: Exception) -> bool:
    """Whether a PynamoDB write failed on its condition (a version or existence check), not on
    DynamoDB itself: the adapters turn it into the domain's conflict."""
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


#: The code a cancelled transaction gives for a write whose condition did not hold.
CONDITION_NOT_MET = "ConditionalCheckFailed"


def cancellation_codes(error: Exception) -> list[str | None]:
    """Why a cancelled transaction refused each of its writes, in the order PynamoDB sent them
    (puts, then updates, then condition checks): a code such as ``CONDITION_NOT_MET`` or
    ``TransactionConflict``, or ``None`` for a write that was not at fault."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return [getattr(reason, "code", None) if reason is not None else None for reason in reasons]


def cancelled_on_condition(error: Exception) -> bool:
    """Whether a transaction was cancelled because one of its writes' conditions did not hold
    (a stale version, a key already taken), as opposed to a conflict or throttling."""
    return CONDITION_NOT_MET in cancellation_codes(error)
