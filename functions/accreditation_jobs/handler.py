"""Accreditation schedule: renewal notices, expiry, lapse of deferrals, end of suspensions.

Runs every hour (catalog schedule ``accreditation-jobs``); see :mod:`haven.recruitment.jobs`.
Idempotent: what a run has done no longer matches the next run's queries.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from haven import clock
from haven.adapters import observability
from haven.adapters.dynamo.accreditation import DynamoApplications
from haven.adapters.events import EventBridgePublisher
from haven.adapters.notifier import BestEffortNotifier
from haven.recruitment import jobs
from haven.recruitment.transitions import Workflow
from haven.settings import settings

logger = observability.logger("accreditation-jobs")
tracer = observability.tracer("accreditation-jobs")
metrics = observability.metrics("accreditation-jobs")


@cache  # at the first run: the settings are read then, not at import
def workflow() -> Workflow:
    return Workflow(
        applications=DynamoApplications(),
        events=EventBridgePublisher(),
        notifier=BestEffortNotifier(),
        default_term_years=settings.accreditation_term_years,
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    done = jobs.run(clock.now(), workflow())
    for action, count in done.items():
        metrics.add_metric(name=f"Accreditation_{action}", unit="Count", value=count)
    logger.info("accreditation jobs ran", extra={"done": done})
    return done
