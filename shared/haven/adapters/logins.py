"""Login provisioning: Cognito in AWS, the local outbox in local mode."""

from __future__ import annotations

from functools import cache

from haven.adapters.aws import client
from haven.adapters.notifier import notifier
from haven.auth import Role
from haven.errors import Conflict
from haven.logins import LoginProvisioner
from haven.notifications import Message
from haven.settings import get_settings


class CognitoLogins:
    def __init__(self, user_pool_id: str) -> None:
        self._pool = user_pool_id

    def invite(self, *, email: str, role: Role, partner_id: str | None = None) -> str:
        attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
        if partner_id:
            attributes.append({"Name": "custom:partner_id", "Value": partner_id})
        cognito = client("cognito-idp")
        try:
            cognito.admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=attributes,
                DesiredDeliveryMediums=["EMAIL"],
            )
        except cognito.exceptions.UsernameExistsException:
            raise Conflict("a login with this e-mail exists; give the partner another contact") from None
        cognito.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=role.value)
        return email


class OutboxLogins:
    """Local mode has no Cognito: the invitation says how to get a token for this identity."""

    def invite(self, *, email: str, role: Role, partner_id: str | None = None) -> str:
        claims = f" PARTNER_ID={partner_id}" if partner_id else ""
        notifier().send(
            Message(
                "email",
                email,
                "Your Haven access",
                f"You have {role.value} access to Haven. Locally, get a token with: "
                f"make token ROLE={role.value}{claims}",
                f"login:{partner_id or email}",
            )
        )
        return email


@cache
def logins() -> LoginProvisioner:
    settings = get_settings()
    if settings.is_local:
        return OutboxLogins()
    if not settings.user_pool_id:
        raise RuntimeError("HAVEN_USER_POOL_ID is not set for this function")
    return CognitoLogins(settings.user_pool_id)
