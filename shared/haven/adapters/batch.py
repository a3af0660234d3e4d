"""Powertools' SQS batch processing, loaded at the first batch instead of at import.

``aws_lambda_powertools.utilities.batch`` loads every event data class and ``asyncio``, a third
of a worker's import beside boto3 (ADR 0039). Handlers use the same names from here: a
:class:`BatchProcessor` made at import records its arguments, and the first
:func:`process_partial_response` creates the Powertools processor and hands over to Powertools'
own function, so partial failures, ``batchItemFailures`` and ``raise_on_entire_batch_failure``
are Powertools' behaviour unchanged. Record types (``SQSRecord``) are for annotations only:
import them under ``TYPE_CHECKING``.

``model`` is what makes the parser model, called at the first batch (pydantic builds its schema
then, not at import): :func:`haven.adapters.events.queued` gives one. A record that does not fit
it is a batch item failure (SQS redelivers it, then moves it to the DLQ), logged on ``logger``
with its message id and the reason: where and how it failed to parse, never the content.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch import AsyncBatchProcessor as _AsyncProcessor
    from aws_lambda_powertools.utilities.batch import BatchProcessor as _Processor
    from pydantic import BaseModel


M_co = TypeVar("M_co", covariant=True)


class EventType(Enum):
    """The event sources of Powertools' ``EventType`` (same values)."""

    SQS = "SQS"
    KinesisDataStreams = "KinesisDataStreams"
    DynamoDBStreams = "DynamoDBStreams"
    Kafka = "Kafka"


class _Lazy:
    _async = False

    def __init__(
        self,
        event_type: EventType,
        model: Callable[[], type[BaseModel]] | None = None,
        logger: logging.Logger | Any = None,
        **options: Any,
    ) -> None:
        self.event_type = event_type
        self.model = model
        self.logger = logger
        self.options = options
        self._real: Any = None
        self._lock = threading.Lock()

    @property
    def real(self) -> Any:
        """The Powertools processor (created once, at the first batch)."""
        if self._real is None:
            with self._lock:
                if self._real is None:
                    from aws_lambda_powertools.utilities import batch

                    kind = batch.AsyncBatchProcessor if self._async else batch.BatchProcessor
                    self._real = _logging_malformed(kind)(
                        event_type=batch.EventType(self.event_type.value),
                        model=self.model() if self.model else None,
                        **self.options,
                    )
                    self._real.malformed_log = self.logger
        return self._real


@cache
def _logging_malformed(kind: type[Any]) -> type[Any]:
    """``kind`` (a Powertools processor) logging the records its model refused. Powertools' own
    ``logger`` would log each failure's traceback, and a validation error quotes the record."""
    from pydantic import ValidationError

    class LoggingMalformed(kind):  # type: ignore[misc]
        malformed_log: logging.Logger | Any = None

        def failure_handler(self, record: Any, exception: Any) -> Any:
            error = exception[1]
            if isinstance(error, ValidationError) and self.malformed_log is not None:
                # The data class of the refused record (Powertools converts it back for its id).
                message_id = getattr(record, "message_id", None)
                self.malformed_log.warning(
                    "malformed record", extra={"message_id": message_id, "reason": parse_failure(error)}
                )
            return super().failure_handler(record, exception)

    return LoggingMalformed


def parse_failure(error: Any) -> str:
    """Where and how a record failed to parse (``body.detail.version: missing``): no input."""
    return "; ".join(
        f"{'.'.join(str(part) for part in e['loc'])}: {e['type']}"
        for e in error.errors(include_url=False, include_input=False)
    )


def sqs_record(body: type[Any]) -> type[BaseModel]:
    """Powertools' ``SqsRecordModel`` whose body is ``body`` (a model or a dataclass) as JSON."""
    from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
    from pydantic import Json, create_model

    return create_model(f"{body.__name__}Record", __base__=SqsRecordModel, body=(cast(Any, Json)[body], ...))


def queued_message(body: type[Any]) -> Callable[[], type[BaseModel]]:
    """The parser model of a queue's records whose bodies are ``body`` messages, made at its
    first call (for ``model``, or to parse records before a batch is processed)."""
    return cache(lambda: sqs_record(body))


class QueuedMessage(Protocol, Generic[M_co]):
    """An SQS record as parsed by :func:`queued_message`'s model (Powertools' ``SqsRecordModel``)."""

    @property
    def messageId(self) -> str: ...

    @property
    def receiptHandle(self) -> str: ...

    @property
    def attributes(self) -> Any: ...

    @property
    def body(self) -> M_co: ...


class BatchProcessor(_Lazy):
    """Arguments as Powertools' ``BatchProcessor``."""

    if TYPE_CHECKING:
        real: _Processor


class AsyncBatchProcessor(_Lazy):
    """Arguments as Powertools' ``AsyncBatchProcessor``."""

    _async = True
    if TYPE_CHECKING:
        real: _AsyncProcessor


def process_partial_response(
    event: dict[str, Any], record_handler: Callable[..., Any], processor: BatchProcessor, context: Any = None
) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.batch import process_partial_response as process

    return dict(
        process(event=event, record_handler=record_handler, processor=processor.real, context=context)
    )


def async_process_partial_response(
    event: dict[str, Any],
    record_handler: Callable[..., Any],
    processor: AsyncBatchProcessor,
    context: Any = None,
) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.batch import async_process_partial_response as process

    return dict(
        process(event=event, record_handler=record_handler, processor=processor.real, context=context)
    )
