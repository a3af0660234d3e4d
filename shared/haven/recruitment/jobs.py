"""The accreditation schedule: renewal notices, expiry, lapse of deferrals, end of suspensions.

One run looks, per state, for the applications whose deadline (``due_at``) has passed (a Query,
see :meth:`ApplicationRepository.due`) and takes the scheduler's action on each, conditional
on the version it read. Running it twice, or concurrently, is safe: an application already
moved no longer matches, and a lost race is a 409 that the run counts as skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from haven import clock
from haven.errors import Conflict
from haven.recruitment.application import Application
from haven.recruitment.transitions import Workflow, transition
from haven.recruitment.workflow import Action, Actor, State


def _suspension_over(application: Application, now: str) -> Action:
    expired = application.valid_until is not None and application.valid_until <= now
    return Action.EXPIRE if expired else Action.END_SUSPENSION


#: Per state, in this order (a notice and an expiry can happen in the same run): the action.
JOBS: tuple[tuple[State, Callable[[Application, str], Action]], ...] = (
    (State.ACCREDITED, lambda application, now: Action.MARK_RENEWAL_DUE),
    (State.RENEWAL_DUE, lambda application, now: Action.EXPIRE),
    (State.DEFERRED, lambda application, now: Action.LAPSE),
    (State.SUSPENDED, _suspension_over),
)

_REASONS = {
    Action.MARK_RENEWAL_DUE: "the accreditation expires within 90 days",
    Action.EXPIRE: "the accreditation reached the end of its term",
    Action.LAPSE: "no answer to the request for information within 60 days",
    Action.END_SUSPENSION: "the suspension period ended",
}


def run(now: datetime, workflow: Workflow) -> dict[str, int]:
    """Take every action that is due at ``now``; counts per action (and ``skipped``)."""
    until = clock.iso(now)
    done: Counter[str] = Counter()
    for state, choose in JOBS:
        for application in list(workflow.applications.due(state, until)):
            action = choose(application, until)
            try:
                transition(
                    application, action, principal=None, actor=Actor.SYSTEM,
                    expected_version=application.version, reason=_REASONS[action], details={},
                    workflow=workflow, now=now,
                )  # fmt: skip
            except Conflict:
                done["skipped"] += 1
            else:
                done[action.value] += 1
    return dict(done)
