"""The event contract on EventBridge: publishing on the ``haven`` bus, parsing what rules queue.

:class:`EventBridgePublisher` is the :class:`haven.events.EventSink` of the functions: it puts
each event in the envelope (``source`` ``haven.<domain>``, ``detail-type``, ``detail``).
:func:`queued` gives a worker's batch processor the Powertools parser model of its records: an
SQS record whose body is that EventBridge envelope with the typed detail. The model is made at
the first batch, never at import (ADR 0039, 0042); so is :func:`queued_object_created`'s, for
the S3 events that upload screening reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeAlias, TypeVar, cast

from haven.adapters.aws import client
from haven.adapters.batch import QueuedMessage, sqs_record
from haven.adapters.names import event_bus
from haven.events import Event

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parser.models import S3EventNotificationEventBridgeModel
    from pydantic import BaseModel

D_co = TypeVar("D_co", bound=Event, covariant=True)


class PublishFailed(RuntimeError):
    pass


class EventBridgePublisher:
    def publish(self, event: Event) -> None:
        response = client("events").put_events(Entries=[entry(event)])
        if response.get("FailedEntryCount"):
            code = response["Entries"][0].get("ErrorCode", "unknown")
            raise PublishFailed(f"EventBridge refused {event.detail_type}: {code}")


def entry(event: Event) -> dict[str, str]:
    """The ``PutEvents`` entry of ``event``: the one place the envelope is built."""
    return {
        "EventBusName": event_bus(),
        "Source": f"haven.{event.domain}",
        "DetailType": event.detail_type,
        "Detail": json.dumps(event.detail(), separators=(",", ":"), default=str),
    }


class Envelope(Protocol, Generic[D_co]):
    """What a consumer reads of the EventBridge envelope (Powertools' ``EventBridgeModel``)."""

    @property
    def source(self) -> str: ...

    @property
    def detail_type(self) -> str: ...

    @property
    def detail(self) -> D_co: ...


#: An SQS record of a queue fed by a rule, as parsed by :func:`queued`'s model.
QueuedEvent: TypeAlias = QueuedMessage[Envelope[D_co]]

if TYPE_CHECKING:
    #: An SQS record parsed by :func:`queued_object_created`'s model.
    QueuedObjectCreated: TypeAlias = QueuedMessage[S3EventNotificationEventBridgeModel]


def queued(detail: type[Event]) -> Callable[[], type[BaseModel]]:
    """The parser model of a queue's records whose bodies are ``detail`` events (any of its
    detail-types: ``queued(IncidentEvent)`` takes ``incident.opened`` and ``incident.updated``),
    for :class:`haven.adapters.batch.BatchProcessor`'s ``model``. Anything else in a body, or a
    detail that does not fit, fails the record."""
    return lambda: sqs_record(_envelope(detail))


def queued_object_created() -> type[BaseModel]:
    """The parser model of a queue fed by S3's ``Object Created`` events (through EventBridge):
    Powertools' ``S3EventNotificationEventBridgeModel`` in each body."""
    from aws_lambda_powertools.utilities.parser.models import S3EventNotificationEventBridgeModel

    return sqs_record(S3EventNotificationEventBridgeModel)


def _envelope(detail: type[Event]) -> type[BaseModel]:
    from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
    from pydantic import Field, create_model

    return create_model(
        f"{detail.__name__}Envelope",
        __base__=EventBridgeModel,
        detail_type=(cast(Any, Literal)[detail.detail_types()], Field(alias="detail-type")),
        detail=(detail, ...),
    )
