"""Message intake worker: SMS (AWS End User Messaging SMS) and WhatsApp (AWS End User Messaging
Social) messages from their SNS topics, through SQS, answered through the same service.

Each record is one SNS notification. The messages of one sender in a batch are answered in the
order sent, by the first of their records (the others succeed or fail with it); the parts of
one long SMS delivered one by one are joined and answered once (haven.channels.intake.chains).
A message is processed once whatever the redeliveries (haven.channels.intake); one that cannot
be read is answered with help when a sender can be told, and acknowledged (a poison record
would only come back). A failed reply fails its record, which SQS redelivers and, after the
queue's receive limit, dead-letters. Neither numbers nor texts are logged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.aws import client
from haven.adapters.batch import BatchProcessor, EventType, process_partial_response
from haven.adapters.channels import intake, replier
from haven.adapters.dynamo.channels import ClaimHeld
from haven.adapters.names import queue_url
from haven.adapters.queues import retry_later
from haven.channels import providers
from haven.channels.dialogue import Inbound
from haven.channels.intake import SenderBusy, chains, join

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

logger = observability.logger("message-intake")
tracer = observability.tracer("message-intake")
metrics = observability.metrics("message-intake")

processor = BatchProcessor(event_type=EventType.SQS)
#: How soon a message whose sender is being answered by another run comes back (the first time).
BUSY_RETRY_SECONDS = 2


def busy_delay(receive_count: int) -> int:
    """How long a message waits whose sender (or itself) another run holds: a moment at first
    (a turn takes well under a second), then longer, so that a run that died holding them
    (its lease and claim lapse after a minute) is outwaited before the queue's last receive."""
    return min(BUSY_RETRY_SECONDS * 3 ** (max(receive_count, 1) - 1), 120)


@dataclass
class _Group:
    """The messages of one sender in this batch: answered in order, by the first record."""

    lead: str
    parts: list[Inbound]
    records: set[str]
    failed: bool = False
    #: When the first record comes back after failing: the others come back with it.
    retry_in: int = BUSY_RETRY_SECONDS


_groups: dict[str, _Group] = {}
_parsed: dict[str, list[Inbound]] = {}


def _prepare(event: dict[str, Any]) -> None:
    """Read every record first: which of them are parts of one sender's message."""
    _groups.clear()
    _parsed.clear()
    by_sender: dict[tuple[str, str], list[tuple[str, Inbound]]] = defaultdict(list)
    for raw in event.get("Records") or []:
        record_id = str(raw.get("messageId"))
        try:
            document, published_at = providers.sns_message(str(raw.get("body") or ""))
            messages = providers.from_aws(document, published_at)
        except providers.Unparseable:
            continue
        _parsed[record_id] = messages
        if len(messages) == 1:
            by_sender[(messages[0].channel, messages[0].sender)].append((record_id, messages[0]))
    for items in by_sender.values():
        if len(items) > 1:
            group = _Group(lead=items[0][0], parts=[m for _, m in items], records={r for r, _ in items})
            for record_id, _ in items:
                _groups[record_id] = group


def _answer(first: Inbound, others: tuple[Inbound, ...]) -> None:
    service = intake()
    outcome = service.handle(first, also_received=others)
    if outcome.reply is None:
        metrics.add_metric(name="MessagesRedelivered", unit="Count", value=1)
        return
    replier().send(first.channel, first.sender, outcome.reply, ref=f"{first.provider}:{first.message_id}")
    for part in (first, *others):
        service.receipts.sent(part.provider, part.message_id)
    metrics.add_metric(name="RepliesSent", unit="Count", value=1)
    if outcome.template:
        logger.info(
            "answered",
            extra={"channel": first.channel, "template": outcome.template, "parts": 1 + len(others)},
        )


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    group = _groups.get(record.message_id)
    if group is not None and record.message_id != group.lead:
        if group.failed:
            # Back at the same moment as the first record, to be answered with it, in order.
            _come_back(record, seconds=group.retry_in)
            raise RuntimeError("the first part of this message failed; retried with it")
        return  # answered with the first part
    messages = _parsed.get(record.message_id)
    if messages is None:
        metrics.add_metric(name="UnreadableRecords", unit="Count", value=1)
        logger.warning("unreadable record acknowledged", extra={"record": record.message_id})
        return
    try:
        if group is not None:
            for chain in chains(group.parts):
                _answer(join(chain), tuple(chain[1:]))
        else:
            for message in messages:
                _answer(message, ())
    except (SenderBusy, ClaimHeld):
        # Another run answers this sender right now: come back in a moment, in order.
        delay = busy_delay(int(record.attributes.approximate_receive_count))
        if group is not None:
            group.failed, group.retry_in = True, delay
        _come_back(record, seconds=delay)
        raise
    except Exception as error:
        if group is not None:
            group.failed = True
        attempts = int(record.attributes.approximate_receive_count)
        delay = retry_later("message-intake", record.receipt_handle, attempts)
        if group is not None:
            group.retry_in = delay
        logger.warning(
            "message failed", extra={"reason": type(error).__name__, "attempt": attempts, "retry_in": delay}
        )
        raise


def _come_back(record: SQSRecord, *, seconds: int) -> None:
    client("sqs").change_message_visibility(
        QueueUrl=queue_url("message-intake"), ReceiptHandle=record.receipt_handle, VisibilityTimeout=seconds
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    _prepare(event)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
