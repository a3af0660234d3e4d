"""Staff and partner identities: a Cognito user pool whose groups are Haven's roles.

Citizens and migrant workers use the public endpoints without an account. Staff and partner
accounts are created by an administrator (no self sign-up); a recruiter's ``org_id`` and a
partner's ``partner_id`` are custom attributes that only administrators can set.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra.stage import StageConfig, pascal

#: Cognito groups, one per role of DESIGN.md "Identity and roles" (claim ``cognito:groups``).
ROLES: dict[str, str] = {
    "responder": "Responders and police: reports, incidents, alerts, feeds, safety records",
    "auditor": "Accreditation workflows; triage and referral of complaints",
    "admin": "Everything staff can do, plus partners and users",
    "recruiter": "Its own organisation's accreditation applications (custom:org_id)",
    "partner": "Referrals addressed to its own partner id (custom:partner_id)",
}
CUSTOM_ATTRIBUTES = ("org_id", "partner_id")


class Identity(Construct):
    """The user pool, its role groups and the app client whose tokens the API verifies."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self._prefix = stage.prefix
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=stage.prefix,
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            custom_attributes={
                name: cognito.StringAttribute(min_len=1, max_len=64, mutable=True)
                for name in CUSTOM_ATTRIBUTES
            },
            password_policy=cognito.PasswordPolicy(
                min_length=14,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=stage.protect_data,
            removal_policy=RemovalPolicy.RETAIN if stage.protect_data else RemovalPolicy.DESTROY,
        )
        for role, description in ROLES.items():
            cognito.UserPoolGroup(
                self,
                f"{pascal(role)}Group",
                user_pool=self.user_pool,
                group_name=role,
                description=description,
            )
        self.app_client = self.user_pool.add_client(
            "AppClient",
            user_pool_client_name=f"{stage.prefix}-app",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True)
            .with_custom_attributes(*CUSTOM_ATTRIBUTES),
            # Users may not change their own organisation or partner id.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(email=True),
        )

    @property
    def issuer(self) -> str:
        """The ``iss`` of the pool's tokens (HAVEN_AUTH_ISSUER)."""
        region = Stack.of(self).region
        return f"https://cognito-idp.{region}.amazonaws.com/{self.user_pool.user_pool_id}"

    @property
    def audience(self) -> str:
        """The app client id: ``aud`` of ID tokens, ``client_id`` of access tokens."""
        return self.app_client.user_pool_client_id

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"

    def add_console(self, *, callback_url: str, domain_prefix: str) -> None:
        """The console's sign-in: the hosted UI on a Cognito domain, and an app client of its own
        for the authorization code flow with PKCE (a public client: no secret in a browser).

        Its tokens carry the same ``cognito:groups`` as every other client's, so the API sees
        the same roles; the API accepts this client's tokens beside the app client's
        (``console_client_id``)."""
        self.domain = self.user_pool.add_domain(
            "Domain",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix),
            managed_login_version=cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
        )
        self.console_client = self.user_pool.add_client(
            "ConsoleClient",
            user_pool_client_name=f"{self._prefix}-console",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=[callback_url],
                logout_urls=[callback_url],
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            # Short-lived tokens kept in the page's memory, renewed with the refresh token.
            access_token_validity=Duration.minutes(15),
            id_token_validity=Duration.minutes(15),
            refresh_token_validity=Duration.hours(12),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True)
            .with_custom_attributes(*CUSTOM_ATTRIBUTES),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(email=True),
        )

    @property
    def console_client_id(self) -> str:
        return self.console_client.user_pool_client_id

    @property
    def domain_url(self) -> str:
        """The hosted UI's origin (``/oauth2/authorize``, ``/oauth2/token`` below it)."""
        return self.domain.base_url()
