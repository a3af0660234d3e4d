"""Powertools' SQS batch processing, loaded at the first batch instead of at import.

``aws_lambda_powertools.utilities.batch`` loads every event data class and ``asyncio``, a third
of a worker's import beside boto3 (ADR 0039). Handlers use the same names from here: a
:class:`BatchProcessor` made at import records its arguments, and the first
:func:`process_partial_response` creates the Powertools processor and hands over to Powertools'
own function, so partial failures, ``batchItemFailures`` and ``raise_on_entire_batch_failure``
are Powertools' behaviour unchanged. Record types (``SQSRecord``) are for annotations only:
import them under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch import AsyncBatchProcessor as _AsyncProcessor
    from aws_lambda_powertools.utilities.batch import BatchProcessor as _Processor


class EventType(Enum):
    """The event sources of Powertools' ``EventType`` (same values)."""

    SQS = "SQS"
    KinesisDataStreams = "KinesisDataStreams"
    DynamoDBStreams = "DynamoDBStreams"
    Kafka = "Kafka"


class _Lazy:
    _async = False

    def __init__(self, event_type: EventType, **options: Any) -> None:
        self.event_type = event_type
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
                    self._real = kind(event_type=batch.EventType(self.event_type.value), **self.options)
        return self._real


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
