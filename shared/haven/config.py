"""Settings from the environment, validated once per cold start.

Every function reads its configuration through :func:`get_settings`. A missing or malformed
variable fails the cold start with a clear message instead of failing a request later.
Reading the environment is not I/O; nothing here talks to AWS.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Where local mode's gateway listens unless told otherwise (local/runtime.py sets the port).
LOCAL_PUBLIC_URL = "http://127.0.0.1:8000"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HAVEN_", extra="ignore", frozen=True)

    #: ``local`` runs on the embedded AWS; ``aws`` is a real deployment.
    mode: Literal["local", "aws"] = "aws"
    #: Deployment stage, part of every physical resource name.
    stage: str = Field(default="dev", pattern=r"^[a-z][a-z0-9-]{0,19}$")
    region: str = Field(default="eu-west-1", validation_alias="AWS_REGION")

    # --- identity -------------------------------------------------------------------------
    #: Expected ``iss`` of bearer tokens (Cognito user pool URL in AWS, ``haven-local`` locally).
    auth_issuer: str = "haven-local"
    #: Expected ``aud`` (Cognito app client id in AWS).
    auth_audience: str = "haven"
    #: Another accepted ``aud``: the console's own Cognito app client in AWS (ADR 30).
    auth_console_audience: str | None = None
    #: JWKS document URL (Cognito in AWS). Locally the JWKS is read from ``auth_jwks_file``.
    auth_jwks_url: str | None = None
    auth_jwks_file: str | None = None
    #: Cognito user pool where partner and recruiter logins are created (AWS mode).
    user_pool_id: str | None = None

    # --- secrets ----------------------------------------------------------------------------
    #: HMAC key for pagination cursors and tracking tokens (local mode / tests).
    signing_key: str | None = Field(default=None, min_length=32)
    #: Secrets Manager ARN holding the signing key (AWS mode); read once, lazily.
    signing_key_secret_arn: str | None = None

    # --- behaviour --------------------------------------------------------------------------
    idempotency_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=6 * 1024 * 1024)
    page_size_max: int = Field(default=100, ge=1, le=1000)
    #: Reports (with any contact a reporter left) are deleted this long after receipt (TTL).
    report_retention_days: int = Field(default=180, ge=1, le=3650)
    #: Person records, their notes and photos are purged this long after entry (TTL + sweep).
    safety_retention_days: int = Field(default=40, ge=1, le=365)
    #: Name searches one client may make per minute.
    safety_search_per_minute: int = Field(default=30, ge=1, le=10_000)
    #: Tries of tracking codes, deletion and unsubscribe tokens and confirmation codes a minute,
    #: per client address, all such routes together.
    lookup_rate_per_minute: int = Field(default=20, ge=1, le=10_000)
    #: Domain of this repository in PFIF record ids (``<domain>/person.<id>``).
    pfif_domain: str = Field(default="haven.example.org", pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    #: Displacement evidence cells with fewer contributing reports than this are suppressed.
    displacement_min_reports: int = Field(default=5, ge=1, le=1000)
    #: First delay of the exponential redelivery backoff of failed SQS records (doubles each try).
    retry_base_seconds: int = Field(default=10, ge=0, le=900)
    #: Days a partner has to acknowledge a referral before it is escalated (a partner may differ).
    referral_sla_days: int = Field(default=7, ge=1, le=365)
    #: Where notices to administrators (escalated referrals) go; none: the complaint timeline only.
    admin_notice_email: str | None = None
    #: Where the public API is reached: links in alert messages, subscription confirmations
    #: and CAP feeds. Local mode defaults to the local gateway; AWS mode must be told (the CDK
    #: app sets the API's own URL unless the ``public_url`` context names a custom domain).
    public_url: str = Field(default="", validate_default=True)
    #: The SES identity e-mail is sent from (AWS mode, functions that send e-mail).
    email_from: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    #: The CAP ``sender`` of alerts this deployment issues (no spaces, commas, < or &).
    cap_sender: str = Field(default="alerts@haven.example.org", pattern=r"^[^\s,<&]+$")
    #: Years an accreditation is valid unless the auditor sets another term (1-5).
    accreditation_term_years: int = Field(default=3, ge=1, le=5)
    #: Incidents at or above this severity notify the responders subscribed to their area.
    responder_alert_min_severity: Literal["Minor", "Moderate", "Severe", "Extreme"] = "Severe"
    # --- text channels (haven.channels; README "SMS and WhatsApp") ---------------------------
    #: Who SMS replies come from (AWS End User Messaging SMS): the origination phone number, its
    #: id or ARN, or a pool's; bought outside CDK. None: SMS replies are not sent (AWS mode).
    sms_origination_identity: str | None = Field(default=None, min_length=3, max_length=256)
    #: A configuration set for SMS replies (events, opt-outs), if the deployment has one.
    sms_configuration_set: str | None = Field(default=None, min_length=1, max_length=256)
    #: The WhatsApp business phone number id replies come from (AWS End User Messaging Social:
    #: ``phone-number-id-...`` or its ARN). None: WhatsApp replies are not sent (AWS mode).
    whatsapp_phone_number_id: str | None = Field(default=None, min_length=3, max_length=256)
    #: The Meta Graph API version End User Messaging Social sends WhatsApp messages with.
    whatsapp_meta_api_version: str = Field(default="v20.0", pattern=r"^v\d{1,3}\.\d{1,3}$")
    log_level: str = "INFO"

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str, info: ValidationInfo) -> str:
        mode = info.data.get("mode", "aws")
        if not value:
            if mode == "local":
                return LOCAL_PUBLIC_URL
            raise ValueError("set HAVEN_PUBLIC_URL: the https URL people reach the API at")
        url = urlsplit(value)
        if url.scheme not in ("http", "https") or not url.hostname or url.query or url.fragment:
            raise ValueError("HAVEN_PUBLIC_URL must be an http(s) URL with a host and no query")
        if mode == "aws" and (url.scheme != "https" or _is_loopback(url.hostname)):
            raise ValueError("HAVEN_PUBLIC_URL must be a public https URL in AWS mode")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _one_signing_key_source(self) -> Settings:
        if self.signing_key is None and self.signing_key_secret_arn is None:
            raise ValueError("set HAVEN_SIGNING_KEY or HAVEN_SIGNING_KEY_SECRET_ARN")
        if self.auth_jwks_url is None and self.auth_jwks_file is None:
            raise ValueError("set HAVEN_AUTH_JWKS_URL or HAVEN_AUTH_JWKS_FILE")
        if self.mode == "aws" and self.auth_jwks_file is not None:
            raise ValueError("HAVEN_AUTH_JWKS_FILE is for local mode only")
        return self

    @property
    def is_local(self) -> bool:
        return self.mode == "local"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The validated settings of this process (cached: validated once per cold start)."""
    return Settings()
