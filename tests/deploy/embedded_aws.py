"""The embedded AWS of the deploy test: moto's server, in its own process, enforcing IAM.

Run as ``python -m tests.deploy.embedded_aws PORT``. It starts unauthenticated, so the test can
publish the assets and create the stack as the deployer would; ``enforce_iam()`` then makes
every request prove it is allowed by the caller's IAM policies (moto's access control).

moto knows the resource of a request for S3 and SQS only; for every other service it asks
"may this caller do this action on ``*``?", which no resource-scoped grant answers yes to. Here
DynamoDB requests are checked against each table or index they name, each item of a transaction
as its own action, as IAM does; Secrets Manager requests against the secret they name. For the
services moto cannot tell the resource of (EventBridge, KMS, SES, SNS, ...) a grant on any
resource answers (the action is checked, the resource cannot be). S3 and SQS are checked in full. A role trusting the Lambda service may be assumed by the test,
which stands in for Lambda.
"""

from __future__ import annotations

import json
import re
import sys

import requests

LAMBDA_SERVICE = "lambda.amazonaws.com"
#: IAM has no TransactWriteItems / TransactGetItems action: each item of a transaction is
#: authorised as the item action it is, on its own table.
TRANSACTION_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
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


def _check_dynamodb_tables() -> None:
    """DynamoDB requests are authorised against each table (or index) they name, and each item
    of a transaction as its own action (moto would ask for the API's name on ``*``)."""
    from moto.dynamodb.responses import DynamoHandler

    authorise = DynamoHandler._authenticate_and_authorize_normal_action

    def per_table(self: DynamoHandler, resource: str = "*") -> None:
        # moto has parsed the request into a dict by now (DynamoHandler.call_action).
        body = self.body if isinstance(self.body, dict) else json.loads(self.body or "{}")

        def arn(table: str, index: str | None = None) -> str:
            base = f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/{table}"
            return f"{base}/index/{index}" if index else base

        checks: list[tuple[str | None, str]] = []
        for item in body.get("TransactItems", []):
            checks += [(TRANSACTION_ITEM_ACTIONS[op], arn(spec["TableName"])) for op, spec in item.items()]
        if "TableName" in body:
            checks.append((None, arn(body["TableName"], body.get("IndexName"))))
        checks += [(None, arn(table)) for table in body.get("RequestItems", {})]
        for action, target in checks or [(None, "*")]:
            if action is not None:
                self._get_action = lambda action=action: action  # type: ignore[method-assign]
            try:
                authorise(self, target)
            finally:
                if action is not None:
                    del self._get_action

    DynamoHandler._authenticate_and_authorize_normal_action = per_table  # type: ignore[method-assign]


def _check_secrets() -> None:
    """Secrets Manager requests are authorised against the secret they name (by ARN or name)."""
    from moto.secretsmanager.responses import SecretsManagerResponse

    def secret(self: SecretsManagerResponse) -> str:
        secret_id = json.loads(self.body or "{}").get("SecretId")
        if not secret_id:
            return "*"
        if secret_id.startswith("arn:"):
            return str(secret_id)
        return f"arn:aws:secretsmanager:{self.region}:{self.current_account}:secret:{secret_id}"

    SecretsManagerResponse._determine_resource = secret  # type: ignore[attr-defined]


def enforce_iam(endpoint: str) -> None:
    """From now on every request is authenticated and authorised."""
    requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0", timeout=10).raise_for_status()


def main(argv: list[str]) -> None:
    _patch_resource_matching()
    _check_dynamodb_tables()
    _check_secrets()
    from moto.server import main as moto_main

    moto_main(["-H", "127.0.0.1", "-p", argv[0]])


if __name__ == "__main__":
    main(sys.argv[1:])
