"""What each allowed action needs, as the application view states it from the workflow's table."""

from __future__ import annotations

from haven.recruitment.workflow import Actor, State, action_details, allowed_actions


def test_each_allowed_action_names_its_required_and_optional_details() -> None:
    assert action_details(State.AUDIT_COMPLETED, Actor.STAFF)["accredit"] == {
        "required": [],
        "optional": ["term_years"],
    }
    assert action_details(State.ACCREDITED, Actor.STAFF)["suspend"] == {
        "required": ["suspended_until"],
        "optional": [],
    }
    assert action_details(State.AUDIT_SCHEDULED, Actor.STAFF)["complete_audit"] == {
        "required": ["findings", "non_conformities"],
        "optional": [],
    }


def test_the_details_cover_exactly_the_allowed_actions_of_each_state_and_actor() -> None:
    for state in State:
        for actor in Actor:
            assert list(action_details(state, actor)) == allowed_actions(state, actor)
