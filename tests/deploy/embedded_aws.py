"""The embedded AWS of the deploy test: moto's server, in its own process, enforcing IAM.

Run as ``python -m tests.deploy.embedded_aws PORT``. It starts unauthenticated, so the test can
publish the assets and create the stack as the deployer would; ``enforce_iam()`` then makes
every request prove it is allowed by the caller's IAM policies (moto's access control).

moto knows the resource of a request for S3 and SQS only; for every other service it asks
"may this caller do this action on ``*``?", which no resource-scoped grant answers yes to. Here
DynamoDB requests are checked against each table they name, as AWS does, and for the services
moto cannot tell the resource of (Secrets Manager, EventBridge, KMS, ...) a grant on any resource
answers (the action is checked, the resource cannot be). S3 and SQS are checked in full. A role trusting the Lambda service may be assumed by the test,
which stands in for Lambda. A DynamoDB transaction is authorised as an item write (or read).
"""

from __future__ import annotations

import json
import re
import sys

import requests

LAMBDA_SERVICE = "lambda.amazonaws.com"
#: A transaction's API name → the item action moto checks in its place (it cannot see the items).
TRANSACTION_ACTIONS = {
    "dynamodb:TransactWriteItems": "dynamodb:UpdateItem",
    "dynamodb:TransactGetItems": "dynamodb:GetItem",
}


def _patch_resource_matching() -> None:
    from moto.iam import access_control

    statement = access_control.IAMPolicyStatement
    original = statement._match

    def match(pattern: str, string: str) -> re.Match[str] | None:
        if string == "*":  # the service could not say which resource: any grant's resource does
            return re.match(".*", string)
        return original(pattern, string)

    statement._match = staticmethod(match)  # type: ignore[method-assign]

    # The test assumes a function's role as Lambda does: a trust policy naming the Lambda
    # service admits it (moto knows AWS principals only, and fails on service principals).
    check_principal = statement._check_principal

    def lambda_may_assume(self: access_control.IAMPolicyStatement, principal: str) -> bool:
        expected = self._statement.get("Principal") or {}
        if isinstance(expected, dict) and "AWS" not in expected:
            services = expected.get("Service", [])
            return LAMBDA_SERVICE in ([services] if isinstance(services, str) else services)
        return bool(check_principal(self, principal))

    statement._check_principal = lambda_may_assume  # type: ignore[method-assign]

    # IAM has no TransactWriteItems / TransactGetItems action: a transaction is authorised item
    # by item as the writes and reads it holds (moto asks for the API's name instead).
    request = access_control.IAMRequestBase
    init = request.__init__

    def authorised_as_items(self: access_control.IAMRequestBase, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        self._action = TRANSACTION_ACTIONS.get(self._action, self._action)

    request.__init__ = authorised_as_items  # type: ignore[method-assign]


def _check_dynamodb_tables() -> None:
    """DynamoDB requests are authorised against each table they name (moto would ask ``*``)."""
    from moto.dynamodb.responses import DynamoHandler

    authorise = DynamoHandler._authenticate_and_authorize_normal_action

    def per_table(self: DynamoHandler, resource: str = "*") -> None:
        # moto has parsed the request into a dict by now (DynamoHandler.call_action).
        body = self.body if isinstance(self.body, dict) else json.loads(self.body or "{}")
        tables = {body["TableName"]} if "TableName" in body else set()
        tables |= set(body.get("RequestItems", {}))
        for item in body.get("TransactItems", []):
            tables |= {operation["TableName"] for operation in item.values()}
        for table in sorted(tables) or ["*"]:
            arn = (
                f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/{table}"
                if table != "*"
                else table
            )
            authorise(self, arn)

    DynamoHandler._authenticate_and_authorize_normal_action = per_table  # type: ignore[method-assign]


def enforce_iam(endpoint: str) -> None:
    """From now on every request is authenticated and authorised."""
    requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0", timeout=10).raise_for_status()


def main(argv: list[str]) -> None:
    _patch_resource_matching()
    _check_dynamodb_tables()
    from moto.server import main as moto_main

    moto_main(["-H", "127.0.0.1", "-p", argv[0]])


if __name__ == "__main__":
    main(sys.argv[1:])
