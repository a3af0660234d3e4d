"""Reading a synthesized CloudFormation template: references, API routes, role policies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Template = Mapping[str, Any]


def resources_of_type(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def haven_functions(template: Any) -> dict[str, dict[str, Any]]:
    """The stack's own functions (named ``haven-<stage>-*``), without CDK's provider functions
    (the web apps' bucket deployment and its SDK call, infra/constructs/web.py)."""
    return {
        logical_id: function
        for logical_id, function in resources_of_type(template, "AWS::Lambda::Function").items()
        if "FunctionName" in function["Properties"]
    }


def referenced_ids(value: Any) -> set[str]:
    """Logical ids a property value points at through ``Ref`` and ``Fn::GetAtt``."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            found.add(target[0] if isinstance(target, list) else target.split(".")[0])
        for item in value.values():
            found |= referenced_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= referenced_ids(item)
    return found


def single_ref(value: Any) -> str:
    ids = referenced_ids(value)
    assert len(ids) == 1, f"expected one reference in {value}, got {ids}"
    return ids.pop()


# --- API Gateway --------------------------------------------------------------------------------


def resource_paths(template: Template) -> dict[str, str]:
    """AWS::ApiGateway::Resource logical id → its full path, rebuilt from PathPart/ParentId."""
    resources = resources_of_type(template, "AWS::ApiGateway::Resource")

    def path_of(logical_id: str) -> str:
        resource = resources[logical_id]["Properties"]
        parent = resource["ParentId"]
        part = resource["PathPart"]
        if "Fn::GetAtt" in parent and parent["Fn::GetAtt"][1] == "RootResourceId":
            return "/" + part
        return path_of(parent["Ref"]) + "/" + part

    return {logical_id: path_of(logical_id) for logical_id in resources}


def api_methods(template: Template) -> set[tuple[str, str]]:
    """Every (full path, HTTP method) that has an AWS::ApiGateway::Method."""
    paths = resource_paths(template)
    methods = set()
    for method in resources_of_type(template, "AWS::ApiGateway::Method").values():
        resource_id = method["Properties"]["ResourceId"]
        if isinstance(resource_id, dict) and "Fn::GetAtt" in resource_id:
            assert resource_id["Fn::GetAtt"][1] == "RootResourceId"
            path = "/"
        else:
            path = paths[resource_id["Ref"]]
        methods.add((path, method["Properties"]["HttpMethod"]))
    return methods


def route_problems(template: Template, routes: Mapping[str, set[str] | frozenset[str]]) -> list[str]:
    """What differs between the API's methods and the route table (+ ANY on every route)."""
    expected = {(path, method) for path, methods in routes.items() for method in methods}
    expected |= {(path, "ANY") for path in routes}
    actual = api_methods(template)
    problems = [f"missing {method} {path}" for path, method in sorted(expected - actual)]
    problems += [f"unexpected {method} {path}" for path, method in sorted(actual - expected)]
    return problems


# --- IAM ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """One statement of a role's policies: actions on the logical ids its resources reference."""

    effect: str
    actions: frozenset[str]
    targets: frozenset[str]
    wildcard: bool
    #: Resources written as strings (``Fn::Join``), references as ``${Ref}``.
    patterns: frozenset[str] = frozenset()


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _pattern(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        rendered = [f"${{{p['Ref']}}}" if isinstance(p, dict) and "Ref" in p else p for p in parts]
        return separator.join(rendered) if all(isinstance(r, str) for r in rendered) else None
    return None


def role_grants(template: Template, role_id: str) -> list[Grant]:
    """Every statement of the inline and attached policies of a role."""
    role = template["Resources"][role_id]["Properties"]
    documents = [p["PolicyDocument"] for p in role.get("Policies", [])]
    # CDK moves what does not fit a role's inline policy into overflow managed policies.
    attached = [
        *resources_of_type(template, "AWS::IAM::Policy").values(),
        *resources_of_type(template, "AWS::IAM::ManagedPolicy").values(),
    ]
    for policy in attached:
        if role_id in referenced_ids(policy["Properties"].get("Roles", [])):
            documents.append(policy["Properties"]["PolicyDocument"])
    grants = []
    for document in documents:
        for statement in document["Statement"]:
            resources = _as_list(statement["Resource"])
            grants.append(
                Grant(
                    effect=statement["Effect"],
                    actions=frozenset(_as_list(statement["Action"])),
                    targets=frozenset(referenced_ids(resources)),
                    wildcard="*" in resources,
                    patterns=frozenset(p for p in map(_pattern, resources) if p and p != "*"),
                )
            )
    return grants


def targets_with(grants: list[Grant], *action_prefixes: str) -> Iterator[tuple[str, str]]:
    """(logical id, action) for every action starting with one of the prefixes."""
    for grant in grants:
        for action in grant.actions:
            if action.startswith(action_prefixes):
                for target in grant.targets:
                    yield target, action
