"""Powertools logger, tracer and metrics, configured the same way for every function.

Logs are structured JSON with the request id; they never carry personal data: no bodies,
no query strings, no names, contacts or precise locations.

The tracer is created at the first traced call, not at import: in Lambda, creating the X-Ray
recorder builds its sampler's botocore clients, which was nearly half of the API's cold start
(ADR 0039). The segments are the Powertools tracer's own, made by the same decorators.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

from aws_lambda_powertools import Logger, Metrics

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

#: Libraries that log whole requests and responses (items, message bodies) at DEBUG. They stay
#: at WARNING whatever level the function runs at, so that personal data never reaches the logs.
PAYLOAD_LOGGERS = ("botocore", "boto3", "pynamodb", "urllib3")

F = TypeVar("F", bound=Callable[..., Any])


def logger(service: str) -> Logger:
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return Logger(service=service, use_rfc3339=True)


class LazyTracer:
    """The Powertools :class:`Tracer` of a service, created when a traced function first runs.

    ``capture_lambda_handler`` and ``capture_method`` take the same arguments as Powertools';
    the first call of a decorated function creates the tracer (patching the AWS SDK then, which
    patches classes, so clients made before are traced too) and decorates the function with it.
    Plain and ``async`` functions are supported (generators and context managers are not used).
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self._tracer: Tracer | None = None
        self._lock = threading.Lock()

    @property
    def tracer(self) -> Tracer:
        if self._tracer is None:
            with self._lock:
                if self._tracer is None:
                    from aws_lambda_powertools import Tracer

                    self._tracer = Tracer(service=self.service)
        return self._tracer

    @property
    def created(self) -> bool:
        return self._tracer is not None

    def _lazily(self, function: F, decorate: Callable[[Tracer, F], Any]) -> F:
        traced: list[F] = []

        def decorated() -> F:
            if not traced:
                traced.append(decorate(self.tracer, function))
            return traced[0]

        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def call_async(*args: Any, **kwargs: Any) -> Any:
                return await decorated()(*args, **kwargs)

            return call_async  # type: ignore[return-value]

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            return decorated()(*args, **kwargs)

        return call  # type: ignore[return-value]

    @overload
    def capture_lambda_handler(self, lambda_handler: F) -> F: ...

    @overload
    def capture_lambda_handler(
        self,
        lambda_handler: None = None,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> Callable[[F], F]: ...

    def capture_lambda_handler(
        self,
        lambda_handler: F | None = None,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> F | Callable[[F], F]:
        def decorator(function: F) -> F:
            return self._lazily(
                function,
                lambda tracer, f: tracer.capture_lambda_handler(
                    f, capture_response=capture_response, capture_error=capture_error
                ),
            )

        return decorator if lambda_handler is None else decorator(lambda_handler)

    @overload
    def capture_method(self, method: F) -> F: ...

    @overload
    def capture_method(
        self, method: None = None, capture_response: bool | None = None, capture_error: bool | None = None
    ) -> Callable[[F], F]: ...

    def capture_method(
        self,
        method: F | None = None,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> F | Callable[[F], F]:
        def decorator(function: F) -> F:
            return self._lazily(
                function,
                lambda tracer, f: tracer.capture_method(
                    capture_response=capture_response, capture_error=capture_error
                )(f),
            )

        return decorator if method is None else decorator(method)


def tracer(service: str) -> LazyTracer:
    return LazyTracer(service)


def metrics(service: str) -> Metrics:
    # A request that records no metric is normal (GET /health); it is not worth a warning.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    return Metrics(service=service, namespace="Haven")
