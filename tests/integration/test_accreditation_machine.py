"""Every (state, action) pair of the accreditation machine, on DynamoDB: an allowed one moves
the application and appends to the trail; any other is a 409 that changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from haven import clock
from haven.errors import Conflict
from haven.recruitment.workflow import TRANSITIONS, Action, Actor, State

#: Who would take each action (each action belongs to one kind of actor in the table).
ACTOR_OF = {action: rule.by for (_, action), rule in TRANSITIONS.items()}
DETAILS: dict[Action, dict[str, Any]] = {
    Action.SCHEDULE_AUDIT: {"audit_date": "2026-12-10", "auditor": "Auditor One"},
    Action.COMPLETE_AUDIT: {"findings": "ok", "non_conformities": []},
    Action.SUSPEND: {"suspended_until": clock.now() + timedelta(days=30)},
}


class Notices:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, message: Any) -> str:
        self.sent.append(message)
        return "id"


def test_every_action_has_one_kind_of_actor() -> None:
    for (_, action), rule in TRANSITIONS.items():
        assert ACTOR_OF[action] == rule.by
    assert set(ACTOR_OF) == set(Action)


def test_every_state_is_reachable_from_draft() -> None:
    reached, frontier = {State.DRAFT}, [State.DRAFT]
    while frontier:
        state = frontier.pop()
        for (source, _), rule in TRANSITIONS.items():
            if source == state and rule.to not in reached:
                reached.add(rule.to)
                frontier.append(rule.to)
    assert reached == set(State)


@pytest.mark.parametrize("state", list(State))
def test_every_action_in_state(aws: None, state: State) -> None:
    from haven.adapters.dynamo.accreditation import DynamoApplications
    from haven.adapters.events import EventBridgePublisher
    from haven.auth import Principal, Role
    from haven.ids import new_id
    from haven.recruitment.application import Application
    from haven.recruitment.transitions import Workflow, transition
    from tests.integration.accreditation_support import complete_content

    repository = DynamoApplications()
    workflow = Workflow(repository, EventBridgePublisher(), Notices())
    now = clock.now()
    staff = Principal("auditor-1", frozenset({Role.AUDITOR}))
    for action in Action:
        # One organisation per application: each may be on the roster at the same time.
        owner = Principal("recruiter-1", frozenset({Role.RECRUITER}), org_id=f"org-{action}")
        seeded = Application(
            application_id=new_id(),
            org_id=f"org-{action}",
            state=state,
            created_at=clock.iso(now),
            updated_at=clock.iso(now),
            **complete_content(licence=f"L-{state}-{action}"),
            valid_from=clock.iso(now - timedelta(days=400)),
            valid_until=clock.iso(now + timedelta(days=60)),
            deferred_at=clock.iso(now - timedelta(days=61)) if state == State.DEFERRED else None,
            suspended_until=clock.iso(now + timedelta(days=10)) if state == State.SUSPENDED else None,
        )
        repository.add(seeded)
        seeded.version = 1
        actor = ACTOR_OF[action]
        principal = {Actor.STAFF: staff, Actor.RECRUITER: owner, Actor.SYSTEM: None}[actor]
        rule = TRANSITIONS.get((state, action))
        request = {
            "principal": principal, "actor": actor, "expected_version": 1, "reason": "exhaustive",
            "details": DETAILS.get(action, {}), "workflow": workflow,
        }  # fmt: skip
        if rule is None:
            with pytest.raises(Conflict) as refused:
                transition(replace(seeded), action, **request)
            assert refused.value.extensions["current_state"] == state.value
            assert action.value not in refused.value.extensions["allowed_actions"]
            stored = repository.get(seeded.application_id)
            assert stored is not None
            assert (stored.state, stored.version) == (state, 1), action
            assert repository.history(seeded.application_id) == [], action
        else:
            moved = transition(replace(seeded), action, **request)
            stored = repository.get(seeded.application_id)
            assert stored is not None
            assert (stored.state, stored.version) == (rule.to, 2), action
            [entry] = repository.history(seeded.application_id)
            assert (entry.action, entry.before["state"], entry.after["state"]) == (
                action.value, state.value, rule.to.value,
            )  # fmt: skip
            assert entry.actor == (principal.subject if principal else "scheduler")
            assert moved.state == rule.to
