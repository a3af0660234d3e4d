"""Powertools logger, tracer and metrics, configured the same way for every function.

Logs are structured JSON with the request id; they never carry personal data: no bodies,
no query strings, no names, contacts or precise locations.
"""

from __future__ import annotations

import logging
import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

#: Libraries that log whole requests and responses (items, message bodies) at DEBUG. They stay
#: at WARNING whatever level the function runs at, so that personal data never reaches the logs.
PAYLOAD_LOGGERS = ("botocore", "boto3", "pynamodb", "urllib3")


def logger(service: str) -> Logger:
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return Logger(service=service, use_rfc3339=True)


def tracer(service: str) -> Tracer:
    return Tracer(service=service)


def metrics(service: str) -> Metrics:
    # A request that records no metric is normal (GET /health); it is not worth a warning.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    return Metrics(service=service, namespace="Haven")
